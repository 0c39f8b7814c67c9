"""Browser tests: Debian's Chromium driven by Playwright, and axe-core on every page visited.

Never a downloaded browser: Playwright's Python package brings only its driver, and the
launch points at ``/usr/bin/chromium`` with the flags that keep it off the closed network.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("COPROD_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REPORT = ROOT / "var" / "axe-report.json"
LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _missing(what: str) -> None:
    message = f"{what}; run `make test`, which installs it"
    if os.environ.get("COPROD_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        _missing(f"Debian's Chromium is not installed at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": LAUNCH_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The CSP stays on: axe is evaluated through the driver, not injected as a script tag.
    return {**browser_context_args, "locale": "fr-CA", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing(f"axe-core is not installed at {AXE}")
    return AXE.read_text()


class AxeReport:
    """Every page checked by axe in this run, with its violation count (kept for the notes)."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}

    def record(self, name: str, violations: int) -> None:
        self.pages[name] = violations


@pytest.fixture(scope="session")
def axe_report() -> Iterator[AxeReport]:
    report = AxeReport()
    yield report
    REPORT.parent.mkdir(exist_ok=True)
    previous = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    REPORT.write_text(json.dumps({**previous, **report.pages}, indent=2, sort_keys=True))


@pytest.fixture
def check_a11y(page: Any, axe_source: str, axe_report: AxeReport) -> Any:
    """``check_a11y("name")``: run axe on the current page and fail on any WCAG 2.2 AA violation."""

    def check(name: str) -> None:
        page.evaluate(axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = result["violations"]
        axe_report.record(name, len(violations))
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
        ]
        assert not violations, f"axe found violations on {name} ({page.url}):\n" + "\n".join(
            details
        )

    return check


@pytest.fixture
def csp_errors(page: Any) -> list[str]:
    """Console messages that report a Content-Security-Policy violation: the pages must cause none."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return errors


def tab_to(page: Any, selector: str, *, max_presses: int = 80) -> None:
    """Press Tab until the element is focused: proof it is reachable with the keyboard alone."""
    target = page.locator(selector).first
    for _ in range(max_presses):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")

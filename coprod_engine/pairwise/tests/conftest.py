"""The All Our Ideas exports in ``../shared/data/pairwise``, one parameter per survey."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SHARED_DATA


@dataclass(frozen=True)
class Export:
    name: str
    ideas: Path
    votes: Path
    nonvotes: Path | None


def _exports() -> list[Export]:
    folder = SHARED_DATA / "pairwise"
    found = []
    for ideas in sorted(folder.rglob("*_ideas*.csv")):
        stem = ideas.name.split("_ideas")[0]
        votes = sorted(ideas.parent.glob(f"{stem}_votes*.csv"))
        nonvotes = sorted(ideas.parent.glob(f"{stem}_nonvotes*.csv"))
        name = str(ideas.relative_to(folder).parent / stem)
        found.append(Export(name, ideas, votes[0], nonvotes[0] if nonvotes else None))
    return found


def _params(exports: list[Export]) -> list[Export | None]:
    """One parameter per export, or a single ``None`` that skips when there are none."""
    return list(exports) or [None]


EXPORTS = _exports()
# Surveys with enough votes and ideas for a rank correlation to mean something.
LARGE_EXPORTS = [
    e
    for e in EXPORTS
    if sum(1 for _ in e.votes.open(encoding="utf-8")) > 200
    and sum(1 for _ in e.ideas.open(encoding="utf-8")) > 20
]


@pytest.fixture(params=_params(EXPORTS), ids=[e.name for e in EXPORTS] or ["absent"])
def export(request: pytest.FixtureRequest, shared_data: Path) -> Export:
    """Each All Our Ideas export (skips when ../shared/data is absent)."""
    if request.param is None:
        pytest.skip(f"no All Our Ideas exports under {shared_data / 'pairwise'}")
    return request.param


@pytest.fixture(params=_params(LARGE_EXPORTS), ids=[e.name for e in LARGE_EXPORTS] or ["absent"])
def large_export(request: pytest.FixtureRequest, shared_data: Path) -> Export:
    """The exports with more than 200 votes and 20 ideas."""
    if request.param is None:
        pytest.skip(f"no All Our Ideas exports under {shared_data / 'pairwise'}")
    return request.param

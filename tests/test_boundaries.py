"""The arrows that may exist between the parts of the house (DESIGN.md §2)."""

import ast
import subprocess
import sys
from pathlib import Path


def test_it_imports_the_engine_without_django() -> None:
    code = (
        "import sys, pkgutil, importlib, coprod_engine\n"
        "for m in pkgutil.walk_packages(coprod_engine.__path__, 'coprod_engine.'):\n"
        "    if '.tests' in m.name or m.name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_it_answers_the_engine_command_line_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "coprod_engine", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("coprod-engine ")


METHOD_APPS = ("opinions", "wikisurveys", "budgets", "panels", "workshops")
ROOT = Path(__file__).resolve().parents[1] / "coprod"


def _imported_apps(path: Path) -> set[str]:
    """The coprod apps a source file imports, read from its syntax tree."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n.split(".")[1] for n in names if n.startswith("coprod.") and n.count(".") >= 1}


def _sources(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.parts]


def test_it_keeps_method_apps_apart() -> None:
    for app in METHOD_APPS:
        for path in _sources(app):
            others = _imported_apps(path) & (set(METHOD_APPS) - {app})
            assert others == set(), f"{path} imports {sorted(others)}"


def test_it_lets_the_spine_and_accounts_reach_methods_only_through_the_registry() -> None:
    for app in ("accounts", "processes"):
        for path in _sources(app):
            if path.name == "registry.py":
                continue
            methods = _imported_apps(path) & set(METHOD_APPS)
            assert methods == set(), f"{path} imports {sorted(methods)}"

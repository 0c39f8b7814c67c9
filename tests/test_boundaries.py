"""The arrows that may exist between the parts of the house (DESIGN.md §2)."""

import subprocess
import sys


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

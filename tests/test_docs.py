"""The documentation keeps up with the code."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_it_documents_every_environment_variable_the_settings_read() -> None:
    source = (ROOT / "coprod" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    documented = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "docs" / "settings.md").read_text(), re.M)
    )
    assert read, "the settings read no environment variable?"
    assert read - documented == set(), f"undocumented settings: {sorted(read - documented)}"


def test_it_names_the_two_commands_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()

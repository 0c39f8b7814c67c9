"""Every interface string is translated into French (Québec), with nothing fuzzy.

The catalogue is extracted afresh from the current code into a temporary copy, so a string
added without its translation fails here, not in front of a resident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path("locale") / "fr_CA" / "LC_MESSAGES" / "django.po"
EXTRACT = [
    "makemessages",
    "-l",
    "fr_CA",
    "--no-obsolete",
    "--no-location",
    "-v0",
    "--ignore=.venv",
    "--ignore=node_modules",
    "--ignore=staticfiles",
    "--ignore=coprod_engine/*",
    "--ignore=bench/*",
    "--ignore=var/*",
]


@dataclass
class Entry:
    msgid: str
    translations: list[str]
    fuzzy: bool


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')]


def parse_po(text: str) -> list[Entry]:
    """The entries of a gettext catalogue (enough of the format for this check)."""
    entries = []
    for block in text.strip().split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith(("msgid", "msgstr")):
                current = line.split(" ", 1)[0]
                fields[current] = _unquote(line)
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
        if "msgid" in fields:
            translations = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append(Entry(fields["msgid"], translations, fuzzy))
    return entries


def test_it_reads_a_catalogue_with_plurals_and_fuzzy_flags() -> None:
    entries = parse_po(
        'msgid ""\nmsgstr "Language: fr_CA\\n"\n\n#, fuzzy\nmsgid "Save"\nmsgstr ""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "un"\nmsgstr[1] ""\n"s"\n'
    )
    assert [(e.msgid, e.translations, e.fuzzy) for e in entries[1:]] == [
        ("Save", [""], True),
        ("one", ["un", "s"], False),
    ]


def test_it_translates_every_interface_string_into_french(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext is not installed; .ci/run installs it")
        pytest.skip("gettext (xgettext) is not installed")
    # makemessages writes into the project it runs in: run it on a copy of the sources.
    for part in ("coprod", "templates", "locale"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run([sys.executable, "manage.py", *EXTRACT], cwd=tmp_path, check=True)
    entries = parse_po((tmp_path / CATALOGUE).read_text())[1:]  # the first entry is the header
    missing = [e.msgid for e in entries if not all(e.translations)]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    assert len(entries) > 100
    assert missing == [], f"{len(missing)} strings have no French translation, e.g. {missing[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} French translations are fuzzy, e.g. {fuzzy[:10]}"


def test_it_ships_the_compiled_catalogue_in_step_with_its_source(tmp_path: Path) -> None:
    """The committed .mo lets `make demo` run where gettext is absent; it must match the .po."""
    source, compiled = ROOT / CATALOGUE, (ROOT / CATALOGUE).with_suffix(".mo")
    assert compiled.exists(), "run `make messages` and commit the .mo file"
    if shutil.which("msgfmt") is None:
        pytest.skip("gettext (msgfmt) is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(source)], check=True)
    assert fresh.read_bytes() == compiled.read_bytes(), (
        "the .mo is stale: run `make messages` and commit it"
    )

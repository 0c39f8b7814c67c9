"""Read a pool file (Sortition Foundation layout) and report every bad row at once.

``people.csv`` holds one row per volunteer: ``name`` (or ``first_name`` and ``last_name``),
``email``, and one column per feature of the panel whose cell is a category key; other
columns (the file's own ids, addresses...) are ignored: each volunteer gets a pseudonym. ``features.csv`` (the
quotas, ``feature,value,min,max``) is read by the engine's reader.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.pool_csv import read_quotas
from coprod_engine.sortition import Quota

MAX_ROWS = 20_000


class PoolFileError(Exception):
    """The file cannot be imported; ``errors`` says why, row by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class PoolRow:
    line: int
    name: str
    email: str
    values: dict[str, str]


def read_feature_file(data: bytes) -> list[Quota]:
    """Quotas from a ``features.csv`` (or the paper's ``categories.csv``), via the engine."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "features.csv"
        path.write_bytes(data)
        try:
            return read_quotas(path)
        except InputFormatError as error:
            raise PoolFileError([str(error)]) from None


def _text(data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheets exported from Excel start with a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PoolFileError([_("The file is not UTF-8 text: save it as “CSV UTF-8”.")]) from None


def read_people_file(data: bytes, categories: dict[str, set[str]]) -> list[PoolRow]:
    """Rows of a ``people.csv`` checked against the panel's features (``key -> category keys``).

    Raises
    ------
    PoolFileError
        With one message per bad row (unknown category, missing e-mail, duplicate...).
    """
    reader = csv.DictReader(io.StringIO(_text(data), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [key for key in categories if key not in header]
    if "email" not in header:
        missing.append("email")
    if not header or missing:
        raise PoolFileError(
            [_("Columns missing from the file: %(columns)s.") % {"columns": ", ".join(missing)}]
        )
    errors: list[str] = []
    rows: list[PoolRow] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise PoolFileError([_("The file has more than %(max)d rows.") % {"max": MAX_ROWS}])
        row, problems = _row(line, record, categories)
        if row and row.email in seen:
            problems.append(
                _("Line %(line)d: the e-mail address is already on line %(first)d.")
                % {"line": line, "first": seen[row.email]}
            )
        errors += problems
        if row and not problems:
            seen[row.email] = line
            rows.append(row)
    if errors:
        raise PoolFileError(errors)
    if not rows:
        raise PoolFileError([_("The file has no volunteers.")])
    return rows


def _row(
    line: int, record: dict[str, str | None], categories: dict[str, set[str]]
) -> tuple[PoolRow | None, list[str]]:
    cell = {key: (value or "").strip() for key, value in record.items() if key}
    name = cell.get("name") or " ".join(
        part for part in (cell.get("first_name", ""), cell.get("last_name", "")) if part
    )
    email = cell.get("email", "").lower()
    problems = []
    try:
        validate_email(email)
    except ValidationError:
        problems.append(
            _("Line %(line)d: “%(email)s” is not an e-mail address.")
            % {"line": line, "email": email}
            if email
            else _("Line %(line)d: the e-mail address is missing.") % {"line": line}
        )
    for key, allowed in categories.items():
        value = cell.get(key, "")
        if value not in allowed:
            problems.append(
                _("Line %(line)d: %(feature)s “%(value)s” is not one of: %(allowed)s.")
                % {
                    "line": line,
                    "feature": key,
                    "value": value,
                    "allowed": ", ".join(sorted(allowed)),
                }
            )
    values = {key: cell.get(key, "") for key in categories}
    return PoolRow(line, name or email.split("@")[0], email, values), problems

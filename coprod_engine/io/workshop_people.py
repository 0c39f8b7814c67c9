"""Reader for the workshop people CSV of ``coprod-engine groups form``.

One row per person, UTF-8 (a BOM is accepted), comma-separated, with a header:

- ``id`` (required, unique): the person's identifier;
- ``pin`` (optional): the 0-based table a person keeps in every round (a world café host);
- ``languages`` (optional): languages spoken, ``;``-separated (``fr;en``);
- any other column is a categorical attribute to diversify (``role``, ``knowledge``,
  ``organisation``, ``age_band``, ...); an empty cell is a missing value.
"""

from __future__ import annotations

import csv
from pathlib import Path

from coprod_engine.exceptions import InputFormatError


def read_people_csv(path: str | Path) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """People (id -> attributes, in file order) and their pins (id -> table).

    Raises
    ------
    InputFormatError
        Without an ``id`` column, on a duplicate or empty id, or a non-integer pin.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise InputFormatError(f"{path}: the header must have an 'id' column")
        people: dict[str, dict[str, str]] = {}
        pins: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            person = (row.pop("id") or "").strip()
            if not person or person in people:
                raise InputFormatError(f"{path}:{line}: empty or duplicate id {person!r}")
            pin = (row.pop("pin", "") or "").strip()
            if pin:
                try:
                    pins[person] = int(pin)
                except ValueError as error:
                    raise InputFormatError(f"{path}:{line}: pin must be a table number") from error
            people[person] = {k: (v or "").strip() for k, v in row.items() if k is not None}
    if not people:
        raise InputFormatError(f"{path}: no people")
    return people, pins

"""Read a sortition pool and its quotas from CSV files.

Two layouts are accepted, recognised by the quota file's header:

* the Sortition Foundation's (``sortition-algorithms``): ``features.csv`` with columns
  ``feature,value,min,max[,min_flex,max_flex]`` and ``people.csv`` with an id column and
  one column per feature (other columns, such as names and addresses, are ignored);
* the replication package of Flanigan et al. (2021): ``categories.csv`` with columns
  ``category,feature,min,max`` (a *category* there is our feature, a *feature* our value)
  and ``respondents.csv`` with one column per category and no id: people are then named
  ``p0, p1, ...`` in row order, as in the Sortition Foundation copies of those instances.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from coprod_engine.exceptions import InputFormatError
from coprod_engine.sortition.pool import Quota


@dataclass(frozen=True)
class PoolFile:
    """A pool read from disk: person ids, their feature values, and the quotas."""

    ids: list[str]
    features: dict[str, list[str]]
    quotas: list[Quota]


def read_pool(people: Path, quotas: Path, *, id_column: str | None = None) -> PoolFile:
    """Read ``people`` (people.csv / respondents.csv) and ``quotas`` (features.csv / categories.csv).

    Parameters
    ----------
    people, quotas : Path
    id_column : str, optional, keyword-only
        Column holding person ids; by default the first column that is not a quota feature,
        else row numbers ``p0, p1, ...``.

    Raises
    ------
    InputFormatError
        Missing columns, non-integer bounds, duplicate ids, missing values.
    """
    quota_list = read_quotas(quotas)
    header, rows = _read_csv(people)
    names = list(dict.fromkeys(q.feature for q in quota_list))
    if missing := [name for name in names if name not in header]:
        raise InputFormatError(f"{people.name}: no column for the quota features {missing}")
    if id_column is None:
        id_column = next((column for column in header if column not in names), None)
    elif id_column not in header:
        raise InputFormatError(f"{people.name}: no id column {id_column!r}")
    ids = (
        [row[id_column].strip() for row in rows]
        if id_column
        else [f"p{i}" for i in range(len(rows))]
    )
    if any(not pid for pid in ids):
        raise InputFormatError(f"{people.name}: a person has an empty id")
    features = {name: [(row[name] or "").strip() for row in rows] for name in names}
    return PoolFile(ids, features, quota_list)


def read_quotas(path: Path) -> list[Quota]:
    """Read quota rows from a Sortition Foundation ``features.csv`` or a paper ``categories.csv``."""
    header, rows = _read_csv(path)
    if {"feature", "value", "min", "max"} <= set(header):
        feature_key, value_key = "feature", "value"
    elif {"category", "feature", "min", "max"} <= set(header):
        feature_key, value_key = "category", "feature"
    else:
        raise InputFormatError(
            f"{path.name}: expected columns feature,value,min,max or category,feature,min,max; got {header}"
        )
    quotas = []
    for line, row in enumerate(rows, start=2):
        try:
            flex = {
                key: int(row[key]) if row.get(key, "").strip() else None
                for key in ("min_flex", "max_flex")
            }
            quotas.append(
                Quota(
                    row[feature_key].strip(),
                    row[value_key].strip(),
                    int(row["min"]),
                    int(row["max"]),
                    **flex,
                )
            )
        except (TypeError, ValueError) as error:
            raise InputFormatError(
                f"{path.name}, line {line}: bounds must be integers ({error})"
            ) from None
    return quotas


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        # utf-8-sig: spreadsheets exported from Excel start with a byte-order mark.
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = header
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputFormatError(f"cannot read {path}: {error}") from None
    if not header:
        raise InputFormatError(f"{path.name} is empty")
    return header, rows

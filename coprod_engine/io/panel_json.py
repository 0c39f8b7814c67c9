"""Write a panel selection as JSON (the audit record) and read it back."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from coprod_engine.exceptions import InputFormatError
from coprod_engine.sortition.select import PanelSelection

AUDIT_KEYS = ("panel", "seed", "input_hash", "algorithm", "engine_version")


def write_selection(selection: PanelSelection, path: Path) -> None:
    """Write ``selection`` as JSON: probabilities, portfolio, panel, seed, hash, version."""
    path.write_text(
        json.dumps(asdict(selection), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def read_audit(path: Path) -> dict[str, Any]:
    """Read the fields of a recorded selection needed to replay it."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputFormatError(f"cannot read the audit record {path}: {error}") from None
    if not isinstance(record, dict):
        raise InputFormatError(f"{path.name} is not a panel selection record")
    if missing := [key for key in AUDIT_KEYS if key not in record]:
        raise InputFormatError(f"{path.name} is not a panel selection record (missing {missing})")
    return record

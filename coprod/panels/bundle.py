"""The replay bundle of a draw: the pseudonymous pool, the quotas and the audit record.

``coprod-engine panel replay record.json --people people.csv --features features.csv``
on these three files recomputes the draw and exits 0 only if it gives the same panel.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from coprod.panels.models import Draw


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def audit_record(draw: Draw) -> dict[str, object]:
    """The public audit record as plain data (what the CLI's ``replay`` reads)."""
    return {
        "panel": list(draw.panel_ids),
        "seed": draw.seed,
        "input_hash": draw.input_hash,
        "algorithm": draw.algorithm,
        "engine_version": draw.engine_version,
        "pool_size": draw.pool_size,
        "drawn_at": draw.drawn_at.isoformat(),
        "probabilities": {
            "min": draw.probability_min,
            "max": draw.probability_max,
            "mean": draw.probability_mean,
            "gini": draw.probability_gini,
        },
        "quotas": draw.quotas,
    }


def replay_bundle(draw: Draw) -> dict[str, str]:
    """File name -> content: ``people.csv``, ``features.csv`` and ``record.json``."""
    ids: list[str] = draw.pool["ids"]
    features: dict[str, list[str]] = draw.pool["features"]
    names = list(features)
    people = [["id", *names]] + [
        [pid, *(features[name][i] for name in names)] for i, pid in enumerate(ids)
    ]
    quotas = [["feature", "value", "min", "max"], *draw.quotas]
    return {
        "people.csv": _csv(people),
        "features.csv": _csv(quotas),
        "record.json": json.dumps(audit_record(draw), indent=1, ensure_ascii=False) + "\n",
    }

"""Wiki surveys (All Our Ideas-style): scores, Bradley-Terry fit, next-pair choice.

Plain arrays in (votes as ``winners``/``losers`` item indices, skips as pairs), dataclasses
out. See ``docs/engine-pairwise.md``.

The public names are imported on first use (PEP 562), so that ``coprod-engine --help``,
which imports :mod:`coprod_engine.pairwise.cli`, does not pay for numpy and scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coprod_engine.pairwise.aoi_score import AOIScores, aoi_scores, laplace_score
    from coprod_engine.pairwise.bt_fit import BTFit, bradley_terry
    from coprod_engine.pairwise.selection import Pair, next_pair, pair_counts
    from coprod_engine.pairwise.subgroups import GroupScores, scores_by_group

_WHERE = {
    "AOIScores": "aoi_score",
    "aoi_scores": "aoi_score",
    "laplace_score": "aoi_score",
    "BTFit": "bt_fit",
    "bradley_terry": "bt_fit",
    "Pair": "selection",
    "next_pair": "selection",
    "pair_counts": "selection",
    "GroupScores": "subgroups",
    "scores_by_group": "subgroups",
}

__all__ = [
    "AOIScores",
    "BTFit",
    "GroupScores",
    "Pair",
    "aoi_scores",
    "bradley_terry",
    "laplace_score",
    "next_pair",
    "pair_counts",
    "scores_by_group",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value

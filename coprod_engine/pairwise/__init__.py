"""Wiki surveys (All Our Ideas-style): scores, Bradley-Terry fit, next-pair choice.

Plain arrays in (votes as ``winners``/``losers`` item indices, skips as pairs), dataclasses
out. See ``docs/engine-pairwise.md``.
"""

from coprod_engine.pairwise.aoi_score import AOIScores, aoi_scores, laplace_score
from coprod_engine.pairwise.bradley_terry import BTFit, bradley_terry
from coprod_engine.pairwise.selection import Pair, next_pair, pair_counts
from coprod_engine.pairwise.subgroups import GroupScores, scores_by_group

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

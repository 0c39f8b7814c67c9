"""Opinion maps (Polis-style): vote matrix, projection, clustering, repness, consensus.

The public entry points are :func:`opinion_map` (votes as arrays → :class:`OpinionMap`) and
:func:`opinion_map_update` (fold new votes into the previous :class:`OpinionState`).
"""

from coprod_engine.opinion.map import (
    OpinionMap,
    OpinionState,
    compute_map,
    opinion_map,
    opinion_map_update,
)
from coprod_engine.opinion.matrix import VoteMatrix, vote_matrix

__all__ = [
    "OpinionMap",
    "OpinionState",
    "VoteMatrix",
    "compute_map",
    "opinion_map",
    "opinion_map_update",
    "vote_matrix",
]

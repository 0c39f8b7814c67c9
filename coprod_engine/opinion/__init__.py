"""Opinion maps (Polis-style): vote matrix, projection, clustering, repness, consensus.

The public entry points are :func:`opinion_map` (votes as arrays → :class:`OpinionMap`) and
:func:`opinion_map_update` (fold new votes into the previous :class:`OpinionState`);
:func:`state_to_bytes` / :func:`state_from_bytes` carry the state between processes;
:func:`polis_state` builds it from the Polis server's math blob, to continue a conversation
migrated from Polis.
"""

from coprod_engine.opinion.map import (
    OpinionMap,
    OpinionState,
    compute_map,
    opinion_map,
    opinion_map_update,
)
from coprod_engine.opinion.matrix import VoteMatrix, vote_matrix
from coprod_engine.opinion.polis_state import PolisMath, polis_state, read_polis_math
from coprod_engine.opinion.state import state_from_bytes, state_to_bytes

__all__ = [
    "OpinionMap",
    "OpinionState",
    "PolisMath",
    "VoteMatrix",
    "compute_map",
    "opinion_map",
    "opinion_map_update",
    "polis_state",
    "read_polis_math",
    "state_from_bytes",
    "state_to_bytes",
    "vote_matrix",
]

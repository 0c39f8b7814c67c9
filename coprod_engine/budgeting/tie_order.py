"""The tie-breaking order recommended by equalshares.net, with its lot drawn from a seed.

The rules take this order through their existing API: reorder the projects (costs,
ballot columns and ids) by :func:`lot_tie_order` and pass ``tie_breaking="index"``, so a
tie goes to the project that comes first. Nothing inside the rules changes.

References
----------
.. [1] equalshares.net, "Tie-breaking": lowest cost first, then the highest number of
   votes, then a lot drawn once before counting and reused by every completion step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coprod_engine._random import rng
from coprod_engine.exceptions import InputFormatError


def lot_tie_order(costs: ArrayLike, support: ArrayLike, *, seed: int) -> NDArray[np.int64]:
    """Project indices in tie-breaking order: lowest cost, then most votes, then a lot.

    Parameters
    ----------
    costs : array_like of float, shape (P,)
        Cost of each project.
    support : array_like of float, shape (P,)
        Votes (approvals, or total points) each project received.
    seed : int
        Seed of the lot; announce and store it with the result, so anyone can replay it.

    Returns
    -------
    ndarray of int, shape (P,)
        ``order[0]`` wins a tie against every other project, and so on.
    """
    cost = np.asarray(costs, dtype=np.float64)
    votes = np.asarray(support, dtype=np.float64)
    if cost.ndim != 1 or votes.shape != cost.shape:
        raise InputFormatError("costs and support must be 1-D arrays of the same length")
    lot = rng(seed).permutation(cost.size)
    # lexsort sorts by the last key first: cost, then votes (descending), then the lot.
    return np.lexsort((lot, -votes, cost)).astype(np.int64)

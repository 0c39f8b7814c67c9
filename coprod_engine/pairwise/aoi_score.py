"""All Our Ideas' published score: a Laplace-smoothed share of wins.

Every idea keeps two counters, its wins ``W`` and losses ``L``; its score is

.. math:: s_i = 100 \\, \\frac{W_i + 1}{W_i + L_i + 2}

the posterior mean of its win probability under a uniform Beta(1, 1) prior. A new idea
starts at 50. With (near-)uniform pairing it estimates the chance that the idea beats a
randomly chosen other idea (Salganik & Levy 2015). It is exactly what allourideas.org
publishes (``Choice#compute_score`` in allourideas/pairwise-api), so an export's ``Score``
column can be recomputed from its votes to the 4 decimals the export keeps.

References
----------
.. [1] M. J. Salganik and K. E. C. Levy, "Wiki Surveys: Open and Quantifiable Social
   Data Collection", PLoS ONE 10(5): e0123483, 2015.
.. [2] allourideas/pairwise-api, ``app/models/choice.rb``, ``compute_score``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coprod_engine.pairwise._votes import IntArray, as_pairs, as_votes, involvement, votes_hash


@dataclass(frozen=True, slots=True)
class AOIScores:
    """All Our Ideas' scores, one entry per item.

    Attributes
    ----------
    scores : ndarray of float
        ``100 (W + 1) / (W + L + 2)``, on All Our Ideas' 0-100 scale.
    wins, losses : ndarray of int
        Votes won and lost.
    comparisons : ndarray of int
        ``wins + losses``: votes the item took part in.
    cant_decide : ndarray of int
        Skips ("I can't decide") the item was part of; they never move a score.
    input_hash : str
        SHA-256 of the votes and skips, to audit a replay.
    """

    scores: NDArray[np.float64]
    wins: IntArray
    losses: IntArray
    comparisons: IntArray
    cant_decide: IntArray
    input_hash: str


def aoi_scores(
    winners: ArrayLike,
    losers: ArrayLike,
    n_items: int,
    *,
    skips: ArrayLike | None = None,
) -> AOIScores:
    """All Our Ideas' published score of every item, from its votes.

    Parameters
    ----------
    winners, losers : array_like of int, shape (V,)
        Vote ``k``: item ``winners[k]`` was preferred to item ``losers[k]``. Pass valid
        votes only (an export's ``Valid`` column); All Our Ideas does not count the others.
    n_items : int
        Number of items ``K``; indices run over ``[0, K)``.
    skips : array_like of int, shape (m, 2), optional
        The pairs (left, right) a voter skipped. Counted in ``cant_decide``; they do not
        move any score.

    Returns
    -------
    AOIScores

    Raises
    ------
    InputFormatError
        If an index is out of range, an item is paired with itself or the shapes differ.

    References
    ----------
    .. [1] Salganik & Levy (2015), PLoS ONE 10(5): e0123483.
    """
    won, lost = as_votes(winners, losers, n_items)
    skipped = as_pairs(skips, n_items, "skips")
    wins = np.bincount(won, minlength=n_items).astype(np.int64)
    losses = np.bincount(lost, minlength=n_items).astype(np.int64)
    return AOIScores(
        scores=laplace_score(wins, losses),
        wins=wins,
        losses=losses,
        comparisons=wins + losses,
        cant_decide=involvement(skipped, n_items),
        input_hash=votes_hash(won, lost, skipped, n_items),
    )


def laplace_score(wins: ArrayLike, losses: ArrayLike) -> NDArray[np.float64]:
    """``100 (W + 1) / (W + L + 2)`` from win and loss counters (O(1) per vote to keep)."""
    w = np.asarray(wins, dtype=np.float64)
    return 100.0 * (w + 1.0) / (w + np.asarray(losses, dtype=np.float64) + 2.0)

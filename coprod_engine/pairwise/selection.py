"""Adaptive choice of the next pair to show a voter, in O(K) per call.

All Our Ideas' "catchup" sampler weighs every ordered pair of active ideas by
``min(1 / (v_lr + 1), 0.05)`` (``v_lr`` = votes on that prompt); it holds K^2 weights, so
allourideas.org switches it off past 1,000 ideas and falls back to uniform pairs. We keep
its intent (new ideas and under-compared pairs catch up) at O(K + m) per call, where ``m``
is the number of pairs this voter already saw, by drawing the pair in two stages:

1. the first item with weight :math:`(n_i + 1)^{-c}` (``n_i`` = votes it took part in,
   ``c`` = ``catchup``): a new idea (``n = 0``) is the likeliest pick until its count
   catches up with the others;
2. its opponent among the items not yet paired with it for this voter, with weight
   :math:`(n_j + 1)^{-c}`, times All Our Ideas' pair weight
   :math:`\\min(1/(v_{ij}+1), \\tau)/\\tau` when pair counts are given (so only heavily voted
   pairs are held back), times :math:`\\epsilon + 4 p_{ij}(1 - p_{ij})` when Bradley-Terry
   strengths are given (close contests carry the most information).

The opponent is drawn by rejection sampling (proposed by item weight, accepted with its
pair factor, which is at most 1), so a call costs O(K) once plus O(log K) per proposal.

With probability ``exploration`` both stages are uniform instead, as All Our Ideas' simple
random sampler: every pair keeps a positive chance, and the Laplace score, which assumes
near-uniform pairing, stays meaningful. Sides are drawn at random (position bias).

References
----------
.. [1] allourideas/pairwise-api, ``Question#catchup_choose_prompt`` and
   ``Question#simple_random_choose_prompt`` (``app/models/question.rb``).
.. [2] M. J. Salganik and K. E. C. Levy, "Wiki Surveys", PLoS ONE 10(5), 2015.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.special import expit

from coprod_engine._random import rng
from coprod_engine.exceptions import EngineError, InputFormatError
from coprod_engine.pairwise._votes import as_pairs, as_votes

# All Our Ideas' cap on a pair's weight: pairs with at most 19 votes weigh the same.
PAIR_CAP = 0.05
# Floor of the informativeness factor, so lopsided pairs keep a chance.
INFORMATIVE_FLOOR = 0.1
# Opponent proposals before falling back to the O(K) draw.
REJECTION_TRIES = 32


@dataclass(frozen=True, slots=True)
class Pair:
    """The pair to show: ``left`` and ``right`` are item indices."""

    left: int
    right: int


def next_pair(
    comparisons: ArrayLike,
    *,
    seed: int,
    seen: ArrayLike | None = None,
    active: ArrayLike | None = None,
    strengths: ArrayLike | None = None,
    pair_counts: sparse.csr_array | sparse.csr_matrix | None = None,
    catchup: float = 1.0,
    exploration: float = 0.1,
) -> Pair | None:
    """Choose the next pair for a voter.

    Parameters
    ----------
    comparisons : array_like of int, shape (K,)
        Votes each item took part in so far (``AOIScores.comparisons``).
    seed : int
        Seed of this draw (store it with the appearance to replay it).
    seen : array_like of int, shape (m, 2), optional
        Pairs this voter already voted on or skipped, in either order; never shown again.
    active : array_like of bool, shape (K,), optional
        Items that may be shown (default: all). Inactive ones are never drawn.
    strengths : array_like of float, shape (K,), optional
        Bradley-Terry log-strengths (``BTFit.strengths``): favour close contests.
    pair_counts : scipy CSR matrix, shape (K, K), optional
        Votes on each unordered pair, stored symmetrically (see :func:`pair_counts`).
    catchup : float, default 1.0
        Exponent ``c`` of the item weight ``(n + 1)^-c``; 0 ignores the counts.
    exploration : float, default 0.1
        Probability of a uniformly random pair instead.

    Returns
    -------
    Pair or None
        ``None`` when this voter has seen every pair of active items.

    Raises
    ------
    InputFormatError
        On arrays of the wrong shape or indices out of range.
    EngineError
        If fewer than two items are active or an option is out of range.
    """
    counts = np.asarray(comparisons)
    if counts.dtype.kind not in "biuf":
        counts = np.asarray(comparisons, dtype=np.float64)
    if counts.ndim != 1:
        raise InputFormatError("comparisons must be a 1-D array, one count per item")
    n_items = counts.size
    if catchup < 0 or not 0 <= exploration <= 1:
        raise EngineError("catchup must be >= 0 and exploration within [0, 1]")
    # Without an ``active`` mask every item is allowed: the weights are computed without
    # the mask (the same values, fewer passes over K items).
    allowed = None if active is None else _active(active, n_items)
    n_active = n_items if allowed is None else int(np.count_nonzero(allowed))
    if n_active < 2:
        raise EngineError("at least two active items are needed to draw a pair")
    seen_pairs = as_pairs(seen, n_items, "seen")
    generator = rng(seed)
    explore = generator.random() < exploration

    if explore:
        item_weight = np.ones(n_items) if allowed is None else allowed.astype(np.float64)
    else:
        # (n + 1)^-c; the default c = 1 without a costly power.
        denominator = counts + 1.0 if catchup == 1.0 else (counts + 1.0) ** catchup
        item_weight = 1.0 / denominator if allowed is None else allowed / denominator
    first_weight = item_weight
    # An item is exhausted only once the voter saw it with every other active item.
    if seen_pairs.shape[0] >= n_active - 1:
        mask = np.ones(n_items, dtype=bool) if allowed is None else allowed
        first_weight = item_weight * ~_exhausted(seen_pairs, mask)
        if not first_weight.any():
            return None
    theta = None
    if strengths is not None and not explore:
        theta = np.asarray(strengths, dtype=np.float64)
        if theta.shape != counts.shape:
            raise InputFormatError("strengths must have one value per item")
    counts_matrix = pair_counts if not explore else None
    if counts_matrix is not None:
        _check_pair_counts(counts_matrix, n_items)
    cumulative = np.cumsum(first_weight)
    first = _draw_cumulative(cumulative, generator)
    with_first = seen_pairs[(seen_pairs[:, 0] == first) | (seen_pairs[:, 1] == first)]
    partners = with_first.sum(axis=1) - first  # the other item of each pair
    # Rejection sampling: propose an opponent by item weight alone (the cumulative sums
    # are already there), accept it with its pair factor (<= 1). Exact, and O(log K) per
    # proposal instead of O(K); after a run of rejections, the vectorised draw.
    envelope = cumulative if first_weight is item_weight else np.cumsum(item_weight)
    excluded = {first, *partners.tolist()}
    second = -1
    for _ in range(REJECTION_TRIES):
        candidate = _draw_cumulative(envelope, generator)
        if candidate in excluded:
            continue
        factor = _pair_factor_one(first, candidate, theta, counts_matrix)
        if generator.random() < factor:
            second = candidate
            break
    if second < 0:
        second_weight = item_weight.copy()
        second_weight[list(excluded)] = 0.0
        second_weight *= _pair_factor(first, np.arange(n_items), theta, counts_matrix)
        second = _draw_cumulative(np.cumsum(second_weight), generator)
    if generator.random() < 0.5:
        return Pair(left=first, right=second)
    return Pair(left=second, right=first)


def pair_counts(winners: ArrayLike, losers: ArrayLike, n_items: int) -> sparse.csr_array:
    """Votes per unordered pair as a symmetric CSR matrix, for :func:`next_pair`."""
    won, lost = as_votes(winners, losers, n_items)
    ones = np.ones(2 * won.size)
    rows = np.concatenate([won, lost])
    cols = np.concatenate([lost, won])
    matrix = sparse.csr_array((ones, (rows, cols)), shape=(n_items, n_items))
    matrix.sum_duplicates()
    return matrix


def _active(active: ArrayLike | None, n_items: int) -> NDArray[np.bool_]:
    if active is None:
        return np.ones(n_items, dtype=bool)
    mask = np.asarray(active, dtype=bool)
    if mask.shape != (n_items,):
        raise InputFormatError("active must hold one flag per item")
    return mask


def _exhausted(seen: NDArray[np.int64], allowed: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Items this voter has already seen paired with every other active item."""
    n_items = allowed.size
    both_active = allowed[seen[:, 0]] & allowed[seen[:, 1]] & (seen[:, 0] != seen[:, 1])
    pairs = np.sort(seen[both_active], axis=1)
    distinct = np.unique(pairs[:, 0] * n_items + pairs[:, 1])
    partners = np.bincount(distinct // n_items, minlength=n_items) + np.bincount(
        distinct % n_items, minlength=n_items
    )
    return partners >= np.count_nonzero(allowed) - 1


def _check_pair_counts(counts: sparse.csr_array | sparse.csr_matrix, n_items: int) -> None:
    if counts.shape != (n_items, n_items) or counts.format != "csr":
        raise InputFormatError("pair_counts must be a K x K CSR matrix")


def _pair_factor(
    first: int,
    others: NDArray[np.int64],
    theta: NDArray[np.float64] | None,
    counts: sparse.csr_array | sparse.csr_matrix | None,
) -> NDArray[np.float64]:
    """The opponent factor in [0, 1]: All Our Ideas' pair weight over its cap, times the
    informativeness of the contest over its maximum."""
    factor = np.ones(others.size)
    if counts is not None:
        start, end = counts.indptr[first], counts.indptr[first + 1]
        columns = counts.indices[start:end]
        votes = np.zeros(others.size)
        if columns.size:
            if counts.has_sorted_indices:
                where = np.minimum(np.searchsorted(columns, others), columns.size - 1)
            else:
                order = np.argsort(columns)
                columns = columns[order]
                where = order[np.minimum(np.searchsorted(columns, others), columns.size - 1)]
            found = counts.indices[start:end][where] == others
            votes[found] = counts.data[start:end][where[found]]
        factor *= np.minimum(1.0 / (votes + 1.0), PAIR_CAP) / PAIR_CAP
    if theta is not None:
        p = expit(theta[first] - theta[others])
        factor *= (INFORMATIVE_FLOOR + 4.0 * p * (1.0 - p)) / (INFORMATIVE_FLOOR + 1.0)
    return factor


def _pair_factor_one(
    first: int,
    other: int,
    theta: NDArray[np.float64] | None,
    counts: sparse.csr_array | sparse.csr_matrix | None,
) -> float:
    """:func:`_pair_factor` for one opponent, in scalars: a proposal costs microseconds."""
    factor = 1.0
    if counts is not None:
        start, end = int(counts.indptr[first]), int(counts.indptr[first + 1])
        columns = counts.indices[start:end]
        if counts.has_sorted_indices:
            where = start + int(np.searchsorted(columns, other))
            found = where < end and counts.indices[where] == other
        else:
            hits = np.flatnonzero(columns == other)
            found, where = hits.size > 0, start + int(hits[0]) if hits.size else end
        votes = float(counts.data[where]) if found else 0.0
        factor = min(1.0 / (votes + 1.0), PAIR_CAP) / PAIR_CAP
    if theta is not None:
        p = 1.0 / (1.0 + math.exp(-max(min(theta[first] - theta[other], 700.0), -700.0)))
        factor *= (INFORMATIVE_FLOOR + 4.0 * p * (1.0 - p)) / (INFORMATIVE_FLOOR + 1.0)
    return factor


def _draw_cumulative(cumulative: NDArray[np.float64], generator: np.random.Generator) -> int:
    """An index drawn with probability proportional to its weight, from cumulative sums."""
    total = cumulative[-1]
    index = int(np.searchsorted(cumulative, generator.random() * total, side="right"))
    if index >= cumulative.size:
        # Rounding landed on the total: take the last item of positive weight.
        index = int(np.searchsorted(cumulative, total, side="left"))
    return index

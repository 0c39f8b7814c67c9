"""Maximally Diverse Grouping Problem (MDGP): iterated tabu search with swap and move moves.

Split ``n`` elements into ``G`` groups with sizes in ``[lower_g, upper_g]`` so as to maximise
the sum of the distances between members of the same group,

    f(x) = sum_g sum_{i<j in g} d_ij.

The search keeps, for every element ``i`` and group ``g``, the sum ``S[i, g]`` of the
distances from ``i`` to the members of ``g``. The gain of every swap and of every move is
then read off ``S`` in O(1), and applying a move updates two columns of ``S`` in O(n). The
steps, kicks and restarts run in a compiled kernel (``_mdgp_kernel``, numba) that skips
blocks of swaps by a bound; this module checks the input, drives the kernel in chunks
(reading the clock between them) and returns the best grouping.

References
----------
Gallego M., Laguna M., Martí R., Duarte A. (2013). Tabu search with strategic oscillation for
the maximally diverse grouping problem. *J. Oper. Res. Soc.* 64, 724-734.
Lai X., Hao J.-K. (2016). Iterated maxima search for the maximally diverse grouping problem.
*Eur. J. Oper. Res.* 254, 780-800.
Yang X., Cai Z., Jin T., Tang Z., Gao S. (2022). A three-phase search approach with dynamic
population size for solving the maximally diverse grouping problem. *Eur. J. Oper. Res.*
302, 925-953.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coprod_engine._random import input_hash, rng
from coprod_engine.exceptions import Infeasible, InputFormatError
from coprod_engine.grouping import _mdgp_kernel as _kernel

StopReason = Literal["iterations", "seconds", "target"]

# Tenure, round length and kick size as fractions of n, the walk's acceptance threshold,
# rounds without a new best before a restart, and the share of a ds budget spent on the
# most-pairs size profile; tuned on the MDGPLIB instances of shared/data (see
# docs/engine-grouping.md).
_TUNING = {
    "tenure": 0.1,
    "depth": 4.0,
    "strength": 0.05,
    "acceptance": 0.001,
    "restart": 4,
    "profile_share": 0.8,
}

# Pair evaluations per call of the compiled kernel (a few hundredths of a second): the
# clock is read between calls.
_CHUNK_PAIRS = 20_000_000


@dataclass(frozen=True)
class DiverseGrouping:
    """The best grouping found: ``labels[i]`` is the group of element ``i``."""

    labels: NDArray[np.int64]
    objective: float
    iterations: int
    seconds: float
    stopped_by: StopReason
    seed: int
    input_hash: str
    group_count: int

    def groups(self) -> list[list[int]]:
        """Members of each group (empty groups included), in increasing order."""
        return [np.flatnonzero(self.labels == g).tolist() for g in range(self.group_count)]


def grouping_objective(distances: ArrayLike, labels: ArrayLike) -> float:
    """Sum of the within-group distances ``sum_g sum_{i<j in g} d_ij``."""
    d = np.asarray(distances, dtype=np.float64)
    lab = np.asarray(labels)
    same = lab[:, None] == lab[None, :]
    return float(np.triu(d * same, k=1).sum())


def _as_bounds(value: ArrayLike | int, groups: int, name: str) -> NDArray[np.int64]:
    bounds = np.broadcast_to(np.asarray(value, dtype=np.int64), (groups,)).copy()
    if np.any(bounds < 0):
        raise InputFormatError(f"{name} size bounds must be non-negative")
    return bounds


def _check_instance(
    distances: ArrayLike, lower: ArrayLike | int, upper: ArrayLike | int, groups: int | None
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    d = np.array(distances, dtype=np.float64)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise InputFormatError("distances must be a square matrix")
    if not np.allclose(d, d.T) or not np.all(np.isfinite(d)):
        raise InputFormatError("distances must be finite and symmetric")
    np.fill_diagonal(d, 0.0)
    if groups is None:
        groups = int(np.size(lower)) if np.ndim(lower) else int(np.size(upper))
    lo, hi = _as_bounds(lower, groups, "lower"), _as_bounds(upper, groups, "upper")
    n = d.shape[0]
    if np.any(lo > hi) or lo.sum() > n or hi.sum() < n:
        raise Infeasible(
            f"{n} elements cannot fill {groups} groups with sizes in the given bounds",
            report={"elements": n, "min_seats": int(lo.sum()), "max_seats": int(hi.sum())},
        )
    return d, lo, hi


def _largest_profile(
    lower: NDArray[np.int64], upper: NDArray[np.int64], n: int
) -> NDArray[np.int64]:
    """Group sizes maximising the number of within-group pairs, by dynamic programming.

    With distances of similar magnitude, the objective grows with ``sum_g C(s_g, 2)``, so
    this profile is where a ``ds`` search should start (a local search rarely finds it:
    reshaping the profile empties one group element by element, at a loss each time).
    """
    best = np.full(n + 1, -1, dtype=np.int64)
    best[0] = 0
    choice = np.zeros((lower.size, n + 1), dtype=np.int64)
    for g in range(lower.size):
        nxt = np.full(n + 1, -1, dtype=np.int64)
        for size in range(int(lower[g]), int(upper[g]) + 1):
            pairs = size * (size - 1) // 2
            prev = best[: n + 1 - size]
            cand = np.where(prev >= 0, prev + pairs, -1)
            better = cand > nxt[size:]
            nxt[size:][better] = cand[better]
            choice[g, size:][better] = size
        best = nxt
    sizes = np.zeros(lower.size, dtype=np.int64)
    total = n
    for g in range(lower.size - 1, -1, -1):
        sizes[g] = choice[g, total]
        total -= sizes[g]
    return sizes


def _initial_labels(
    lower: NDArray[np.int64], upper: NDArray[np.int64], n: int, gen: np.random.Generator
) -> NDArray[np.int64]:
    """A random assignment with the size profile that has the most within-group pairs."""
    labels = np.repeat(np.arange(lower.size), _largest_profile(lower, upper, n))
    return gen.permutation(labels).astype(np.int64)


def max_diverse_grouping(
    distances: ArrayLike,
    *,
    lower: ArrayLike | int,
    upper: ArrayLike | int,
    groups: int | None = None,
    seed: int,
    seconds: float | None = 1.0,
    iterations: int | None = None,
    target: float | None = None,
    initial: ArrayLike | None = None,
) -> DiverseGrouping:
    """Maximise the within-group sum of distances by iterated tabu search.

    Parameters
    ----------
    distances : (n, n) array
        Symmetric non-negative distances; the diagonal is ignored.
    lower, upper : int or (G,) array of int
        Size bounds of each group (equal for the ``ss`` variant).
    groups : int, optional
        Number of groups when ``lower`` and ``upper`` are scalars.
    seed : int
        Seed of every random draw (initial solution, tenures, perturbations).
    seconds : float or None
        Wall-clock limit. A time-limited run depends on the machine's speed; give
        ``iterations`` instead (and ``seconds=None``) for a reproducible result.
    iterations : int or None
        Limit on tabu steps; same seed and same input then give the same grouping.
    target : float, optional
        Stop as soon as a grouping reaches this objective (e.g. a known optimum).
    initial : (n,) array of int, optional
        Starting labels (must meet the size bounds).

    Returns
    -------
    DiverseGrouping
        The best labels found, their objective, and how the search stopped.

    Raises
    ------
    Infeasible
        If the size bounds cannot hold ``n`` elements.

    Notes
    -----
    Each round of the search is a tabu search (Gallego et al. 2013; Lai & Hao 2016) over
    the swap neighbourhood, plus the move neighbourhood when sizes are flexible, that ends
    after ``4 n`` steps without improving the round's best. The next round starts from an
    anchor (the last round's best if within 0.1 % of the anchor) kicked by random swaps, or
    by moving several elements between two groups (``ds``); after 4 rounds without a new
    best, from a fresh random grouping (iterated local search with restarts). ``ds``
    searches spend 80 % of their budget on the size profile with the most within-group
    pairs (swaps only), then search all profiles from the best grouping found.
    """
    if seconds is None and iterations is None:
        raise ValueError("give a time limit (seconds) or an iteration limit")
    d, lo, hi = _check_instance(distances, lower, upper, groups)
    gen = rng(seed)
    n = d.shape[0]
    start = time.perf_counter()
    if initial is None:
        labels = _initial_labels(lo, hi, n, gen)
    else:
        labels = np.asarray(initial, dtype=np.int64).copy()
        sizes = np.bincount(labels, minlength=lo.size)
        if labels.shape != (n,) or np.any(sizes < lo) or np.any(sizes > hi):
            raise InputFormatError("initial labels do not meet the size bounds")
    # Integer distances make many moves tie; argmax would then always pick the lowest index
    # and the search cycles. A symmetric jitter far below the data's resolution breaks ties
    # at random (seeded); it changes an objective by at most n^2 * 1e-9 * max d, less than
    # the gap between two distinct objectives of integer (or 2-decimal) data.
    scale = float(np.abs(d).max()) or 1.0
    jitter = gen.random((n, n)) * (scale * 1e-9)
    noisy = d + jitter + jitter.T
    it = 0
    stopped_by: StopReason = "iterations"
    if initial is None and np.any(lo != hi):
        # ds: most of the budget (profile_share) on the most-pairs size profile with swaps
        # only (on RanInt_n120_ds_01 this beat moves and profile kicks on most seeds
        # tried), then the full search, moves included, from the best grouping found.
        profile = np.bincount(labels, minlength=lo.size)
        share = _TUNING["profile_share"]
        half_seconds = None if seconds is None else seconds * share
        half_iterations = None if iterations is None else int(iterations * share)
        labels, it, stopped_by = _iterated_search(
            noisy, profile, profile, labels, gen, seconds=half_seconds, iterations=half_iterations, target=target,
        )  # fmt: skip
    if stopped_by != "target":
        left_seconds = None if seconds is None else seconds - (time.perf_counter() - start)
        left_iterations = None if iterations is None else iterations - it
        labels, more, stopped_by = _iterated_search(
            noisy, lo, hi, labels, gen, seconds=left_seconds, iterations=left_iterations, target=target,
        )  # fmt: skip
        it += more
    return DiverseGrouping(
        labels=labels,
        objective=grouping_objective(d, labels),
        iterations=it,
        seconds=time.perf_counter() - start,
        stopped_by=stopped_by,
        seed=seed,
        input_hash=input_hash(d.tobytes(), lo.tobytes(), hi.tobytes()),
        group_count=int(lo.size),
    )


def _iterated_search(
    d: NDArray[np.float64],
    lower: NDArray[np.int64],
    upper: NDArray[np.int64],
    labels: NDArray[np.int64],
    gen: np.random.Generator,
    *,
    seconds: float | None,
    iterations: int | None,
    target: float | None,
) -> tuple[NDArray[np.int64], int, StopReason]:
    """Iterated tabu search from ``labels``; the best labels, the steps made, the stop.

    The compiled kernel runs the search in chunks of ``_CHUNK_PAIRS`` pair evaluations, and
    the clock is read between chunks; the state stays in the arrays, so the chunking does not change the result of a run limited by ``iterations``.
    """
    start = time.perf_counter()
    n, groups = d.shape[0], lower.size
    labels = labels.astype(np.int64, copy=True)
    sizes = np.zeros(groups, dtype=np.int64)
    S = np.zeros((n, groups))
    value = float(_kernel.start_state(d, labels, sizes, S))
    profile = _largest_profile(lower, upper, n)
    tabu = np.zeros((n, groups), dtype=np.int64)
    best_labels, anchor_labels, round_labels = labels.copy(), labels.copy(), labels.copy()
    ints = np.zeros(4, dtype=np.int64)
    floats = np.array([value, value, value, value])
    rstate = np.array([gen.integers(0, 2**63)], dtype=np.uint64)
    chunk = max(64, _CHUNK_PAIRS // (n * n))
    goal = np.inf if target is None else float(target)
    stopped_by: StopReason = "iterations"
    while True:
        todo = chunk if iterations is None else min(chunk, iterations - int(ints[0]))
        if todo <= 0:
            break
        _kernel.iterated_tabu(
            d, lower, upper, profile, labels, sizes, S, tabu, best_labels, anchor_labels,
            round_labels, ints, floats, rstate, todo, goal,
            max(3, int(n * _TUNING["tenure"])), max(50, int(n * _TUNING["depth"])),
            max(2, int(n * _TUNING["strength"])), _TUNING["acceptance"], int(_TUNING["restart"]),
        )  # fmt: skip
        if ints[3]:
            stopped_by = "target"
            break
        if seconds is not None and time.perf_counter() - start >= seconds:
            stopped_by = "seconds"
            break
    return best_labels, int(ints[0]), stopped_by

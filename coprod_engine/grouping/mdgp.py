"""Maximally Diverse Grouping Problem (MDGP): iterated tabu search with swap and move moves.

Split ``n`` elements into ``G`` groups with sizes in ``[lower_g, upper_g]`` so as to maximise
the sum of the distances between members of the same group,

    f(x) = sum_g sum_{i<j in g} d_ij.

The search keeps, for every element ``i`` and group ``g``, the sum ``S[i, g]`` of the
distances from ``i`` to the members of ``g``. The gain of every swap and of every move is
then read off ``S`` in a few vectorised numpy operations (O(n^2) per step, no Python loop
over candidates), and applying a move updates two columns of ``S`` in O(n).

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


class _TabuSearch:
    """State of one search: labels, sizes, the S matrix, the swap base and the tabu list.

    ``base[i, j]`` is ``-2 d_ij`` for elements of different groups and ``-inf`` within a
    group, kept up to date row by row, so the gain of every swap is one gather, one
    transpose-add and one add: ``gain = T + T.T + base`` with ``T[i, j] = S[i, g_j] -
    S[i, g_i]``. An element may not go back to the group it just left for a few steps.
    """

    def __init__(
        self,
        d: NDArray[np.float64],
        lower: NDArray[np.int64],
        upper: NDArray[np.int64],
        labels: NDArray[np.int64],
        gen: np.random.Generator,
    ) -> None:
        self.d, self.lower, self.upper, self.gen = d, lower, upper, gen
        self.n, self.groups = d.shape[0], lower.size
        self.rows = np.arange(self.n)
        self.flexible = bool(np.any(lower != upper))
        self.tabu = np.zeros((self.n, self.groups), dtype=np.int64)
        self._T = np.empty((self.n, self.n))
        self._swap = np.empty((self.n, self.n))
        self.reset(labels)

    def reset(self, labels: NDArray[np.int64]) -> None:
        self.labels = labels.copy()
        self.sizes = np.bincount(labels, minlength=self.groups)
        onehot = np.zeros((self.n, self.groups))
        onehot[self.rows, labels] = 1.0
        self.S = self.d @ onehot
        self.value = 0.5 * float(self.S[self.rows, labels].sum())
        self.base = -2.0 * self.d
        self.base[labels[:, None] == labels[None, :]] = -np.inf

    def _relabel(self, i: int, b: int) -> None:
        a = int(self.labels[i])
        self.S[:, a] -= self.d[:, i]
        self.S[:, b] += self.d[:, i]
        self.labels[i] = b
        self.sizes[a] -= 1
        self.sizes[b] += 1
        row = np.where(self.labels == b, -np.inf, -2.0 * self.d[i])
        self.base[i, :] = row
        self.base[:, i] = row

    def _best_swap(self, it: int, best: float) -> tuple[float, int, int]:
        lab = self.labels
        gain_to = self.S - self.S[self.rows, lab][:, None]
        # Preallocated n x n buffers: a fresh array this large is mmapped and page-faulted
        # at every step, which cost more than the arithmetic.
        T, swap = self._T, self._swap
        np.take(gain_to, lab, axis=1, out=T)
        np.add(T, T.T, out=swap)
        swap += self.base
        k = int(np.argmax(swap))
        if swap.flat[k] + self.value > best + 1e-9:  # aspiration: a new best is never tabu
            return float(swap.flat[k]), k // self.n, k % self.n
        # Few elements are tabu, so the best swap usually is not: strike out tabu winners
        # one by one (an argmax each) before paying for a full mask of the matrix.
        for _ in range(8):
            i, j = divmod(k, self.n)
            if self.tabu[i, lab[j]] <= it and self.tabu[j, lab[i]] <= it:
                return float(swap.flat[k]), i, j
            swap[i, j] = swap[j, i] = -np.inf
            k = int(np.argmax(swap))
        tabu_to = (self.tabu > it)[:, lab]
        np.copyto(swap, -np.inf, where=tabu_to | tabu_to.T)
        k = int(np.argmax(swap))
        return float(swap.flat[k]), k // self.n, k % self.n

    def _best_move(self, it: int, best: float) -> tuple[float, int, int]:
        lab = self.labels
        gain = self.S - self.S[self.rows, lab][:, None]
        gain[self.rows, lab] = -np.inf
        gain[self.sizes[lab] <= self.lower[lab], :] = -np.inf
        gain[:, self.sizes >= self.upper] = -np.inf
        k = int(np.argmax(gain))
        if gain.flat[k] + self.value <= best + 1e-9:
            gain[self.tabu > it] = -np.inf
            k = int(np.argmax(gain))
        return float(gain.flat[k]), k // self.groups, k % self.groups

    def step(self, it: int, best: float, tenure: int) -> None:
        """Make the best non-tabu swap or move (a tabu one if it beats ``best``)."""
        gain, i, j = self._best_swap(it, best)
        g = -1
        if self.flexible:
            move_gain, mi, mg = self._best_move(it, best)
            if move_gain > gain:
                gain, i, j, g = move_gain, mi, -1, mg
        if not np.isfinite(gain):
            return
        if g < 0:
            a, b = int(self.labels[i]), int(self.labels[j])
            self._relabel(i, b)
            self._relabel(j, a)
            self.tabu[j, b] = it + tenure + int(self.gen.integers(0, 3))
        else:
            a = int(self.labels[i])
            self._relabel(i, g)
        self.tabu[i, a] = it + tenure + int(self.gen.integers(0, 3))
        self.value += gain

    def perturb(self, strength: int, it: int, tenure: int) -> None:
        """Random swaps, or a shift of the size profile, to leave the current basin.

        Swaps keep the group sizes, and the size profile of a ``ds`` local optimum is deep
        (emptying a group is costly one element at a time), so one kick in five moves a random
        number of elements from one group to another and forbid their return for a while.
        """
        donors = np.flatnonzero(self.sizes > self.lower)
        takers = np.flatnonzero(self.sizes < self.upper)
        if donors.size and takers.size and self.gen.random() < 0.2:
            a, b = int(self.gen.choice(donors)), int(self.gen.choice(takers))
            room = min(self.sizes[a] - self.lower[a], self.upper[b] - self.sizes[b])
            if a != b and room > 0:
                members = np.flatnonzero(self.labels == a)
                count = int(self.gen.integers(1, room + 1))
                for i in self.gen.choice(members, size=count, replace=False):
                    self._relabel(int(i), b)
                    self.tabu[i, a] = it + 4 * tenure
        else:
            for _ in range(strength):
                i, j = (int(x) for x in self.gen.integers(0, self.n, size=2))
                a, b = int(self.labels[i]), int(self.labels[j])
                if a != b:
                    self._relabel(i, b)
                    self._relabel(j, a)
        self.value = 0.5 * float(self.S[self.rows, self.labels].sum())


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
            _TabuSearch(noisy, profile, profile, labels, gen), gen,
            seconds=half_seconds, iterations=half_iterations, target=target,
        )  # fmt: skip
    if stopped_by != "target":
        left_seconds = None if seconds is None else seconds - (time.perf_counter() - start)
        left_iterations = None if iterations is None else iterations - it
        labels, more, stopped_by = _iterated_search(
            _TabuSearch(noisy, lo, hi, labels, gen), gen,
            seconds=left_seconds, iterations=left_iterations, target=target,
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
    search: _TabuSearch,
    gen: np.random.Generator,
    *,
    seconds: float | None,
    iterations: int | None,
    target: float | None,
) -> tuple[NDArray[np.int64], int, StopReason]:
    """Iterated tabu search from the search's current grouping; best labels, steps, stop."""
    start = time.perf_counter()
    n, lo, hi = search.n, search.lower, search.upper
    best_labels, best = search.labels.copy(), search.value
    tenure = max(3, int(n * _TUNING["tenure"]))
    depth = max(50, int(n * _TUNING["depth"]))
    strength = max(2, int(n * _TUNING["strength"]))
    acceptance = _TUNING["acceptance"]
    restart = int(_TUNING["restart"])
    # Iterated search: each round is a tabu walk that ends after ``depth`` steps without
    # improving the round's best; the next round kicks from an anchor, which follows the
    # round's best when it is almost as good as the anchor (a bounded random walk over
    # local optima, so a seed that starts in a poor region is not stuck there).
    anchor_labels, anchor = best_labels.copy(), best
    round_labels, round_best = best_labels.copy(), best
    it, since, stale = 0, 0, 0
    stopped_by: StopReason = "iterations"
    while True:
        if target is not None and best >= target - 1e-9:
            stopped_by = "target"
            break
        if iterations is not None and it >= iterations:
            break
        if seconds is not None and it % 16 == 0 and time.perf_counter() - start >= seconds:
            stopped_by = "seconds"
            break
        search.step(it, best, tenure)
        it += 1
        since += 1
        if search.value > round_best + 1e-9:
            round_best, round_labels, since = search.value, search.labels.copy(), 0
            if round_best > best + 1e-9:
                best, best_labels = round_best, round_labels
        if since >= depth:
            stale = 0 if round_best >= best - 1e-9 else stale + 1
            if round_best >= anchor - acceptance * abs(anchor):
                anchor, anchor_labels = round_best, round_labels
            search.tabu[:] = 0
            if stale >= restart:
                # The walk has stalled in one basin (some seeds on RanInt ds instances):
                # start again from a fresh random grouping, keeping the best found.
                search.reset(_initial_labels(lo, hi, n, gen))
                anchor, anchor_labels, stale = search.value, search.labels.copy(), 0
            else:
                search.reset(anchor_labels)
                search.perturb(strength, it, tenure)
            round_best, round_labels, since = search.value, search.labels.copy(), 0
    return best_labels, it, stopped_by

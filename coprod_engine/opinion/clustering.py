"""Polis clustering: about 100 base clusters, then 2–5 opinion groups chosen by silhouette.

Participants are first summarised by k-means with k = 100 on their 2-D positions (base
clusters); groups are then a weighted k-means of the base-cluster centres, for every k from 2
to ``max_k``, and the k with the best silhouette (computed on base-cluster centres) is chosen,
with a smoother that changes the published k only after the same new best k has been seen in
four consecutive updates. Each k-means starts from the previous update's clusters when there
are some, so groups keep their identity while the conversation grows.

References
----------
Polis math, ``clustering.clj`` and ``conversation.clj`` (compdemocracy/polis, AGPL-3.0),
described in Small, C. et al. (2021). *Recerca*, 26(2). Rousseeuw, P. J. (1987).
Silhouettes. *J. Comput. Appl. Math.*, 20, 53–65.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from coprod_engine.opinion import kernels

__all__ = [
    "KSmoother",
    "KMeansBounds",
    "kmeans",
    "kmeans_with_bounds",
    "group_k_candidates",
    "silhouette",
    "choose_groups",
    "GroupChoice",
]

BASE_K = 100
# conversation.clj passes ``:cluster-iters`` (base-iters 100) to ``kmeans``, which reads only
# ``max-iters`` (default 20): Polis' base clustering, like its group clustering, stops at 20.
BASE_ITERS = 20
GROUP_ITERS = 20
# Below this many point × centre pairs, plain Lloyd iterations (compiled, see ``kernels``)
# beat bounds (and keep the small parity fixtures on the exact textbook path); above,
# Hamerly's bounds, carried from one update to the next.
DENSE_ASSIGN = 400_000
MAX_MAX_K = 5
K_BUFFER = 4


def _as_complex(points: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Each 2-D point as one complex number ``x + iy``, a view when possible.

    ``np.unique`` of these sorts and compares exactly as ``np.unique(points, axis=0)`` does
    (by x then y, with float equality; ``equal_nan=False`` keeps NaNs apart as the row
    version does), without the structured dtype that makes the row version ten times slower.
    """
    return np.ascontiguousarray(points, dtype=np.float64).view(np.complex128).ravel()


def _distinct_rows(
    points: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``np.unique(points, axis=0, return_index=True)`` for 2-D points."""
    values, first = np.unique(_as_complex(points), return_index=True, equal_nan=False)
    return np.column_stack([values.real, values.imag]), first


def _first_distinct(points: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """The first ``k`` distinct rows, in row order (Polis ``init-clusters``)."""
    if len(points) == 0:
        return points[:0]
    # The first k distinct rows are almost always among the first few k rows: look there first.
    head = points[: 4 * k + 16]
    _, first = _distinct_rows(head)
    if len(first) < k and len(head) < len(points):
        _, first = _distinct_rows(points)
    return points[np.sort(first)[:k]]


def _clean_start(
    points: NDArray[np.float64], start: NDArray[np.float64], k: int
) -> NDArray[np.float64]:
    """Previous centres, deduplicated, topped up to ``k`` with the most distal distinct points.

    Mirrors Polis ``clean-start-clusters``: identical centres are merged, then the point farthest
    from every centre is split off as a new centre until there are ``k`` or no distinct points
    are left.
    """
    if len(start) == 0:
        return _first_distinct(points, k)
    _, first = _distinct_rows(start)
    centres = start[np.sort(first)][:k]
    if len(centres) >= k:
        return centres  # nothing to top up: the distinct points are not needed
    distinct, _ = _distinct_rows(points)
    while len(centres) < min(k, len(distinct)):
        gaps, _ = cKDTree(centres).query(distinct)
        far = int(np.argmax(gaps))
        if gaps[far] == 0:
            break
        centres = np.vstack([centres, distinct[far]])
    return centres


@dataclass(frozen=True)
class KMeansBounds:
    """Hamerly's bounds of every point against the final centres of a k-means run.

    ``upper[i]`` bounds the distance of point ``i`` to its centre ``labels[i]`` from above,
    ``lower[i]`` the distance to any other centre from below. When the points then move by
    ``δᵢ``, ``upper + δ`` and ``lower − δ`` are still bounds (triangle inequality), so the next
    run from the same centres re-examines only points whose bounds cross.
    """

    labels: NDArray[np.int64]
    upper: NDArray[np.float64]
    lower: NDArray[np.float64]


def kmeans(
    points: NDArray[np.float64],
    k: int,
    *,
    weights: NDArray[np.float64] | None = None,
    start: NDArray[np.float64] | None = None,
    max_iter: int = GROUP_ITERS,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Polis' k-means: deterministic start, empty clusters dropped, stop when centres settle.

    Parameters
    ----------
    points : ndarray, shape (n, 2)
    k : int
        At most this many clusters (fewer when there are fewer distinct points).
    weights : ndarray, shape (n,), optional
        Weighted means as centres (group k-means weighs base clusters by their size).
    start : ndarray, shape (j, 2), optional
        Previous centres; without them the first ``k`` distinct points.
    max_iter : int

    Returns
    -------
    centres : ndarray, shape (k', 2)
    labels : ndarray, shape (n,)
        Index of each point's centre.
    """
    centres, labels, _ = kmeans_with_bounds(
        points, k, weights=weights, start=start, max_iter=max_iter
    )
    return centres, labels


def kmeans_with_bounds(
    points: NDArray[np.float64],
    k: int,
    *,
    weights: NDArray[np.float64] | None = None,
    start: NDArray[np.float64] | None = None,
    max_iter: int = GROUP_ITERS,
    bounds: KMeansBounds | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64], KMeansBounds | None]:
    """:func:`kmeans`, carrying Hamerly's bounds from one run to the next (large inputs).

    ``bounds``: the previous run's bounds, already widened by how far each point moved, valid
    for ``start`` (the previous run's final centres). They are used only when ``start`` needs
    no cleaning (as many distinct centres as ``k``); the result is then exactly the cold run's,
    without measuring every point against the centres first. Returns the bounds for the next
    run (``None`` on the small dense path).
    """
    if len(points) == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64), None
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    centres = _first_distinct(points, k) if start is None else _clean_start(points, start, k)
    points = np.ascontiguousarray(points, dtype=np.float64)
    centres = np.ascontiguousarray(centres, dtype=np.float64)
    if len(centres) <= 8 or len(points) * len(centres) <= DENSE_ASSIGN:
        centres, labels = kernels.lloyd(points, w, centres, max_iter)
        return centres, labels, None
    usable = (
        bounds is not None
        and start is not None
        and len(bounds.labels) == len(points)
        and centres.shape == start.shape
        and bool(np.array_equal(centres, start))
        and int(bounds.labels.max(initial=0)) < len(centres)
    )
    if bounds is not None and usable:
        labels = bounds.labels.astype(np.int64, copy=True)
        upper = bounds.upper.astype(np.float64, copy=True)
        lower = bounds.lower.astype(np.float64, copy=True)
    else:
        labels = np.empty(len(points), dtype=np.int64)
        upper = np.empty(len(points))
        lower = np.empty(len(points))
    final = kernels.lloyd_bounded(points, w, centres, max_iter, labels, upper, lower, usable)
    return final, labels, KMeansBounds(labels, upper, lower)


def _distances(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Euclidean distance matrix of a few points (Polis ``bucket-dists``)."""
    dx = np.subtract.outer(points[:, 0], points[:, 0])
    dy = np.subtract.outer(points[:, 1], points[:, 1])
    dx *= dx
    dy *= dy
    dx += dy
    return np.sqrt(dx, out=dx)


def silhouette(
    points: NDArray[np.float64],
    labels: NDArray[np.int64],
    dist: NDArray[np.float64] | None = None,
) -> float:
    """Unweighted mean silhouette of ``points`` (base-cluster centres); a singleton scores 0.

    ``dist``: the distance matrix of ``points`` when already computed (it is shared by every
    candidate k).
    """
    n = len(points)
    groups = np.unique(labels)
    if n < 2 or len(groups) < 2:
        return 0.0
    if dist is None:
        dist = _distances(points)
    onehot = (labels[:, None] == groups[None, :]).astype(np.float64)
    sizes = onehot.sum(axis=0)
    sums = dist @ onehot
    own = np.searchsorted(groups, labels)
    own_size = sizes[own]
    a = sums[np.arange(n), own] / np.maximum(own_size - 1, 1)
    mean_other = sums / sizes
    mean_other[np.arange(n), own] = np.inf
    b = mean_other.min(axis=1)
    denom = np.maximum(a, b)
    s = np.where((own_size > 1) & (denom > 0), (b - a) / np.where(denom > 0, denom, 1), 0.0)
    return float(s.mean())


def max_group_k(n_base: int) -> int:
    """Polis ``max-k-fn``: min(5, 2 + ⌊n_base / 12⌋)."""
    return min(MAX_MAX_K, 2 + n_base // 12)


@dataclass
class KSmoother:
    """Polis ``group-k-smoother``: the published k moves only after 4 agreeing updates."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def update(self, this_k: int) -> int:
        same = self.last_k is not None and this_k == self.last_k
        self.last_k_count = self.last_k_count + 1 if same else 1
        self.last_k = this_k
        if self.last_k_count >= K_BUFFER or self.smoothed_k is None:
            self.smoothed_k = this_k
        return self.smoothed_k


@dataclass
class GroupChoice:
    """Group clusterings for every candidate k, their silhouettes and the chosen k."""

    centres: dict[int, NDArray[np.float64]]
    labels: dict[int, NDArray[np.int64]]
    silhouettes: dict[int, float]
    best_k: int
    k: int
    smoother: KSmoother = field(default_factory=KSmoother)


def group_k_candidates(n_base: int) -> range:
    return range(2, max_group_k(n_base) + 1)


def choose_groups(
    base_centres: NDArray[np.float64],
    base_sizes: NDArray[np.float64],
    *,
    previous: dict[int, NDArray[np.float64]] | None = None,
    smoother: KSmoother | None = None,
) -> GroupChoice:
    """Weighted k-means of base clusters for k = 2..max_k and the silhouette choice of k.

    Ties between silhouettes go to the larger k (Clojure ``max-key`` returns the last maximum).
    With one base cluster (or none) there is a single group.
    """
    smoother = KSmoother() if smoother is None else smoother
    previous = previous or {}
    centres: dict[int, NDArray[np.float64]] = {}
    labels: dict[int, NDArray[np.int64]] = {}
    scores: dict[int, float] = {}
    n_base = len(base_centres)
    if n_base < 2:
        one = np.zeros(n_base, dtype=np.int64)
        c = base_centres.mean(axis=0, keepdims=True) if n_base else np.zeros((0, 2))
        return GroupChoice({1: c}, {1: one}, {1: 0.0}, 1, 1, smoother)
    dist = _distances(base_centres)
    for k in group_k_candidates(n_base):
        c, lab = kmeans(base_centres, k, weights=base_sizes, start=previous.get(k))
        centres[k], labels[k] = c, lab
        scores[k] = silhouette(base_centres, lab, dist)
    best = max(scores, key=lambda key: (scores[key], key))
    k = smoother.update(best)
    if k not in centres:  # the smoothed k is no longer possible with so few base clusters
        k = best
    return GroupChoice(centres, labels, scores, best, k, smoother)

"""Polis clustering rules: deterministic k-means, silhouette, k-smoothing."""

import numpy as np
import pytest

from coprod_engine.opinion.clustering import (
    KSmoother,
    choose_groups,
    kmeans,
    max_group_k,
    silhouette,
)


def test_it_starts_kmeans_from_the_first_distinct_points() -> None:
    pts = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [0.2, 0.0], [10.2, 0.0]])
    centres, labels = kmeans(pts, 2)
    np.testing.assert_allclose(centres, [[0.2 / 3, 0.0], [10.1, 0.0]])
    assert labels.tolist() == [0, 0, 1, 0, 1]


def test_it_gives_each_distinct_point_its_own_base_cluster_below_k() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    centres, labels = kmeans(pts, 100, max_iter=100)
    assert len(centres) == 3
    assert labels[1] == labels[2]


def test_it_weighs_group_centres_by_base_cluster_size() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    centres, _ = kmeans(pts, 2, weights=np.array([3.0, 1.0, 1.0]))
    assert centres[0].tolist() == pytest.approx([0.25, 0.0])


def test_it_computes_the_silhouette_by_hand() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]])
    # Point 0: a=1, b=5 → 0.8; point 1: a=1, b=4 → 0.75; point 2 alone → 0.
    assert silhouette(pts, np.array([0, 0, 1])) == pytest.approx((0.8 + 0.75) / 3)


def test_it_allows_up_to_five_groups_with_enough_base_clusters() -> None:
    assert [max_group_k(n) for n in (2, 12, 24, 36, 100)] == [2, 3, 4, 5, 5]


def test_it_changes_the_published_k_only_after_four_agreeing_updates() -> None:
    smoother = KSmoother()
    assert [smoother.update(k) for k in (2, 3, 3, 3, 3, 4, 3)] == [2, 2, 2, 2, 3, 3, 3]


def test_it_finds_three_separated_groups() -> None:
    rng = np.random.default_rng(3)
    blobs = [rng.normal(c, 0.1, size=(12, 2)) for c in ((0, 0), (5, 0), (0, 5))]
    # Interleaved, so the first distinct points (Polis' start) fall in different blobs.
    pts = np.stack(blobs, axis=1).reshape(-1, 2)
    choice = choose_groups(pts, np.ones(len(pts)))
    assert choice.k == 3
    labels = choice.labels[3].reshape(12, 3)
    assert all(len(set(labels[:, b])) == 1 for b in range(3))
    assert len(set(labels[0])) == 3


def test_it_assigns_exactly_like_plain_lloyd_iterations_with_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coprod_engine.opinion import clustering

    monkeypatch.setattr(clustering, "DENSE_ASSIGN", 0)  # force Hamerly's bounded iterations
    rng = np.random.default_rng(7)
    pts = np.vstack([rng.normal(c, 0.6, size=(400, 2)) for c in ((0, 0), (3, 1), (-2, 2))])
    fast_centres, fast_labels = kmeans(pts, 30, max_iter=100)
    # Plain Lloyd with the same start and stopping rule.
    centres, labels = _numpy_lloyd(pts, np.ones(len(pts)), clustering._first_distinct(pts, 30), 100)
    np.testing.assert_array_equal(fast_centres, centres)
    assert fast_labels.tolist() == labels.tolist()


def _numpy_lloyd(
    points: np.ndarray, w: np.ndarray, centres: np.ndarray, max_iter: int
) -> tuple[np.ndarray, np.ndarray]:
    """Polis' Lloyd iterations in plain numpy: the oracle of the compiled kernels."""

    def assign(centres: np.ndarray) -> np.ndarray:
        dx = np.subtract.outer(points[:, 0], centres[:, 0])
        dy = np.subtract.outer(points[:, 1], centres[:, 1])
        return np.argmin(dx * dx + dy * dy, axis=1)

    def recentre(labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        mass = np.bincount(labels, weights=w, minlength=k)
        sums = np.stack(
            [np.bincount(labels, weights=w * points[:, a], minlength=k) for a in (0, 1)], axis=1
        )
        kept = np.flatnonzero(np.bincount(labels, minlength=k) > 0)
        renumber = np.full(k, -1)
        renumber[kept] = np.arange(len(kept))
        return sums[kept] / np.where(mass[kept] > 0, mass[kept], 1.0)[:, None], renumber[labels]

    def same(a: np.ndarray, b: np.ndarray) -> bool:
        if a.shape != b.shape:
            return False
        d = a[np.lexsort((a[:, 1], a[:, 0]))] - b[np.lexsort((b[:, 1], b[:, 0]))]
        return bool(np.all(np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1]) < 0.01))

    labels = assign(centres)
    for _ in range(max_iter):
        new, labels = recentre(labels, len(centres))
        settled = same(centres, new)
        centres = new
        labels = assign(centres)
        if settled:
            break
    return recentre(labels, len(centres))


@pytest.mark.parametrize("bounded", [False, True])
@pytest.mark.parametrize(
    ("n", "k", "weighted", "rounded"),
    [
        (40, 100, False, True),
        (1200, 100, False, False),
        (900, 100, False, True),
        (60, 5, True, False),
    ],
)
def test_it_runs_the_compiled_lloyd_iterations_bit_for_bit_like_numpy(
    n: int, k: int, weighted: bool, rounded: bool, bounded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coprod_engine.opinion import clustering

    if bounded:  # Hamerly's bounds and the pruned nearest-centre search
        monkeypatch.setattr(clustering, "DENSE_ASSIGN", 0)
    rng = np.random.default_rng(n + k)
    pts = rng.normal(size=(n, 2)) + 2.0 * rng.integers(0, 3, size=(n, 1))
    if rounded:  # repeated points, ties and clusters that empty
        pts = np.round(pts, 1)
    w = rng.integers(1, 20, size=n).astype(np.float64) if weighted else np.ones(n)
    start = clustering._first_distinct(pts, k)
    ours = kmeans(pts, k, weights=w if weighted else None, max_iter=20)
    oracle = _numpy_lloyd(pts, w, start, 20)
    np.testing.assert_array_equal(ours[0], oracle[0])
    np.testing.assert_array_equal(ours[1], oracle[1])


def test_it_finds_distinct_points_exactly_like_numpy_unique_rows() -> None:
    from coprod_engine.opinion.clustering import _distinct_rows

    rng = np.random.default_rng(4)
    pts = np.round(rng.normal(size=(300, 2)), 1)
    pts[::17] = [-0.0, 0.0]
    pts[::23] = [0.0, -0.0]
    pts[5] = pts[9] = [np.nan, 1.0]
    rows, first = np.unique(pts, axis=0, return_index=True)
    ours_rows, ours_first = _distinct_rows(pts)
    assert ours_first.tolist() == first.tolist()
    np.testing.assert_array_equal(ours_rows, rows)

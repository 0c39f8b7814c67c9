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
    centres = clustering._first_distinct(pts, 30)
    labels = clustering._assign(pts, centres)
    for _ in range(100):
        new, labels = clustering._recentre(pts, np.ones(len(pts)), labels, len(centres))
        settled = clustering._same_clustering(centres, new)
        centres = new
        labels = clustering._assign(pts, centres)
        if settled:
            break
    centres, labels = clustering._recentre(pts, np.ones(len(pts)), labels, len(centres))
    np.testing.assert_allclose(fast_centres, centres, atol=1e-12)
    assert fast_labels.tolist() == labels.tolist()

"""State carried between updates: serialisation, warm starts and patched tallies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from coprod_engine.opinion import (
    clustering,
    opinion_map,
    opinion_map_update,
    pca,
    state_from_bytes,
    state_to_bytes,
)
from coprod_engine.opinion import state as state_module
from coprod_engine.opinion.clustering import kmeans, kmeans_with_bounds
from coprod_engine.opinion.statistics import tally_counts


def _votes(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two camps; each participant votes on about half the statements."""
    rng = np.random.default_rng(seed)
    camp = np.where(np.arange(n) < n // 2, 1, -1)
    side = rng.choice([-1, 1], size=m)
    cells = np.argwhere(rng.random((n, m)) < 0.5)
    p, c = cells[:, 0], cells[:, 1]
    v = camp[p] * side[c]
    v = np.where(rng.random(len(v)) < 0.15, 0, v)
    order = rng.permutation(len(p))
    return p[order], c[order], v[order]


@pytest.fixture
def large_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send a small conversation down the large-conversation paths (block PCA, bounds)."""
    monkeypatch.setattr(pca, "LANCZOS_MAX_NNZ", 0)
    monkeypatch.setattr(pca, "DENSE_CELLS", 0)
    monkeypatch.setattr(clustering, "DENSE_ASSIGN", 0)


def test_it_updates_from_serialised_state_exactly_as_from_the_state_in_memory() -> None:
    p, c, v = _votes(300, 30, seed=3)
    first = opinion_map(p[:-200], c[:-200], v[:-200], knowledge_types={0: "a"})
    restored = state_from_bytes(state_to_bytes(first.state))
    assert restored is not None
    direct = opinion_map_update(first.state, p[-200:], c[-200:], v[-200:])
    again = opinion_map_update(restored, p[-200:], c[-200:], v[-200:])
    assert again.groups.tolist() == direct.groups.tolist()
    assert again.input_hash == direct.input_hash
    np.testing.assert_array_equal(again.projection.participants, direct.projection.participants)
    assert again.state.smoother == direct.state.smoother


def test_it_ignores_a_state_from_another_engine_version_or_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p, c, v = _votes(40, 10, seed=4)
    data = state_to_bytes(opinion_map(p, c, v).state)
    assert state_from_bytes(data) is not None
    monkeypatch.setattr(state_module, "__version__", "0.0.1")
    assert state_from_bytes(data) is None
    monkeypatch.undo()
    monkeypatch.setattr(state_module, "STATE_FORMAT", 999)
    assert state_from_bytes(data) is None
    assert state_from_bytes(b"not a state") is None
    assert state_from_bytes(b"") is None and state_from_bytes(None) is None


def test_it_carries_the_ritz_block_bounds_and_tallies_on_the_large_paths(
    large_paths: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coprod_engine.opinion import map as map_module

    patched: list[object] = []
    real = map_module._patched_group_counts

    def spy(*args: Any) -> Any:
        patched.append(real(*args))
        return patched[-1]

    monkeypatch.setattr(map_module, "_patched_group_counts", spy)
    p, c, v = _votes(400, 40, seed=5)
    first = opinion_map(p[:-40], c[:-40], v[:-40])
    state = first.state
    assert state.basis is not None and state.base_bounds is not None
    assert state.group_counts is not None
    restored = state_from_bytes(state_to_bytes(state))
    assert restored is not None and restored.base_bounds is not None
    updated = opinion_map_update(restored, p[-40:], c[-40:], v[-40:])
    assert patched[-1] is not None  # patched at the changed rows, not recounted
    # The patched tallies are the tallies of the new groups, counted from scratch.
    full = tally_counts(updated.state.matrix, updated.groups, updated.k)
    np.testing.assert_array_equal(updated.state.group_counts, full)
    # The warm-started axes are those of the merged matrix.
    cold = opinion_map(p, c, v)
    for ours, exact in zip(updated.projection.components, cold.projection.components, strict=True):
        assert min(np.abs(ours - exact).max(), np.abs(ours + exact).max()) < 1e-6


def test_it_gets_the_same_k_means_from_carried_bounds_as_from_a_cold_start(
    large_paths: None,
) -> None:
    rng = np.random.default_rng(6)
    points = rng.normal(size=(3000, 2))
    centres, _labels, bounds = kmeans_with_bounds(points, 100, max_iter=3)
    assert bounds is not None
    moved = points + rng.normal(scale=0.01, size=points.shape)
    shift = np.linalg.norm(moved - points, axis=1)
    widened = clustering.KMeansBounds(bounds.labels, bounds.upper + shift, bounds.lower - shift)
    warm = kmeans_with_bounds(moved, 100, start=centres, max_iter=20, bounds=widened)
    cold = kmeans(moved, 100, start=centres, max_iter=20)
    np.testing.assert_array_equal(warm[1], cold[1])
    np.testing.assert_array_equal(warm[0], cold[0])

"""PCA of the sparse centred matrix and Polis' projection scaling."""

import numpy as np
import pytest

from coprod_engine.opinion import vote_matrix
from coprod_engine.opinion.pca import centred_matrix, principal_components, project


def _random_votes(
    n: int, m: int, density: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cells = rng.choice(n * m, size=int(n * m * density), replace=False)
    # Two latent opinion axes of different strength, so the two components are well defined.
    people, topics = rng.standard_normal((n, 2)), rng.standard_normal((m, 2)) * [2.0, 1.0]
    opinion = (people[cells // m] * topics[cells % m]).sum(axis=1)
    votes = np.where(opinion > 0.3, 1, np.where(opinion < -0.3, -1, 0))
    return cells // m, cells % m, votes


def test_it_imputes_missing_votes_with_the_column_mean() -> None:
    m = vote_matrix([0, 1, 2], [0, 0, 1], [1, -1, 1])
    centred, center, voted = centred_matrix(m, np.array([False, False]))
    assert center.tolist() == [0.0, 1.0]
    # Unvoted cells sit at the mean, so they vanish once centred.
    assert centred.toarray().tolist() == [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]]
    assert voted.tolist() == [1, 1, 1]


def test_it_counts_moderated_out_statements_as_voted_by_everyone() -> None:
    m = vote_matrix([0, 1, 1], [0, 0, 1], [1, -1, 1])
    centred, center, voted = centred_matrix(m, np.array([False, True]))
    assert center[1] == 0.0
    assert voted.tolist() == [2, 2]


def test_it_scales_sparse_voters_away_from_the_centre() -> None:
    pids, tids, votes = _random_votes(40, 10, 0.5, 1)
    m = vote_matrix(pids, tids, votes)
    proj = project(m, np.zeros(m.shape[1], dtype=bool))
    centred, _, voted = centred_matrix(m, np.zeros(m.shape[1], dtype=bool))
    raw = centred @ proj.components.T
    np.testing.assert_allclose(proj.participants, raw * np.sqrt(10 / voted)[:, None])
    # A statement's point: a participant who agreed with it alone (factor sqrt(n_statements)).
    np.testing.assert_allclose(
        proj.statements[0], np.sqrt(10) * (1 - proj.center[0]) * proj.components[:, 0]
    )


@pytest.mark.parametrize("lanczos_nnz", [3e6, 0], ids=["lanczos", "block-iteration"])
def test_it_finds_the_same_components_by_iteration_as_by_dense_algebra(
    lanczos_nnz: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coprod_engine.opinion import pca

    monkeypatch.setattr(pca, "LANCZOS_MAX_NNZ", lanczos_nnz)
    pids, tids, votes = _random_votes(3000, 200, 0.05, 2)
    m = vote_matrix(pids, tids, votes)
    centred, _, _ = centred_matrix(m, np.zeros(m.shape[1], dtype=bool))
    assert centred.shape[0] * centred.shape[1] > pca.DENSE_CELLS  # the iterative path
    comps, iterations = principal_components(centred, seed=5)
    assert iterations > 0
    _, _, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
    for ours, exact in zip(comps, vt[:2], strict=True):
        assert min(np.abs(ours - exact).max(), np.abs(ours + exact).max()) < 1e-8


def test_it_keeps_the_sign_of_the_previous_map() -> None:
    pids, tids, votes = _random_votes(60, 12, 0.6, 4)
    m = vote_matrix(pids, tids, votes)
    first = project(m, np.zeros(12, dtype=bool))
    flipped = project(m, np.zeros(12, dtype=bool), start=-first.components)
    np.testing.assert_allclose(flipped.components, -first.components, atol=1e-12)
    assert flipped.participants == pytest.approx(-first.participants)


@pytest.mark.parametrize("n_rows", [1, 3, 4, 7, 403])
def test_it_computes_gram_products_bit_for_bit_like_scipy(n_rows: int) -> None:
    from coprod_engine.opinion.pca import KeyedCentred, _centring

    rng = np.random.default_rng(n_rows)
    # Rows of very different lengths (and a participant who only voted on a moderated-out
    # statement), so the kernel's side-by-side row sums have tails of every size.
    lengths = rng.integers(1, 40, size=n_rows)
    pids = np.repeat(np.arange(n_rows), lengths)
    tids = np.concatenate([rng.choice(50, size=k, replace=False) for k in lengths])
    votes = rng.integers(-1, 2, size=len(pids))
    m = vote_matrix(pids, tids, votes)
    mod_out = np.zeros(m.shape[1], dtype=bool)
    mod_out[::7] = True
    centred, _, _ = centred_matrix(m, mod_out)
    keyed = KeyedCentred(m, _centring(m, mod_out)[0])
    for _ in range(3):
        v = rng.standard_normal(m.shape[1])
        assert keyed.gram(v).tobytes() == (centred.T @ (centred @ v)).tobytes()

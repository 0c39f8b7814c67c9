"""Principal components of the vote matrix and Polis' sparsity-aware projection.

Missing votes are imputed with the column mean (Polis ``:mat``), so after centring every
unvoted cell is exactly zero: the centred matrix keeps the sparsity of the votes and the two
leading components are found by block subspace iteration on ``XᵀX`` with sparse products only
(Rutishauser's simultaneous iteration with Rayleigh–Ritz), warm-started from the previous
update's components so an evolving map needs only a few iterations. Small matrices use a dense
SVD, which is what Polis' 100-step power iteration converges to.

Deviation from Polis, stated: above 10 000 participants Polis blends mini-batch PCA estimates
(``partial-pca``); we compute the converged components of the whole matrix instead.

References
----------
Small, C. et al. (2021). Polis: Scaling deliberation by mapping high dimensional opinion
spaces. *Recerca*, 26(2). Rutishauser, H. (1970). Simultaneous iteration method for symmetric
matrices. *Numerische Mathematik*, 16, 205–223.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from coprod_engine._random import rng
from coprod_engine.opinion.matrix import VoteMatrix

__all__ = ["Projection", "project", "principal_components", "centred_matrix"]

N_COMPONENTS = 2
# Below this many cells a dense eigendecomposition is exact and cheap; above, multithreaded
# dense LAPACK on a shared 2-core machine costs seconds, while sparse iteration stays linear.
DENSE_CELLS = 250_000
# Up to this many statements and Σ (votes per participant)² the Gram matrix XᵀX is formed once.
GRAM_MAX_COLS = 3_000
GRAM_MAX_COST = 5e7
# Densify X to form XᵀX with BLAS below this many cells; decompose XᵀX exactly below this size.
DENSE_GRAM_CELLS = 4_000_000
EIGH_MAX_COLS = 250


@dataclass(frozen=True)
class Projection:
    """The 2-D opinion map.

    Attributes
    ----------
    center : ndarray, shape (n_statements,)
        Column means of the moderated matrix (Polis ``pca.center``, export sign).
    components : ndarray, shape (2, n_statements)
        Unit principal axes (``pca.comps``).
    participants : ndarray, shape (n_participants, 2)
        Scaled projection of every participant (all of them, clustered or not).
    statements : ndarray, shape (n_statements, 2)
        Where a virtual participant who agreed only with the statement lands
        (``comment-projection``, transposed).
    extremity : ndarray, shape (n_statements,)
        Euclidean norm of ``statements`` (``comment-extremity``).
    iterations : int
        Subspace iterations used (0 for the dense path).
    """

    center: NDArray[np.float64]
    components: NDArray[np.float64]
    participants: NDArray[np.float64]
    statements: NDArray[np.float64]
    extremity: NDArray[np.float64]
    iterations: int


def centred_matrix(
    matrix: VoteMatrix, mod_out: NDArray[np.bool_]
) -> tuple[sparse.csr_array, NDArray[np.float64], NDArray[np.int64]]:
    """Centred, mean-imputed matrix (sparse), column means, and voted cells per row.

    Moderated-out columns are all zeros (Polis' ``zero-out-columns``): their mean is 0, they add
    nothing to the centred matrix, and they count as voted for every participant.
    """
    n_rows, n_cols = matrix.shape
    counts3 = matrix.column_tallies
    # Sums of ±1 votes are exact integers, so (A − D) / S is the float mean bit for bit.
    sums = (counts3[:, 2] - counts3[:, 0]).astype(np.float64)
    counts = counts3.sum(axis=1)
    center = np.divide(sums, counts, out=np.zeros(n_cols), where=counts > 0)
    center[mod_out] = 0.0
    # The centred value of a vote depends only on (column, vote): one lookup per stored vote.
    table = np.arange(-1.0, 2.0)[None, :] - center[:, None]
    table[mod_out] = 0.0
    data = table.ravel()[matrix.cell_keys]
    # int32 row pointers keep scipy from widening (copying) the int32 column indices.
    indptr = matrix.indptr.astype(np.int32) if matrix.nnz < 2**31 else matrix.indptr
    centred = sparse.csr_array((data, matrix.indices, indptr), shape=matrix.shape)
    rows_voted = np.diff(matrix.indptr)
    on_mod_out = mod_out[matrix.indices] if mod_out.any() else None
    if on_mod_out is not None:
        running = np.concatenate(([0], np.cumsum(on_mod_out, dtype=np.int64)))
        on_kept = running[matrix.indptr[1:]] - running[matrix.indptr[:-1]]
    else:
        on_kept = np.zeros(n_rows, dtype=np.int64)
    voted = rows_voted - on_kept + int(mod_out.sum())
    return centred, center, voted.astype(np.int64)


def principal_components(
    centred: sparse.csr_array,
    *,
    start: NDArray[np.float64] | None = None,
    seed: int = 0,
    tol: float | None = None,
    max_iter: int = 100,
) -> tuple[NDArray[np.float64], int]:
    """Two leading right singular vectors of ``centred`` and the iterations used.

    Parameters
    ----------
    centred : sparse array, shape (n, m)
    start : ndarray, shape (2, m), optional
        Previous components: the iteration starts there and signs are aligned with them.
    seed : int
        Seeds the random part of the starting block.
    tol : float, optional
        Relative residual ``‖Cv − λv‖ / λ₁`` at which both Ritz vectors are accepted. By
        default 1e-12 up to a million votes (parity with Polis to ~1e-10) and 1e-7 above,
        where the axes are then still exact to ~1e-6 in angle, far below what a map can show.
    max_iter : int
        Polis' ``pca-iters``.
    """
    n_rows, n_cols = centred.shape
    k = min(N_COMPONENTS, n_cols)
    row_nnz = np.diff(centred.indptr).astype(np.float64)
    if n_rows * n_cols <= DENSE_CELLS or (
        n_cols <= GRAM_MAX_COLS and float(row_nnz @ row_nnz) <= GRAM_MAX_COST
    ):
        # XᵀX costs Σ (votes per participant)²: cheap for real conversations. Then either an
        # exact eigendecomposition (few statements) or iterations on a small dense matrix.
        sparse_cost = 10.0 * float(row_nnz @ row_nnz)  # SpGEMM costs ~10× a dense flop
        if n_rows * n_cols <= DENSE_GRAM_CELLS and n_rows * n_cols * n_cols < sparse_cost:
            dense = centred.toarray()
            gram = dense.T @ dense
        else:
            gram = (centred.T @ centred).toarray()
        if n_cols <= EIGH_MAX_COLS:
            _, evecs = np.linalg.eigh(gram)
            return _align(_pad(evecs[:, ::-1][:, :k].T, n_cols), start), 0
        return _lanczos(gram, start, seed, 1e-12 if tol is None else tol, max_iter)
    if tol is None:
        tol = 1e-12 if centred.nnz <= 1_000_000 else 1e-7
    transposed = centred.T
    return _subspace_iteration(
        lambda q: transposed @ (centred @ q), n_cols, start, seed, tol, max_iter
    )


def _lanczos(
    gram: NDArray[np.float64],
    start: NDArray[np.float64] | None,
    seed: int,
    tol: float,
    max_iter: int,
) -> tuple[NDArray[np.float64], int]:
    """Top two eigenvectors of a dense ``XᵀX`` by implicitly restarted Lanczos (ARPACK).

    A few dozen products with single vectors instead of blocks of eight, converged to machine
    precision (closer to the exact decomposition than block iteration stopped at 1e-12).
    Starts from the previous first component when there is one, else from a seeded vector;
    falls back to block subspace iteration if ARPACK does not converge. The count returned
    is the number of matrix–vector products.
    """
    n_cols = gram.shape[0]
    if start is not None and start.shape == (N_COMPONENTS, n_cols) and np.any(start[0]):
        v0 = start[0] + start[1]
    else:
        v0 = rng(seed).standard_normal(n_cols)
    products = 0

    def apply(v: NDArray[np.float64]) -> NDArray[np.float64]:
        nonlocal products
        products += 1
        return np.asarray(gram @ v)

    operator = LinearOperator((n_cols, n_cols), matvec=apply, dtype=np.float64)
    try:
        _, vecs = eigsh(operator, k=N_COMPONENTS, v0=v0, tol=0, which="LA")
    except ArpackNoConvergence:  # pragma: no cover - ARPACK converges on Gram matrices
        return _subspace_iteration(lambda q: gram @ q, n_cols, start, seed, tol, max_iter)
    return _align(vecs[:, ::-1].T, start), products


def _subspace_iteration(
    apply: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    n_cols: int,
    start: NDArray[np.float64] | None,
    seed: int,
    tol: float,
    max_iter: int,
) -> tuple[NDArray[np.float64], int]:
    """Block subspace iteration with Rayleigh–Ritz for the top two eigenvectors of ``apply``."""
    k = min(N_COMPONENTS, n_cols)
    block = min(n_cols, 8 if start is None else 4)
    generator = rng(seed)
    q = generator.standard_normal((n_cols, block))
    if start is not None and start.shape == (N_COMPONENTS, n_cols):
        q[:, :N_COMPONENTS] = start.T
    q, _ = np.linalg.qr(q)
    comps = q[:, :k].T
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        z = apply(q)  # C q, with C = XᵀX
        small = q.T @ z
        evals, evecs = np.linalg.eigh((small + small.T) / 2)
        order = np.argsort(evals)[::-1]
        evals, evecs = evals[order], evecs[:, order]
        ritz = q @ evecs[:, :k]
        residual = z @ evecs[:, :k] - ritz * evals[:k]
        comps = ritz.T
        scale = max(float(evals[0]), 1e-300)
        if np.max(np.linalg.norm(residual, axis=0)) <= tol * scale:
            break
        q, _ = np.linalg.qr(z @ evecs)
    return _align(_pad(comps, n_cols), start), iterations


def _pad(comps: NDArray[np.float64], n_cols: int) -> NDArray[np.float64]:
    """Always two rows, zeros when the matrix has fewer columns than components."""
    out = np.zeros((N_COMPONENTS, n_cols))
    out[: comps.shape[0]] = comps
    return out


def _align(comps: NDArray[np.float64], start: NDArray[np.float64] | None) -> NDArray[np.float64]:
    """Fix the arbitrary sign: follow the previous map, else make the largest loading positive."""
    comps = comps.copy()
    for i in range(N_COMPONENTS):
        if start is not None and start.shape == comps.shape:
            flip = float(comps[i] @ start[i]) < 0
        else:
            flip = comps[i][np.argmax(np.abs(comps[i]))] < 0 if comps.shape[1] else False
        if flip:
            comps[i] = -comps[i]
    return comps


def project(
    matrix: VoteMatrix,
    mod_out: NDArray[np.bool_],
    *,
    start: NDArray[np.float64] | None = None,
    seed: int = 0,
) -> Projection:
    """PCA of the moderated matrix and Polis' scaled projection of participants and statements.

    ``proj(p) = sqrt(n_statements / max(|V_p|, 1)) · (x_p − center) · compsᵀ``, with unvoted
    cells at the centre; a statement sits where a participant who only agreed with it would.
    """
    centred, center, voted = centred_matrix(matrix, mod_out)
    comps, iterations = principal_components(centred, start=start, seed=seed)
    n_cols = matrix.shape[1]
    scale = np.sqrt(n_cols / np.maximum(voted, 1))
    participants = (centred @ comps.T) * scale[:, None]
    statements = (np.sqrt(n_cols) * (1.0 - center))[:, None] * comps.T
    extremity = np.linalg.norm(statements, axis=1)
    return Projection(center, comps, participants, statements, extremity, iterations)

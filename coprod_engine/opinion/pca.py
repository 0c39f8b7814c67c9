"""Principal components of the vote matrix and Polis' sparsity-aware projection.

Missing votes are imputed with the column mean (Polis ``:mat``), so after centring every
unvoted cell is exactly zero: the centred matrix keeps the sparsity of the votes and the two
leading components of ``XᵀX`` (what Polis' 100-step power iteration converges to) are found
with sparse products only: implicitly restarted Lanczos (ARPACK) on ``v ↦ Xᵀ(Xv)`` up to a few
million votes, and above by block subspace iteration (Rutishauser's simultaneous iteration with
Rayleigh–Ritz), warm-started from the previous update's Ritz block so an evolving map needs
only a few iterations. Tiny matrices use a dense eigendecomposition of ``XᵀX``.

Deviation from Polis, stated: above 10 000 participants Polis blends mini-batch PCA estimates
(``partial-pca``); we compute the converged components of the whole matrix instead.

References
----------
Small, C. et al. (2021). Polis: Scaling deliberation by mapping high dimensional opinion
spaces. *Recerca*, 26(2). Rutishauser, H. (1970). Simultaneous iteration method for symmetric
matrices. *Numerische Mathematik*, 16, 205–223. Lehoucq, R. B., Sorensen, D. C., & Yang, C.
(1998). *ARPACK Users' Guide*. SIAM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from coprod_engine._random import rng
from coprod_engine.opinion import kernels
from coprod_engine.opinion.matrix import VoteMatrix

__all__ = ["Projection", "project", "principal_components", "centred_matrix"]

N_COMPONENTS = 2
# Below this many cells a dense eigendecomposition of XᵀX is exact and cheapest (london,
# scoop-hivemind); above, Lanczos on sparse products beats forming XᵀX (3× on austria-climate,
# 8× at 10k × 1k), up to this many votes, where warm-started block iteration takes over.
DENSE_CELLS = 60_000
LANCZOS_MAX_NNZ = 3_000_000
# Relative residual accepted when the block iteration starts from the previous update's Ritz
# block (large conversations): 1 000 new votes among 9.4 million move the axes by a residual
# of ~2e-4, so 1e-5 is 20× below the update's own change; the next update starts from this
# block and iterates further, so the error does not accumulate.
WARM_TOL = 1e-5


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
        Block iterations (large matrices), Lanczos products (medium) or 0 (dense).
    basis : ndarray, shape (n_statements, b), optional
        The final Ritz block of the block iteration (large matrices only): the next update
        starts there.
    """

    center: NDArray[np.float64]
    components: NDArray[np.float64]
    participants: NDArray[np.float64]
    statements: NDArray[np.float64]
    extremity: NDArray[np.float64]
    iterations: int
    basis: NDArray[np.float64] | None = None


def centred_matrix(
    matrix: VoteMatrix, mod_out: NDArray[np.bool_]
) -> tuple[sparse.csr_array, NDArray[np.float64], NDArray[np.int64]]:
    """Centred, mean-imputed matrix (sparse), column means, and voted cells per row.

    Moderated-out columns are all zeros (Polis' ``zero-out-columns``): their mean is 0, they add
    nothing to the centred matrix, and they count as voted for every participant.
    """
    table, center, voted = _centring(matrix, mod_out)
    return _centred_csr(matrix, table), center, voted


def _centring(
    matrix: VoteMatrix, mod_out: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """The centred value of every cell key (a table), column means, and voted cells per row."""
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
    rows_voted = np.diff(matrix.indptr)
    if mod_out.any():
        indptr = np.ascontiguousarray(matrix.indptr, dtype=np.int64)
        on_kept = kernels.flagged_per_row(indptr, matrix.indices, np.ascontiguousarray(mod_out))
    else:
        on_kept = np.zeros(n_rows, dtype=np.int64)
    voted = rows_voted - on_kept + int(mod_out.sum())
    return table.ravel(), center, voted.astype(np.int64)


def _centred_csr(matrix: VoteMatrix, table: NDArray[np.float64]) -> sparse.csr_array:
    data = table[matrix.cell_keys]
    # int32 row pointers keep scipy from widening (copying) the int32 column indices.
    indptr = matrix.indptr.astype(np.int32) if matrix.nnz < 2**31 else matrix.indptr
    return sparse.csr_array((data, matrix.indices, indptr), shape=matrix.shape)


class KeyedCentred:
    """The centred matrix as row pointers, cell keys and the value of each key.

    Products run in compiled kernels (:mod:`coprod_engine.opinion.kernels`) that read the
    int32 keys instead of a float64 copy of every vote, with scipy's summation order (the same
    numbers as the CSR matrix, bit for bit).
    """

    def __init__(self, matrix: VoteMatrix, table: NDArray[np.float64]) -> None:
        # Unsigned views: numba then skips the negative-index wraparound on every access.
        self.indptr = np.ascontiguousarray(matrix.indptr, dtype=np.int64).view(np.uint64)
        self.keys = matrix.cell_keys.view(np.uint32)
        self.cols = matrix.indices.view(np.uint32)
        self.table = np.ascontiguousarray(table, dtype=np.float64)
        self.shape = matrix.shape
        self.nnz = matrix.nnz
        self._by_length: NDArray[np.uint64] | None = None

    def __matmul__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        block = _padded(x, self.shape[1])
        y = kernels.keyed_rows(self.indptr, self.keys, self.cols, self.table, block)
        return _unpadded(y, x)

    @property
    def T(self) -> KeyedTransposed:
        return KeyedTransposed(self)

    def gram(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        """``Xᵀ (X v)`` in two passes over the votes."""
        if self._by_length is None:  # once per matrix: the row order the kernel sums in
            lengths = np.diff(self.indptr.view(np.int64))
            self._by_length = np.argsort(lengths, kind="stable").astype(np.uint64)
        vector = np.ascontiguousarray(v, dtype=np.float64)
        return np.asarray(
            kernels.keyed_gram(
                self.indptr, self.keys, self.cols, self.table, vector, self._by_length
            )
        )

    def toarray(self) -> NDArray[np.float64]:
        return np.asarray(
            sparse.csr_array(
                (self.table[self.keys], self.cols, self.indptr), shape=self.shape
            ).toarray()
        )


class KeyedTransposed:
    """``Xᵀ`` of a :class:`KeyedCentred` (products only)."""

    def __init__(self, of: KeyedCentred) -> None:
        self.of = of

    def __matmul__(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        of = self.of
        block = _padded(y, of.shape[0])
        out = kernels.keyed_columns(of.indptr, of.keys, of.cols, of.table, block, of.shape[1])
        return _unpadded(out, y)


def _padded(x: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``x`` as a C-ordered (n, b) block, ``b`` rounded up to a multiple of 4 with zeros."""
    block = np.asarray(x, dtype=np.float64).reshape(n, -1)
    width = -(-block.shape[1] // 4) * 4
    out = np.zeros((n, width))
    out[:, : block.shape[1]] = block
    return out


def _unpadded(y: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    if np.ndim(x) == 1:
        return np.asarray(y[:, 0])
    return np.asarray(y[:, : np.shape(x)[1]])


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
        Relative residual ``‖Cv − λv‖ / λ₁`` at which both Ritz vectors are accepted by the
        block iteration (large matrices only). By default 1e-12 up to a million votes and 1e-7
        above, where the axes are still exact to ~1e-6 in angle, far below what a map can show;
        :data:`WARM_TOL` when warm-started from the previous update's Ritz block.
    max_iter : int
        Polis' ``pca-iters``.
    """
    comps, iterations, _basis, _scores = _components(
        centred, start=start, seed=seed, tol=tol, max_iter=max_iter
    )
    return comps, iterations


def _components(
    centred: sparse.csr_array | KeyedCentred,
    *,
    start: NDArray[np.float64] | None = None,
    basis: NDArray[np.float64] | None = None,
    seed: int = 0,
    tol: float | None = None,
    max_iter: int = 100,
) -> tuple[NDArray[np.float64], int, NDArray[np.float64] | None, NDArray[np.float64] | None]:
    """:func:`principal_components`, plus the Ritz block and ``centred @ compsᵀ`` when known.

    Three regimes: a tiny matrix is densified and its Gram matrix decomposed exactly
    (``eigh``); up to :data:`LANCZOS_MAX_NNZ` votes, implicitly restarted Lanczos (ARPACK) runs
    on the operator ``v ↦ Xᵀ(Xv)``, two sparse passes per product and never a Gram matrix;
    above, block subspace iteration warm-started from ``basis`` (the previous update's Ritz
    block), whose last pass also gives the participants' scores.
    """
    n_rows, n_cols = centred.shape
    k = min(N_COMPONENTS, n_cols)
    if n_rows * n_cols <= DENSE_CELLS:
        dense = centred.toarray()
        _, evecs = np.linalg.eigh(dense.T @ dense)
        return _align(_pad(evecs[:, ::-1][:, :k].T, n_cols), start), 0, None, None
    transposed = centred.T
    if centred.nnz <= LANCZOS_MAX_NNZ or n_cols <= N_COMPONENTS + 1:
        if isinstance(centred, KeyedCentred):
            gram = centred.gram
        else:

            def gram(v: NDArray[np.float64]) -> NDArray[np.float64]:
                return np.asarray(transposed @ (centred @ v))

        comps, products = _lanczos(gram, n_cols, start, seed)
        return comps, products, None, None
    if tol is None:
        tol = 1e-12 if centred.nnz <= 1_000_000 else 1e-7
        if basis is not None and centred.nnz > 1_000_000:
            tol = WARM_TOL
    return _subspace_iteration(centred, transposed, start, basis, seed, tol, max_iter)


def _lanczos(
    apply: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    n_cols: int,
    start: NDArray[np.float64] | None,
    seed: int,
) -> tuple[NDArray[np.float64], int]:
    """Top two eigenvectors of ``XᵀX`` by implicitly restarted Lanczos (ARPACK) on products.

    Single-vector products converged to machine precision (``tol=0``): as exact as a dense
    decomposition, without forming ``XᵀX``. Starts from the previous components when there are
    some, else from a seeded vector. The count returned is the number of products.
    """
    if start is not None and start.shape == (N_COMPONENTS, n_cols) and np.any(start[0]):
        v0 = start[0] + start[1]
    else:
        v0 = rng(seed).standard_normal(n_cols)
    operator = _CountedProducts(apply, n_cols)
    try:
        _, vecs = eigsh(operator, k=N_COMPONENTS, v0=v0, tol=0, which="LA")
    except ArpackNoConvergence:  # pragma: no cover - ARPACK converges on Gram operators
        gram = np.column_stack([apply(e) for e in np.eye(n_cols)])
        _, evecs = np.linalg.eigh((gram + gram.T) / 2)
        return _align(evecs[:, ::-1][:, :N_COMPONENTS].T, start), operator.products
    return _align(vecs[:, ::-1].T, start), operator.products


class _CountedProducts(LinearOperator):
    """The operator ``v ↦ apply(v)`` handed to ARPACK, counting its products.

    ``matvec`` calls ``apply`` straight: ARPACK always passes a contiguous vector of the right
    length, and ``LinearOperator``'s checks and reshapes around each product cost a fifth of
    a product on a conversation of 50 000 votes.
    """

    def __init__(self, apply: Callable[[NDArray[np.float64]], NDArray[np.float64]], n: int):
        super().__init__(np.float64, (n, n))
        self.apply = apply
        self.products = 0

    def _matvec(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        self.products += 1
        return np.asarray(self.apply(v))

    matvec = _matvec


def _subspace_iteration(
    centred: sparse.csr_array | KeyedCentred,
    transposed: sparse.csc_array | KeyedTransposed,
    start: NDArray[np.float64] | None,
    basis: NDArray[np.float64] | None,
    seed: int,
    tol: float,
    max_iter: int,
) -> tuple[NDArray[np.float64], int, NDArray[np.float64], NDArray[np.float64]]:
    """Block subspace iteration with Rayleigh–Ritz for the top two eigenvectors of ``XᵀX``.

    Starts from ``basis`` (the previous Ritz block, re-indexed) when given, else from ``start``
    topped up with seeded random vectors. Returns the components, the iterations, the final
    Ritz block (the next update's ``basis``) and ``X @ compsᵀ`` (from the last pass, so the
    projection needs no extra pass over the votes).
    """
    n_cols = centred.shape[1]
    k = min(N_COMPONENTS, n_cols)
    block = min(n_cols, 8 if start is None else 4)
    generator = rng(seed)
    q = generator.standard_normal((n_cols, block))
    if basis is not None and basis.shape[0] == n_cols and basis.shape[1] >= k:
        # The previous Ritz block, topped up with random vectors: four vectors, so the second
        # axis still converges fast when the third eigenvalue is close to the second.
        block = min(n_cols, 4)
        width = min(block, basis.shape[1])
        q = q[:, :block]
        q[:, :width] = basis[:, :width]
    elif start is not None and start.shape == (N_COMPONENTS, n_cols):
        q[:, :N_COMPONENTS] = start.T
    q, _ = np.linalg.qr(q)
    iterations = 0
    xq = centred @ q
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        z = transposed @ xq  # C q, with C = XᵀX
        small = q.T @ z
        evals, evecs = np.linalg.eigh((small + small.T) / 2)
        order = np.argsort(evals)[::-1]
        evals, evecs = evals[order], evecs[:, order]
        ritz = q @ evecs[:, :k]
        residual = z @ evecs[:, :k] - ritz * evals[:k]
        scale = max(float(evals[0]), 1e-300)
        if np.max(np.linalg.norm(residual, axis=0)) <= tol * scale:
            break
        q, _ = np.linalg.qr(z @ evecs)
        xq = centred @ q
    full_ritz = q @ evecs
    scores = xq @ evecs[:, :k]
    comps = _pad(ritz.T, n_cols)
    aligned = _align(comps, start)
    signs = np.where(np.sum(aligned * comps, axis=1) < 0, -1.0, 1.0)[:k]
    full_ritz[:, :k] *= signs
    return aligned, iterations, full_ritz, scores * signs


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
    basis: NDArray[np.float64] | None = None,
    seed: int = 0,
) -> Projection:
    """PCA of the moderated matrix and Polis' scaled projection of participants and statements.

    ``proj(p) = sqrt(n_statements / max(|V_p|, 1)) · (x_p − center) · compsᵀ``, with unvoted
    cells at the centre; a statement sits where a participant who only agreed with it would.
    ``basis``: the previous update's Ritz block (``Projection.basis``), re-indexed on the
    current statements, to warm-start the block iteration of large matrices.
    """
    table, center, voted = _centring(matrix, mod_out)
    n_rows, n_cols = matrix.shape
    centred = (
        _centred_csr(matrix, table)
        if n_rows * n_cols <= DENSE_CELLS
        else KeyedCentred(matrix, table)
    )
    comps, iterations, ritz, scores = _components(centred, start=start, basis=basis, seed=seed)
    scale = np.sqrt(n_cols / np.maximum(voted, 1))
    participants = (centred @ comps.T if scores is None else scores) * scale[:, None]
    statements = (np.sqrt(n_cols) * (1.0 - center))[:, None] * comps.T
    extremity = np.linalg.norm(statements, axis=1)
    return Projection(center, comps, participants, statements, extremity, iterations, ritz)

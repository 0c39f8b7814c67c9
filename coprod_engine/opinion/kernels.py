"""Compiled (numba) loops of the opinion map: the vote matrix, products, k-means, tallies.

Each kernel gives the integers of the numpy code it replaced and performs the same
floating-point operations, in the same order, so the results are bit-for-bit identical
(``docs/engine-opinion.md`` lists them): squared distances as
``(x − cx)·(x − cx) + (y − cy)·(y − cy)`` with the first minimum winning (``argmin``),
centres as weighted sums accumulated in point order (``bincount``) divided by the mass, the
``same-clustering?`` test on lexicographically sorted centres. No ``fastmath`` (it would
reorder or fuse operations).

The kernels are compiled on first use and cached on disk as :mod:`coprod_engine._compiled`
sets out: next to this file when the package directory is writable, otherwise in a per-user
temporary directory (``NUMBA_CACHE_DIR``), so a read-only install compiles once per machine
instead of failing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coprod_engine._compiled import cache_dir_fallback, jit, settle_cache_dir

settle_cache_dir(Path(__file__).resolve().parent)

__all__ = [
    "cache_dir_fallback",
    "latest_votes",
    "compact_codes",
    "label_tallies",
    "flagged_per_row",
    "best_agree",
    "lloyd",
    "lloyd_bounded",
    "keyed_rows",
    "keyed_columns",
    "keyed_gram",
    "warm_up",
    "SAME_CENTER",
]

SAME_CENTER = 0.01


@jit
def _by_cell(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    row_start: NDArray[np.int64],
    col_start: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int32]]:  # pragma: no cover - compiled
    """Event positions ordered by (row, column, position), and their columns.

    Two stable counting sorts (LSD radix on two small keys): by column, then by row. Each
    pass carries the key the next one needs, so no pass gathers through a permutation.
    """
    n = rows.shape[0]
    by_col = np.empty(n, dtype=np.int64)
    row_of = np.empty(n, dtype=np.int64)
    fill = col_start[:-1].copy()
    for i in range(n):
        at = fill[cols[i]]
        by_col[at] = i
        row_of[at] = rows[i]
        fill[cols[i]] += 1
    order = np.empty(n, dtype=np.int64)
    col_of = np.empty(n, dtype=np.int32)
    fill = row_start[:-1].copy()
    for c in range(col_start.shape[0] - 1):
        for m in range(col_start[c], col_start[c + 1]):
            at = fill[row_of[m]]
            order[at] = by_col[m]
            col_of[at] = c
            fill[row_of[m]] += 1
    return order, col_of


@jit
def latest_votes(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    votes: NDArray[np.int8],
    times: NDArray[np.int64],
    n_rows: int,
    n_cols: int,
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int32],
    NDArray[np.int8],
    NDArray[np.int32],
    NDArray[np.int64],
    NDArray[np.int64],
]:  # pragma: no cover - compiled
    """CSR arrays of each cell's latest vote, and the first event of every row, in O(events).

    An event is later than another when its time is larger, or equal and its position later;
    without ``times`` (an empty array) the position alone is the time. Events are grouped by
    cell with two stable counting sorts (:func:`_by_cell`), skipped when they already come in
    cell order without repeats (a database export ordered by participant and statement).

    Returns ``indptr``, ``indices``, ``values``, the cell keys ``3·column + vote + 1`` of the
    stored votes with their counts (``VoteMatrix.cell_keys`` and ``column_tallies``, made in
    the same pass), and ``first``: the position of each row's earliest event (−1 for a row
    without events).
    """
    n = rows.shape[0]
    timed = times.shape[0] == n
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    col_start = np.zeros(n_cols + 1, dtype=np.int64)
    first = np.full(n_rows, -1, dtype=np.int64)
    for i in range(n):
        indptr[rows[i] + 1] += 1
        col_start[cols[i] + 1] += 1
        f = first[rows[i]]
        if f < 0 or (timed and times[i] < times[f]):
            first[rows[i]] = i
    for r in range(n_rows):
        indptr[r + 1] += indptr[r]
    for c in range(n_cols):
        col_start[c + 1] += col_start[c]
    in_cell_order = True
    for i in range(1, n):
        if rows[i] < rows[i - 1] or (rows[i] == rows[i - 1] and cols[i] <= cols[i - 1]):
            in_cell_order = False
            break
    indices = np.empty(n, dtype=np.int32)
    values = np.empty(n, dtype=np.int8)
    keys = np.empty(n, dtype=np.int32)
    tallies = np.zeros(3 * n_cols, dtype=np.int64)
    if in_cell_order:  # every event is its cell's latest vote
        for i in range(n):
            indices[i] = cols[i]
            values[i] = votes[i]
            keys[i] = 3 * cols[i] + votes[i] + 1
            tallies[keys[i]] += 1
        return indptr, indices, values, keys, tallies, first
    order, col_of = _by_cell(rows, cols, indptr, col_start)
    # Each cell's events are now consecutive, in position order: keep the latest of each.
    kept = 0
    m = 0
    for r in range(n_rows):
        end = indptr[r + 1]
        indptr[r] = kept
        while m < end:
            latest = order[m]
            col = col_of[m]
            m += 1
            while m < end and col_of[m] == col:
                if not timed or times[order[m]] >= times[latest]:
                    latest = order[m]
                m += 1
            indices[kept] = col
            values[kept] = votes[latest]
            keys[kept] = 3 * col + votes[latest] + 1
            tallies[keys[kept]] += 1
            kept += 1
    indptr[n_rows] = kept
    if kept < n:
        indices = indices[:kept].copy()
        values = values[:kept].copy()
        keys = keys[:kept].copy()
    return indptr, indices, values, keys, tallies, first


@jit
def compact_codes(
    ids: NDArray[np.int64], high: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:  # pragma: no cover - compiled
    """Ascending distinct values of ``ids`` (all in ``0..high``) and the rank of each among them.

    When every value from 0 to ``high`` occurs, each id is its own rank: ``ids`` is returned.
    """
    table = np.zeros(high + 1, dtype=np.int64)
    for i in range(ids.shape[0]):
        table[ids[i]] = 1
    distinct = np.empty(high + 1, dtype=np.int64)
    count = 0
    for value in range(high + 1):
        if table[value]:
            table[value] = count
            distinct[count] = value
            count += 1
    if count == high + 1:
        return distinct, ids
    codes = np.empty(ids.shape[0], dtype=np.int64)
    for i in range(ids.shape[0]):
        codes[i] = table[ids[i]]
    return distinct[:count].copy(), codes


@jit
def label_tallies(
    indptr: NDArray[np.int64],
    keys: NDArray[np.int32],
    labels: NDArray[np.int64],
    n_labels: int,
    n_keys: int,
) -> NDArray[np.int64]:  # pragma: no cover - compiled
    """Count of every cell key among the rows of each label (rows labelled −1 are left out).

    ``counts[label · n_keys + key]``: the ``bincount`` of ``label · n_keys + key`` over the
    stored votes of labelled rows, without building that array of keys.
    """
    counts = np.zeros(n_labels * n_keys, dtype=np.int64)
    for r in range(indptr.shape[0] - 1):
        if labels[r] >= 0:
            base = labels[r] * n_keys
            for at in range(indptr[r], indptr[r + 1]):
                counts[base + keys[at]] += 1
    return counts


@jit
def flagged_per_row(
    indptr: NDArray[np.int64], cols: NDArray[np.int32], flagged: NDArray[np.bool_]
) -> NDArray[np.int64]:  # pragma: no cover - compiled
    """Votes of each row on the flagged columns."""
    n_rows = indptr.shape[0] - 1
    out = np.zeros(n_rows, dtype=np.int64)
    for r in range(n_rows):
        count = 0
        for at in range(indptr[r], indptr[r + 1]):
            if flagged[cols[at]]:
                count += 1
        out[r] = count
    return out


@jit
def best_agree(
    na: NDArray[np.float64],
    nd: NDArray[np.float64],
    pa: NDArray[np.float64],
    pat: NDArray[np.float64],
    ra: NDArray[np.float64],
    rat: NDArray[np.float64],
    candidates: NDArray[np.int64],
    z: float,
) -> int:  # pragma: no cover - compiled
    """Polis ``best-agree``, a sequential scan kept as written; −1 when there is none.

    The products are evaluated left to right, as in Python, so the comparisons are the same.
    """
    best = -1
    for c in candidates:
        if na[c] == 0 and nd[c] == 0:
            continue
        if best >= 0:
            if ra[best] > 1.0:
                better = (
                    ra[c] * rat[c] * pa[c] * pat[c] > ra[best] * rat[best] * pa[best] * pat[best]
                )
            else:
                better = pa[c] * pat[c] > pa[best] * pat[best]
        else:
            better = pat[c] > z or (ra[c] > 1.0 and pa[c] > 0.5)
        if better:
            best = c
    return best


@jit
def _keep_closer(
    x: float, y: float, cx: float, cy: float, j: int, best: float, label: int
) -> tuple[float, int]:  # pragma: no cover - compiled
    """Centre ``j`` and its squared distance if strictly closer than ``best``, else unchanged."""
    dx = x - cx
    dy = y - cy
    d = dx * dx + dy * dy
    closer = d < best
    return (d if closer else best), (j if closer else label)


@jit
def _assign(
    px: NDArray[np.float64],
    py: NDArray[np.float64],
    centres: NDArray[np.float64],
    labels: NDArray[np.int64],
) -> None:  # pragma: no cover - compiled
    """Nearest centre of every point (first one on ties), into ``labels``.

    Centres are taken four at a time, in index order, against every point: each point keeps
    the strictly closer of its best so far and the next centre, so the first minimum wins, as
    in a point-by-point scan. The loop over points has no dependency from one point to the
    next and no branch, so it runs on SIMD lanes (5× the point-by-point scan at 100 centres).
    """
    n = px.shape[0]
    k = centres.shape[0]
    low = np.empty(n)
    cx, cy = centres[0, 0], centres[0, 1]
    for i in range(n):
        dx = px[i] - cx
        dy = py[i] - cy
        low[i] = dx * dx + dy * dy
        labels[i] = 0
    j = 1
    while j + 4 <= k:
        ax, ay, bx, by = centres[j, 0], centres[j, 1], centres[j + 1, 0], centres[j + 1, 1]
        cx, cy, ex, ey = centres[j + 2, 0], centres[j + 2, 1], centres[j + 3, 0], centres[j + 3, 1]
        for i in range(n):
            best, label = _keep_closer(px[i], py[i], ax, ay, j, low[i], labels[i])
            best, label = _keep_closer(px[i], py[i], bx, by, j + 1, best, label)
            best, label = _keep_closer(px[i], py[i], cx, cy, j + 2, best, label)
            low[i], labels[i] = _keep_closer(px[i], py[i], ex, ey, j + 3, best, label)
        j += 4
    for last in range(j, k):
        cx, cy = centres[last, 0], centres[last, 1]
        for i in range(n):
            low[i], labels[i] = _keep_closer(px[i], py[i], cx, cy, last, low[i], labels[i])


@jit
def _recentre(
    w: NDArray[np.float64],
    wx: NDArray[np.float64],
    wy: NDArray[np.float64],
    labels: NDArray[np.int64],
    k: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:  # pragma: no cover - compiled
    """Weighted mean of each non-empty cluster; empty clusters disappear, ``labels`` follow.

    Returns the new centres and the old index of each kept cluster.
    """
    mass = np.zeros(k)
    sx = np.zeros(k)
    sy = np.zeros(k)
    members = np.zeros(k, dtype=np.int64)
    for i in range(labels.shape[0]):
        c = labels[i]
        mass[c] += w[i]
        sx[c] += wx[i]
        sy[c] += wy[i]
        members[c] += 1
    n_kept = 0
    for c in range(k):
        if members[c] > 0:
            n_kept += 1
    kept = np.empty(n_kept, dtype=np.int64)
    centres = np.empty((n_kept, 2))
    renumber = np.full(k, -1, dtype=np.int64)
    j = 0
    for c in range(k):
        if members[c] > 0:
            m = mass[c] if mass[c] > 0 else 1.0
            centres[j, 0] = sx[c] / m
            centres[j, 1] = sy[c] / m
            kept[j] = c
            renumber[c] = j
            j += 1
    if n_kept < k:
        for i in range(labels.shape[0]):
            labels[i] = renumber[labels[i]]
    return centres, kept


@jit
def _sorted_rows(a: NDArray[np.float64]) -> NDArray[np.float64]:  # pragma: no cover - compiled
    """Rows sorted by x then y (insertion sort: at most 100 centres)."""
    s = a.copy()
    for i in range(1, s.shape[0]):
        x = s[i, 0]
        y = s[i, 1]
        j = i - 1
        while j >= 0 and (s[j, 0] > x or (s[j, 0] == x and s[j, 1] > y)):
            s[j + 1, 0] = s[j, 0]
            s[j + 1, 1] = s[j, 1]
            j -= 1
        s[j + 1, 0] = x
        s[j + 1, 1] = y
    return s


@jit
def _same_clustering(
    a: NDArray[np.float64], b: NDArray[np.float64]
) -> bool:  # pragma: no cover - compiled
    """Polis ``same-clustering?``: as many centres, each (sorted) moved less than 0.01."""
    if a.shape[0] != b.shape[0]:
        return False
    sa = _sorted_rows(a)
    sb = _sorted_rows(b)
    for i in range(sa.shape[0]):
        dx = sa[i, 0] - sb[i, 0]
        dy = sa[i, 1] - sb[i, 1]
        if not np.sqrt(dx * dx + dy * dy) < SAME_CENTER:
            return False
    return True


@jit
def lloyd(
    points: NDArray[np.float64],
    w: NDArray[np.float64],
    centres: NDArray[np.float64],
    max_iter: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:  # pragma: no cover - compiled
    """Polis' Lloyd iterations from ``centres``: stop after ``max_iter`` or once settled.

    Returns the final centres (recomputed once more after the last assignment, as Polis
    does) and each point's centre.
    """
    n = points.shape[0]
    px = points[:, 0].copy()
    py = points[:, 1].copy()
    wx = w * px
    wy = w * py
    labels = np.empty(n, dtype=np.int64)
    _assign(px, py, centres, labels)
    for _ in range(max_iter):
        new_centres, _kept = _recentre(w, wx, wy, labels, centres.shape[0])
        settled = _same_clustering(centres, new_centres)
        centres = new_centres
        _assign(px, py, centres, labels)
        if settled:
            break
    centres, _kept = _recentre(w, wx, wy, labels, centres.shape[0])
    return centres, labels


@jit
def _two_nearest(
    x: float, y: float, centres: NDArray[np.float64]
) -> tuple[int, float, float]:  # pragma: no cover - compiled
    """Nearest centre (first on ties), its distance and the distance to the second nearest."""
    best = 0
    low = np.inf
    second = np.inf
    for j in range(centres.shape[0]):
        dx = x - centres[j, 0]
        dy = y - centres[j, 1]
        d = dx * dx + dy * dy
        if d < low:
            second = low
            low = d
            best = j
        elif d < second:
            second = d
    return best, np.sqrt(low), np.sqrt(second)


@jit
def _two_nearest_from(
    x: float,
    y: float,
    c: int,
    centres: NDArray[np.float64],
    gaps: NDArray[np.float64],
    near: NDArray[np.int64],
) -> tuple[int, float, float]:  # pragma: no cover - compiled
    """:func:`_two_nearest`, scanning centres by their distance to the current centre ``c``.

    A centre ``j`` is at least ``gap(c, j) − d(x, c)`` from the point (triangle inequality), so
    once that exceeds the second-best distance found, no later centre (sorted by gap) can
    change the two nearest. The margin of 1e-9 keeps rounding from ever cutting a centre the
    full scan would pick; ties go to the lower index, as in the full scan. Same result.
    """
    dx = x - centres[c, 0]
    dy = y - centres[c, 1]
    low = dx * dx + dy * dy
    best = c
    second = np.inf
    own = np.sqrt(low)
    for m in range(near.shape[1]):
        j = near[c, m]
        if gaps[c, j] - own > np.sqrt(second) * (1 + 1e-9) + 1e-300:
            break
        dx = x - centres[j, 0]
        dy = y - centres[j, 1]
        d = dx * dx + dy * dy
        if d < low or (d == low and j < best):
            second = low
            low = d
            best = j
        elif d < second:
            second = d
    return best, np.sqrt(low), np.sqrt(second)


@jit
def _tighten(
    px: NDArray[np.float64],
    py: NDArray[np.float64],
    centres: NDArray[np.float64],
    labels: NDArray[np.int64],
    upper: NDArray[np.float64],
    lower: NDArray[np.float64],
) -> None:  # pragma: no cover - compiled
    """Re-assign, in place, the points whose bounds no longer prove their assignment."""
    k = centres.shape[0]
    if k < 2:
        return
    gaps = np.empty((k, k))
    half_gap = np.full(k, np.inf)
    for a in range(k):
        for b in range(k):
            dx = centres[a, 0] - centres[b, 0]
            dy = centres[a, 1] - centres[b, 1]
            gaps[a, b] = np.sqrt(dx * dx + dy * dy)
            if a != b and gaps[a, b] / 2 < half_gap[a]:
                half_gap[a] = gaps[a, b] / 2
    near = np.empty((k, k - 1), dtype=np.int64)
    for a in range(k):
        order = np.argsort(gaps[a])
        m = 0
        for j in order:
            if j != a:
                near[a, m] = j
                m += 1
    for i in range(px.shape[0]):
        c = labels[i]
        bar = max(half_gap[c], lower[i])
        if upper[i] > bar:
            dx = px[i] - centres[c, 0]
            dy = py[i] - centres[c, 1]
            upper[i] = np.sqrt(dx * dx + dy * dy)
            if upper[i] > bar:
                labels[i], upper[i], lower[i] = _two_nearest_from(
                    px[i], py[i], c, centres, gaps, near
                )


@jit
def _widen(
    old: NDArray[np.float64],
    new: NDArray[np.float64],
    kept: NDArray[np.int64],
    labels: NDArray[np.int64],
    upper: NDArray[np.float64],
    lower: NDArray[np.float64],
) -> None:  # pragma: no cover - compiled
    """Widen the bounds by how far each centre moved (``upper``) and the largest move."""
    moved = np.empty(new.shape[0])
    most = 0.0
    for j in range(new.shape[0]):
        dx = new[j, 0] - old[kept[j], 0]
        dy = new[j, 1] - old[kept[j], 1]
        moved[j] = np.sqrt(dx * dx + dy * dy)
        most = max(most, moved[j])
    for i in range(labels.shape[0]):
        upper[i] += moved[labels[i]]
        lower[i] -= most


@jit
def lloyd_bounded(
    points: NDArray[np.float64],
    w: NDArray[np.float64],
    centres: NDArray[np.float64],
    max_iter: int,
    labels: NDArray[np.int64],
    upper: NDArray[np.float64],
    lower: NDArray[np.float64],
    have_bounds: bool,
) -> NDArray[np.float64]:  # pragma: no cover - compiled
    """:func:`lloyd` with Hamerly's bounds; ``labels``, ``upper``, ``lower`` updated in place.

    Without ``have_bounds`` every point is first measured against every centre; with them
    (valid for ``centres``) only the points whose bounds cross. Same labels and centres as
    :func:`lloyd` (Hamerly 2010). Returns the final centres.
    """
    px = points[:, 0].copy()
    py = points[:, 1].copy()
    wx = w * px
    wy = w * py
    if have_bounds:
        _tighten(px, py, centres, labels, upper, lower)
    else:
        for i in range(px.shape[0]):
            labels[i], upper[i], lower[i] = _two_nearest(px[i], py[i], centres)
    for _ in range(max_iter):
        new_centres, kept = _recentre(w, wx, wy, labels, centres.shape[0])
        settled = _same_clustering(centres, new_centres)
        _widen(centres, new_centres, kept, labels, upper, lower)
        centres = new_centres
        _tighten(px, py, centres, labels, upper, lower)
        if settled:
            break
    final, kept = _recentre(w, wx, wy, labels, centres.shape[0])
    _widen(centres, final, kept, labels, upper, lower)
    return final


# --- Products with the centred vote matrix, straight from the int32 cell keys -------------
#
# The centred value of a stored vote is ``table[key]`` (``key = 3·column + vote + 1``), so the
# products never materialise the float64 data array. Each loop accumulates in the order of
# scipy's ``csr_matvec(s)`` / ``csc_matvec(s)`` (rows ascending, cells in stored order, each
# sum starting from 0.0), so the results are bit-for-bit those of the CSR matrix.


@jit
def keyed_rows(
    indptr: NDArray[np.uint64],
    keys: NDArray[np.uint32],
    cols: NDArray[np.uint32],
    table: NDArray[np.float64],
    x: NDArray[np.float64],
) -> NDArray[np.float64]:  # pragma: no cover - compiled
    """``X @ x`` for a block ``x`` of shape (n_columns, b), ``b`` a multiple of 4.

    Four sums at a time stay in registers; each still adds its terms in stored order.
    """
    n_rows = indptr.shape[0] - 1
    y = np.zeros((n_rows, x.shape[1]))
    for r in range(n_rows):
        for j in range(0, x.shape[1], 4):
            y0 = 0.0
            y1 = 0.0
            y2 = 0.0
            y3 = 0.0
            for at in range(indptr[r], indptr[r + 1]):
                a = table[keys[at]]
                col = cols[at]
                y0 += a * x[col, j]
                y1 += a * x[col, j + 1]
                y2 += a * x[col, j + 2]
                y3 += a * x[col, j + 3]
            y[r, j] = y0
            y[r, j + 1] = y1
            y[r, j + 2] = y2
            y[r, j + 3] = y3
    return y


@jit
def keyed_columns(
    indptr: NDArray[np.uint64],
    keys: NDArray[np.uint32],
    cols: NDArray[np.uint32],
    table: NDArray[np.float64],
    y: NDArray[np.float64],
    n_cols: int,
) -> NDArray[np.float64]:  # pragma: no cover - compiled
    """``Xᵀ @ y`` for a block ``y`` of shape (n_rows, b), ``b`` a multiple of 4."""
    out = np.zeros((n_cols, y.shape[1]))
    for r in range(indptr.shape[0] - 1):
        for j in range(0, y.shape[1], 4):
            y0 = y[r, j]
            y1 = y[r, j + 1]
            y2 = y[r, j + 2]
            y3 = y[r, j + 3]
            for at in range(indptr[r], indptr[r + 1]):
                a = table[keys[at]]
                col = cols[at]
                out[col, j] += a * y0
                out[col, j + 1] += a * y1
                out[col, j + 2] += a * y2
                out[col, j + 3] += a * y3
    return out


@jit
def keyed_gram(
    indptr: NDArray[np.uint64],
    keys: NDArray[np.uint32],
    cols: NDArray[np.uint32],
    table: NDArray[np.float64],
    v: NDArray[np.float64],
    by_length: NDArray[np.uint64],
) -> NDArray[np.float64]:  # pragma: no cover - compiled
    """``Xᵀ (X v)``: every row's sum ``Xᵣ·v`` first, then each row scattered back, in row order.

    A row's sum adds ``table[key]·v[column]`` in stored order; that product depends only on
    the key, so it is looked up in a table of ``3·n_columns`` products made once per call.
    Each sum is a chain of dependent additions, so four rows (``by_length``: the rows sorted by
    length, so the four have about as many terms) are summed side by side. Same numbers, in the
    same order, as scipy's ``csr_matvec`` then ``csc_matvec``.
    """
    n_rows = indptr.shape[0] - 1
    n_cols = v.shape[0]
    products = np.empty(3 * n_cols)
    for c in range(n_cols):
        for vote in range(3):
            products[3 * c + vote] = table[3 * c + vote] * v[c]
    sums = np.empty(n_rows)
    g = 0
    while g + 4 <= n_rows:
        r0, r1, r2, r3 = by_length[g], by_length[g + 1], by_length[g + 2], by_length[g + 3]
        a0, a1, a2, a3 = indptr[r0], indptr[r1], indptr[r2], indptr[r3]
        e0, e1, e2, e3 = indptr[r0 + 1], indptr[r1 + 1], indptr[r2 + 1], indptr[r3 + 1]
        common = min(min(e0 - a0, e1 - a1), min(e2 - a2, e3 - a3))
        s0 = s1 = s2 = s3 = 0.0
        for t in range(common):
            s0 += products[keys[a0 + t]]
            s1 += products[keys[a1 + t]]
            s2 += products[keys[a2 + t]]
            s3 += products[keys[a3 + t]]
        for at in range(a0 + common, e0):
            s0 += products[keys[at]]
        for at in range(a1 + common, e1):
            s1 += products[keys[at]]
        for at in range(a2 + common, e2):
            s2 += products[keys[at]]
        for at in range(a3 + common, e3):
            s3 += products[keys[at]]
        sums[r0], sums[r1], sums[r2], sums[r3] = s0, s1, s2, s3
        g += 4
    for m in range(g, n_rows):
        s = 0.0
        for at in range(indptr[by_length[m]], indptr[by_length[m] + 1]):
            s += products[keys[at]]
        sums[by_length[m]] = s
    out = np.zeros(n_cols)
    for r in range(n_rows):
        s = sums[r]
        for at in range(indptr[r], indptr[r + 1]):
            out[cols[at]] += table[keys[at]] * s
    return out


def warm_up() -> None:
    """Compile (or load from the cache) every kernel for the argument types the map uses.

    Kernels are otherwise compiled lazily at their first call, which can be deep inside the
    first large map; a long-lived worker may call this once at start-up.
    """
    two = np.array([1, 0], dtype=np.int64)
    latest_votes(two, two, np.zeros(2, dtype=np.int8), two, 2, 2)
    compact_codes(two, 1)
    starts = np.array([0, 1], dtype=np.int64)
    label_tallies(starts, np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.int64), 1, 3)
    flagged_per_row(starts, np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.bool_))
    unit = np.ones(1)
    best_agree(unit, unit, unit, unit, unit, unit, np.zeros(1, dtype=np.int64), 1.0)
    points = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    w = np.ones(3)
    lloyd(points, w, points[:2].copy(), 2)
    labels = np.zeros(3, dtype=np.int64)
    lloyd_bounded(points, w, points[:2].copy(), 2, labels, np.zeros(3), np.zeros(3), False)
    indptr = np.array([0, 1], dtype=np.uint64)
    keys = np.array([2], dtype=np.uint32)
    cols = np.array([0], dtype=np.uint32)
    table = np.zeros(3)
    keyed_rows(indptr, keys, cols, table, np.zeros((1, 4)))
    keyed_columns(indptr, keys, cols, table, np.zeros((1, 4)), 1)
    keyed_gram(indptr, keys, cols, table, np.zeros(1), np.zeros(1, dtype=np.uint64))

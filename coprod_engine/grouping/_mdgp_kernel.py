"""Compiled inner loop of the MDGP iterated tabu search (numba, cached on disk).

Everything random inside the kernel is drawn from a splitmix64 stream whose state (one
``uint64``) is seeded by the caller from the run's seed, so a run limited by ``iterations``
gives the same grouping in any process, whatever the chunking of the calls.

The search state lives in arrays the caller owns (:class:`KernelState`), so the kernel can
run a bounded number of steps, return for a clock check, and resume where it stopped.

State vectors:
``ints = [it, since, stale, reached]`` (steps made, steps since the round's best, rounds
without a new overall best, 1 once ``target`` is reached) and
``floats = [value, best, anchor, round_best]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coprod_engine._compiled import jit, settle_cache_dir

_INT_IT, _INT_SINCE, _INT_STALE, _INT_REACHED = 0, 1, 2, 3
_F_VALUE, _F_BEST, _F_ANCHOR, _F_ROUND = 0, 1, 2, 3
_EPS = 1e-9


settle_cache_dir(Path(__file__).resolve().parent)


@jit
def _next(rstate: np.ndarray) -> np.uint64:  # pragma: no cover - compiled
    """splitmix64 (Steele, Lea & Flood 2014): the next 64 random bits."""
    z = rstate[0] + np.uint64(0x9E3779B97F4A7C15)
    rstate[0] = z
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@jit
def _below(rstate: np.ndarray, k: int) -> int:  # pragma: no cover - compiled
    """A random integer in ``[0, k)``."""
    return int(_next(rstate) % np.uint64(k))


@jit
def _uniform(rstate: np.ndarray) -> float:  # pragma: no cover - compiled
    """A random float in ``[0, 1)``."""
    return float(_next(rstate) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit
def _relabel(d, labels, sizes, S, i, b):  # pragma: no cover
    """Move element ``i`` to group ``b``: two columns of ``S`` in O(n)."""
    a = labels[i]
    for k in range(d.shape[0]):
        S[k, a] -= d[k, i]
        S[k, b] += d[k, i]
    labels[i] = b
    sizes[a] -= 1
    sizes[b] += 1


@jit
def _reset(d, labels, sizes, S, source):  # pragma: no cover
    """Load ``source`` as the current grouping; return its objective."""
    n = d.shape[0]
    labels[:] = source
    sizes[:] = 0
    S[:, :] = 0.0
    for i in range(n):
        sizes[labels[i]] += 1
    for i in range(n):
        for k in range(n):
            S[i, labels[k]] += d[i, k]
    value = 0.0
    for i in range(n):
        value += S[i, labels[i]]
    return 0.5 * value


@jit
def _shuffled(profile, rstate):  # pragma: no cover
    """A random grouping with group sizes ``profile`` (Fisher-Yates)."""
    n = 0
    for g in range(profile.size):
        n += profile[g]
    out = np.empty(n, dtype=np.int64)
    k = 0
    for g in range(profile.size):
        for _ in range(profile[g]):
            out[k] = g
            k += 1
    for i in range(n - 1, 0, -1):
        j = _below(rstate, i + 1)
        out[i], out[j] = out[j], out[i]
    return out


@jit
def _step(
    d, dmin, lower, upper, labels, sizes, S, tabu, it, value, best, tenure, flexible, rstate
):  # pragma: no cover
    """Make the best non-tabu swap or move (a tabu one if it gives a new best); its gain.

    The gain of swapping ``i`` (group a) and ``j`` (group b) is
    ``S[i,b] - S[i,a] + S[j,a] - S[j,b] - 2 d_ij``; of moving ``i`` to ``g``,
    ``S[i,g] - S[i,a]``. Returns ``-inf`` when no move is allowed.

    Swaps are scanned group pair by group pair, and the block of ``i`` with the members of
    ``b`` is skipped when its bound ``S[i,b] - S[i,a] + max_{j in b} (S[j,a] - S[j,b]) -
    2 min_k d_ik`` cannot beat the best gain found so far (O(nG) bounds per step).
    """
    n, groups = d.shape[0], S.shape[1]
    own = np.empty(n)
    for i in range(n):
        own[i] = S[i, labels[i]]
    # Elements sorted by group (counting sort) and, per pair of groups, the largest gain
    # a member of b makes by going to a.
    start = np.zeros(groups + 1, dtype=np.int64)
    for i in range(n):
        start[labels[i] + 1] += 1
    for g in range(groups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    pull = np.full((groups, groups), -np.inf)
    for j in range(n):
        b = labels[j]
        order[fill[b]] = j
        fill[b] += 1
        for a in range(groups):
            gain = S[j, a] - own[j]
            if gain > pull[a, b]:
                pull[a, b] = gain
    best_gain = -np.inf
    bi, bj, bg = -1, -1, -1
    for i in range(n):
        a = labels[i]
        oi = own[i]
        floor = 2.0 * dmin[i]
        for b in range(a + 1, groups):
            to_b = S[i, b] - oi
            if to_b + pull[a, b] - floor <= best_gain:
                continue
            for k in range(start[b], start[b + 1]):
                j = order[k]
                gain = to_b + S[j, a] - own[j] - 2.0 * d[i, j]
                if gain > best_gain:
                    if (tabu[i, b] > it or tabu[j, a] > it) and value + gain <= best + _EPS:
                        continue
                    best_gain, bi, bj = gain, i, j
    if flexible:
        for i in range(n):
            a = labels[i]
            if sizes[a] <= lower[a]:
                continue
            sia = S[i, a]
            for g in range(groups):
                if g == a or sizes[g] >= upper[g]:
                    continue
                gain = S[i, g] - sia
                if gain > best_gain:
                    if tabu[i, g] > it and value + gain <= best + _EPS:
                        continue
                    best_gain, bi, bj, bg = gain, i, -1, g
    if bi < 0:
        return -np.inf
    a = labels[bi]
    if bj >= 0:
        b = labels[bj]
        _relabel(d, labels, sizes, S, bi, b)
        _relabel(d, labels, sizes, S, bj, a)
        tabu[bj, b] = it + tenure + _below(rstate, 3)
    else:
        _relabel(d, labels, sizes, S, bi, bg)
    tabu[bi, a] = it + tenure + _below(rstate, 3)
    return best_gain


@jit
def _perturb(
    d, lower, upper, labels, sizes, S, tabu, it, tenure, strength, rstate
):  # pragma: no cover
    """Random swaps or, one time in five when sizes may vary, a shift of the size profile.

    Swaps keep the sizes, and the size profile of a ``ds`` local optimum is deep (emptying a
    group one element at a time loses at each step), so the shift moves a random number of
    elements from one group to another and forbids their return for ``4 * tenure`` steps.
    Returns the new objective.
    """
    n, groups = d.shape[0], S.shape[1]
    donors = np.empty(groups, dtype=np.int64)
    takers = np.empty(groups, dtype=np.int64)
    nd, nt = 0, 0
    for g in range(groups):
        if sizes[g] > lower[g]:
            donors[nd] = g
            nd += 1
        if sizes[g] < upper[g]:
            takers[nt] = g
            nt += 1
    shifted = False
    if nd > 0 and nt > 0 and _uniform(rstate) < 0.2:
        a = donors[_below(rstate, nd)]
        b = takers[_below(rstate, nt)]
        room = min(sizes[a] - lower[a], upper[b] - sizes[b])
        if a != b and room > 0:
            shifted = True
            members = np.empty(sizes[a], dtype=np.int64)
            m = 0
            for i in range(n):
                if labels[i] == a:
                    members[m] = i
                    m += 1
            count = 1 + _below(rstate, room)
            for k in range(count):  # a partial Fisher-Yates draw without replacement
                r = k + _below(rstate, m - k)
                members[k], members[r] = members[r], members[k]
                _relabel(d, labels, sizes, S, members[k], b)
                tabu[members[k], a] = it + 4 * tenure
    if not shifted:
        for _ in range(strength):
            i = _below(rstate, n)
            j = _below(rstate, n)
            a, b = labels[i], labels[j]
            if a != b:
                _relabel(d, labels, sizes, S, i, b)
                _relabel(d, labels, sizes, S, j, a)
    value = 0.0
    for i in range(n):
        value += S[i, labels[i]]
    return 0.5 * value


@jit
def iterated_tabu(  # pragma: no cover - compiled
    d, lower, upper, profile, labels, sizes, S, tabu, best_labels, anchor_labels,
    round_labels, ints, floats, rstate, steps, target, tenure, depth, strength,
    acceptance, restart,
):  # fmt: skip
    """Run at most ``steps`` steps of the iterated tabu search; return the steps made.

    Each round is a tabu walk that ends after ``depth`` steps without improving the round's
    best; the next round kicks from an anchor, which follows the round's best when within
    ``acceptance`` (relative) of the anchor; after ``restart`` rounds without a new overall
    best, the search restarts from a random grouping with sizes ``profile``.
    """
    flexible = False
    for g in range(lower.size):
        if lower[g] != upper[g]:
            flexible = True
    it, since, stale = ints[_INT_IT], ints[_INT_SINCE], ints[_INT_STALE]
    value, best = floats[_F_VALUE], floats[_F_BEST]
    anchor, round_best = floats[_F_ANCHOR], floats[_F_ROUND]
    n = d.shape[0]
    dmin = np.zeros(n)
    for i in range(n):
        m = np.inf
        for k in range(n):
            if k != i and d[i, k] < m:
                m = d[i, k]
        dmin[i] = 0.0 if m == np.inf else m
    done = 0
    while done < steps:
        if best >= target - _EPS:
            ints[_INT_REACHED] = 1
            break
        gain = _step(d, dmin, lower, upper, labels, sizes, S, tabu, it, value, best, tenure,
                     flexible, rstate)  # fmt: skip
        if gain > -np.inf:
            value += gain
        it += 1
        since += 1
        done += 1
        if value > round_best + _EPS:
            round_best, since = value, 0
            round_labels[:] = labels
            if round_best > best + _EPS:
                best = round_best
                best_labels[:] = labels
        if since >= depth:
            stale = 0 if round_best >= best - _EPS else stale + 1
            if round_best >= anchor - acceptance * abs(anchor):
                anchor = round_best
                anchor_labels[:] = round_labels
            tabu[:, :] = 0
            if stale >= restart:
                value = _reset(d, labels, sizes, S, _shuffled(profile, rstate))
                anchor, stale = value, 0
                anchor_labels[:] = labels
            else:
                _reset(d, labels, sizes, S, anchor_labels)
                value = _perturb(d, lower, upper, labels, sizes, S, tabu, it, tenure, strength,
                                 rstate)  # fmt: skip
            round_best, since = value, 0
            round_labels[:] = labels
    ints[_INT_IT], ints[_INT_SINCE], ints[_INT_STALE] = it, since, stale
    floats[_F_VALUE], floats[_F_BEST] = value, best
    floats[_F_ANCHOR], floats[_F_ROUND] = anchor, round_best
    return done


@jit
def start_state(d, labels, sizes, S):  # pragma: no cover
    """Load ``labels`` (a copy) as the current grouping; its objective."""
    return _reset(d, labels, sizes, S, labels.copy())

"""Many MES runs at once, one per share: the engine behind fast Add1 completion.

Add1 runs MES again and again with shares ``e0, e0 + 1, e0 + 2, ...``; each run is
independent of the others, so a batch of consecutive shares can run side by side
(the spec's "fixed batch, first stopping index" argument: the result is identical). Here
the batch advances in lockstep, one purchase round at a time, and every numpy operation
covers all runs, which removes the per-run interpreter overhead that dominated.

Within a round each run scans projects by increasing last-known price ρ (a lower bound:
ρ never decreases) and stops once the next bound exceeds its best price. A price is found
with the poor/rich iteration (supporters who cannot pay ρ·utility pay everything and leave
the denominator, until no one else drops out), which gives the same ρ as the sorted scan.

Every decision is certified as in :mod:`coprod_engine.budgeting.equal_shares`: a float
comparison is taken only with a relative margin of 1e-9; equal prices of projects whose
supporters all pay in full are compared exactly (ρ = cost / total utility); any other close
call hands that share back to the single-run path, which settles it in exact arithmetic.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from coprod_engine.budgeting._profile import GroupedProfile, exact_price

TOLERANCE = 1e-9
# Budgets held at once (runs × voter groups): about 32 MB. Runs past the one that ends Add1
# are wasted work, up to a batch; on 100,000 voters (≈ 95,000 groups) 4 M cells (≈ 42 runs
# a batch) cost 20 s of CPU against 26-27 s with 30 M (315 runs), the same outcome; smaller
# instances (Toulouse, Wieliczka: at most 1,024 runs a batch) never reach the cap.
CELLS = 4_000_000


def batch_size_limit(profile: GroupedProfile) -> int:
    """The most runs a batch may hold without exceeding :data:`CELLS` budgets."""
    return max(1, CELLS // max(1, profile.weight.size))


class _Layout:
    """Supporters of every project, flattened (CSR by project) for segment gathers."""

    def __init__(self, profile: GroupedProfile) -> None:
        self.length = np.array([s.size for s in profile.supporters], dtype=np.int64)
        self.start = np.concatenate([[0], np.cumsum(self.length)[:-1]]).astype(np.int64)
        self.groups = np.concatenate(profile.supporters + [np.zeros(0, dtype=np.int64)])
        self.utility = np.concatenate(profile.utility + [np.zeros(0)])
        self.weight = profile.weight[self.groups]
        self.weighted_utility = self.weight * self.utility

    def gather(
        self, projects: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """(segment starts, positions in the flat arrays, segment lengths) for ``projects``."""
        length = self.length[projects]
        seg = np.cumsum(length) - length
        pos = np.arange(int(length.sum())) + np.repeat(self.start[projects] - seg, length)
        return seg, pos, length


def mes_batch(
    profile: GroupedProfile,
    candidates: list[int],
    shares: list[Fraction],
    limit: float = np.inf,
    *,
    exhaustive_stop: bool = False,
) -> list[list[int] | None]:
    """The projects MES buys at each share, in order; ``None`` where a call was too close.

    Add1 consumes the runs in order and stops at the first one that overspends ``limit``,
    buys every candidate or (``exhaustive_stop``) is exhaustive. So a run whose purchases
    already cost more than ``limit`` (with a relative margin of 1e-9) stops there, its list
    a prefix that overspends; and once a run is known to stop Add1 (float decisions with
    that margin, far above the rounding error of a sum of costs), the runs after it are
    abandoned (``None``: never consumed).
    """
    layout = _Layout(profile)
    costs, totals, weight = profile.costs, profile.total_utility, profile.weight
    runs, m = len(shares), profile.num_projects
    budgets = np.repeat(np.array([float(s) for s in shares])[:, None], weight.size, axis=1)
    lower = np.full((runs, m + 1), np.inf)  # column m: a sentinel that ends every scan
    cand = np.array(candidates, dtype=np.int64)
    lower[:, cand] = costs[cand] / totals[cand]
    shaky = np.zeros(budgets.shape, dtype=bool)  # budgets emptied by a close call
    stride = weight.size
    active = np.ones(runs, dtype=bool)
    abandoned = np.zeros(runs, dtype=bool)
    spent = np.zeros(runs)
    known: dict[tuple[int, float], Fraction | None] = {}

    def price(p: int, zero_utility: float) -> Fraction | None:
        """:func:`exact_price`, remembered: the same near-ties recur across runs."""
        key = (p, zero_utility)
        if key not in known:
            known[key] = exact_price(profile, p, zero_utility)
        return known[key]

    undecided = np.zeros(runs, dtype=bool)
    owned = np.zeros((runs, m), dtype=bool)
    cand_costs = costs[cand]
    margin = TOLERANCE * limit if np.isfinite(limit) else 0.0
    bought_k: list[NDArray[np.int64]] = []  # per round: the runs that bought ...
    bought_p: list[NDArray[np.int64]] = []  # ... and what they bought
    cols = np.arange(m + 1)  # columns still finite in some run (m: the sentinel)

    def evaluate(
        ks: NDArray[np.int64], ps: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]:
        seg, pos, length = layout.gather(ps)
        g = layout.groups[pos]
        u = layout.utility[pos]
        flat = np.repeat(ks * stride, length) + g  # 1-d indices: faster than 2-d gathers
        b = budgets.ravel()[flat]
        wb, wu = layout.weight[pos] * b, layout.weighted_utility[pos]
        money = np.add.reduceat(wb, seg)
        cost, total = costs[ps], totals[ps]
        ratio = b / u
        zero = b == 0
        # Supporters with nothing left are certainly poor; see equal_shares._price_float.
        zero_utility = np.add.reduceat(wu * zero, seg)
        shaky_zero = np.zeros(ps.size, dtype=bool)
        if zero.any():
            at = np.flatnonzero(zero)
            shaky_zero[np.searchsorted(seg, at[shaky.ravel()[flat[at]]], side="right") - 1] = True
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = cost / (total - zero_utility)
        least = np.minimum.reduceat(np.where(zero, np.inf, ratio), seg)
        sure = (least > rho * (1 + TOLERANCE)) & ~shaky_zero
        pending = (least <= rho) & (money > cost * (1 + TOLERANCE))
        if pending.any():
            poor = zero.copy()
            todo = np.repeat(pending, length)
            while True:
                grown = poor | (todo & (ratio < np.repeat(rho, length)))
                if np.array_equal(grown, poor):
                    break
                poor = grown
                paid = np.add.reduceat(wb * poor, seg)
                used = np.add.reduceat(wu * poor, seg)
                with np.errstate(divide="ignore", invalid="ignore"):
                    rho = np.where(pending, (cost - paid) / (total - used), rho)
        return money, rho, sure, zero_utility

    while active.any():
        rows_k = np.flatnonzero(active)
        view = lower[np.ix_(rows_k, cols)]
        order = np.argsort(view, axis=1, kind="stable")
        count = rows_k.size
        ptr = np.zeros(count, dtype=np.int64)
        best = np.full(count, np.inf)
        best_p = np.full(count, -1, dtype=np.int64)
        # for each run's best so far: the certificate of its price, if it has one
        best_zero = np.full(count, np.nan)  # NaN: no certificate
        scanning = np.ones(count, dtype=bool)
        while True:
            rows = np.flatnonzero(scanning)
            if rows.size == 0:
                break
            at = order[rows, ptr[rows]]
            bound = view[rows, at]
            ps = cols[at]
            stop = ~np.isfinite(bound) | (bound > best[rows] * (1 + TOLERANCE))
            scanning[rows[stop]] = False
            rows, ps = rows[~stop], ps[~stop]
            if rows.size == 0:
                break
            ptr[rows] += 1
            ks = rows_k[rows]
            money, rho, sure, zero_utility = evaluate(ks, ps)
            cost = costs[ps]
            dead = money < cost * (1 - TOLERANCE)
            lower[ks[dead], ps[dead]] = np.inf  # budgets only shrink: never affordable again
            close_money = ~dead & (money <= cost * (1 + TOLERANCE))
            ok = ~dead & ~close_money
            lower[ks[ok], ps[ok]] = rho[ok]
            current = best[rows]
            strict = ok & (rho < current * (1 - TOLERANCE))
            near = ok & ~strict & (rho <= current * (1 + TOLERANCE))
            won = rows[strict]
            best[won], best_p[won] = rho[strict], ps[strict]
            best_zero[won] = np.where(sure[strict], zero_utility[strict], np.nan)
            for j in np.flatnonzero(near):
                r, p = rows[j], int(ps[j])
                q, theirs_zero = int(best_p[r]), best_zero[r]
                mine = price(p, float(zero_utility[j])) if sure[j] else None
                theirs = None if np.isnan(theirs_zero) else price(q, float(theirs_zero))
                if mine is None or theirs is None:
                    scanning[r] = False
                    undecided[rows_k[r]] = True
                    continue
                if (mine, profile.tie_rank[p]) < (theirs, profile.tie_rank[q]):
                    best[r], best_p[r], best_zero[r] = rho[j], p, float(zero_utility[j])
            for r in rows[close_money]:
                scanning[r] = False
                undecided[rows_k[r]] = True
        done = best_p < 0
        active[rows_k[done]] = False
        active[undecided] = False
        buy = ~done & ~undecided[rows_k]
        ks, ps, rho = rows_k[buy], best_p[buy], best[buy]
        if ks.size:
            seg, pos, length = layout.gather(ps)
            g = layout.groups[pos]
            flat = np.repeat(ks * stride, length) + g
            held = budgets.ravel()[flat]
            due = np.repeat(rho, length) * layout.utility[pos]
            shaky.ravel()[flat[(held > 0) & (np.abs(due - held) <= TOLERANCE * held)]] = True
            budgets.ravel()[flat] = held - np.minimum(held, due)
            lower[ks, ps] = np.inf
            owned[ks, ps] = True
            bought_k.append(ks)
            bought_p.append(ps)
            spent[ks] += costs[ps]
            over = ks[spent[ks] > limit * (1 + TOLERANCE)]
            active[over] = False
        else:
            over = ks
        # Runs that certainly end Add1: overspent, everything bought, or exhaustive.
        finished = rows_k[done & ~undecided[rows_k]]
        if finished.size and np.isfinite(limit):
            cheapest = np.where(owned[np.ix_(finished, cand)], np.inf, cand_costs).min(axis=1)
            room = limit - spent[finished]
            ends = np.isinf(cheapest) | (exhaustive_stop & (cheapest > room + margin))
            over = np.concatenate([over, finished[ends]])
        if over.size:
            first = int(over.min())
            abandoned[first + 1 :] |= active[first + 1 :]
            active[first + 1 :] = False
        if ks.size:
            live = np.isfinite(lower[np.ix_(np.flatnonzero(active), cols[:-1])]).any(axis=0)
            cols = np.concatenate([cols[:-1][live], [m]])
    all_k = np.concatenate(bought_k + [np.zeros(0, dtype=np.int64)])
    all_p = np.concatenate(bought_p + [np.zeros(0, dtype=np.int64)])
    by_run = np.argsort(all_k, kind="stable")  # rounds were appended in order
    split = np.split(all_p[by_run], np.cumsum(np.bincount(all_k, minlength=runs))[:-1])
    return [None if undecided[k] or abandoned[k] else split[k].tolist() for k in range(runs)]

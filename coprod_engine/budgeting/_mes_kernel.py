"""One MES run compiled with numba: the engine behind fast Add1 completion.

The kernel is :func:`coprod_engine.budgeting.equal_shares._run_float` line by line, in
compiled loops instead of numpy calls and Python sets (Add1 on Toulouse is 1,619 runs of
about 280 project prices each: interpreter overhead, not arithmetic, was the cost). It makes
the same certified decisions: a float comparison is taken only with a relative margin of
1e-9; equal prices of projects whose supporters all pay in full are compared exactly, here
without :class:`fractions.Fraction`: ρ = cost / (total utility − emptied utility) with an
integer denominator below 2**53, so ``c1 / d1 < c2 / d2`` is decided by comparing the
products ``c1·d2`` and ``c2·d1`` held exactly as float pairs (Dekker's two-product: rounding
is monotonic, so the rounded products decide unless equal, then the errors do). Any other
close call returns :data:`CLOSE`, and the caller re-runs that share on the numpy/rational
path. The numpy implementation stays the reference the tests compare against.

Compiled functions are cached on disk as :mod:`coprod_engine._compiled` sets out (a
temporary directory for read-only installs, in memory as the last resort).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coprod_engine._compiled import jit as _jit
from coprod_engine._compiled import settle_cache_dir

settle_cache_dir(Path(__file__).resolve().parent)

TOLERANCE = 1e-9
DONE = 0  # the run ended: nothing left is affordable
CLOSE = 1  # a call too close to certify: re-run this share on the exact path
OVER = 2  # purchases exceeded ``limit``: the bought list is a prefix that overspends


@_jit
def _two_product(a: float, b: float) -> tuple[float, float]:
    """(p, e) with p + e = a·b exactly (Dekker; no overflow for our magnitudes)."""
    p = a * b
    c = 134217729.0 * a  # 2**27 + 1
    a_hi = c - (c - a)
    a_lo = a - a_hi
    c = 134217729.0 * b
    b_hi = c - (c - b)
    b_lo = b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


@_jit
def _compare_prices(c1: float, d1: float, c2: float, d2: float) -> int:
    """Sign of c1/d1 − c2/d2, exactly (d1, d2 > 0 integers below 2**53)."""
    p1, e1 = _two_product(c1, d2)
    p2, e2 = _two_product(c2, d1)
    if p1 != p2:
        return -1 if p1 < p2 else 1
    if e1 != e2:
        return -1 if e1 < e2 else 1
    return 0


@_jit
def mes_run(
    start: NDArray[np.int64],
    length: NDArray[np.int64],
    groups: NDArray[np.int32],
    utility: NDArray[np.float64],
    weight: NDArray[np.float64],
    costs: NDArray[np.float64],
    totals: NDArray[np.float64],
    exact_totals: NDArray[np.float64],
    tie_rank: NDArray[np.int64],
    candidates: NDArray[np.int64],
    budgets: NDArray[np.float64],
    payments: NDArray[np.float64],
    share: float,
    limit: float,
    record: bool,
) -> tuple[int, NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """One MES run at ``share``: (status, bought, prices, payments, budgets left).

    Supporters are flattened by project (``start``/``length`` into ``groups`` and
    ``utility``; ``weight`` is per group: the arrays streamed per supporter are kept small,
    the runs are bound by memory traffic); ``exact_totals[p]`` is the total utility of ``p`` when it
    is an integer below 2**53 (certificates usable), else −1. ``budgets`` (one per group)
    and ``payments`` (one per flat position) are work space, reused from run to run
    (allocating them each run cost more than the run itself on large profiles);
    ``payments`` is written only with ``record``, for the projects bought. The run stops early with :data:`OVER` once its purchases cost more
    than ``limit`` (with the 1e-9 margin).
    """
    m = costs.size
    budgets[:] = share
    shaky = np.zeros(budgets.size, dtype=np.bool_)
    lower = np.full(m, np.inf)
    alive = np.zeros(m, dtype=np.bool_)
    for p in candidates:
        lower[p] = costs[p] / totals[p]
        alive[p] = True
    bought = np.empty(m, dtype=np.int64)
    prices = np.empty(m, dtype=np.float64)
    count = 0
    spent = 0.0
    scan_p = np.empty(m, dtype=np.int64)
    scan_rho = np.empty(m)
    scan_zero = np.empty(m)  # the certificate (emptied utility), NaN if none
    most = 0
    for p in candidates:
        most = max(most, length[p])
    ratio = np.empty(most)  # one project's supporters: budget / utility ...
    held_w = np.empty(most)  # ... weight × budget
    util_w = np.empty(most)  # ... weight × utility
    # The live candidates by increasing lower bound, kept sorted by insertion: each round
    # raises only the few bounds it computed, so the order is nearly sorted already.
    order = candidates.copy()
    live = order.size
    while live > 0:
        for i in range(1, live):
            p = order[i]
            key = lower[p]
            j = i - 1
            while j >= 0 and lower[order[j]] > key:
                order[j + 1] = order[j]
                j -= 1
            order[j + 1] = p
        best = np.inf
        scanned = 0
        for i in range(live):
            p = order[i]
            if lower[p] > best * (1 + TOLERANCE):
                break  # ρ never decreases, so nothing further can beat the best
            lo = start[p]
            n = length[p]
            cost = costs[p]
            # One gather pass; the loops are branch-free (budgets at 0 are common and
            # unpredictable), adding 0.0 where a term does not count.
            money = 0.0
            zero_utility = 0.0
            zero_shaky = False
            poorest = np.inf
            for j in range(n):
                k = lo + j
                g = groups[k]
                b = budgets[g]
                zero = b == 0
                r = b / utility[k]
                ratio[j] = r
                w = weight[g]
                held_w[j] = w * b
                util_w[j] = w * utility[k]
                money += held_w[j]
                zero_utility += util_w[j] * zero
                zero_shaky |= zero & shaky[g]
                poorest = min(poorest, np.inf if zero else r)
            if money < cost * (1 - TOLERANCE):
                alive[p] = False  # budgets only shrink: it will never be affordable
                continue
            if money <= cost * (1 + TOLERANCE):
                return CLOSE, bought[:count], prices[:count], payments, budgets
            # The price (see equal_shares._price_float), by the poor/rich iteration of
            # _mes_batch: supporters who cannot pay ρ·utility pay all they have and leave
            # the denominator, until no one else drops out.
            rho = cost / (totals[p] - zero_utility)
            certificate = np.nan
            if rho <= poorest:
                if rho < poorest * (1 - TOLERANCE) and not zero_shaky:
                    certificate = zero_utility
            else:
                poor = -1
                while True:
                    paid = 0.0
                    used = 0.0
                    now = 0
                    for j in range(n):
                        below = ratio[j] < rho
                        paid += held_w[j] * below
                        used += util_w[j] * below
                        now += below
                    if now == poor:
                        break
                    poor = now
                    rho = (cost - paid) / (totals[p] - used)
            lower[p] = rho
            best = min(best, rho)
            scan_p[scanned] = p
            scan_rho[scanned] = rho
            scan_zero[scanned] = certificate
            scanned += 1
        # the projects within the margin of the best price
        chosen = -1
        chosen_rho = 0.0
        chosen_den = 0.0
        ties = 0
        for i in range(scanned):
            if scan_rho[i] <= best * (1 + TOLERANCE):
                ties += 1
        if ties == 0:
            break
        for i in range(scanned):
            if scan_rho[i] > best * (1 + TOLERANCE):
                continue
            p = scan_p[i]
            den = -1.0
            if ties > 1:
                if np.isnan(scan_zero[i]) or exact_totals[p] < 0:
                    return CLOSE, bought[:count], prices[:count], payments, budgets
                den = exact_totals[p] - scan_zero[i]
            if chosen < 0:
                chosen, chosen_rho, chosen_den = p, scan_rho[i], den
                continue
            sign = _compare_prices(costs[p], den, costs[chosen], chosen_den)
            if sign < 0 or (sign == 0 and tie_rank[p] < tie_rank[chosen]):
                chosen, chosen_rho, chosen_den = p, scan_rho[i], den
        p = chosen
        for k in range(start[p], start[p] + length[p]):
            g = groups[k]
            held = budgets[g]
            due = chosen_rho * utility[k]
            pay = min(held, due)
            if held > 0 and abs(due - held) <= TOLERANCE * held:
                shaky[g] = True
            budgets[g] = held - pay
            if record:
                payments[k] = pay
        alive[p] = False
        kept = 0
        for i in range(live):
            if alive[order[i]]:
                order[kept] = order[i]
                kept += 1
        live = kept
        bought[count] = p
        prices[count] = chosen_rho
        count += 1
        spent += costs[p]
        if spent > limit * (1 + TOLERANCE):
            return OVER, bought[:count], prices[:count], payments, budgets
    return DONE, bought[:count], prices[:count], payments, budgets

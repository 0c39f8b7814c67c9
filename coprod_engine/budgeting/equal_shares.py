"""The Method of Equal Shares (MES), with the Add1 completion.

Every voter receives an equal share of the budget. Repeatedly, the project that its
supporters can buy at the lowest price per unit of utility ρ is bought: each supporter pays
``min(budget left, ρ × utility)``. The rule stops when no remaining project is affordable.
Add1 then raises every voter's share by one currency unit and runs MES again, as long as the
outcome stays within the budget (and, with the exhaustive stop, until it is exhaustive).

Arithmetic. pabutools computes with exact rationals. Here each run uses floats, with every
decision certified: a comparison is taken in floats only when its margin exceeds a relative
tolerance (1e-9) far above the accumulated rounding error (about 1e-13 here); closer calls
are settled exactly (ρ = cost / total utility when every supporter can pay its full share),
and any other close call re-runs that MES in exact rational arithmetic
(:class:`fractions.Fraction`). The outcome is therefore the exact one.

References
----------
Peters, Skowron. "Proportionality and the Limits of Welfarism", EC 2020.
Peters, Pierczyński, Skowron. "Proportional Participatory Budgeting with Additive
Utilities", NeurIPS 2021. https://equalshares.net (completion, tie-breaking).
pabutools ``method_of_equal_shares`` (``Cost_Sat``, ``Additive_Cardinal_Sat``,
``voter_budget_increment=1``), the oracle for identical outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from coprod_engine.budgeting._mes_batch import _Layout, batch_size_limit, mes_batch
from coprod_engine.budgeting._profile import (
    GroupedProfile,
    TieBreaking,
    exact_price,
    grouped_profile,
    voter_amounts,
)
from coprod_engine.budgeting.allocation import Allocation, ProjectExplanation
from coprod_engine.budgeting.greedy import greedy_fill
from coprod_engine.exceptions import InputFormatError

__all__ = ["Completion", "equal_shares", "equal_shares_cardinal"]

Completion = Literal["none", "add1", "add1-greedy"]
COMPLETIONS = ("none", "add1", "add1-greedy")
TOLERANCE = 1e-9
# Run MES with the compiled kernel (numba); False: the numpy implementation, kept as the
# reference the kernel is tested against (tests switch it with monkeypatch).
USE_KERNEL = True


class _CloseCall(Exception):
    """A float comparison too close to certify: redo this run exactly."""


@dataclass
class _Run:
    """One MES run: the purchases in order and the money left per group at the end."""

    bought: list[int]
    price: list[float]
    paid: list[NDArray[np.float64]]  # per supporting group, aligned with supporters[p]
    left: NDArray[np.float64]
    exact: bool


def _price_float(
    budgets: NDArray[np.float64],
    utility: NDArray[np.float64],
    weight: NDArray[np.float64],
    cost: float,
    total: float,
    shaky: NDArray[np.bool_],
) -> tuple[float, float | None]:
    """Smallest ρ with Σ weight·min(budget, ρ·utility) = cost, and a certificate.

    Supporters are taken by increasing budget/utility; those who cannot pay ρ·utility pay
    all they have and drop out of the denominator (the "poor/rich" split of equalshares.net).
    The certificate is the utility of the supporters with nothing left when every other
    supporter pays in full with a margin: then ρ = cost / (total − that utility) exactly.
    Voters left with nothing are common (each purchase empties its poor supporters), and a
    float budget is exactly 0 precisely when the voter paid everything, unless the payment
    was a close call (``shaky``), which voids the certificate.
    """
    zero = budgets == 0
    zero_utility = float((weight * utility)[zero].sum()) if zero.any() else 0.0
    ratio = budgets / utility
    rho = cost / (total - zero_utility)
    poorest = ratio[~zero].min()
    if rho <= poorest:
        sure = rho < poorest * (1 - TOLERANCE) and not shaky[zero].any()
        return rho, zero_utility if sure else None
    order = np.argsort(ratio, kind="stable")
    ratio = ratio[order]
    paid = np.cumsum((weight * budgets)[order])
    used = np.cumsum((weight * utility)[order])
    with np.errstate(divide="ignore", invalid="ignore"):
        candidate = (cost - paid[:-1]) / (total - used[:-1])
    fits = np.flatnonzero(candidate <= ratio[1:])
    return float(candidate[fits[0]]), None


def _run_float(profile: GroupedProfile, candidates: list[int], share: float) -> _Run:
    supporters, utility, weight = profile.supporters, profile.utility, profile.weight
    costs, totals = profile.costs, profile.total_utility
    budgets = np.full(weight.size, share)
    shaky = np.zeros(weight.size, dtype=bool)
    lower = {p: costs[p] / totals[p] for p in candidates}
    alive = set(candidates)
    run = _Run([], [], [], budgets, exact=False)
    while alive:
        best = math.inf
        scanned: list[tuple[float, int, float | None]] = []
        for p in sorted(alive, key=lower.__getitem__):
            if lower[p] > best * (1 + TOLERANCE):
                break  # ρ never decreases, so nothing further can beat the best
            groups = supporters[p]
            held = budgets[groups]
            money = float(held @ weight[groups])
            if money < costs[p] * (1 - TOLERANCE):
                alive.discard(p)  # budgets only shrink: it will never be affordable
                continue
            if money <= costs[p] * (1 + TOLERANCE):
                raise _CloseCall
            rho, certificate = _price_float(
                held, utility[p], weight[groups], costs[p], totals[p], shaky[groups]
            )
            lower[p] = rho
            best = min(best, rho)
            scanned.append((rho, p, certificate))
        close = [item for item in scanned if item[0] <= best * (1 + TOLERANCE)]
        if not close:
            return run
        if len(close) > 1:
            exact = {
                p: None if zero is None else exact_price(profile, p, zero) for _, p, zero in close
            }
            known = [v for v in exact.values() if v is not None]
            if len(known) < len(exact):
                raise _CloseCall
            least = min(known)
            close = [item for item in close if exact[item[1]] == least]
        rho, p, _ = min(close, key=lambda item: profile.tie_rank[item[1]])
        groups = supporters[p]
        held = budgets[groups]
        share_due = rho * utility[p]
        pay = np.minimum(held, share_due)
        shaky[groups[(held > 0) & (np.abs(share_due - held) <= TOLERANCE * held)]] = True
        budgets[groups] = held - pay
        alive.discard(p)
        run.bought.append(p)
        run.price.append(rho)
        run.paid.append(pay)
    return run


def _run_exact(profile: GroupedProfile, candidates: list[int], share: Fraction) -> _Run:
    """The same run in exact rationals (the reference the float path is certified against)."""
    supporters = [list(map(int, profile.supporters[p])) for p in range(profile.num_projects)]
    utility = [
        [Fraction(float(u)) for u in profile.utility[p]] for p in range(profile.num_projects)
    ]
    weight = [int(w) for w in profile.weight]
    budgets = [share] * len(weight)
    lower = {p: profile.exact_costs[p] / profile.exact_total_utility[p] for p in candidates}
    alive = set(candidates)
    run = _Run([], [], [], np.zeros(0), exact=True)
    while alive:
        best: Fraction | None = None
        tied: list[int] = []
        for p in sorted(alive, key=lower.__getitem__):
            if best is not None and lower[p] > best:
                break
            cost = profile.exact_costs[p]
            members = supporters[p]
            if sum(budgets[g] * weight[g] for g in members) < cost:
                alive.discard(p)
                continue
            u = dict(zip(members, utility[p], strict=True))
            paid, total = Fraction(0), profile.exact_total_utility[p]
            for g in sorted(members, key=lambda g: budgets[g] / u[g]):
                rho = (cost - paid) / total
                if rho * u[g] <= budgets[g]:
                    break
                paid += budgets[g] * weight[g]
                total -= u[g] * weight[g]
            lower[p] = rho
            if best is None or rho < best:
                best, tied = rho, [p]
            elif rho == best:
                tied.append(p)
        if best is None:
            break
        p = min(tied, key=lambda q: profile.tie_rank[q])
        pay = [min(budgets[g], best * u) for g, u in zip(supporters[p], utility[p], strict=True)]
        for g, amount in zip(supporters[p], pay, strict=True):
            budgets[g] -= amount
        alive.discard(p)
        run.bought.append(p)
        run.price.append(float(best))
        run.paid.append(np.array([float(a) for a in pay]))
    run.left = np.array([float(b) for b in budgets])
    return run


Compiled = tuple[Any, ...]


def _compiled(profile: GroupedProfile, candidates: list[int]) -> Compiled:
    """The arguments of :func:`_mes_kernel.mes_run` for this profile (all but the share)."""
    layout = _Layout(profile)
    exact_totals = np.array(
        [
            float(t) if profile.integral and t.denominator == 1 and t < 2**53 else -1.0
            for t in profile.exact_total_utility
        ]
    )
    return (
        layout.start,
        layout.length,
        layout.groups.astype(np.int32),
        layout.utility,
        profile.weight,
        profile.costs,
        profile.total_utility,
        exact_totals,
        profile.tie_rank,
        np.array(candidates, dtype=np.int64),
        np.empty(profile.weight.size),  # work space of the kernel, reused by every run
        np.empty(layout.groups.size),
    )


def _run_compiled(
    compiled: Compiled, share: Fraction, limit: float = math.inf, *, record: bool = False
) -> tuple[int, list[int], Any]:
    """(status, bought, the kernel's full result) of one compiled run; ``record``: with
    the payments (the kernel skips writing them otherwise)."""
    from coprod_engine.budgeting._mes_kernel import mes_run  # numba loads on first use

    result = mes_run(*compiled, float(share), limit, record)
    return int(result[0]), result[1].tolist(), result


def _run(
    profile: GroupedProfile,
    candidates: list[int],
    share: Fraction,
    compiled: Compiled | None = None,
) -> _Run:
    """One MES run: compiled when ``compiled`` is given, else numpy; exact on a close call."""
    if compiled is not None:
        from coprod_engine.budgeting._mes_kernel import DONE

        status, bought, (_, _, prices, payments, left) = _run_compiled(compiled, share, record=True)
        if status == DONE:
            start, length = compiled[0], compiled[1]
            # copies: the next run reuses the kernel's work space
            paid = [payments[start[p] : start[p] + length[p]].copy() for p in bought]
            return _Run(bought, prices.tolist(), paid, left.copy(), exact=False)
    try:
        return _run_float(profile, candidates, float(share))
    except _CloseCall:
        return _run_exact(profile, candidates, share)


def _explain(
    profile: GroupedProfile,
    free: list[int],
    run: _Run,
    extra: dict[int, ProjectExplanation],
) -> list[ProjectExplanation]:
    notes: dict[int, ProjectExplanation] = {}
    for k, p in enumerate(free):
        notes[p] = ProjectExplanation(
            p, True, "zero_cost", 0.0, float(profile.support[p]), order=k, price=0.0
        )
    for k, (p, rho, pay) in enumerate(zip(run.bought, run.price, run.paid, strict=True)):
        payers, payments = voter_amounts(profile, p, pay)
        notes[p] = ProjectExplanation(
            p,
            True,
            "bought_by_supporters",
            float(profile.costs[p]),
            float(profile.support[p]),
            order=len(free) + k,
            price=rho,
            payers=payers,
            payments=payments,
        )
    notes.update(extra)
    for p in range(profile.num_projects):
        if p in notes:
            continue
        groups = profile.supporters[p]
        left = float(run.left[groups] @ profile.weight[groups]) if groups.size else 0.0
        cost = float(profile.costs[p])
        notes[p] = ProjectExplanation(
            p,
            False,
            "no_support"
            if groups.size == 0
            else ("outbid" if left >= cost else "supporters_lacked_money"),
            cost,
            float(profile.support[p]),
            supporters_money_left=left,
            shortfall=max(0.0, cost - left),
        )
    return [notes[p] for p in range(profile.num_projects)]


def _add1(
    profile: GroupedProfile,
    candidates: list[int],
    share: Fraction,
    increment: Fraction,
    first: list[int],
    *,
    exhaustive_stop: bool,
    compiled: Compiled | None = None,
) -> tuple[Fraction, int]:
    """Add1: the final share and the number of MES runs it took (as run one by one).

    With ``compiled``, the runs are compiled (:mod:`._mes_kernel`), one by one, each
    stopped as soon as its purchases overspend (:func:`_add1_compiled`). Without, they are computed in growing
    numpy batches of consecutive shares (:func:`mes_batch`) and consumed in order. Either
    way the stopping share is the one of the sequential definition.
    """
    # Exact sums in integers: every cost times the common denominator (costs come from
    # floats, so denominators are powers of two) is an integer; Fraction sums were slow.
    scale = math.lcm(*(c.denominator for c in profile.exact_costs), profile.budget.denominator)
    costs = [int(c * scale) for c in profile.exact_costs]
    budget = int(profile.budget * scale)
    by_cost = sorted(candidates, key=costs.__getitem__)

    def spent(bought: list[int]) -> int:
        return sum(costs[p] for p in bought)

    def exhaustive(bought: list[int]) -> bool:
        room, taken = budget - spent(bought), set(bought)
        cheapest = next((costs[p] for p in by_cost if p not in taken), None)
        return cheapest is None or cheapest > room

    outcome, runs, size = first, 1, 8
    start_spent = spent(first)
    queue: list[tuple[Fraction, list[int] | None]] = []

    def planned(size: int) -> int:
        """The next batch: doubled, but not far past where Add1 is expected to stop.

        The outcome's cost grows about linearly with the share (Toulouse, Wieliczka), so
        the runs left before it exceeds the budget are extrapolated from the runs so far;
        the batch covers 1.25 times that, and at least half the runs done (so batches still
        grow geometrically if the cost stalls). Only the batch sizes depend on this guess,
        never the outcome: runs are still consumed one by one in order, and a guess too
        short costs one more batch.
        """
        gained, done = spent(outcome) - start_spent, runs - 1
        if gained > 0 and done >= 8:
            left = (budget - spent(outcome)) * done / gained
            size = min(size, max(8, done // 2, math.ceil(1.25 * left) + 1))
        return size

    if compiled is not None and max(costs, default=0) * max(1, len(costs)) < 2**62:
        return _add1_compiled(
            profile, candidates, share, increment, first, exhaustive_stop, compiled, costs, budget
        )
    while True:
        if exhaustive_stop and exhaustive(outcome):
            break
        if len(outcome) == len(candidates):
            break  # everything is bought: more money cannot change the outcome
        if not queue:
            size = planned(size)
            shares = [share + increment * (i + 1) for i in range(size)]
            results = mes_batch(
                profile, candidates, shares, float(profile.budget), exhaustive_stop=exhaustive_stop
            )
            queue = list(zip(shares, results, strict=True))[::-1]
            size = min(2 * size, batch_size_limit(profile))
        trial_share, result = queue.pop()
        # A share the batch could not certify is settled by the single-run path, only
        # when the sequence actually reaches it.
        trial = result if result is not None else _run(profile, candidates, trial_share).bought
        runs += 1
        if spent(trial) > budget:
            break
        share, outcome = trial_share, trial
    return share, runs


def _add1_compiled(
    profile: GroupedProfile,
    candidates: list[int],
    share: Fraction,
    increment: Fraction,
    first: list[int],
    exhaustive_stop: bool,
    compiled: Compiled,
    costs: list[int],
    budget: int,
) -> tuple[Fraction, int]:
    """:func:`_add1` with compiled runs, one share after the other (each run stops as soon
    as its purchases overspend). ``costs`` and ``budget`` are scaled to integers (sums of
    them fit in int64, so the exact checks are numpy sums)."""
    from coprod_engine.budgeting._mes_kernel import CLOSE

    scaled = np.array(costs, dtype=np.int64)
    cand = np.array(candidates, dtype=np.int64)
    owned = np.zeros(len(costs), dtype=bool)
    outcome, runs = first, 1
    spent = int(scaled[outcome].sum())
    limit = float(profile.budget)
    while len(outcome) < len(candidates):  # all bought: more money changes nothing
        if exhaustive_stop:
            owned[:] = False
            owned[outcome] = True
            left = scaled[cand[~owned[cand]]]
            if int(left.min()) > budget - spent:
                break
        trial_share = share + increment
        status, trial, _ = _run_compiled(compiled, trial_share, limit)
        if status == CLOSE:
            trial = _run(profile, candidates, trial_share).bought
        runs += 1
        trial_spent = int(scaled[trial].sum())
        if trial_spent > budget:  # an overspending run's prefix already overspends
            break
        share, outcome, spent = trial_share, trial, trial_spent
    return share, runs


def _equal_shares(
    profile: GroupedProfile,
    *,
    completion: Completion,
    exhaustive_stop: bool,
    increment: Fraction,
    utilities: str,
) -> Allocation:
    if completion not in COMPLETIONS:
        raise ValueError(f"completion must be one of {COMPLETIONS}, not {completion!r}")
    supported = profile.total_utility > 0
    free = [p for p in range(profile.num_projects) if supported[p] and profile.costs[p] == 0]
    candidates = [p for p in range(profile.num_projects) if supported[p] and profile.costs[p] > 0]
    n = profile.num_voters
    share = profile.budget / n if n else Fraction(0)
    budget = profile.budget
    exact_costs = profile.exact_costs

    compiled = _compiled(profile, candidates) if USE_KERNEL and n else None
    run = _run(profile, candidates, share, compiled) if n else _Run([], [], [], np.zeros(0), False)
    runs = 1
    if completion != "none" and n:
        final_share, runs = _add1(
            profile,
            candidates,
            share,
            increment,
            run.bought,
            exhaustive_stop=exhaustive_stop,
            compiled=compiled,
        )
        if final_share != share:
            share, run = final_share, _run(profile, candidates, final_share, compiled)
    chosen = free + run.bought
    extra: dict[int, ProjectExplanation] = {}
    if completion == "add1-greedy":
        added, notes = greedy_fill(profile, chosen, reason="utilitarian_completion")
        chosen = chosen + added
        extra = {p: note for p, note in notes.items() if note.selected}
    total = sum((exact_costs[p] for p in chosen), Fraction(0))
    return Allocation(
        rule="mes",
        selected=np.array(chosen, dtype=np.int64),
        total_cost=float(total),
        budget=float(budget),
        explanations=_explain(profile, free, run, extra),
        tie_breaking=profile.tie_breaking,
        parameters={
            "utilities": utilities,
            "completion": completion,
            "exhaustive_stop": exhaustive_stop,
            "increment": float(increment),
            "initial_share": float(profile.budget / n) if n else 0.0,
            "final_share": float(share),
            "runs": runs,
            "exact_arithmetic_used": run.exact,
        },
        input_hash=profile.input_hash,
    )


def equal_shares(
    costs: ArrayLike,
    approvals: sparse.sparray | sparse.spmatrix | ArrayLike,
    budget: float | Fraction,
    *,
    completion: Completion = "add1",
    exhaustive_stop: bool = True,
    increment: float | Fraction = 1,
    utilities: Literal["cost", "cardinality"] = "cost",
    project_ids: Sequence[str] | None = None,
    tie_breaking: TieBreaking = "project_id",
) -> Allocation:
    """Method of Equal Shares for approval ballots, with completion.

    Parameters
    ----------
    costs : array of shape (m,)
        Project costs (non-negative).
    approvals : sparse matrix of shape (n, m)
        Non-zero where voter ``i`` approves project ``j``.
    budget : float or Fraction
    completion : {"none", "add1", "add1-greedy"}
        ``add1``: start with shares ``budget / n`` and raise every share by ``increment``
        while the outcome stays within the budget; ``add1-greedy``: then add projects by
        decreasing votes while they fit (utilitarian completion).
    exhaustive_stop : bool
        Stop Add1 as soon as the outcome is exhaustive (pabutools' behaviour and the
        equalshares.net default). ``False`` reproduces the official Wieliczka, Świecie and
        Assen outcomes, which raise the share until the next run overspends.
    increment : float or Fraction
        The Add1 step per voter (one currency unit).
    utilities : {"cost", "cardinality"}
        ``cost``: a voter's utility is the project's cost (the standard choice, pabutools'
        ``Cost_Sat``); ``cardinality``: 1 per approved project (favours cheap projects).
    project_ids : sequence of str, optional
        For the default tie-breaking, as pabutools: the smallest id *string* wins a tie.
    tie_breaking : {"project_id", "index"}

    Returns
    -------
    Allocation
        For each selected project, ρ (``price``) and every voter's payment; for each
        rejected one, the money its supporters held at the end and its shortfall.

    References
    ----------
    Peters & Skowron (EC 2020); Peters, Pierczyński & Skowron (NeurIPS 2021);
    https://equalshares.net.
    """
    matrix = sparse.csr_array(approvals, dtype=np.float64)
    matrix.data[:] = 1.0
    matrix.eliminate_zeros()
    cost_array = np.asarray(costs, dtype=np.float64)
    if utilities == "cost":
        if matrix.shape[1] != cost_array.size:
            raise InputFormatError("one cost per project column is needed")
        values = sparse.csr_array(matrix * cost_array[np.newaxis, :])
    elif utilities == "cardinality":
        values = matrix
    else:
        raise ValueError(f"unknown utilities {utilities!r}")
    votes = np.asarray(matrix.sum(axis=0)).ravel()
    profile = grouped_profile(
        cost_array,
        values,
        budget,
        support=votes,
        project_ids=project_ids,
        tie_breaking=tie_breaking,
    )
    return _equal_shares(
        profile,
        completion=completion,
        exhaustive_stop=exhaustive_stop,
        increment=Fraction(increment),
        utilities=utilities,
    )


def equal_shares_cardinal(
    costs: ArrayLike,
    scores: sparse.sparray | sparse.spmatrix | ArrayLike,
    budget: float | Fraction,
    *,
    completion: Completion = "add1",
    exhaustive_stop: bool = True,
    increment: float | Fraction = 1,
    project_ids: Sequence[str] | None = None,
    tie_breaking: TieBreaking = "project_id",
) -> Allocation:
    """Method of Equal Shares for cardinal ballots (cumulative or scoring points).

    A voter's utility for a project is the points given to it (pabutools'
    ``Additive_Cardinal_Sat``; Peters, Pierczyński & Skowron, NeurIPS 2021). Options and
    result as :func:`equal_shares`; the utilitarian completion orders by total points.
    """
    profile = grouped_profile(
        costs, scores, budget, project_ids=project_ids, tie_breaking=tie_breaking
    )
    return _equal_shares(
        profile,
        completion=completion,
        exhaustive_stop=exhaustive_stop,
        increment=Fraction(increment),
        utilities="points",
    )

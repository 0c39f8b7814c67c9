"""Sequential Phragmén for approval ballots.

Voters earn money (load) continuously; a project is bought as soon as its supporters
together hold its cost, which equalises their loads at
``(Σ_{i∈S_p} load_i + cost_p) / |S_p|``. Each round therefore takes the project with the
smallest such value. As in pabutools, the rule stops at the first chosen project that does
not fit in the budget, so its outcome need not be exhaustive.

Arithmetic: loads take only the values of past rounds, so each voter's load is kept as an
index into those values (exact rationals); candidates are ranked in floats and every close
call (relative 1e-9) is settled with the exact values.

References
----------
Phragmén, E. (1894). Brill, Freeman, Janson, Lackner. "Phragmén's Voting Methods and
Justified Representation", AAAI 2017. Los, Christoff, Grossi. "Proportional Budget
Allocations: Towards a Systematization", IJCAI 2022. pabutools ``sequential_phragmen``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse

from coprod_engine.budgeting._profile import TieBreaking, grouped_profile, voter_amounts
from coprod_engine.budgeting.allocation import Allocation, ProjectExplanation

__all__ = ["sequential_phragmen"]

TOLERANCE = 1e-9


def sequential_phragmen(
    costs: ArrayLike,
    approvals: sparse.sparray | sparse.spmatrix | ArrayLike,
    budget: float | Fraction,
    *,
    project_ids: Sequence[str] | None = None,
    tie_breaking: TieBreaking = "project_id",
) -> Allocation:
    """Sequential Phragmén (approval), stopping at the first chosen project that does not fit.

    Parameters
    ----------
    costs : array of shape (m,)
    approvals : sparse matrix of shape (n, m)
        Non-zero where voter ``i`` approves project ``j``.
    budget : float or Fraction
    project_ids : sequence of str, optional
        For the default tie-breaking, as pabutools: the smallest id string wins a tie.
    tie_breaking : {"project_id", "index"}

    Returns
    -------
    Allocation
        For a selected project, ``price`` is the supporters' new common load and each
        supporter's payment is the rise of their load; rejected projects are
        ``not_reached`` (or ``did_not_fit`` when dearer than the whole budget).
    """
    matrix = sparse.csr_array(approvals, dtype=np.float64)
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    profile = grouped_profile(
        costs, matrix, budget, project_ids=project_ids, tie_breaking=tie_breaking
    )
    m = profile.num_projects
    exact_costs, weight = profile.exact_costs, profile.weight
    # projects × groups, weighted: row p sums the loads of p's supporters
    columns = np.concatenate(profile.supporters) if m else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(m), [s.size for s in profile.supporters])
    incidence = sparse.csr_array((weight[columns], (rows, columns)), shape=(m, weight.size))
    score = profile.support
    values: list[Fraction] = [Fraction(0)]  # distinct loads so far
    level = np.zeros(weight.size, dtype=np.int64)  # each group's load, as an index
    remaining = {p for p in range(m) if exact_costs[p] <= profile.budget}
    spent = Fraction(0)
    chosen: list[int] = []
    notes: dict[int, ProjectExplanation] = {}

    def exact_load(p: int) -> Fraction:
        if score[p] == 0:
            return Fraction(-1)  # stands for +infinity; see below
        groups = profile.supporters[p]
        counts = np.bincount(level[groups], weights=weight[groups], minlength=len(values))
        held = sum((v * int(c) for v, c in zip(values, counts, strict=True) if c), Fraction(0))
        return (held + exact_costs[p]) / int(score[p])

    while remaining:
        loads = np.array([float(v) for v in values])[level]
        with np.errstate(divide="ignore"):
            new_load = (incidence @ loads + profile.costs) / score
        pool = sorted(remaining)
        floats = new_load[pool]
        best = floats.min()
        if np.isinf(best):
            tied = pool  # only unsupported projects remain: all tie at +infinity
        else:
            close = [p for p, f in zip(pool, floats, strict=True) if f <= best * (1 + TOLERANCE)]
            exact = {p: exact_load(p) for p in close}
            least = min(exact.values())
            tied = [p for p in close if exact[p] == least]
        if any(spent + exact_costs[p] > profile.budget for p in tied):
            break
        p = min(tied, key=lambda q: profile.tie_rank[q])
        groups = profile.supporters[p]
        if groups.size:
            target = exact_load(p)
            before = np.array([float(values[k]) for k in level[groups]])
            values.append(target)
            level[groups] = len(values) - 1
            payers, payments = voter_amounts(profile, p, float(target) - before)
            price: float | None = float(target)
        else:
            payers, payments, price = np.zeros(0, dtype=np.int64), np.zeros(0), None
        notes[p] = ProjectExplanation(
            p,
            True,
            "bought_by_supporters",
            float(profile.costs[p]),
            float(score[p]),
            order=len(chosen),
            price=price,
            payers=payers,
            payments=payments,
        )
        chosen.append(p)
        spent += exact_costs[p]
        remaining.discard(p)
    for p in range(m):
        if p not in notes:
            too_dear = exact_costs[p] > profile.budget
            notes[p] = ProjectExplanation(
                p,
                False,
                "did_not_fit" if too_dear else "not_reached",
                float(profile.costs[p]),
                float(score[p]),
                budget_left=float(profile.budget - spent),
            )
    return Allocation(
        rule="phragmen",
        selected=np.array(chosen, dtype=np.int64),
        total_cost=float(spent),
        budget=float(profile.budget),
        explanations=[notes[p] for p in range(m)],
        tie_breaking=profile.tie_breaking,
        parameters={},
        input_hash=profile.input_hash,
    )

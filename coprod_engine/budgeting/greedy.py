"""Greedy by votes: the usual city rule, and the utilitarian completion of MES.

Projects are taken by decreasing support (number of approvals, or total points), each one
added if it still fits in the remaining budget and skipped otherwise.

References
----------
Faliszewski, Flis, Peters, Pierczyński, Skowron, Stolicki, Szufa, Talmon. "Participatory
Budgeting: Data, Tools, and Analysis", IJCAI 2023 (``greedy`` in Pabulib's ``rule`` field).
pabutools: ``greedy_utilitarian_welfare`` with ``Cost_Sat`` (approval).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse

from coprod_engine.budgeting._profile import GroupedProfile, TieBreaking, grouped_profile
from coprod_engine.budgeting.allocation import Allocation, ProjectExplanation

__all__ = ["greedy"]


def greedy_order(profile: GroupedProfile) -> list[int]:
    """Projects in greedy order: costless supported projects first, then by support.

    Ties go to the smaller tie rank. This is pabutools' order for ``Cost_Sat`` (whose
    satisfaction per unit of cost is the approval count, infinite at zero cost).
    """
    free = (profile.costs == 0) & (profile.support > 0)
    return sorted(
        range(profile.num_projects),
        key=lambda p: (not free[p], -profile.support[p], profile.tie_rank[p]),
    )


def greedy_fill(
    profile: GroupedProfile, chosen: list[int], *, reason: str = "top_by_votes"
) -> tuple[list[int], dict[int, ProjectExplanation]]:
    """Add projects in greedy order to ``chosen`` while they fit; explain each one looked at."""
    taken = set(chosen)
    left = profile.budget - sum((profile.exact_costs[p] for p in chosen), Fraction(0))
    added: list[int] = []
    notes: dict[int, ProjectExplanation] = {}
    for p in greedy_order(profile):
        if p in taken:
            continue
        fits = profile.exact_costs[p] <= left
        notes[p] = ProjectExplanation(
            project=p,
            selected=fits,
            reason=reason if fits else "did_not_fit",  # type: ignore[arg-type]
            cost=float(profile.costs[p]),
            support=float(profile.support[p]),
            order=len(chosen) + len(added) if fits else None,
            budget_left=float(left),
        )
        if fits:
            added.append(p)
            left -= profile.exact_costs[p]
    return added, notes


def greedy(
    costs: ArrayLike,
    ballots: sparse.sparray | sparse.spmatrix | ArrayLike,
    budget: float | Fraction,
    *,
    project_ids: Sequence[str] | None = None,
    tie_breaking: TieBreaking = "project_id",
) -> Allocation:
    """Greedy by votes: most supported first, skipping any project that does not fit.

    Parameters
    ----------
    costs : array of shape (m,)
        Project costs (non-negative).
    ballots : sparse matrix of shape (n, m)
        Approvals (1) or points (> 0); support is the column sum.
    budget : float or Fraction
    project_ids : sequence of str, optional
        The ids used by the default tie-breaking (smallest id string first).
    tie_breaking : {"project_id", "index"}

    Returns
    -------
    Allocation
        Every project's explanation carries ``budget_left``, the budget remaining at its turn.

    References
    ----------
    pabutools ``greedy_utilitarian_welfare(..., Cost_Sat)``; identical outcomes are checked
    on every Pabulib instance in ``../shared/data/pb``.
    """
    profile = grouped_profile(
        costs, ballots, budget, project_ids=project_ids, tie_breaking=tie_breaking
    )
    chosen, notes = greedy_fill(profile, [])
    selected = np.array(chosen, dtype=np.int64)
    return Allocation(
        rule="greedy",
        selected=selected,
        total_cost=float(sum((profile.exact_costs[p] for p in chosen), Fraction(0))),
        budget=float(profile.budget),
        explanations=[notes[p] for p in range(profile.num_projects)],
        tie_breaking=profile.tie_breaking,
        parameters={},
        input_hash=profile.input_hash,
    )

"""Who may do what in a participatory budget: vote, run it, see its results."""

from __future__ import annotations

from typing import Any

import rules

from coprod.budgets.models import Budget
from coprod.processes.models import ProcessRole, ProcessStatus
from coprod.processes.roles import process_role_of


@rules.predicate
def can_vote(user: Any, budget: Budget) -> bool:
    if not budget.is_open or budget.process.status != ProcessStatus.PUBLISHED:
        return False
    role = process_role_of(user, budget.process)
    return role is not None and role != ProcessRole.OBSERVER


@rules.predicate
def runs_budget(user: Any, budget: Budget) -> bool:
    return (
        bool(getattr(user, "is_staff", False))
        or process_role_of(user, budget.process) == ProcessRole.FACILITATOR
    )


@rules.predicate
def is_closed(user: Any, budget: Budget) -> bool:
    return not budget.is_open


rules.add_perm("budgets.vote", can_vote)
rules.add_perm("budgets.run", runs_budget)
rules.add_perm("budgets.see_results", is_closed | runs_budget)

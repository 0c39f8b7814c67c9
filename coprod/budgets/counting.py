"""Counting a budget: the ballots as the engine's arrays, the rule, greedy beside it.

The algorithms live in :mod:`coprod_engine.budgeting`; this module only loads the ballots
(online ones and agreed paper ones), calls the engine, and keeps what an audit needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

import coprod_engine
from coprod.budgets.models import Ballot, Budget, Rule, TieBreaking
from coprod.budgets.selectors import counted_paper_ballots
from coprod_engine.budgeting import Allocation, equal_shares, greedy, sequential_phragmen
from coprod_engine.budgeting.tie_order import lot_tie_order


@dataclass(frozen=True)
class BudgetVotes:
    """Projects (in id order) and ballots (online, then paper) as the engine takes them."""

    project_ids: list[str]
    costs: np.ndarray
    approvals: sparse.csr_array
    envelope: int
    tie_breaking: str = "project_id"

    def in_lot_order(self, seed: int) -> BudgetVotes:
        """The projects reordered by equalshares.net's tie-breaking (cost, votes, seeded
        lot), for the rules' ``tie_breaking="index"``: a tie goes to the first."""
        support = np.asarray(self.approvals.sum(axis=0)).ravel()
        order = lot_tie_order(self.costs, support, seed=seed)
        return BudgetVotes(
            project_ids=[self.project_ids[j] for j in order],
            costs=self.costs[order],
            approvals=sparse.csr_array(self.approvals[:, order]),
            envelope=self.envelope,
            tie_breaking="index",
        )


def budget_votes(budget: Budget) -> BudgetVotes:
    projects = list(budget.projects.order_by("pk").values_list("pk", "cost"))
    column = {pk: j for j, (pk, _cost) in enumerate(projects)}
    choices: dict[int, list[int]] = {}
    through = Ballot.projects.through.objects.filter(ballot__budget=budget)
    for ballot_id, project_id in through.values_list("ballot_id", "project_id"):
        choices.setdefault(ballot_id, []).append(project_id)
    ballots = [sorted(ids) for _id, ids in sorted(choices.items())]
    ballots += counted_paper_ballots(budget)
    # Anonymised: sorted by content, so the row order tells nothing about who voted when.
    ballots.sort()
    rows = [i for i, ids in enumerate(ballots) for _pk in ids]
    cols = [column[pk] for ids in ballots for pk in ids]
    approvals = sparse.csr_array(
        (np.ones(len(rows)), (rows, cols)), shape=(len(ballots), len(projects))
    )
    return BudgetVotes(
        project_ids=[str(pk) for pk, _cost in projects],
        costs=np.array([cost for _pk, cost in projects], dtype=float),
        approvals=approvals,
        envelope=budget.envelope,
    )


def run_rule(rule: str, votes: BudgetVotes) -> Allocation:
    args = (votes.costs, votes.approvals, votes.envelope)
    options: dict[str, Any] = {
        "project_ids": votes.project_ids,
        "tie_breaking": votes.tie_breaking,
    }
    if rule == Rule.EQUAL_SHARES:
        return equal_shares(*args, completion="add1", exhaustive_stop=True, **options)
    if rule == Rule.PHRAGMEN:
        return sequential_phragmen(*args, **options)
    return greedy(*args, **options)


def _public(allocation: Allocation, project_ids: list[str]) -> dict[str, Any]:
    """The allocation without per-voter payments: totals never reveal a ballot."""
    data = allocation.to_dict(project_ids=project_ids)
    for item in data["projects"]:
        item.pop("payments", None)
    return data


@dataclass(frozen=True)
class CountedBudget:
    engine_version: str
    input_hash: str
    n_ballots: int
    result: dict[str, Any]
    greedy_result: dict[str, Any]
    tie_breaking: str
    seed: int | None


def count_budget(budget: Budget) -> CountedBudget:
    """The rule's outcome and greedy's; with the lot, both break ties in the lot's order."""
    votes = budget_votes(budget)
    seed = budget.lot_seed if budget.tie_breaking == TieBreaking.LOT else None
    if seed is not None:
        votes = votes.in_lot_order(seed)
    chosen = run_rule(budget.rule, votes)
    by_votes = run_rule(Rule.GREEDY, votes)
    return CountedBudget(
        engine_version=coprod_engine.__version__,
        input_hash=chosen.input_hash,
        n_ballots=votes.approvals.shape[0],
        result=_public(chosen, votes.project_ids),
        greedy_result=_public(by_votes, votes.project_ids),
        tie_breaking=TieBreaking.LOT if seed is not None else TieBreaking.PROJECT_ID,
        seed=seed,
    )

"""The anonymised vote as a Pabulib ``.pb`` file, written by the engine's writer."""

from __future__ import annotations

from coprod.budgets.counting import budget_votes
from coprod.budgets.models import Budget, Rule
from coprod_engine.io.pabulib import PabulibElection, format_pabulib

PABULIB_RULES = {
    Rule.EQUAL_SHARES: "equalshares/add1",
    Rule.GREEDY: "greedy",
    Rule.PHRAGMEN: "unknown",
}


def budget_pabulib(budget: Budget) -> str:
    """The ``.pb`` text: voters are numbered 1…n in an order that tells nothing about them."""
    votes = budget_votes(budget)
    projects = {str(p.pk): p for p in budget.projects.all()}
    phase = budget.phase_method.phase
    election = PabulibElection(
        meta={
            "description": budget.title_fr,
            "country": "Canada",
            "unit": phase.process.title_fr,
            "instance": str(budget.pk),
            "num_projects": str(len(votes.project_ids)),
            "num_votes": str(votes.approvals.shape[0]),
            "budget": str(budget.envelope),
            "vote_type": "approval",
            "rule": PABULIB_RULES[Rule(budget.rule)],
            "currency": "CAD",
            "language": "fr",
        },
        project_ids=votes.project_ids,
        costs=[projects[pid].cost for pid in votes.project_ids],  # type: ignore[misc]
        budget=budget.envelope,  # type: ignore[arg-type]
        vote_type="approval",
        voter_ids=[str(i + 1) for i in range(votes.approvals.shape[0])],
        ballots=votes.approvals,
        project_columns=["name"],
        project_rows=[[projects[pid].title_fr] for pid in votes.project_ids],
        voter_rows=[[] for _ in range(votes.approvals.shape[0])],
    )
    return format_pabulib(election)

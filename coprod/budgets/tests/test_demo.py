"""The demo's participatory budget loads on top of the demo scenario, counted, and only once."""

from __future__ import annotations

import pytest

from coprod.budgets.demo import ENVELOPE, budgets_demo_load
from coprod.budgets.models import Ballot, BallotSubmission, BudgetResult, Project, Rule
from coprod.processes.demo import PROCESS_SLUG, demo_load
from coprod.processes.models import Process

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Project.objects.count(),
        Ballot.objects.count(),
        BallotSubmission.objects.count(),
        BudgetResult.objects.count(),
    )


def test_it_loads_a_closed_budget_with_ballots_and_its_result_once() -> None:
    demo_load()
    process = Process.objects.get(slug=PROCESS_SLUG)
    budget = budgets_demo_load(process)
    first = _counts()
    again = budgets_demo_load(process)
    assert again.pk == budget.pk
    assert _counts() == first
    assert again.envelope == ENVELOPE == 60_000 and again.rule == Rule.EQUAL_SHARES
    assert not again.is_open
    projects = list(again.projects.all())
    assert len(projects) == 8  # the ideas adopted, as is or with changes
    assert sum(p.cost for p in projects) > ENVELOPE  # the envelope forces a choice
    ballots = list(Ballot.objects.filter(budget=again).prefetch_related("projects"))
    assert ballots and all(sum(p.cost for p in b.projects.all()) <= ENVELOPE for b in ballots)
    result = again.results.get()
    assert result.n_ballots == len(ballots)
    selected = Project.objects.filter(pk__in=[int(pk) for pk in result.result["selected"]])
    assert selected.exists() and sum(p.cost for p in selected) <= ENVELOPE

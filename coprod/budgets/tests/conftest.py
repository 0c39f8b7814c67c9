"""A budget of 10 000 $ with three projects made from adopted ideas of the test process."""

from __future__ import annotations

import datetime as dt

import pytest

from coprod.budgets import services
from coprod.budgets.models import Budget
from coprod.processes import services as spine
from coprod.processes.models import Outcome, Participant, Process

PROJECTS = (("Abris frais", 6000), ("Fontaines", 3000), ("Brumisateurs", 2000))


@pytest.fixture
def budget(process: Process, personas) -> Budget:
    author = Participant.objects.get(user=personas["participant"])
    ideas = [
        spine.idea_submit(
            process=process, author=author, title=title, needs=[], knowledge_type="experiential"
        )
        for title, _cost in PROJECTS
    ]
    spine.decision_record(
        process=process,
        body_fr="Conseil d'arrondissement",
        decided_on=dt.date(2026, 5, 1),
        items=[spine.ItemDecided(idea=idea, outcome=Outcome.ADOPTED) for idea in ideas],
        recorded_by=personas["facilitator"],
    )
    budget = services.budget_create(
        phase=process.phases.get(),
        fields={"title_fr": "Budget chaleur", "title_en": "Heat budget", "envelope": 10_000},
    )
    for idea, (_title, cost) in zip(ideas, PROJECTS, strict=True):
        services.project_create(budget=budget, idea=idea, cost=cost)
    return budget

"""The demo's participatory budget: the 60 000 $ envelope shared among the adopted ideas.

Invented ballots, drawn with a fixed seed so every load gives the same result. The eight
adopted ideas cost together about twice the envelope, so a ballot is a choice: each voter
approves projects in the order of their own preferences (residents favour human contact,
professionals organised systems, researchers in between) while the total stays within the
envelope. The vote is then closed and counted with the Method of Equal Shares (add1).
"""

from __future__ import annotations

import random

from django.db import transaction

from coprod.budgets import services
from coprod.budgets.models import Budget, Project, Rule
from coprod.budgets.selectors import adopted_ideas
from coprod.processes.demo.contributions import IDEAS
from coprod.processes.models import CoType, Idea, Participant, Process, ProcessRole

SEED = 2026
ENVELOPE = 60_000
TITLE_FR = "Enveloppe de l'été 2026 : chaleur extrême et personnes aînées isolées"
TITLE_EN = "Summer 2026 envelope: extreme heat and isolated seniors"
DESCRIPTION_FR = (
    "Les idées adoptées par le conseil d'arrondissement et le CIUSSS coûtent ensemble près du "
    "double des 60 000 $ disponibles. Choisissez celles à financer, sans dépasser l'enveloppe."
)
DESCRIPTION_EN = (
    "The ideas adopted by the borough council and the CIUSSS together cost nearly twice the "
    "$60,000 available. Choose those to fund, without going over the envelope."
)
# idea key: (cost in $, lean: +1 human contact, −1 organised systems, 0 shared by everyone).
PROJECTS: dict[str, tuple[int, int]] = {
    "buddy": (14_000, 1),
    "doors": (16_000, 1),
    "calls": (12_000, -1),
    "rooms": (22_000, -1),
    "shuttle": (25_000, 0),
    "flyer": (6_000, 0),
    "fans": (18_000, 0),
    "training": (8_000, 1),
}


def _key_of(idea: Idea) -> str | None:
    for spec in IDEAS:
        if idea.title_fr == spec.title_fr or (idea.title_en and idea.title_en == spec.title_en):
            return spec.key
    return None


def _camp(participant: Participant, draw: random.Random) -> float:
    if participant.experiential:
        return 1.0 if draw.random() < 0.8 else -1.0
    if participant.scientific:
        return draw.uniform(-1, 1)
    return -1.0 if draw.random() < 0.75 else 1.0


def _budget(process: Process) -> Budget:
    phase = process.phases.get(co_type=CoType.CO_DESIGN, iteration=1)
    budget = Budget.objects.filter(phase_method__phase=phase).first()
    if budget is None:
        budget = services.budget_create(
            phase=phase,
            fields={
                "title_fr": TITLE_FR,
                "title_en": TITLE_EN,
                "description_fr": DESCRIPTION_FR,
                "description_en": DESCRIPTION_EN,
                "envelope": ENVELOPE,
                "rule": Rule.EQUAL_SHARES,
                "is_open": False,
            },
        )
    taken = set(budget.projects.values_list("idea_id", flat=True))
    for idea in adopted_ideas(process).order_by("id"):
        key = _key_of(idea)
        if key in PROJECTS and idea.pk not in taken:
            services.project_create(budget=budget, idea=idea, cost=PROJECTS[key][0])
    return budget


def _choice(projects: list[tuple[Project, int]], camp: float, draw: random.Random) -> list[Project]:
    """The projects a voter approves: by preference, as long as they fit in the envelope."""
    keyed = [(camp * lean + draw.gauss(0, 0.8), project) for project, lean in projects]
    keyed.sort(key=lambda pair: -pair[0])
    wanted = draw.randint(2, 5)
    chosen: list[Project] = []
    spent = 0
    for _preference, project in keyed:
        if len(chosen) == wanted:
            break
        if spent + project.cost <= ENVELOPE:
            chosen.append(project)
            spent += project.cost
    return chosen


@transaction.atomic
def budgets_demo_load(process: Process) -> Budget:
    """Create (or find) the demo budget, its projects and ballots; close it and count it.

    Every ballot carries a fixed submission key, so a second load is recognised as a retry
    and changes nothing; the count is reused while the ballots are the same.
    """
    budget = _budget(process)
    leans = {key: lean for key, (_cost, lean) in PROJECTS.items()}
    projects = [
        (project, leans.get(_key_of(project.idea) or "", 0))
        for project in budget.projects.select_related("idea").order_by("id")
    ]
    draw = random.Random(SEED)
    voters = (
        Participant.objects.filter(process=process)
        .exclude(process_role__in=[ProcessRole.FACILITATOR, ProcessRole.NOTE_TAKER])
        .order_by("id")
    )
    budget.is_open = True  # ballots are cast while open, then the vote closes
    budget.save(update_fields=["is_open"])
    for index, participant in enumerate(voters):
        chosen = _choice(projects, _camp(participant, draw), draw)
        services.ballot_submit(
            budget=budget,
            voter=participant,
            project_ids=[project.pk for project in chosen],
            submission_key=f"demo-{index}",
        )
    services.budget_close(budget=budget)
    return budget

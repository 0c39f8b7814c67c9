"""The demo's world café: 48 participants, 8 tables of 6, 3 rounds, 8 community workers as
table hosts, in the co-design phase (domain specification, §5).

Rules, as in the scenario: tables mixed on role, knowledge type, organisation, language and
age band; at least 2 people with lived experience per table; at most 1 elected official per
table; three seniors kept apart from their own CLSC worker; one English table per round;
repeats avoided. Fixed seeds, so every load gives the same tables. The ideas the spine's
demo records as coming from a world-café table are linked to that table of round 1, and
each table of round 1 gets a note.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import User
from coprod.processes.demo.contributions import IDEAS, WORLD_CAFE
from coprod.processes.demo.people import (
    NOTE_TAKERS,
    OTHER_LAY,
    PROFESSIONALS,
    RESEARCHERS,
    SENIORS,
    person_email,
)
from coprod.processes.models import CoType, Participant, Process
from coprod.workshops import services
from coprod.workshops.models import Registration, SeatRole, TableContribution, TableNote, Workshop
from coprod.workshops.seating import RoundSettings

SEED = 2026
ROUNDS = 3
LEFT_OUT = {"maude", "francois"}  # 50 people could come; 48 did
PEOPLE = tuple(
    p for p in SENIORS + OTHER_LAY + PROFESSIONALS + RESEARCHERS if p.key not in LEFT_OUT
)
HOSTS = ("amelie", "jp", "valerie", "nadia", "samuel", "roxanne", "mamadou", "isabelle")
APART = (("gisele", "julie"), ("rejean", "julie"), ("therese", "marcandre"))
NOTES = (
    "Plusieurs personnes ne répondent pas au téléphone pendant les alertes : il faut quelqu'un qui cogne à la porte.",
    "Les haltes climatisées sont loin et personne ne veut y aller seul.",
    "Le CLSC appelle, mais trop tard : l'avis arrive la veille au soir.",
    "Les salles des HLM sont fermées le soir, au moment où les logements sont les plus chauds.",
    "Une navette, oui, mais avec quelqu'un pour accompagner.",
    "We need the information in English too, and in large print.",
    "Les ventilateurs ne suffisent pas au-dessus de 32 °C : il faut aussi des thermomètres.",
    "Les aîné·e·s savent quoi faire : qu'on leur demande de former les bénévoles.",
)


def _participants(process: Process) -> dict[str, Participant]:
    keys = {person_email(p): p.key for p in (*PEOPLE, *NOTE_TAKERS)}
    rows = Participant.objects.filter(process=process, user__email__in=keys).select_related("user")
    return {keys[row.user.email]: row for row in rows}


def _workshop(process: Process) -> Workshop:
    phase = process.phases.get(co_type=CoType.CO_DESIGN, iteration=1)
    workshop = Workshop.objects.filter(phase_method__phase=phase).first()
    if workshop is not None:
        return workshop
    starts = timezone.make_aware(dt.datetime.combine(WORLD_CAFE, dt.time(13, 0)))
    return services.workshop_create(
        phase=phase,
        fields={
            "title_fr": "Café du monde : vivre les vagues de chaleur",
            "title_en": "World café: living through heat waves",
            "agenda_fr": "13 h Accueil\n13 h 30 Trois tours de 25 minutes\n15 h Récolte en plénière",
            "agenda_en": "1 pm Welcome\n1:30 pm Three rounds of 25 minutes\n3 pm Plenary harvest",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=3),
            "place": "Centre communautaire Hochelaga, 1690 rue Aylwin, Montréal (accessible)",
            "capacity": 60,
            "interpretation": True,
            "transport": True,
            "meal": True,
            "childcare": True,
        },
    )


def _settings(people: dict[str, Participant], number: int) -> RoundSettings:
    return RoundSettings(
        tables=8,
        hosts=tuple(people[k].pk for k in HOSTS),
        at_least={"experiential": 2},
        elected_at_most=1,
        cannot_link=tuple((people[a].pk, people[b].pk) for a, b in APART),
        english_tables=1,
        seed=SEED + number,
    )


@transaction.atomic
def workshops_demo_load(process: Process) -> Workshop:
    """Create (or complete) the demo world café; a second load changes nothing."""
    workshop = _workshop(process)
    people = _participants(process)
    arrived = timezone.make_aware(dt.datetime.combine(WORLD_CAFE, dt.time(12, 50)))
    for person in PEOPLE:
        services.registration_create(workshop=workshop, participant=people[person.key])
    Registration.objects.filter(workshop=workshop, checked_in_at__isnull=True).update(
        checked_in_at=arrived
    )
    for number in range(workshop.rounds.count() + 1, ROUNDS + 1):
        services.round_form(workshop=workshop, settings=_settings(people, number))
    for round_ in workshop.rounds.all():
        for table, taker in zip(round_.tables.order_by("number"), NOTE_TAKERS, strict=False):
            if not table.seats.filter(role=SeatRole.NOTE_TAKER).exists():
                services.table_note_taker_set(table=table, participant=people[taker.key])
    first = workshop.rounds.get(number=1)
    tables = {t.number: t for t in first.tables.all()}
    author = User.objects.get(email=person_email(NOTE_TAKERS[0]))
    for number, text in enumerate(NOTES):
        if not TableNote.objects.filter(table=tables[number], text=text).exists():
            TableNote.objects.create(table=tables[number], author=author, text=text)
    for spec in IDEAS:
        idea = (
            process.ideas.filter(title_fr=spec.title_fr).first()
            or process.ideas.filter(title_en=spec.title_en).first()
        )
        if spec.table and idea and not TableContribution.objects.filter(idea=idea).exists():
            table = tables[spec.table - 1]
            TableContribution.objects.create(
                table=table, idea=idea, knowledge_types=services.table_knowledge_types(table)
            )
    return workshop

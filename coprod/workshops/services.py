"""Writes of workshops: registrations within capacity, check-in, rounds of tables formed by
the grouping engine, note-takers, and what each table produced (into the spine)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coprod.accounts.models import User
from coprod.processes.models import (
    Idea,
    IdeaOrigin,
    KnowledgeType,
    Need,
    Participant,
    Phase,
    ProcessRole,
)
from coprod.processes.services import idea_submit, need_submit, phase_method_attach
from coprod.workshops import seating
from coprod.workshops.models import (
    AssignedBy,
    Registration,
    RegistrationStatus,
    Round,
    Seat,
    SeatRole,
    Table,
    TableContribution,
    TableNote,
    Workshop,
)
from coprod_engine._random import new_seed

METHOD_KEY = "workshop"


@transaction.atomic
def workshop_create(*, phase: Phase, fields: Mapping[str, Any]) -> Workshop:
    phase_method = phase_method_attach(phase=phase, method_key=METHOD_KEY, config={})
    return Workshop.objects.create(phase_method=phase_method, **fields)


def _locked(workshop: Workshop) -> Workshop:
    """The workshop row locked until the transaction ends: places are taken one at a time."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _free_place(workshop: Workshop) -> int | None:
    taken = set(workshop.registrations.filter(place__isnull=False).values_list("place", flat=True))
    return next((p for p in range(1, workshop.capacity + 1) if p not in taken), None)


@transaction.atomic
def registration_create(
    *, workshop: Workshop, participant: Participant, walk_in: bool = False
) -> Registration:
    """Register a participant of the workshop's process: a place if one is free, otherwise
    the waiting list. Registering again keeps the registration (a cancelled one comes back)."""
    if participant.process_id != workshop.process.pk:
        raise ValidationError(_("Only participants of this process can register."))
    workshop = _locked(workshop)
    registration = Registration.objects.filter(workshop=workshop, participant=participant).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        return registration
    place = _free_place(workshop)
    fields = {
        "status": RegistrationStatus.REGISTERED if place else RegistrationStatus.WAITLISTED,
        "place": place,
        "walk_in": walk_in,
    }
    if registration is None:
        return Registration.objects.create(workshop=workshop, participant=participant, **fields)
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.created_at = timezone.now()  # back of the queue
    registration.save()
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel; a place freed goes to the first person on the waiting list (returned)."""
    workshop = _locked(registration.workshop)
    registration.refresh_from_db()
    freed = registration.place
    registration.status = RegistrationStatus.CANCELLED
    registration.place = None
    registration.checked_in_at = None
    registration.save()
    if freed is None:
        return None
    first = (
        workshop.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if first is not None:
        first.status = RegistrationStatus.REGISTERED
        first.place = freed
        first.save()
    return first


@transaction.atomic
def registration_check_in(*, registration: Registration, present: bool = True) -> Registration:
    """Mark a person present (or not). Someone on the waiting list gets a free place first."""
    workshop = _locked(registration.workshop)
    registration.refresh_from_db()
    if present and registration.status != RegistrationStatus.REGISTERED:
        place = _free_place(workshop)
        if place is None:
            raise ValidationError(_("The workshop is full: no place is free for this person."))
        registration.status = RegistrationStatus.REGISTERED
        registration.place = place
    registration.checked_in_at = timezone.now() if present else None
    registration.save()
    return registration


@transaction.atomic
def walk_in_check_in(*, workshop: Workshop, participant: Participant) -> Registration:
    """Someone who comes without registering: registered at the door and checked in."""
    registration = registration_create(workshop=workshop, participant=participant, walk_in=True)
    return registration_check_in(registration=registration)


# --- Rounds and tables ------------------------------------------------------------------


def seatable(workshop: Workshop) -> list[Participant]:
    """The people checked in, in registration order, who sit at tables (not the staff of the day)."""
    return [
        r.participant
        for r in workshop.registrations.filter(checked_in_at__isnull=False)
        .exclude(
            participant__process_role__in=[
                ProcessRole.NOTE_TAKER,
                ProcessRole.FACILITATOR,
                ProcessRole.OBSERVER,
            ]
        )
        .select_related("participant__user__profile", "participant__user")
        .order_by("created_at", "id")
    ]


def _history(workshop: Workshop, before: int) -> list[dict[str, int]]:
    seats = Seat.objects.filter(
        round__workshop=workshop,
        round__number__lt=before,
        role__in=[SeatRole.MEMBER, SeatRole.HOST],
    ).values_list("round__number", "participant_id", "table__number")
    history: dict[int, dict[str, int]] = {}
    for number, pid, table in seats:
        history.setdefault(number, {})[seating.person_id(pid)] = table
    return [history.get(n, {}) for n in range(1, before)]


def _pins(workshop: Workshop, settings: seating.RoundSettings, tables: int) -> dict[str, int]:
    """Hosts stay at the table they hosted in the latest round; new hosts take free tables."""
    hosted = dict(
        Table.objects.filter(round__workshop=workshop, host__isnull=False)
        .order_by("round__number")
        .values_list("host_id", "number")
    )
    pins: dict[str, int] = {}
    for host in settings.hosts:
        if host in hosted and hosted[host] < tables and hosted[host] not in pins.values():
            pins[seating.person_id(host)] = hosted[host]
    free = [t for t in range(tables) if t not in pins.values()]
    for host in settings.hosts:
        if seating.person_id(host) not in pins:
            if not free:
                raise ValidationError(_("There are more table hosts than tables."))
            pins[seating.person_id(host)] = free.pop(0)
    return pins


def _store_plan(
    round_: Round, plan: Any, index: int, pins: Mapping[str, int], people: Mapping[str, Participant]
) -> None:
    tables = {}
    host_of = {t: pid for pid, t in pins.items()}
    for seating_ in plan.rounds[index]:
        host = people.get(host_of.get(seating_.table, ""))
        tables[seating_.table], _created = Table.objects.update_or_create(
            round=round_,
            number=seating_.table,
            defaults={"language": seating_.language or "", "host": host},
        )
    existing = set(round_.seats.values_list("participant_id", flat=True))
    for seating_ in plan.rounds[index]:
        for pid in seating_.members:
            participant = people[pid]
            if participant.pk in existing:
                continue
            is_host = pid in pins
            Seat.objects.create(
                round=round_,
                table=tables[seating_.table],
                participant=participant,
                role=SeatRole.HOST if is_host else SeatRole.MEMBER,
                assigned_by=AssignedBy.MANUAL if is_host else AssignedBy.ALGORITHM,
            )
    seated = [t for t in plan.rounds[index] if t.members]
    round_.diversity = sum(t.diversity for t in seated) / len(seated) if seated else 0.0
    round_.repeated_pairs = plan.round_repeats[index]
    round_.engine_version = plan.engine_version
    round_.input_hash = plan.input_hash
    round_.save()


@transaction.atomic
def round_form(*, workshop: Workshop, settings: seating.RoundSettings) -> Round:
    """Form the next round from the people checked in, with the facilitator's rules.

    Earlier rounds count as met pairs, so the engine avoids repeats. Raises
    :class:`~coprod.workshops.seating.RulesCannotBeMet` (nothing stored) when the rules
    cannot all be met, and ``ValidationError`` when nobody is present.
    """
    workshop = _locked(workshop)
    present = seatable(workshop)
    if not present:
        raise ValidationError(_("Nobody is checked in yet: check people in first."))
    number = (workshop.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    people = {seating.person_id(p.pk): p for p in present}
    tables = settings.table_count(len(people))
    if tables > len(people):
        raise ValidationError(_("There are more tables than people present."))
    pins = _pins(workshop, settings, tables)
    seed = settings.seed if settings.seed is not None else new_seed()
    plan = seating.plan_round(
        {pid: seating.person_attributes(p) for pid, p in people.items()},
        history=_history(workshop, number),
        tables=tables,
        languages=seating.table_languages(settings, tables),
        rules=seating.engine_rules(settings, people, pins),
        seed=seed,
    )
    round_ = Round.objects.create(
        workshop=workshop,
        number=number,
        rules=settings.as_dict(),
        seed=seed,
        engine_version=plan.engine_version,
    )
    _store_plan(round_, plan, number - 1, pins, people)
    return round_


@transaction.atomic
def round_reseat(*, round_: Round, absent: Iterable[Participant], seed: int | None = None) -> Round:
    """Re-seat a round after no-shows: the absent leave, seated people keep their table, and
    people checked in since are placed. The round keeps its number; its seed is replaced."""
    workshop = _locked(round_.workshop)
    if workshop.rounds.filter(number__gt=round_.number).exists():
        raise ValidationError(_("Only the latest round can be re-seated."))
    gone = {p.pk for p in absent}
    Seat.objects.filter(round=round_, participant_id__in=gone).delete()
    Table.objects.filter(round=round_, host_id__in=gone).update(host=None)
    sitting = dict(
        round_.seats.filter(role__in=[SeatRole.MEMBER, SeatRole.HOST]).values_list(
            "participant_id", "table__number"
        )
    )
    present = [p for p in seatable(workshop) if p.pk not in gone]
    people = {seating.person_id(p.pk): p for p in present}
    seated = {
        seating.person_id(pk): t for pk, t in sitting.items() if seating.person_id(pk) in people
    }
    settings = seating.RoundSettings.from_dict(round_.rules)
    tables = round_.tables.count()
    pins = {
        seating.person_id(pk): n
        for pk, n in round_.tables.filter(host__isnull=False).values_list("host_id", "number")
    }
    sizes = Counter(seated.values())
    seed = seed if seed is not None else new_seed()
    plan = seating.plan_round(
        {pid: seating.person_attributes(p) for pid, p in people.items()},
        history=_history(workshop, round_.number),
        seated=seated,
        tables=tables,
        size_min=0,
        size_max=max([-(-len(people) // tables), *sizes.values()]),
        languages=[t.language or None for t in round_.tables.order_by("number")],
        rules=seating.engine_rules(settings, people, pins),
        seed=seed,
    )
    round_.seed = seed
    _store_plan(round_, plan, round_.number - 1, pins, people)
    return round_


@transaction.atomic
def table_note_taker_set(*, table: Table, participant: Participant) -> Seat:
    """Make a participant the note-taker of a table (of one table per round)."""
    Seat.objects.filter(table=table, role=SeatRole.NOTE_TAKER).delete()
    Seat.objects.filter(round=table.round, participant=participant).delete()
    return Seat.objects.create(
        round=table.round,
        table=table,
        participant=participant,
        role=SeatRole.NOTE_TAKER,
        assigned_by=AssignedBy.MANUAL,
    )


@transaction.atomic
def table_note_add(*, table: Table, author: User, text: str) -> TableNote:
    if not text.strip():
        raise ValidationError(_("Write the note first."))
    return TableNote.objects.create(table=table, author=author, text=text.strip())


def table_knowledge_types(table: Table) -> list[str]:
    """The knowledge types of the people at a table, most represented first."""
    counts: Counter[str] = Counter()
    for seat in table.seats.exclude(role=SeatRole.NOTE_TAKER).select_related("participant"):
        counts.update(seat.participant.knowledge_types)
    order = list(KnowledgeType.values)
    return sorted(counts, key=lambda kind: (-counts[kind], order.index(kind)))


def origin_note(table: Table) -> str:
    workshop = table.round.workshop
    return _("%(workshop)s, round %(round)s, %(table)s") % {
        "workshop": workshop.title,
        "round": table.round.number,
        "table": table.label,
    }


def _main_knowledge(kinds: Sequence[str]) -> str:
    return kinds[0] if kinds else KnowledgeType.EXPERIENTIAL


@transaction.atomic
def table_idea_create(
    *,
    table: Table,
    title: str,
    description: str = "",
    needs: Iterable[Need] = (),
    language: str | None = None,
) -> Idea:
    """An idea of the table, created in the spine with the table as its origin."""
    kinds = table_knowledge_types(table)
    process = table.round.workshop.process
    idea = idea_submit(
        process=process,
        author=None,
        title=title,
        description=description,
        needs=needs,
        knowledge_type=_main_knowledge(kinds),
        origin=IdeaOrigin.WORKSHOP,
        origin_note=origin_note(table)[:250],
        language=language,
    )
    TableContribution.objects.create(table=table, idea=idea, knowledge_types=kinds)
    return idea


@transaction.atomic
def table_need_create(
    *, table: Table, title: str, description: str = "", language: str | None = None
) -> Need:
    """A need the table raised, created in the spine and linked to the table."""
    kinds = table_knowledge_types(table)
    need = need_submit(
        process=table.round.workshop.process,
        author=None,
        title=title,
        description=description,
        knowledge_type=_main_knowledge(kinds),
        language=language,
    )
    TableContribution.objects.create(table=table, need=need, knowledge_types=kinds)
    return need

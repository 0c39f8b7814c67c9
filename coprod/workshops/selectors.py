"""Reads of workshops: the check-in list, the tables of a round, and the results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from coprod.accounts.models import AgeBand
from coprod.processes.models import KnowledgeType, Participant, StakeholderRole
from coprod.workshops.models import (
    Registration,
    RegistrationStatus,
    Round,
    Seat,
    SeatRole,
    Table,
    TableContribution,
    Workshop,
)

# Equity statistics from self-declared profiles are shown only for groups of at least 5.
SMALL_CELL = 5


@dataclass(frozen=True)
class Attendance:
    registered: int
    waitlisted: int
    present: int


def attendance(workshop: Workshop) -> Attendance:
    counts = Counter(
        workshop.registrations.exclude(status=RegistrationStatus.CANCELLED).values_list(
            "status", flat=True
        )
    )
    present = workshop.registrations.filter(checked_in_at__isnull=False).count()
    return Attendance(
        counts[RegistrationStatus.REGISTERED], counts[RegistrationStatus.WAITLISTED], present
    )


def checkin_rows(workshop: Workshop, query: str = "") -> QuerySet[Registration]:
    rows = (
        workshop.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("participant__user")
        .order_by("participant__user__display_name", "id")
    )
    if query:
        rows = rows.filter(
            Q(participant__user__display_name__icontains=query)
            | Q(participant__user__email__istartswith=query)
        )
    return rows


def candidates(
    workshop: Workshop, *, recruited_via: str = "", role: str = ""
) -> QuerySet[Participant]:
    """Participants of the process not (or no longer) registered, filtered for the facilitator."""
    active = workshop.registrations.exclude(status=RegistrationStatus.CANCELLED)
    people = (
        Participant.objects.filter(process=workshop.process)
        .exclude(pk__in=active.values("participant_id"))
        .select_related("user")
        .order_by("user__display_name", "id")
    )
    if recruited_via:
        people = people.filter(recruited_via=recruited_via)
    if role:
        people = people.filter(stakeholder_role=role)
    return people


def registration_of(workshop: Workshop, participant: Participant | None) -> Registration | None:
    if participant is None:
        return None
    return (
        workshop.registrations.filter(participant=participant)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def waitlist_position(registration: Registration) -> int:
    return (
        registration.workshop.registrations.filter(
            status=RegistrationStatus.WAITLISTED, created_at__lte=registration.created_at
        )
        .exclude(pk__gt=registration.pk, created_at=registration.created_at)
        .count()
    )


def rounds_with_tables(workshop: Workshop) -> QuerySet[Round]:
    seats = Seat.objects.select_related("participant__user").order_by(
        "role", "participant__user__display_name"
    )
    tables = Table.objects.select_related("host__user").prefetch_related(
        Prefetch("seats", queryset=seats)
    )
    return workshop.rounds.prefetch_related(Prefetch("tables", queryset=tables))


def seats_of(workshop: Workshop, participant: Participant | None) -> list[Seat]:
    """Where a participant sits in each round, with the others at the table."""
    if participant is None:
        return []
    return list(
        Seat.objects.filter(round__workshop=workshop, participant=participant)
        .select_related("round", "table")
        .prefetch_related(
            Prefetch("table__seats", queryset=Seat.objects.select_related("participant__user"))
        )
        .order_by("round__number")
    )


def blau(values: Iterable[str]) -> float:
    """Blau's diversity index 1 − Σ p² of the values (0 for none)."""
    counts = Counter(v for v in values if v)
    total = sum(counts.values())
    return 1.0 - sum((c / total) ** 2 for c in counts.values()) if total else 0.0


@dataclass
class TableResult:
    table: Table
    people: int
    blau_roles: float
    blau_knowledge: float
    contributions: list[TableContribution]


@dataclass
class RoundResult:
    round: Round
    tables: list[TableResult] = field(default_factory=list)


@dataclass(frozen=True)
class Breakdown:
    label: str
    registered: int
    present: int


@dataclass
class Results:
    rounds: list[RoundResult]
    by_knowledge: list[Breakdown]
    by_role: list[Breakdown]
    by_age: list[tuple[str, str]]  # (age band, count or "fewer than 5")
    total_contributions: int


def _table_result(table: Table) -> TableResult:
    people = [s.participant for s in table.seats.all() if s.role != SeatRole.NOTE_TAKER]
    return TableResult(
        table=table,
        people=len(people),
        blau_roles=blau(p.stakeholder_role for p in people),
        blau_knowledge=blau(k for p in people for k in p.knowledge_types),
        contributions=list(table.contributions.all()),
    )


def _breakdowns(
    registered: list[Participant], present: list[Participant]
) -> tuple[list[Breakdown], list[Breakdown]]:
    by_knowledge = [
        Breakdown(
            str(kind.label),
            sum(kind.value in p.knowledge_types for p in registered),
            sum(kind.value in p.knowledge_types for p in present),
        )
        for kind in KnowledgeType
    ]
    roles_reg = Counter(p.stakeholder_role for p in registered)
    roles_here = Counter(p.stakeholder_role for p in present)
    by_role = [
        Breakdown(str(role.label), roles_reg[role.value], roles_here[role.value])
        for role in StakeholderRole
        if roles_reg[role.value]
    ]
    return by_knowledge, by_role


def _ages(present: list[Participant]) -> list[tuple[str, str]]:
    bands = Counter(getattr(getattr(p.user, "profile", None), "age_band", "") for p in present)
    return [
        (str(band.label), str(bands[band.value]) if bands[band.value] >= SMALL_CELL else "")
        for band in AgeBand
        if bands[band.value]
    ]


def workshop_results(workshop: Workshop) -> Results:
    contributions = TableContribution.objects.select_related("idea", "need")
    seats = Seat.objects.select_related("participant__user")
    tables = Table.objects.prefetch_related(
        Prefetch("seats", queryset=seats), Prefetch("contributions", queryset=contributions)
    )
    rounds = workshop.rounds.prefetch_related(Prefetch("tables", queryset=tables))
    round_results = [RoundResult(r, [_table_result(t) for t in r.tables.all()]) for r in rounds]
    active = list(
        workshop.registrations.filter(status=RegistrationStatus.REGISTERED).select_related(
            "participant__user__profile"
        )
    )
    registered = [r.participant for r in active]
    present = [r.participant for r in active if r.checked_in_at]
    by_knowledge, by_role = _breakdowns(registered, present)
    return Results(
        rounds=round_results,
        by_knowledge=by_knowledge,
        by_role=by_role,
        by_age=_ages(present),
        total_contributions=TableContribution.objects.filter(
            table__round__workshop=workshop
        ).count(),
    )

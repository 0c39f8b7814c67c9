"""Who may do what in a workshop: register, run it, take a table's notes, see a table."""

from __future__ import annotations

from typing import Any

import rules

from coprod.processes.models import ProcessRole, ProcessStatus
from coprod.processes.roles import participation_of, process_role_of
from coprod.workshops.models import Seat, SeatRole, Table, Workshop, WorkshopStatus


@rules.predicate
def runs_workshop(user: Any, workshop: Workshop) -> bool:
    return (
        bool(getattr(user, "is_staff", False))
        or process_role_of(user, workshop.process) == ProcessRole.FACILITATOR
    )


@rules.predicate
def can_register(user: Any, workshop: Workshop) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and workshop.status == WorkshopStatus.OPEN
        and workshop.process.status == ProcessStatus.PUBLISHED
        and process_role_of(user, workshop.process) != ProcessRole.OBSERVER
    )


def _seat_role(user: Any, table: Table) -> str | None:
    participant = participation_of(user, table.round.workshop.process)
    if participant is None:
        return None
    seat = Seat.objects.filter(table=table, participant=participant).first()
    return seat.role if seat else None


@rules.predicate
def runs_table(user: Any, table: Table) -> bool:
    return bool(runs_workshop(user, table.round.workshop))


@rules.predicate
def takes_notes(user: Any, table: Table) -> bool:
    return _seat_role(user, table) == SeatRole.NOTE_TAKER


@rules.predicate
def sits_at(user: Any, table: Table) -> bool:
    return _seat_role(user, table) is not None


rules.add_perm("workshops.register", can_register)
rules.add_perm("workshops.run", runs_workshop)
rules.add_perm("workshops.take_notes", runs_table | takes_notes)
rules.add_perm("workshops.see_table", runs_table | sits_at)

"""Who may do what, in which phase. Every view and every write checks one of these.

Roles in a process: anonymous visitor, signed-in person, participant, note-taker,
moderator, facilitator; plus staff (Django admin). What participants may contribute
depends on the phase open today (``Phase.accepts_*``) and on the process being published
and not closed. Facilitators run the process whatever the phase.
"""

from __future__ import annotations

from typing import Any

import rules

from coprod.accounts.models import MembershipRole
from coprod.processes.models import Process, ProcessRole, ProcessStatus
from coprod.processes.roles import open_phase, process_role_of


@rules.predicate
def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False))


@rules.predicate
def is_organiser(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.memberships.filter(role=MembershipRole.ORGANISER).exists()
    )


@rules.predicate
def is_facilitator(user: Any, process: Process) -> bool:
    return process_role_of(user, process) == ProcessRole.FACILITATOR


@rules.predicate
def is_moderator(user: Any, process: Process) -> bool:
    return process_role_of(user, process) == ProcessRole.MODERATOR


@rules.predicate
def is_contributor(user: Any, process: Process) -> bool:
    """A participant who may contribute: everyone in the process but observers."""
    role = process_role_of(user, process)
    return role is not None and role != ProcessRole.OBSERVER


@rules.predicate
def is_participant(user: Any, process: Process) -> bool:
    return process_role_of(user, process) is not None


@rules.predicate
def is_published(user: Any, process: Process) -> bool:
    return process.status != ProcessStatus.DRAFT


@rules.predicate
def is_open(user: Any, process: Process) -> bool:
    return process.status == ProcessStatus.PUBLISHED


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


def _phase_allows(flag: str) -> Any:
    @rules.predicate(name=f"phase_{flag}")
    def predicate(user: Any, process: Process) -> bool:
        phase = open_phase(process)
        return bool(phase and getattr(phase, flag))

    return predicate


phase_accepts_needs = _phase_allows("accepts_needs")
phase_accepts_ideas = _phase_allows("accepts_ideas")
phase_accepts_comments = _phase_allows("accepts_comments")
phase_accepts_measurements = _phase_allows("accepts_measurements")

runs_process = is_facilitator | is_staff


@rules.predicate
def about_a_process(user: Any, process: Process | None) -> bool:
    # "processes.view_process" is also the Django model permission, which the admin asks about
    # the model (no process): the model permission answers that, not this rule.
    return process is not None


rules.add_perm("processes.create_process", is_staff | is_organiser)
rules.add_perm("processes.view_process", about_a_process & (is_published | runs_process))
rules.add_perm("processes.join_process", is_signed_in & is_open & ~is_participant)
rules.add_perm(
    "processes.submit_need", runs_process | (is_contributor & is_open & phase_accepts_needs)
)
rules.add_perm(
    "processes.submit_idea", runs_process | (is_contributor & is_open & phase_accepts_ideas)
)
rules.add_perm(
    "processes.comment",
    runs_process | is_moderator | (is_contributor & is_open & phase_accepts_comments),
)
rules.add_perm(
    "processes.enter_measurement",
    runs_process | (is_contributor & is_open & phase_accepts_measurements),
)
rules.add_perm("processes.moderate", runs_process | is_moderator)
rules.add_perm("processes.facilitate", runs_process)

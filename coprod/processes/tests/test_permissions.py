"""Who may do what, in which phase: the role × action × phase table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from coprod.accounts.models import Membership, MembershipRole, User
from coprod.processes.models import CoType, Phase, Process, ProcessStatus

ACTIONS = (
    "view_process",
    "join_process",
    "submit_need",
    "submit_idea",
    "comment",
    "enter_measurement",
    "moderate",
    "facilitate",
)

# What each role may do while the process is published and its open phase accepts needs,
# ideas and comments but not measurements (the ``process`` fixture).
OPEN_PHASE_TABLE = {
    "visitor": {"view_process"},
    "signed_in": {"view_process", "join_process"},
    "participant": {"view_process", "submit_need", "submit_idea", "comment"},
    "note_taker": {"view_process", "submit_need", "submit_idea", "comment"},
    "observer": {"view_process"},
    "moderator": {"view_process", "submit_need", "submit_idea", "comment", "moderate"},
    "facilitator": {
        "view_process",
        "submit_need",
        "submit_idea",
        "comment",
        "enter_measurement",
        "moderate",
        "facilitate",
    },
    "staff": {
        "view_process",
        "join_process",
        "submit_need",
        "submit_idea",
        "comment",
        "enter_measurement",
        "moderate",
        "facilitate",
    },
}

# A co-delivery phase that accepts only measurements from participants.
DELIVERY_PHASE_TABLE = {
    "visitor": {"view_process"},
    "signed_in": {"view_process", "join_process"},
    "participant": {"view_process", "enter_measurement"},
    "note_taker": {"view_process", "enter_measurement"},
    "observer": {"view_process"},
    "moderator": {"view_process", "comment", "enter_measurement", "moderate"},
    "facilitator": set(ACTIONS) - {"join_process"},
    "staff": set(ACTIONS),
}

# A draft is seen only by those who run it; nobody else may do anything.
DRAFT_TABLE = {
    "visitor": set(),
    "signed_in": set(),
    "participant": set(),
    "note_taker": set(),
    "observer": set(),
    "moderator": {"moderate", "comment"},
    "facilitator": set(ACTIONS) - {"join_process"},
    "staff": set(ACTIONS) - {"join_process"},
}


def allowed(user: User | None, process: Process) -> set[str]:
    who = user or AnonymousUser()
    return {action for action in ACTIONS if who.has_perm(f"processes.{action}", process)}


def refresh(personas: dict[str, User | None]) -> None:
    for user in personas.values():
        if user is not None:
            user.__dict__.pop("_coprod_participations", None)


@pytest.mark.parametrize("role", OPEN_PHASE_TABLE)
def test_it_allows_each_role_what_the_open_phase_permits(
    role: str, process: Process, personas
) -> None:
    assert allowed(personas[role], process) == OPEN_PHASE_TABLE[role]


@pytest.mark.parametrize("role", DELIVERY_PHASE_TABLE)
def test_it_follows_what_a_co_delivery_phase_permits(role: str, process: Process, personas) -> None:
    today = timezone.localdate()
    process.phases.update(
        ends_on=today - dt.timedelta(days=1), starts_on=today - dt.timedelta(days=20)
    )
    Phase.objects.create(
        process=process,
        seq=2,
        co_type=CoType.CO_DELIVERY,
        title_fr="Action",
        starts_on=today,
        ends_on=today,
        accepts_needs=False,
        accepts_ideas=False,
        accepts_comments=False,
        accepts_measurements=True,
    )
    refresh(personas)
    assert allowed(personas[role], process) == DELIVERY_PHASE_TABLE[role]


@pytest.mark.parametrize("role", DRAFT_TABLE)
def test_it_keeps_a_draft_to_those_who_run_it(role: str, process: Process, personas) -> None:
    process.status = ProcessStatus.DRAFT
    process.save()
    assert allowed(personas[role], process) == DRAFT_TABLE[role]


@pytest.mark.parametrize("role", ["participant", "moderator", "signed_in"])
def test_it_closes_contributions_when_the_process_is_closed(
    role: str, process: Process, personas
) -> None:
    process.status = ProcessStatus.CLOSED
    process.save()
    assert (
        allowed(personas[role], process) & {"join_process", "submit_need", "submit_idea"} == set()
    )


def test_it_closes_contributions_between_phases(process: Process, personas) -> None:
    process.phases.update(
        ends_on=timezone.localdate() - dt.timedelta(days=1),
        starts_on=timezone.localdate() - dt.timedelta(days=5),
    )
    assert allowed(personas["participant"], process) == {"view_process"}


def test_it_lets_organisers_and_staff_create_processes(personas, organisation) -> None:
    someone = personas["signed_in"]
    assert not someone.has_perm("processes.create_process")
    Membership.objects.create(
        user=someone, organisation=organisation, role=MembershipRole.ORGANISER
    )
    assert someone.has_perm("processes.create_process")
    assert personas["staff"].has_perm("processes.create_process")
    assert not AnonymousUser().has_perm("processes.create_process")

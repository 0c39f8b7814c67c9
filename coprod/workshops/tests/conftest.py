"""A workshop of the test process, and people to register, check in and seat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from coprod.accounts.models import User
from coprod.processes import services as spine
from coprod.processes.models import Participant, Process, StakeholderRole
from coprod.workshops import services
from coprod.workshops.models import Workshop

# (role, knowledge types) for a varied room, repeated as needed.
MIX = (
    (StakeholderRole.RESIDENT, ["experiential"]),
    (StakeholderRole.COMMUNITY_WORKER, ["practical"]),
    (StakeholderRole.CAREGIVER, ["experiential"]),
    (StakeholderRole.FRONTLINE_PROFESSIONAL, ["practical"]),
    (StakeholderRole.RESEARCHER, ["scientific"]),
    (StakeholderRole.SERVICE_USER, ["experiential", "practical"]),
)


@pytest.fixture
def workshop(process: Process) -> Workshop:
    start = timezone.now() + dt.timedelta(days=3)
    return services.workshop_create(
        phase=process.phases.get(),
        fields={
            "title_fr": "Café du monde",
            "title_en": "World café",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=3),
            "place": "Centre communautaire",
            "capacity": 30,
        },
    )


@pytest.fixture
def make_people(
    process: Process, make_user: Callable[..., User]
) -> Callable[[int], list[Participant]]:
    made = {"count": 0}

    def make(n: int) -> list[Participant]:
        people = []
        for _ in range(n):
            k = made["count"]
            made["count"] += 1
            role, kinds = MIX[k % len(MIX)]
            user = make_user(f"person{k}@example.org")
            people.append(
                spine.participant_join(
                    process=process, user=user, stakeholder_role=role, knowledge_types=kinds
                )
            )
        return people

    return make


@pytest.fixture
def present(workshop: Workshop, make_people) -> list[Participant]:
    """Eighteen people registered and checked in."""
    people = make_people(18)
    for participant in people:
        registration = services.registration_create(workshop=workshop, participant=participant)
        services.registration_check_in(registration=registration)
    return people

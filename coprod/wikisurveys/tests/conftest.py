"""A survey over three needs of the test process, and its voters."""

from __future__ import annotations

import pytest

from coprod.processes.models import Need, Participant, Process
from coprod.wikisurveys import services
from coprod.wikisurveys.models import Answer, Survey, Voter

NEEDS = ("Des lieux frais ouverts la nuit", "Des appels aux aîné·e·s", "De l'eau dans les parcs")


@pytest.fixture
def needs(process: Process) -> list[Need]:
    return [
        Need.objects.create(process=process, title_fr=title, knowledge_type="experiential")
        for title in NEEDS
    ]


@pytest.fixture
def survey(process: Process, needs: list[Need]) -> Survey:
    return services.survey_create(
        phase=process.phases.get(),
        fields={"question_fr": "Lequel compte le plus pendant une canicule ?"},
        needs=needs,
    )


def _voter(survey: Survey, user) -> Voter:  # type: ignore[no-untyped-def]
    participant = Participant.objects.get(user=user)
    return services.voter_for_participant(survey=survey, participant=participant)


@pytest.fixture
def voter(survey: Survey, personas) -> Voter:
    return _voter(survey, personas["participant"])


def _vote(voter: Voter, *, left_wins: bool = True) -> Answer:
    appearance = services.appearance_next(voter=voter)
    assert appearance is not None
    winner = appearance.left_id if left_wins else appearance.right_id
    return services.answer_vote(appearance=appearance, voter=voter, winner_id=winner)

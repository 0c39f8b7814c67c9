"""The opinion map computed from the platform's votes, stored with what replays it, shown in words."""

from __future__ import annotations

import pytest
from django.urls import reverse

import coprod_engine
from coprod.opinions import services
from coprod.opinions.models import Conversation, OpinionMapResult
from coprod.processes.models import Process
from coprod.processes.services import participant_join

CAMP_A = (
    "Plus de visites à domicile",
    "Des appels humains, pas automatisés",
    "Un registre tenu par le CLSC",
    "Des haltes ouvertes la nuit",
)
CAMP_B = (
    "Des voisin·e·s bénévoles",
    "Une application mobile",
    "Des capteurs de chaleur",
    "Des alertes par texto",
)
SHARED = "Une carte « Qui appeler » pour tout le monde"


@pytest.fixture
def conversation(process: Process, make_user) -> Conversation:
    convo = services.conversation_create(
        phase=process.phases.get(), fields={"question_fr": "Que faire ?"}
    )
    statements = {
        text: services.statement_submit(conversation=convo, author=None, text=text, is_seed=True)
        for text in (*CAMP_A, *CAMP_B, SHARED)
    }
    for i in range(12):
        camp = "experiential" if i < 6 else "practical"
        user = make_user(f"voter{i}@example.org")
        participant = participant_join(
            process=process,
            user=user,
            stakeholder_role="resident" if i < 6 else "community_worker",
            knowledge_types=[camp],
        )
        voter = services.voter_for_participant(conversation=convo, participant=participant)
        for text, statement in statements.items():
            value = 1 if text == SHARED else (1 if (text in CAMP_A) == (i < 6) else -1)
            services.vote_cast(
                voter=voter, statement=statement, value=value, submission_key=f"{i}-{statement.pk}"
            )
    return convo


def test_it_stores_the_map_with_engine_version_and_input_hash(conversation: Conversation) -> None:
    result = services.map_compute(conversation=conversation)
    assert result.engine_version == coprod_engine.__version__
    assert len(result.input_hash) == 64 and result.n_votes == 12 * 9
    assert len(result.result["group-clusters"]) == 2
    again = services.map_compute(conversation=conversation)
    assert again.input_hash == result.input_hash  # same votes, same input: the map can be replayed


def test_it_recomputes_the_map_in_the_background_after_votes(
    client_as, conversation: Conversation, django_capture_on_commit_callbacks
) -> None:
    # The test settings run tasks at once; the vote view asks for a refresh after commit.
    OpinionMapResult.objects.all().delete()
    statement = conversation.statements.earliest("id")
    with django_capture_on_commit_callbacks(execute=True):
        client_as("participant").post(
            reverse("opinions:vote", args=[conversation.pk]),
            {"statement": statement.pk, "submission_key": "bg", "value": "1"},
        )
    assert OpinionMapResult.objects.filter(conversation=conversation).exists()


def test_it_explains_groups_consensus_and_knowledge_in_plain_words(
    client_as, conversation: Conversation
) -> None:
    services.map_compute(conversation=conversation)
    page = client_as("visitor").get(f"/en/c/{conversation.pk}/results/").content.decode()
    assert "Group A" in page and "Group B" in page
    assert "100 % of group" in page and "against 0 % of the others" in page
    assert "Qui appeler" in page
    assert "Where the kinds of knowledge meet" in page
    assert "voter0@example.org" not in page

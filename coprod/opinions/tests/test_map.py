"""The opinion map computed from the platform's votes, stored with what replays it, shown in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

import coprod_engine
from coprod.opinions import services
from coprod.opinions.models import Conversation, OpinionMapResult, Vote
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


def _add_voters(
    conversation: Conversation, process: Process, make_user, start: int, count: int
) -> int:
    """``count`` more voters split between the two camps; returns the votes cast."""
    cast = 0
    for i in range(start, start + count):
        in_a = i % 2 == 0
        participant = participant_join(
            process=process,
            user=make_user(f"late{i}@example.org"),
            stakeholder_role="resident",
            knowledge_types=["experiential"],
        )
        voter = services.voter_for_participant(conversation=conversation, participant=participant)
        for statement in conversation.statements.all():
            agree = statement.text == SHARED or (statement.text in CAMP_A) == in_a
            services.vote_cast(
                voter=voter,
                statement=statement,
                value=1 if agree else -1,
                submission_key=f"late-{i}-{statement.pk}",
            )
            cast += 1
    return cast


def test_it_folds_in_only_new_votes_and_keeps_group_ids_stable(
    conversation: Conversation, process: Process, make_user
) -> None:
    from coprod_engine.opinion import state_from_bytes

    # Earlier votes, cast long before the first map read them.
    Vote.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    first = services.map_compute(conversation=conversation)
    first_state = state_from_bytes(first.engine_state)
    assert first_state is not None and "update" not in first.result["coprod"]
    new_votes = _add_voters(conversation, process, make_user, 0, 4)

    second = services.map_compute(conversation=conversation)

    assert second.result["coprod"]["update"] == {"from-map": first.pk, "votes-read": new_votes}
    assert second.n_votes == first.n_votes + new_votes
    before = first.result["coprod"]["participant-groups"]
    after = second.result["coprod"]["participant-groups"]
    assert before and all(after[voter] == group for voter, group in before.items())
    # The k-smoother remembers the first map: the same best k seen twice in a row.
    second_state = state_from_bytes(second.engine_state)
    assert second_state is not None
    assert second_state.smoother.last_k == first_state.smoother.last_k == 2
    assert second_state.smoother.last_k_count == first_state.smoother.last_k_count + 1
    # Only the latest map keeps a state.
    first.refresh_from_db()
    assert first.engine_state is None
    # Incremental and from-scratch maps agree on the votes and the groups.
    scratch = services.map_compute(conversation=conversation, incremental=False)
    assert scratch.input_hash == second.input_hash
    assert "update" not in scratch.result["coprod"]


def test_it_ignores_a_state_from_an_older_engine_version(conversation: Conversation) -> None:
    first = services.map_compute(conversation=conversation)
    OpinionMapResult.objects.filter(pk=first.pk).update(engine_version="0.0.1")

    second = services.map_compute(conversation=conversation)

    assert "update" not in second.result["coprod"]  # computed from scratch
    assert (
        second.result["coprod"]["participant-groups"]
        == first.result["coprod"]["participant-groups"]
    )
    # A state this version cannot read is ignored too.
    OpinionMapResult.objects.filter(pk=second.pk).update(engine_state=b"not a state")
    third = services.map_compute(conversation=conversation)
    assert "update" not in third.result["coprod"] and third.input_hash == first.input_hash


def test_it_recomputes_from_all_votes_when_votes_were_deleted(
    conversation: Conversation,
) -> None:
    first = services.map_compute(conversation=conversation)
    conversation.statements.get(text=SHARED).delete()  # its votes go with it

    second = services.map_compute(conversation=conversation)

    assert second.n_votes == first.n_votes - 12
    assert second.result["coprod"]["update"] == {"from-map": first.pk, "votes-read": 12 * 8}
    assert len(second.result["tids"]) == 8


def test_it_applies_new_moderation_to_an_incremental_map_without_new_votes(
    conversation: Conversation,
) -> None:
    Vote.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    first = services.map_compute(conversation=conversation)
    shared = conversation.statements.get(text=SHARED)
    services.statement_moderate(
        statement=shared, status="rejected", by=conversation.process.created_by
    )

    second = services.map_compute(conversation=conversation)

    assert second.result["coprod"]["update"] == {"from-map": first.pk, "votes-read": 0}
    assert second.result["mod-out"] == [shared.pk] and first.result["mod-out"] == []

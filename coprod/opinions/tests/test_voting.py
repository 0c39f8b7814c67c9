"""Opinion maps: statements, moderation and votes, counted exactly once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from coprod.accounts.services import account_delete
from coprod.opinions import services
from coprod.opinions.models import Conversation, Statement, StatementStatus, Vote, VoteEvent, Voter
from coprod.opinions.selectors import next_statement
from coprod.processes.models import CoType, Participant, Phase, Process
from coprod.processes.selectors import phase_rows
from coprod.processes.tests.test_concurrency import _race


@pytest.fixture
def conversation(process: Process) -> Conversation:
    convo = services.conversation_create(
        phase=process.phases.get(),
        fields={"question_fr": "Comment joindre les aîné·e·s isolé·e·s ?"},
    )
    for text in (
        "Les appels automatisés ne suffisent pas",
        "Il faut des visites à domicile",
        "Les voisins peuvent aider",
    ):
        services.statement_submit(conversation=convo, author=None, text=text, is_seed=True)
    return convo


def _english(name: str, conversation: Conversation) -> str:
    with translation.override("en"):
        return reverse(name, args=[conversation.pk])


@pytest.fixture
def voter(conversation: Conversation, personas) -> Voter:
    participant = Participant.objects.get(user=personas["participant"])
    return services.voter_for_participant(conversation=conversation, participant=participant)


def test_it_attaches_the_conversation_to_its_phase_through_the_registry(
    process: Process, conversation: Conversation
) -> None:
    row = phase_rows(process)[0]
    assert [m.url for m in row.methods] == [
        reverse("opinions:conversation", args=[conversation.pk])
    ]
    design = Phase.objects.create(
        process=process,
        seq=2,
        co_type=CoType.CO_DELIVERY,
        title_fr="Prestation",
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 8, 31),
    )
    with pytest.raises(ValidationError):
        services.conversation_create(phase=design, fields={"question_fr": "Pas ici"})


def test_it_counts_a_retried_vote_once(voter: Voter, conversation: Conversation) -> None:
    statement = conversation.statements.earliest("id")
    key = uuid.uuid4().hex
    for _ in range(3):
        services.vote_cast(voter=voter, statement=statement, value=1, submission_key=key)
    assert Vote.objects.filter(voter=voter).count() == 1
    assert VoteEvent.objects.filter(voter=voter).count() == 1


def test_it_keeps_the_latest_vote_and_its_history(voter: Voter, conversation: Conversation) -> None:
    statement = conversation.statements.earliest("id")
    services.vote_cast(voter=voter, statement=statement, value=1, submission_key="a")
    services.vote_cast(voter=voter, statement=statement, value=-1, submission_key="b")
    assert Vote.objects.get(voter=voter, statement=statement).value == -1
    assert list(
        VoteEvent.objects.filter(voter=voter).order_by("id").values_list("value", flat=True)
    ) == [1, -1]


def test_it_refuses_votes_on_statements_not_accepted(
    voter: Voter, conversation: Conversation, personas
) -> None:
    statement = conversation.statements.earliest("id")
    services.statement_moderate(
        statement=statement, status=StatementStatus.REJECTED, by=personas["moderator"]
    )
    with pytest.raises(ValidationError):
        services.vote_cast(voter=voter, statement=statement, value=1, submission_key="x")
    with pytest.raises(ValidationError):
        services.vote_cast(
            voter=voter, statement=conversation.statements.latest("id"), value=7, submission_key="y"
        )


def test_it_flags_a_duplicate_statement_for_the_moderators(
    conversation: Conversation, voter: Voter
) -> None:
    twin = services.statement_submit(
        conversation=conversation, author=voter, text="  Les VOISINS peuvent aider ! "
    )
    assert twin.status == StatementStatus.PENDING
    assert twin.duplicate_of == conversation.statements.get(text="Les voisins peuvent aider")


def test_it_refuses_a_statement_longer_than_the_limit(
    conversation: Conversation, voter: Voter
) -> None:
    with pytest.raises(ValidationError):
        services.statement_submit(conversation=conversation, author=voter, text="x" * 141)


def test_it_shows_each_statement_once_then_says_all_are_voted(
    voter: Voter, conversation: Conversation
) -> None:
    seen = []
    while (statement := next_statement(voter)) is not None:
        seen.append(statement.pk)
        services.vote_cast(
            voter=voter, statement=statement, value=0, submission_key=f"k{statement.pk}"
        )
    assert sorted(seen) == sorted(conversation.statements.values_list("pk", flat=True))


def test_it_votes_without_javascript_and_comes_back_to_the_next_statement(
    client_as, conversation: Conversation
) -> None:
    client = client_as("participant")
    page = client.get(reverse("opinions:conversation", args=[conversation.pk]))
    statement = page.context["statement"]
    key = page.context["vote_form"].initial["submission_key"]
    url = reverse("opinions:vote", args=[conversation.pk])
    response = client.post(url, {"statement": statement.pk, "submission_key": key, "value": "1"})
    client.post(
        url, {"statement": statement.pk, "submission_key": key, "value": "1"}
    )  # the browser retried
    assert response.status_code == 302
    assert Vote.objects.get().value == 1
    assert (
        client.get(reverse("opinions:conversation", args=[conversation.pk])).context["statement"]
        != statement
    )


def test_it_answers_htmx_with_the_next_card_only(client_as, conversation: Conversation) -> None:
    statement = conversation.statements.earliest("id")
    response = client_as("participant").post(
        reverse("opinions:vote", args=[conversation.pk]),
        {"statement": statement.pk, "submission_key": "h1", "value": "-1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="vote-card"')


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 403), ("signed_in", 403), ("observer", 403), ("participant", 302)],
)
def test_it_lets_only_participants_vote_unless_anonymous_votes_are_open(
    client_as, conversation, role: str, status: int
) -> None:
    statement = conversation.statements.earliest("id")
    response = client_as(role).post(
        reverse("opinions:vote", args=[conversation.pk]),
        {"statement": statement.pk, "submission_key": "k", "value": "1"},
    )
    assert response.status_code == status


def test_it_lets_anyone_vote_when_the_conversation_allows_it(
    client, conversation: Conversation
) -> None:
    conversation.allow_anonymous = True
    conversation.save()
    statement = conversation.statements.earliest("id")
    client.post(
        reverse("opinions:vote", args=[conversation.pk]),
        {"statement": statement.pk, "submission_key": "a1", "value": "1"},
    )
    voter = Voter.objects.get()
    assert voter.participant is None and voter.anonymous_key
    assert Vote.objects.get().voter == voter


def test_it_keeps_moderation_to_moderators_and_facilitators(
    client_as, conversation: Conversation
) -> None:
    url = reverse("opinions:moderate", args=[conversation.pk])
    statement = conversation.statements.earliest("id")
    assert client_as("participant").get(url).status_code == 403
    assert client_as("moderator").get(url).status_code == 200
    client_as("facilitator").post(url, {"statement": statement.pk, "status": "meta"})
    assert Statement.objects.get(pk=statement.pk).status == "meta"


def test_it_records_who_moderated_a_statement_and_when(
    conversation: Conversation, personas
) -> None:
    statement = conversation.statements.earliest("id")
    assert (
        statement.moderated_by is None and statement.moderated_at is None
    )  # a seed, not a decision
    before = timezone.now()
    services.statement_moderate(
        statement=statement, status=StatementStatus.META, by=personas["moderator"]
    )
    statement.refresh_from_db()
    assert statement.moderated_by == personas["moderator"]
    assert statement.moderated_at is not None and before <= statement.moderated_at <= timezone.now()
    services.statement_moderate(
        statement=statement, status=StatementStatus.ACCEPTED, by=personas["facilitator"]
    )
    statement.refresh_from_db()
    assert (statement.status, statement.moderated_by) == ("accepted", personas["facilitator"])
    with pytest.raises(ValidationError):
        services.statement_moderate(statement=statement, status="maybe", by=personas["moderator"])
    assert Statement.objects.get(pk=statement.pk).moderated_by == personas["facilitator"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),  # to the sign-in page
        ("signed_in", 403),
        ("participant", 403),
        ("observer", 403),
        ("note_taker", 403),
        ("moderator", 200),
        ("facilitator", 200),
        ("staff", 200),
    ],
)
def test_it_shows_who_moderated_only_to_those_who_moderate(
    client_as, conversation: Conversation, personas, role: str, status: int
) -> None:
    statement = conversation.statements.earliest("id")
    client_as("moderator").post(
        _english("opinions:moderate", conversation), {"statement": statement.pk, "status": "meta"}
    )
    statement.refresh_from_db()
    assert statement.moderated_by == personas["moderator"]
    with translation.override("en"):
        when = date_format(timezone.localtime(statement.moderated_at), "DATE_FORMAT")
    seen = f"moderated by moderator on {when}"
    page = client_as(role).get(_english("opinions:moderate", conversation))
    assert page.status_code == status
    assert (seen in page.content.decode()) == (status == 200)
    for name in ("conversation", "results"):  # the pages participants see never say it
        assert (
            "moderated by"
            not in client_as(role).get(_english(f"opinions:{name}", conversation)).content.decode()
        )


def test_it_keeps_a_moderated_statement_when_the_moderators_account_goes(
    client_as, conversation: Conversation, personas
) -> None:
    """Deleting the account anonymises the moderator (as for a hidden comment's ``hidden_by``);
    deleting the user row itself nulls the link. The decision stays recorded either way."""
    moderator = personas["moderator"]
    statement = conversation.statements.earliest("id")
    services.statement_moderate(statement=statement, status=StatementStatus.META, by=moderator)
    url = _english("opinions:moderate", conversation)

    account_delete(user=moderator)
    statement.refresh_from_db()
    assert statement.status == "meta" and statement.moderated_at is not None
    page = client_as("facilitator").get(url).content.decode()
    assert "moderated by Former participant on" in page and "moderator@example.org" not in page

    moderator.delete()
    statement.refresh_from_db()
    assert statement.status == "meta" and statement.moderated_at is not None
    assert statement.moderated_by is None
    assert "(account deleted)" in client_as("facilitator").get(url).content.decode()


def test_it_keeps_a_refused_statement_in_the_form(client_as, conversation: Conversation) -> None:
    response = client_as("participant").post(
        reverse("opinions:statement_create", args=[conversation.pk]), {"text": "y" * 150}
    )
    assert response.status_code == 422
    assert "y" * 150 in response.content.decode()


def test_it_shows_totals_and_never_an_individual_vote(
    client_as, voter: Voter, conversation: Conversation
) -> None:
    services.vote_cast(
        voter=voter, statement=conversation.statements.earliest("id"), value=1, submission_key="r"
    )
    page = (
        client_as("visitor")
        .get(reverse("opinions:results", args=[conversation.pk]))
        .content.decode()
    )
    assert "participant@example.org" not in page
    assert "Les appels automatisés ne suffisent pas" in page


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_counts_each_vote_once_under_concurrent_requests(
    conversation: Conversation, personas, process: Process
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    statement = conversation.statements.earliest("id")
    voters = [
        services.voter_for_participant(
            conversation=conversation, participant=Participant.objects.get(user=personas[role])
        )
        for role in ("participant", "moderator", "note_taker")
    ]
    keys = {v.pk: uuid.uuid4().hex for v in voters}
    calls = [
        v for v in voters for _ in range(4)
    ]  # every voter's submission arrives four times at once
    position = iter(range(len(calls)))

    def cast() -> None:
        voter = calls[next(position)]
        services.vote_cast(voter=voter, statement=statement, value=1, submission_key=keys[voter.pk])

    assert _race(cast, count=len(calls)) == []
    assert Vote.objects.filter(statement=statement).count() == 3
    assert VoteEvent.objects.filter(statement=statement).count() == 3


def test_it_carries_a_statement_into_the_chain_keeping_the_link(
    client_as, conversation: Conversation
) -> None:
    statement = conversation.statements.earliest("id")
    url = reverse("opinions:moderate", args=[conversation.pk])
    refused = client_as("moderator").post(
        url, {"statement": statement.pk, "promote": "need", "knowledge_type": "practical"}
    )
    assert refused.status_code == 403
    client_as("facilitator").post(
        url, {"statement": statement.pk, "promote": "need", "knowledge_type": "practical"}
    )
    statement.refresh_from_db()
    assert statement.promoted_need is not None
    assert statement.promoted_need.title == statement.text
    assert statement.promoted_need.knowledge_type == "practical"
    client_as("facilitator").post(
        url, {"statement": statement.pk, "promote": "idea", "knowledge_type": "practical"}
    )
    statement.refresh_from_db()
    assert statement.promoted_idea is None  # already in the chain: not promoted twice
    other = conversation.statements.latest("id")
    client_as("facilitator").post(
        url, {"statement": other.pk, "promote": "idea", "knowledge_type": "experiential"}
    )
    other.refresh_from_db()
    assert other.promoted_idea is not None and other.promoted_idea.origin == "opinion_map"


def test_it_records_a_status_changed_in_the_admin_as_a_persons_decision(
    conversation: Conversation, staff_admin
) -> None:
    from coprod.testing import admin_change_url, admin_form_data

    statement = conversation.statements.earliest("id")
    client = staff_admin(Statement)
    data = admin_form_data(client.get(admin_change_url(statement)))
    data["status"] = StatementStatus.META
    assert client.post(admin_change_url(statement), data).status_code == 302
    statement.refresh_from_db()
    assert statement.status == StatementStatus.META
    assert statement.moderated_by is not None and statement.moderated_by.is_staff
    assert statement.moderated_at is not None

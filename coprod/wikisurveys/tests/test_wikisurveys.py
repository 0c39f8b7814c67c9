"""Wiki surveys: pairs drawn by the engine, one answer per pair shown, rankings, carrying."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

import coprod_engine
from coprod.processes.models import (
    CoType,
    Idea,
    IdeaStatus,
    Need,
    Phase,
    Process,
    StakeholderRole,
)
from coprod.processes.selectors import phase_rows
from coprod.processes.tests.test_concurrency import _race
from coprod.wikisurveys import services
from coprod.wikisurveys.models import Answer, Appearance, Item, ItemStatus, Survey, Voter
from coprod.wikisurveys.selectors import ranking_by_group, survey_ranking, survey_votes
from coprod.wikisurveys.tests.conftest import NEEDS, _vote, _voter
from coprod_engine.pairwise import aoi_scores, bradley_terry, next_pair


def test_it_attaches_the_survey_to_its_phase_with_one_item_per_need(
    process: Process, survey: Survey, needs: list[Need]
) -> None:
    row = phase_rows(process)[0]
    assert [m.url for m in row.methods] == [reverse("wikisurveys:survey", args=[survey.pk])]
    assert [item.need for item in survey.items.all()] == needs
    delivery = Phase.objects.create(
        process=process,
        seq=2,
        co_type=CoType.CO_DELIVERY,
        title_fr="Prestation",
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 8, 31),
    )
    with pytest.raises(ValidationError):
        services.survey_create(phase=delivery, fields={"question_fr": "Non"}, needs=needs)


def test_it_refuses_a_survey_with_fewer_than_two_items(process: Process, needs) -> None:
    with pytest.raises(ValidationError):
        services.survey_create(
            phase=process.phases.get(), fields={"question_fr": "Un seul"}, needs=needs[:1]
        )
    assert not Survey.objects.exists()


def test_it_draws_the_pair_with_the_engine_and_stores_its_seed(voter: Voter) -> None:
    appearance = services.appearance_next(voter=voter, seed=1234)
    assert appearance is not None and appearance.seed == 1234
    items = list(voter.survey.items.order_by("id"))
    expected = next_pair(np.zeros(len(items)), seed=1234)
    assert expected is not None
    assert (appearance.left, appearance.right) == (items[expected.left], items[expected.right])


def test_it_shows_the_unanswered_pair_again_after_a_reload(voter: Voter) -> None:
    first = services.appearance_next(voter=voter)
    assert services.appearance_next(voter=voter) == first
    assert Appearance.objects.count() == 1


def test_it_counts_one_vote_per_appearance_however_often_it_arrives(voter: Voter) -> None:
    appearance = services.appearance_next(voter=voter)
    assert appearance is not None
    for winner in (appearance.left_id, appearance.left_id, appearance.right_id):
        services.answer_vote(appearance=appearance, voter=voter, winner_id=winner)
    answer = Answer.objects.get()
    assert answer.winner_id == appearance.left_id and answer.loser_id == appearance.right_id


def test_it_refuses_a_winner_outside_the_pair_and_someone_elses_pair(
    voter: Voter, survey: Survey, personas
) -> None:
    appearance = services.appearance_next(voter=voter)
    assert appearance is not None
    third = survey.items.exclude(pk__in=[appearance.left_id, appearance.right_id]).get()
    with pytest.raises(ValidationError):
        services.answer_vote(appearance=appearance, voter=voter, winner_id=third.pk)
    other = _voter(survey, personas["moderator"])
    with pytest.raises(ValidationError):
        services.answer_vote(appearance=appearance, voter=other, winner_id=appearance.left_id)
    assert not Answer.objects.exists()


def test_it_stores_skips_without_moving_the_scores(voter: Voter, survey: Survey) -> None:
    _vote(voter)
    before = survey_ranking(survey)
    appearance = services.appearance_next(voter=voter)
    assert appearance is not None
    services.answer_skip(appearance=appearance, voter=voter, reason="dont_know")
    after = survey_ranking(survey)
    assert [(r.item, r.score) for r in after.rows] == [(r.item, r.score) for r in before.rows]
    assert after.n_skips == 1 and sum(r.cant_decide for r in after.rows) == 2
    with pytest.raises(ValidationError):
        services.answer_skip(
            appearance=services.appearance_next(voter=voter),  # type: ignore[arg-type]
            voter=voter,
            reason="bored",
        )


def test_it_never_shows_an_answered_pair_again(voter: Voter) -> None:
    shown = set()
    for _ in range(3):
        appearance = services.appearance_next(voter=voter)
        assert appearance is not None
        shown.add(frozenset((appearance.left_id, appearance.right_id)))
        services.answer_skip(appearance=appearance, voter=voter, reason="like_both")
    assert len(shown) == 3
    assert services.appearance_next(voter=voter) is None


def test_it_offers_added_items_at_once_or_after_moderation(survey: Survey, voter: Voter) -> None:
    item = services.item_submit(survey=survey, author=voter, text="  Plus d'arbres ", language="fr")
    assert item.status == ItemStatus.ACTIVE and item.text_fr == "Plus d'arbres"
    survey.items_premoderated = True
    survey.save()
    english = services.item_submit(survey=survey, author=voter, text="Misting", language="en")
    assert english.status == ItemStatus.PENDING and english.text_en == "Misting"
    assert english not in survey_votes(survey).items
    services.item_moderate(item=english, status=ItemStatus.ACTIVE)
    assert english in survey_votes(survey).items
    with pytest.raises(ValidationError):
        services.item_submit(survey=survey, author=voter, text="x" * 251, language="fr")


def test_it_ranks_as_the_engine_on_a_small_known_case(survey: Survey, personas) -> None:
    items = list(survey.items.order_by("id"))
    voter = _voter(survey, personas["participant"])
    # Item 0 beats 1 twice, 1 beats 2 once, 0 beats 2 once.
    for winner, loser in ((0, 1), (0, 1), (1, 2), (0, 2)):
        appearance = Appearance.objects.create(
            survey=survey, voter=voter, left=items[winner], right=items[loser], seed=0
        )
        services.answer_vote(appearance=appearance, voter=voter, winner_id=items[winner].pk)
    ranking = survey_ranking(survey)
    fit = bradley_terry([0, 0, 1, 0], [1, 1, 2, 2], 3)
    assert [r.item for r in ranking.rows] == items
    assert [round(r.score, 6) for r in ranking.rows] == [
        round(100 * 4 / 5, 6),
        round(100 * 2 / 5, 6),
        round(100 * 1 / 4, 6),
    ]
    assert ranking.rows[0].probability == pytest.approx(fit.win_probability[0])
    assert ranking.rows[0].lower < ranking.rows[0].probability < ranking.rows[0].upper
    assert ranking.input_hash == aoi_scores([0, 0, 1, 0], [1, 1, 2, 2], 3).input_hash


def test_it_hides_the_scores_of_groups_too_small_to_stay_anonymous(
    survey: Survey, voter: Voter
) -> None:
    _vote(voter)
    table = ranking_by_group(
        survey, "stakeholder_role", StakeholderRole.choices, survey_votes(survey)
    )
    assert [c.voters for c in table.columns] == [1]
    assert all(score is None for _item, scores in table.rows for score in scores)


def test_it_carries_the_top_needs_with_a_snapshot(
    survey: Survey, voter: Voter, needs: list[Need], process: Process
) -> None:
    idea = Idea.objects.create(process=process, title_fr="Brumisateurs", knowledge_type="practical")
    Item.objects.create(survey=survey, text_fr=idea.title_fr, idea=idea, status=ItemStatus.ACTIVE)
    for _ in range(4):
        _vote(voter)
    result = services.survey_carry(survey=survey, top=4)
    ranks = {row["need"]: row["rank"] for row in result.result["items"] if row["need"]}
    for need in needs:
        need.refresh_from_db()
        assert need.priority_rank == ranks[need.pk]
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.UNDER_REVIEW
    assert result.engine_version == coprod_engine.__version__
    assert result.input_hash == survey_ranking(survey).input_hash
    with pytest.raises(ValidationError):
        services.survey_carry(survey=survey, top=0)


# Views


def test_it_votes_without_javascript_and_comes_back_to_a_new_pair(
    client_as, survey: Survey
) -> None:
    client = client_as("participant")
    url = reverse("wikisurveys:survey", args=[survey.pk])
    appearance = client.get(url).context["appearance"]
    post = {"appearance": appearance.pk, "choice": appearance.right.pk}
    response = client.post(reverse("wikisurveys:vote", args=[survey.pk]), post)
    client.post(reverse("wikisurveys:vote", args=[survey.pk]), post)  # a double click
    assert response.status_code == 302
    assert Answer.objects.get().winner == appearance.right
    assert client.get(url).context["appearance"] != appearance


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 403), ("signed_in", 403), ("observer", 403), ("participant", 302)],
)
def test_it_lets_only_participants_vote_unless_anonymous_votes_are_open(
    client_as, survey: Survey, personas, role: str, status: int
) -> None:
    appearance = services.appearance_next(voter=_voter(survey, personas["participant"]))
    assert appearance is not None
    client = client_as(role)
    if role == "participant":
        client.get(reverse("wikisurveys:survey", args=[survey.pk]))
    response = client.post(
        reverse("wikisurveys:vote", args=[survey.pk]),
        {"appearance": appearance.pk, "choice": appearance.left_id},
    )
    assert response.status_code == status


def test_it_shows_the_pair_again_with_a_message_on_a_choice_outside_it(
    client_as, survey: Survey
) -> None:
    client = client_as("participant")
    with translation.override("fr-ca"):
        url = reverse("wikisurveys:survey", args=[survey.pk])
        vote_url = reverse("wikisurveys:vote", args=[survey.pk])
    appearance = client.get(url).context["appearance"]
    outside = survey.items.exclude(pk__in=[appearance.left_id, appearance.right_id]).get()
    response = client.post(vote_url, {"appearance": appearance.pk, "choice": outside.pk})
    assert response.status_code == 422
    assert "Choisissez l&#x27;un des deux éléments montrés." in response.content.decode()
    assert response.context["appearance"] == appearance and not Answer.objects.exists()


def test_it_refuses_to_answer_a_pair_shown_to_someone_else(client_as, survey, personas) -> None:
    appearance = services.appearance_next(voter=_voter(survey, personas["participant"]))
    assert appearance is not None
    response = client_as("moderator").post(
        reverse("wikisurveys:vote", args=[survey.pk]),
        {"appearance": appearance.pk, "choice": appearance.left_id},
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_it_lets_anyone_vote_when_the_survey_allows_it(client, survey: Survey) -> None:
    survey.allow_anonymous = True
    survey.save()
    appearance = client.get(reverse("wikisurveys:survey", args=[survey.pk])).context["appearance"]
    client.post(
        reverse("wikisurveys:vote", args=[survey.pk]),
        {"appearance": appearance.pk, "choice": appearance.left.pk},
    )
    voter = Voter.objects.get()
    assert voter.participant is None and voter.anonymous_key
    assert Answer.objects.get().appearance.voter == voter


def test_it_asks_again_for_a_skip_without_a_reason(client_as, survey: Survey) -> None:
    client = client_as("participant")
    with translation.override("fr-ca"):
        url = reverse("wikisurveys:survey", args=[survey.pk])
        skip_url = reverse("wikisurveys:skip", args=[survey.pk])
    appearance = client.get(url).context["appearance"]
    response = client.post(skip_url, {"appearance": appearance.pk})
    assert response.status_code == 422
    assert "Choisissez pourquoi vous ne pouvez pas choisir." in response.content.decode()
    ok = client.post(skip_url, {"appearance": appearance.pk, "reason": "dislike_both"})
    assert ok.status_code == 302 and Answer.objects.get().skip_reason == "dislike_both"


def test_it_keeps_a_refused_idea_in_the_form(client_as, survey: Survey) -> None:
    response = client_as("participant").post(
        reverse("wikisurveys:item_create", args=[survey.pk]), {"text": "y" * 260}
    )
    assert response.status_code == 422
    assert "y" * 260 in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 302), ("participant", 403), ("observer", 403), ("moderator", 200)],
)
def test_it_keeps_moderation_to_moderators_and_facilitators(
    client_as, survey: Survey, role: str, status: int
) -> None:
    assert (
        client_as(role).get(reverse("wikisurveys:moderate", args=[survey.pk])).status_code == status
    )


def test_it_moderates_an_added_item(client_as, survey: Survey, voter: Voter) -> None:
    survey.items_premoderated = True
    survey.save()
    item = services.item_submit(survey=survey, author=voter, text="Des jeux d'eau", language="fr")
    client_as("facilitator").post(
        reverse("wikisurveys:moderate", args=[survey.pk]), {"item": item.pk, "status": "active"}
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 302), ("participant", 403), ("moderator", 403), ("facilitator", 302)],
)
def test_it_lets_only_facilitators_carry_the_ranking(
    client_as, survey: Survey, voter: Voter, role: str, status: int
) -> None:
    _vote(voter)
    response = client_as(role).post(reverse("wikisurveys:carry", args=[survey.pk]), {"top": "2"})
    assert response.status_code == status


def test_it_shows_the_carry_form_again_on_a_bad_number(client_as, survey, voter) -> None:
    _vote(voter)
    response = client_as("facilitator").post(
        reverse("wikisurveys:carry", args=[survey.pk]), {"top": "deux"}
    )
    assert response.status_code == 422
    assert 'value="deux"' in response.content.decode()


def test_it_opens_a_survey_from_the_process_needs(client_as, process: Process, needs) -> None:
    url = reverse("wikisurveys:create", args=[process.slug, process.phases.get().pk])
    assert client_as("participant").get(url).status_code == 403
    client = client_as("facilitator")
    refused = client.post(url, {"question_fr": "Lequel ?", "needs": [needs[0].pk]})
    assert refused.status_code == 422 and "Lequel ?" in refused.content.decode()
    response = client.post(
        url, {"question_fr": "Lequel ?", "needs": [n.pk for n in needs], "accepts_items": "on"}
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.items.count() == 3


def test_it_shows_rankings_and_never_an_individual_vote(
    client_as, survey: Survey, voter: Voter
) -> None:
    _vote(voter)
    page = client_as("visitor").get(reverse("wikisurveys:results", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "participant@example.org" not in html and "participant" not in html.lower().split(
        "<main", 1
    )[-1].split("</main>")[0].replace("participants", "")
    assert NEEDS[0].replace("'", "&#x27;") in html or NEEDS[0] in html


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_counts_each_vote_once_under_concurrent_requests(survey: Survey, personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    voters = [_voter(survey, personas[role]) for role in ("participant", "moderator", "note_taker")]
    appearances = [services.appearance_next(voter=v) for v in voters]
    # Every voter's submission arrives four times at once; the voters vote at the same time.
    calls = [(v, a) for v, a in zip(voters, appearances, strict=True) for _ in range(4)]
    position = iter(range(len(calls)))

    def cast() -> None:
        voter, appearance = calls[next(position)]
        assert appearance is not None
        services.answer_vote(appearance=appearance, voter=voter, winner_id=appearance.left_id)

    assert _race(cast, count=len(calls)) == []
    assert Answer.objects.count() == 3
    assert survey_ranking(survey).n_votes == 3


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_shows_one_pair_when_the_page_is_loaded_many_times_at_once(
    survey: Survey, voter: Voter
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    shown: list[int] = []

    def load() -> None:
        appearance = services.appearance_next(voter=voter)
        assert appearance is not None
        shown.append(appearance.pk)

    assert _race(load, count=6) == []
    assert Appearance.objects.filter(voter=voter).count() == 1 and len(set(shown)) == 1


def test_it_counts_the_people_who_answered_for_the_process_page(
    survey: Survey, voter: Voter, personas
) -> None:
    from coprod.wikisurveys.method import WIKI_SURVEY

    services.appearance_next(voter=_voter(survey, personas["moderator"]))  # shown, not answered
    _vote(voter)
    assert WIKI_SURVEY.participation_count(survey.phase_method) == 1


def test_it_lets_an_anonymous_voter_add_an_idea_when_the_survey_allows_it(
    client, survey: Survey
) -> None:
    url = reverse("wikisurveys:item_create", args=[survey.pk])
    assert client.post(url, {"text": "Des fontaines"}).status_code == 403
    survey.allow_anonymous = True
    survey.save()
    assert client.post(url, {"text": "Des fontaines"}).status_code == 302
    item = survey.items.get(added_by__isnull=False)
    assert item.added_by is not None and item.added_by.anonymous_key


def test_it_turns_a_carried_participant_item_into_an_idea_of_the_process(
    survey: Survey, voter: Voter, process: Process
) -> None:
    item = services.item_submit(survey=survey, author=voter, text="Des jeux d'eau", language="fr")
    for other in survey.items.exclude(pk=item.pk):
        appearance = Appearance.objects.create(
            survey=survey, voter=voter, left=item, right=other, seed=0
        )
        services.answer_vote(appearance=appearance, voter=voter, winner_id=item.pk)
    result = services.survey_carry(survey=survey, top=1)
    item.refresh_from_db()
    assert item.idea is not None and item.idea.process == process
    assert item.idea.origin == "wiki_survey" and item.idea.status == IdeaStatus.UNDER_REVIEW
    assert item.idea.author == voter.participant
    assert result.result["items"][0]["idea"] == item.idea.pk

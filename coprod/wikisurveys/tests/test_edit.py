"""Facilitators change, close and reopen a survey; paper sheets of pairs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from coprod.processes.models import Idea, Process
from coprod.processes.tests.test_concurrency import _race
from coprod.wikisurveys import services
from coprod.wikisurveys.models import Answer, PaperSheet, SkipReason, Survey, Voter
from coprod.wikisurveys.selectors import survey_ranking, survey_votes
from coprod.wikisurveys.tests.conftest import _vote

ROLES_STATUS = [
    ("visitor", 302),
    ("signed_in", 403),
    ("participant", 403),
    ("observer", 403),
    ("note_taker", 403),
    ("moderator", 403),
    ("facilitator", 200),
    ("staff", 200),
]


def _settings(survey: Survey, **changes: object) -> dict[str, object]:
    data = {
        "question_fr": survey.question_fr,
        "question_en": survey.question_en,
        "accepts_items": "on",
        "paper_grace_days": survey.paper_grace_days,
    }
    return {**data, **changes}


@pytest.mark.parametrize(("role", "status"), ROLES_STATUS)
def test_it_lets_only_facilitators_and_staff_change_close_and_print(
    client_as, survey: Survey, role: str, status: int
) -> None:
    client = client_as(role)
    item = survey.items.first()
    assert item is not None
    sheet = _print_one(survey)
    for url in (
        reverse("wikisurveys:edit", args=[survey.pk]),
        reverse("wikisurveys:item_edit", args=[survey.pk, item.pk]),
        reverse("wikisurveys:paper", args=[survey.pk]),
        reverse("wikisurveys:paper_print", args=[survey.pk]),
        reverse("wikisurveys:paper_sheet", args=[survey.pk, sheet.number]),
    ):
        assert client.get(url).status_code == status, url
    allowed = 302 if status == 200 else status
    added = client.post(reverse("wikisurveys:items_add", args=[survey.pk]), {"text_fr": "Neuf"})
    assert added.status_code == allowed
    assert survey.items.filter(text_fr="Neuf").exists() is (status == 200)
    edited = client.post(
        reverse("wikisurveys:edit", args=[survey.pk]), _settings(survey, question_en="Which?")
    )
    assert edited.status_code == allowed
    printed = client.post(reverse("wikisurveys:paper", args=[survey.pk]), {"count": 1, "pairs": 2})
    assert printed.status_code == allowed
    assert PaperSheet.objects.count() == (2 if status == 200 else 1)
    for name in ("close", "open"):
        response = client.post(reverse(f"wikisurveys:{name}", args=[survey.pk]))
        assert response.status_code == allowed


def test_it_changes_the_question_and_items_until_someone_answers(
    client_as, survey: Survey, process: Process, voter: Voter
) -> None:
    client = client_as("facilitator")
    response = client.post(
        reverse("wikisurveys:edit", args=[survey.pk]),
        _settings(survey, question_fr="Nouvelle question ?", items_premoderated="on"),
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.question_fr == "Nouvelle question ?" and survey.items_premoderated
    idea = Idea.objects.create(process=process, title_fr="Des brumisateurs")
    client.post(
        reverse("wikisurveys:items_add", args=[survey.pk]),
        {"ideas": [idea.pk], "text_fr": "Des arbres", "text_en": "Trees"},
    )
    assert survey.items.filter(idea=idea, status="active").exists()
    trees = survey.items.get(text_en="Trees")
    client.post(
        reverse("wikisurveys:item_edit", args=[survey.pk, trees.pk]),
        {"text_fr": "Plus d'arbres", "text_en": "More trees"},
    )
    trees.refresh_from_db()
    assert trees.text_fr == "Plus d'arbres"
    empty = client.post(reverse("wikisurveys:items_add", args=[survey.pk]), {})
    assert empty.status_code == 422


def test_it_locks_the_question_and_compared_items_once_answered(
    client_as, survey: Survey, voter: Voter
) -> None:
    answer = _vote(voter)
    client = client_as("facilitator")
    page = client.get(reverse("wikisurveys:edit", args=[survey.pk])).content.decode()
    assert "disabled" in page
    client.post(
        reverse("wikisurveys:edit", args=[survey.pk]),
        _settings(survey, question_fr="Autre ?", description_fr="Contexte"),
    )
    survey.refresh_from_db()
    assert survey.question_fr != "Autre ?" and survey.description_fr == "Contexte"
    with override("en"), pytest.raises(ValidationError, match="question can no longer change"):
        services.survey_update(survey=survey, fields={"question_fr": "Autre ?"})
    winner = answer.winner
    assert winner is not None
    response = client.post(
        reverse("wikisurveys:item_edit", args=[survey.pk, winner.pk]),
        {"text_fr": "Reformulé", "text_en": ""},
    )
    assert response.status_code == 422
    assert "compared" in response.content.decode() or "comparé" in response.content.decode()


def test_it_freezes_a_closed_survey_until_it_is_reopened(
    client_as, survey: Survey, voter: Voter
) -> None:
    _vote(voter)
    pending = services.appearance_next(voter=voter)
    assert pending is not None
    services.survey_close(survey=survey)
    assert survey.closed_at is not None
    ranking = survey_ranking(survey)
    with pytest.raises(ValidationError):
        services.answer_vote(appearance=pending, voter=voter, winner_id=pending.left_id)
    with pytest.raises(ValidationError):
        services.item_submit(survey=survey, author=voter, text="Encore", language="fr")
    with pytest.raises(ValidationError):
        services.item_moderate(item=survey.items.first(), status="rejected")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        services.survey_update(survey=survey, fields={"description_fr": "x"})
    page = client_as("participant").get(reverse("wikisurveys:survey", args=[survey.pk]))
    assert 'name="choice"' not in page.content.decode()
    assert survey_ranking(survey).rows == ranking.rows
    services.survey_open(survey=survey)
    assert _vote(voter).winner is not None


def _print_one(survey: Survey, pairs: int = 3) -> PaperSheet:
    (sheet,) = services.paper_sheets_print(survey=survey, count=1, pairs=pairs)
    return sheet


def test_it_prints_numbered_sheets_of_distinct_pairs(client_as, survey: Survey) -> None:
    sheets = services.paper_sheets_print(survey=survey, count=2, pairs=3)
    assert [s.number for s in sheets] == [1, 2]
    for sheet in sheets:
        pairs = [frozenset(p) for p in sheet.voter.appearances.values_list("left_id", "right_id")]
        assert len(pairs) == len(set(pairs)) == 3  # three needs: every pair once
    again = services.paper_sheets_print(survey=survey, count=1, pairs=1)
    assert again[0].number == 3
    page = client_as("facilitator").get(
        reverse("wikisurveys:paper_print", args=[survey.pk]) + "?from=1&to=2"
    )
    text = page.content.decode()
    assert "paper-sheet" in text and text.count('class="paper-sheet"') == 2
    with pytest.raises(ValidationError):
        services.paper_sheets_print(survey=survey, count=0, pairs=3)


def test_it_counts_a_typed_sheet_once_and_checks_a_second_typing(
    client_as, survey: Survey, personas
) -> None:
    sheet = _print_one(survey)
    first, second, third = sheet.voter.appearances.order_by("id")
    client = client_as("staff")
    url = reverse("wikisurveys:paper_sheet", args=[survey.pk, sheet.number])
    marks = {f"pair_{first.pk}": "left", f"pair_{second.pk}": "cant_decide"}
    assert client.post(url, marks).status_code == 302
    assert client.post(url, marks).status_code == 302  # the same marks: a no-op
    answers = Answer.objects.filter(appearance__voter=sheet.voter)
    assert answers.count() == 2
    assert answers.get(appearance=first).winner_id == first.left_id
    assert answers.get(appearance=second).skip_reason == SkipReason.UNSTATED
    differs = client.post(url, {**marks, f"pair_{third.pk}": "right"})
    assert differs.status_code == 422 and answers.count() == 2
    votes = survey_votes(survey)
    assert votes.winners.size == 1 and votes.skips.shape[0] == 1
    client.post(url, {"clear": "1"})
    assert answers.count() == 0
    client.post(url, {**marks, f"pair_{third.pk}": "right"})
    assert answers.count() == 3


def test_it_takes_sheets_after_the_close_during_the_grace_period_only(
    survey: Survey, personas
) -> None:
    survey.paper_grace_days = 2
    survey.save()
    sheet = _print_one(survey)
    services.survey_close(survey=survey)
    with pytest.raises(ValidationError):
        services.paper_sheets_print(survey=survey, count=1, pairs=2)
    first = sheet.voter.appearances.earliest("id")
    services.paper_sheet_enter(sheet=sheet, marks={first.pk: "right"}, entered_by=personas["staff"])
    assert survey_ranking(survey).n_votes == 1  # the result includes it at once
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now() - dt.timedelta(days=3))
    with override("en"), pytest.raises(ValidationError, match="over"):
        services.paper_sheet_enter(sheet=sheet, marks={}, entered_by=personas["staff"])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_counts_a_sheet_once_when_typed_at_once_by_several_people(
    survey: Survey, personas
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    sheet = _print_one(survey)
    marks = {a.pk: "left" for a in sheet.voter.appearances.all()}

    def enter() -> None:
        services.paper_sheet_enter(sheet=sheet, marks=marks, entered_by=personas["staff"])

    assert _race(enter, count=6) == []
    assert Answer.objects.filter(appearance__voter=sheet.voter).count() == 3

"""An admin edit never writes back a counter that a vote, a skip or a task updated meanwhile.

The admin reads the row when the POST arrives and writes it after validating the form; a vote
recorded in between used to be undone by the full save. The tests make a vote land
exactly there (``during_admin_post``), on the admin's own connection, so the test does not
depend on thread timing.
"""

from __future__ import annotations

from django.db.models import F

from coprod.testing import admin_change_url, admin_form_data, during_admin_post
from coprod.wikisurveys.models import Item, Survey


def _count_a_vote_and_a_refit(survey: Survey) -> None:
    # What a skip and the strengths task do: F() updates, never a read-modify-write.
    Survey.objects.filter(pk=survey.pk).update(
        skips=F("skips") + 1, strengths_votes=F("strengths_votes") + 5
    )


def _counters(survey: Survey) -> tuple[int, int]:
    survey.refresh_from_db()
    return survey.skips, survey.strengths_votes


def test_it_keeps_a_skip_counted_between_the_form_and_its_post(survey, staff_admin) -> None:
    client = staff_admin(Survey)
    data = admin_form_data(client.get(admin_change_url(survey)))
    _count_a_vote_and_a_refit(survey)
    data["question_fr"] = "Lequel compte le plus l'été ?"
    assert client.post(admin_change_url(survey), data).status_code == 302
    assert _counters(survey) == (1, 5)
    assert survey.question_fr == "Lequel compte le plus l'été ?"


def test_it_keeps_a_skip_counted_between_the_admins_read_and_write(
    survey, staff_admin, monkeypatch
) -> None:
    client = staff_admin(Survey)
    data = admin_form_data(client.get(admin_change_url(survey)))
    during_admin_post(monkeypatch, Survey, lambda: _count_a_vote_and_a_refit(survey))
    data["question_fr"] = "Lequel compte le plus l'été ?"
    assert client.post(admin_change_url(survey), data).status_code == 302
    assert _counters(survey) == (1, 5)
    assert survey.question_fr == "Lequel compte le plus l'été ?"


def test_it_shows_the_counters_without_letting_them_be_posted(survey, staff_admin) -> None:
    client = staff_admin(Survey)
    response = client.get(admin_change_url(survey))
    form = response.context["adminform"].form
    assert {"skips", "strengths", "strengths_votes", "results_requested_at"}.isdisjoint(form.fields)
    data = admin_form_data(response) | {"skips": "999", "strengths_votes": "999"}
    assert client.post(admin_change_url(survey), data).status_code == 302
    assert _counters(survey) == (0, 0)


def test_it_keeps_an_items_votes_counted_while_its_wording_is_corrected(
    survey, staff_admin, monkeypatch
) -> None:
    item = survey.items.first()
    client = staff_admin(Item)
    data = admin_form_data(client.get(admin_change_url(item)))
    during_admin_post(
        monkeypatch, Item, lambda: Item.objects.filter(pk=item.pk).update(votes=F("votes") + 1)
    )
    data["text_en"] = "Cool places open at night"
    assert client.post(admin_change_url(item), data).status_code == 302
    item.refresh_from_db()
    assert (item.votes, item.text_en) == (1, "Cool places open at night")


def test_it_writes_nothing_when_nothing_changed(survey, staff_admin, monkeypatch) -> None:
    client = staff_admin(Survey)
    data = admin_form_data(client.get(admin_change_url(survey)))
    during_admin_post(monkeypatch, Survey, lambda: _count_a_vote_and_a_refit(survey))
    assert client.post(admin_change_url(survey), data).status_code == 302
    assert _counters(survey) == (1, 5)

"""An admin edit never writes back a counter that a vote, a skip or a task updated meanwhile.

The admin reads the row when the POST arrives and writes it after validating the form; a vote
recorded in between used to be undone by the full save. ``_during_the_post`` makes a vote land
exactly there, on the admin's own connection, so the test does not depend on thread timing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.db.models import F, Model
from django.urls import reverse

from coprod.testing import admin_form_data
from coprod.wikisurveys.models import Item, Survey


def _change_url(obj: Model) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def _during_the_post(
    monkeypatch: pytest.MonkeyPatch, model: type[Model], write: Callable[[], None]
) -> None:
    """Run ``write`` after the admin has read the object and before it saves it."""
    model_admin = admin.site.get_model_admin(model)
    read = model_admin.get_object

    def read_then_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = read(*args, **kwargs)
        write()
        return found

    monkeypatch.setattr(model_admin, "get_object", read_then_write)


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
    data = admin_form_data(client.get(_change_url(survey)))
    _count_a_vote_and_a_refit(survey)
    data["question_fr"] = "Lequel compte le plus l'été ?"
    assert client.post(_change_url(survey), data).status_code == 302
    assert _counters(survey) == (1, 5)
    assert survey.question_fr == "Lequel compte le plus l'été ?"


def test_it_keeps_a_skip_counted_between_the_admins_read_and_write(
    survey, staff_admin, monkeypatch
) -> None:
    client = staff_admin(Survey)
    data = admin_form_data(client.get(_change_url(survey)))
    _during_the_post(monkeypatch, Survey, lambda: _count_a_vote_and_a_refit(survey))
    data["question_fr"] = "Lequel compte le plus l'été ?"
    assert client.post(_change_url(survey), data).status_code == 302
    assert _counters(survey) == (1, 5)
    assert survey.question_fr == "Lequel compte le plus l'été ?"


def test_it_shows_the_counters_without_letting_them_be_posted(survey, staff_admin) -> None:
    client = staff_admin(Survey)
    response = client.get(_change_url(survey))
    form = response.context["adminform"].form
    assert {"skips", "strengths", "strengths_votes", "results_requested_at"}.isdisjoint(form.fields)
    data = admin_form_data(response) | {"skips": "999", "strengths_votes": "999"}
    assert client.post(_change_url(survey), data).status_code == 302
    assert _counters(survey) == (0, 0)


def test_it_keeps_an_items_votes_counted_while_its_wording_is_corrected(
    survey, staff_admin, monkeypatch
) -> None:
    item = survey.items.first()
    client = staff_admin(Item)
    data = admin_form_data(client.get(_change_url(item)))
    _during_the_post(
        monkeypatch, Item, lambda: Item.objects.filter(pk=item.pk).update(votes=F("votes") + 1)
    )
    data["text_en"] = "Cool places open at night"
    assert client.post(_change_url(item), data).status_code == 302
    item.refresh_from_db()
    assert (item.votes, item.text_en) == (1, "Cool places open at night")


def test_it_writes_nothing_when_nothing_changed(survey, staff_admin, monkeypatch) -> None:
    client = staff_admin(Survey)
    data = admin_form_data(client.get(_change_url(survey)))
    _during_the_post(monkeypatch, Survey, lambda: _count_a_vote_and_a_refit(survey))
    assert client.post(_change_url(survey), data).status_code == 302
    assert _counters(survey) == (1, 5)

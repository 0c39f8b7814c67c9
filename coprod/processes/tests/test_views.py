"""Every page of the spine, for each role: what it shows, what it refuses, and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coprod.processes import services
from coprod.processes.models import (
    Action,
    Comment,
    Decision,
    DecisionItem,
    Idea,
    Indicator,
    Measurement,
    Need,
    NeedStatus,
    Outcome,
    Participant,
    Process,
    ProcessStatus,
)


@pytest.fixture
def need(process: Process, personas) -> Need:
    author = Participant.objects.get(user=personas["participant"])
    return services.need_submit(
        process=process,
        author=author,
        title="On ne sait pas qui appeler",
        knowledge_type="experiential",
        language="fr",
    )


@pytest.fixture
def idea(process: Process, personas, need: Need) -> Idea:
    author = Participant.objects.get(user=personas["participant"])
    return services.idea_submit(
        process=process,
        author=author,
        title="Une carte « Qui appeler »",
        needs=[need],
        knowledge_type="experiential",
        language="fr",
    )


def url(name: str, *args: object) -> str:
    return reverse(f"processes:{name}", args=args)


# GET status per page and role: 200 shown, 302 sent to sign in (or to join), 403 refused.
PAGES = {
    "phase_create": {
        "visitor": 302,
        "participant": 403,
        "moderator": 403,
        "facilitator": 200,
        "staff": 200,
    },
    "edit": {
        "visitor": 302,
        "participant": 403,
        "moderator": 403,
        "facilitator": 200,
        "staff": 200,
    },
    "decision_create": {
        "visitor": 302,
        "participant": 403,
        "moderator": 403,
        "facilitator": 200,
        "staff": 200,
    },
    "action_create": {
        "visitor": 302,
        "participant": 403,
        "moderator": 403,
        "facilitator": 200,
        "staff": 200,
    },
    "indicator_create": {
        "visitor": 302,
        "participant": 403,
        "moderator": 403,
        "facilitator": 200,
        "staff": 200,
    },
    "need_create": {
        "visitor": 302,
        "signed_in": 302,
        "observer": 403,
        "participant": 200,
        "facilitator": 200,
    },
    "idea_create": {
        "visitor": 302,
        "signed_in": 302,
        "observer": 403,
        "participant": 200,
        "facilitator": 200,
    },
    "join": {"visitor": 302, "signed_in": 200, "participant": 302},
    "detail": {"visitor": 200, "signed_in": 200, "participant": 200, "facilitator": 200},
}


@pytest.mark.parametrize(
    ("page", "role", "status"), [(p, r, s) for p, roles in PAGES.items() for r, s in roles.items()]
)
def test_it_answers_each_role_on_each_page(
    page: str, role: str, status: int, client_as, process: Process
) -> None:
    assert client_as(role).get(url(page, process.slug)).status_code == status


def test_it_hides_drafts_from_everyone_but_those_who_run_them(client_as, process: Process) -> None:
    process.status = ProcessStatus.DRAFT
    process.save()
    assert client_as("visitor").get(url("detail", process.slug)).status_code == 404
    assert client_as("participant").get(url("detail", process.slug)).status_code == 404
    assert client_as("facilitator").get(url("detail", process.slug)).status_code == 200
    assert "Chaleur extrême" not in client_as("visitor").get(url("home")).content.decode()


def test_it_lists_published_processes_on_the_home_page(client_as, process: Process) -> None:
    page = client_as("visitor").get(url("home"))
    assert "Chaleur extrême" in page.content.decode()


def test_it_shows_organisers_content_in_the_visitors_language(client_as, process: Process) -> None:
    assert "Extreme heat" in client_as("visitor").get(f"/en/p/{process.slug}/").content.decode()
    assert (
        "Chaleur extrême" in client_as("visitor").get(f"/fr-ca/p/{process.slug}/").content.decode()
    )


def test_it_records_a_need_and_leads_to_its_chain(client_as, process: Process) -> None:
    response = client_as("participant").post(
        url("need_create", process.slug),
        {
            "title": "Les haltes climatisées sont trop loin",
            "description": "",
            "knowledge_type": "experiential",
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302
    assert response.url == url("chain", process.slug, "need", need.pk)
    assert need.author is not None and need.author.user.email == "participant@example.org"
    assert need.title_fr == "Les haltes climatisées sont trop loin"


def test_it_keeps_what_was_typed_when_a_need_is_refused(client_as, process: Process) -> None:
    response = client_as("participant").post(
        url("need_create", process.slug),
        {
            "title": "",
            "description": "Mon texte détaillé à garder",
            "knowledge_type": "experiential",
        },
    )
    assert response.status_code == 422
    assert "Mon texte détaillé à garder" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Need.objects.exists()


def test_it_refuses_a_need_from_an_observer(client_as, process: Process) -> None:
    response = client_as("observer").post(
        url("need_create", process.slug), {"title": "x", "knowledge_type": "practical"}
    )
    assert response.status_code == 403
    assert not Need.objects.exists()


def test_it_links_an_idea_to_the_needs_it_addresses(
    client_as, process: Process, need: Need
) -> None:
    client_as("participant").post(
        url("idea_create", process.slug),
        {
            "title": "Une carte sur le frigo",
            "knowledge_type": "experiential",
            "needs": [need.pk],
        },
    )
    assert list(Idea.objects.get().needs.all()) == [need]


def test_it_refuses_an_idea_without_a_need(client_as, process: Process, need: Need) -> None:
    response = client_as("participant").post(
        url("idea_create", process.slug),
        {
            "title": "Une idée orpheline",
            "knowledge_type": "experiential",
        },
    )
    assert response.status_code == 422
    assert "Une idée orpheline" in response.content.decode()


def test_it_lets_participants_comment_but_not_observers(
    client_as, process: Process, need: Need
) -> None:
    target = url("comment_create", process.slug, "need", need.pk)
    assert (
        client_as("participant")
        .post(target, {"body": "Tout à fait", "knowledge_type": "experiential"})
        .status_code
        == 302
    )
    assert (
        client_as("observer")
        .post(target, {"body": "Moi aussi", "knowledge_type": "experiential"})
        .status_code
        == 403
    )
    assert [c.body for c in Comment.objects.all()] == ["Tout à fait"]


def test_it_lets_moderators_hide_with_a_reason_that_only_they_see(
    client_as, process: Process, need: Need
) -> None:
    assert (
        client_as("participant")
        .post(url("hide", process.slug, "need", need.pk), {"reason": "x"})
        .status_code
        == 403
    )
    refused = client_as("moderator").post(
        url("hide", process.slug, "need", need.pk), {"reason": ""}
    )
    assert refused.status_code == 422
    client_as("moderator").post(
        url("hide", process.slug, "need", need.pk), {"reason": "Propos personnels"}
    )
    need.refresh_from_db()
    assert need.is_hidden
    assert (
        client_as("visitor").get(url("contribution", process.slug, "need", need.pk)).status_code
        == 404
    )
    assert (
        "Propos personnels"
        in client_as("moderator").get(url("detail", process.slug)).content.decode()
    )
    assert (
        "qui appeler" not in client_as("visitor").get(url("detail", process.slug)).content.decode()
    )


def test_it_asks_a_reason_to_set_a_need_out_of_scope(
    client_as, process: Process, need: Need
) -> None:
    response = client_as("facilitator").post(
        url("need_review", process.slug, need.pk), {"status": "out_of_scope", "reason": ""}
    )
    assert response.status_code == 422
    client_as("facilitator").post(
        url("need_review", process.slug, need.pk),
        {"status": "out_of_scope", "reason": "Hors mandat"},
    )
    need.refresh_from_db()
    assert (need.status, need.status_reason) == (NeedStatus.OUT_OF_SCOPE, "Hors mandat")
    assert (
        client_as("participant")
        .post(url("need_review", process.slug, need.pk), {"status": "validated"})
        .status_code
        == 403
    )


def test_it_records_a_decision_and_requires_a_rationale_unless_adopted(
    client_as, process: Process, idea: Idea
) -> None:
    form = {
        "body_fr": "Conseil d'arrondissement",
        "decided_on": "2026-06-10",
        f"outcome_{idea.pk}": "rejected",
    }
    refused = client_as("facilitator").post(url("decision_create", process.slug), form)
    assert refused.status_code == 422
    assert not Decision.objects.exists()
    form[f"rationale_fr_{idea.pk}"] = "Limites de la protection des renseignements personnels"
    assert (
        client_as("facilitator").post(url("decision_create", process.slug), form).status_code == 302
    )
    item = DecisionItem.objects.get()
    assert (item.outcome, item.idea) == (Outcome.REJECTED, idea)


def _adopted_item(process: Process, idea: Idea) -> DecisionItem:
    services.decision_record(
        process=process,
        body_fr="Conseil",
        decided_on=dt.date(2026, 6, 10),
        items=[services.ItemDecided(idea=idea, outcome=Outcome.ADOPTED)],
        recorded_by=None,
    )
    return DecisionItem.objects.get()


def test_it_creates_an_action_with_co_deliverers_and_updates_its_timeline(
    client_as, process: Process, idea: Idea, organisation
) -> None:
    item = _adopted_item(process, idea)
    response = client_as("facilitator").post(
        url("action_create", process.slug),
        {
            "code": "A7",
            "title_fr": "Carte « Qui appeler »",
            "decision_items": [item.pk],
            "co_deliverer_organisations": [organisation.pk],
            "owner_organisation": organisation.pk,
        },
    )
    action = Action.objects.get()
    assert response.status_code == 302
    assert action.contributors.get().organisation == organisation
    client_as("facilitator").post(
        url("action", process.slug, action.pk),
        {
            "happened_on": "2026-07-02",
            "status": "in_progress",
            "progress_pct": 40,
            "text": "Cartes imprimées",
        },
    )
    action.refresh_from_db()
    assert (action.status, action.progress_pct) == ("in_progress", 40)
    assert (
        client_as("participant")
        .post(
            url("action", process.slug, action.pk),
            {
                "happened_on": "2026-07-03",
                "status": "completed",
                "progress_pct": 100,
                "text": "x",
            },
        )
        .status_code
        == 403
    )


def test_it_records_indicators_and_measurements(client_as, process: Process, need: Need) -> None:
    client_as("facilitator").post(
        url("indicator_create", process.slug),
        {
            "code": "IND5",
            "name_fr": "Aînés qui savent qui appeler",
            "unit": "%",
            "kind": "outcome",
            "direction": "higher_better",
            "baseline_value": "38",
            "target_value": "75",
            "needs": [need.pk],
        },
    )
    indicator = Indicator.objects.get()
    duplicate = client_as("facilitator").post(
        url("indicator_create", process.slug),
        {
            "code": "IND5",
            "name_fr": "Doublon",
            "unit": "%",
            "kind": "outcome",
            "direction": "higher_better",
        },
    )
    assert duplicate.status_code == 422
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    refused = client_as("facilitator").post(
        url("indicator", process.slug, indicator.pk), {"value": "71", "measured_on": future}
    )
    assert refused.status_code == 422
    client_as("facilitator").post(
        url("indicator", process.slug, indicator.pk), {"value": "71", "measured_on": "2026-10-15"}
    )
    assert Measurement.objects.get().value == 71
    assert (
        client_as("participant")
        .post(
            url("indicator", process.slug, indicator.pk),
            {"value": "1", "measured_on": "2026-10-15"},
        )
        .status_code
        == 403
    )


def test_it_follows_the_chain_both_ways(
    client_as, process: Process, idea: Idea, need: Need
) -> None:
    item = _adopted_item(process, idea)
    action = services.action_create(
        process=process, fields={"code": "A7", "title_fr": "Carte frigo"}, decision_items=[item]
    )
    indicator = services.indicator_create(
        process=process,
        fields={
            "code": "IND5",
            "name_fr": "Savent qui appeler",
            "unit": "%",
            "direction": "higher_better",
        },
        actions=[action],
    )
    services.measurement_add(
        indicator=indicator, value=Decimal(71), measured_on=dt.date(2026, 10, 1), entered_by=None
    )
    down = client_as("visitor").get(url("chain", process.slug, "need", need.pk)).content.decode()
    up = (
        client_as("visitor")
        .get(url("chain", process.slug, "indicator", indicator.pk))
        .content.decode()
    )
    for page in (down, up):
        assert "qui appeler" in page and "Carte frigo" in page and "IND5" in page and "71" in page


def test_it_answers_404_for_an_unknown_kind_of_contribution(client_as, process: Process) -> None:
    assert client_as("visitor").get(f"/fr-ca/p/{process.slug}/decision/1/").status_code == 404


def test_it_explains_a_refusal_on_a_translated_accessible_page(client_as, process: Process) -> None:
    response = client_as("participant").get(url("decision_create", process.slug))
    assert response.status_code == 403
    assert "<h1>" in response.content.decode() and 'lang="fr-CA"' in response.content.decode()
    english = client_as("participant").get(f"/en/p/{process.slug}/decisions/new/")
    assert "You may not do this here" in english.content.decode()


def test_it_answers_a_server_error_with_its_own_page(client, db) -> None:
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "<h1>" in page and 'lang="' in page

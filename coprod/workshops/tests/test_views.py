"""Workshop pages per role: the public page, registration, running the day, a table's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coprod.processes.models import Idea, IdeaOrigin, Participant, RecruitedVia
from coprod.testing import ROLES
from coprod.workshops import services
from coprod.workshops.models import Registration, Round, SeatRole, Table
from coprod.workshops.seating import RoundSettings

pytestmark = pytest.mark.django_db

RUNNERS = {"facilitator", "staff"}


@pytest.fixture
def table(workshop, present, personas) -> Table:
    round_ = services.round_form(workshop=workshop, settings=RoundSettings(tables=3, seed=1))
    table = round_.tables.get(number=0)
    note_taker = Participant.objects.get(user=personas["note_taker"])
    services.table_note_taker_set(table=table, participant=note_taker)
    return table


def _status(client, name: str, *args) -> int:
    return client.get(reverse(name, args=args)).status_code


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_workshop_page_and_results_to_everyone(client_as, workshop, role) -> None:
    client = client_as(role)
    assert _status(client, "workshops:workshop", workshop.pk) == 200
    assert _status(client, "workshops:results", workshop.pk) == 200


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_facilitators_and_staff_run_the_day(client_as, table, role) -> None:
    client = client_as(role)
    workshop = table.round.workshop
    expected = 200 if role in RUNNERS else (302 if role == "visitor" else 403)
    for name, args in (
        ("workshops:registrations", [workshop.pk]),
        ("workshops:check_in", [workshop.pk]),
        ("workshops:rounds", [workshop.pk]),
        ("workshops:print", [workshop.pk, 1]),
    ):
        assert _status(client, name, *args) == expected, name
    assert (
        _status(client, "workshops:create", workshop.process.slug, workshop.phase_method.phase_id)
        == expected
    )


@pytest.mark.parametrize(
    ("role", "see", "write"),
    [
        ("visitor", 403, 403),
        ("signed_in", 403, 403),
        ("participant", 403, 403),
        ("observer", 403, 403),
        ("note_taker", 200, 302),
        ("moderator", 403, 403),
        ("facilitator", 200, 302),
        ("staff", 200, 302),
    ],
)
def test_it_lets_the_tables_note_taker_write_and_nobody_else(
    client_as, table, role, see, write
) -> None:
    client = client_as(role)
    url = reverse("workshops:table", args=[table.round.workshop_id, table.pk])
    assert client.get(url).status_code == see
    response = client.post(url, {"kind": "idea", "title": f"Idée de {role}"})
    assert response.status_code == write
    assert Idea.objects.filter(title_fr=f"Idée de {role}").exists() == (write == 302)


def test_it_shows_participants_their_own_table(client_as, workshop, table, present) -> None:
    seat = table.seats.filter(role=SeatRole.MEMBER).select_related("participant__user").first()
    from django.test import Client

    client = Client()
    client.force_login(seat.participant.user)
    page = client.get(reverse("workshops:workshop", args=[workshop.pk])).content.decode()
    assert "Table 1" in page
    assert client.get(reverse("workshops:table", args=[workshop.pk, table.pk])).status_code == 200
    other = Table.objects.get(round=table.round, number=1)
    assert client.get(reverse("workshops:table", args=[workshop.pk, other.pk])).status_code == 403


def test_it_records_a_note_takers_idea_with_the_table_as_origin(client_as, table) -> None:
    client = client_as("note_taker")
    url = reverse("workshops:table", args=[table.round.workshop_id, table.pk])
    assert client.post(url, {"text": "On parle des appels."}).status_code == 302
    assert client.post(url, {"kind": "idea", "title": "Appels amicaux"}).status_code == 302
    idea = Idea.objects.get(title_fr="Appels amicaux")
    assert idea.origin == IdeaOrigin.WORKSHOP and table.notes.count() == 1
    chain = client.get(reverse("processes:chain", args=[idea.process.slug, "idea", idea.pk]))
    assert "Appels amicaux" in chain.content.decode()


def test_it_keeps_what_the_note_taker_typed_when_refused(client_as, table) -> None:
    url = reverse("workshops:table", args=[table.round.workshop_id, table.pk])
    response = client_as("note_taker").post(
        url, {"kind": "idea", "title": "", "description": "garde"}
    )
    assert response.status_code == 422 and "garde" in response.content.decode()


def test_it_lets_a_signed_in_person_join_and_register_in_one_step(client_as, workshop) -> None:
    client = client_as("signed_in")
    url = reverse("workshops:register", args=[workshop.pk])
    assert client.post(url, {"stakeholder_role": "resident"}).status_code == 422
    response = client.post(
        url, {"stakeholder_role": "resident", "knowledge_types": ["experiential"]}
    )
    assert response.status_code == 302
    assert (
        Registration.objects.get(workshop=workshop).participant.user.email == "someone@example.org"
    )


def test_it_registers_people_filtered_by_how_they_were_recruited(
    client_as, workshop, make_people
) -> None:
    drawn, volunteer = make_people(2)
    Participant.objects.filter(pk=drawn.pk).update(recruited_via=RecruitedVia.SORTITION)
    client = client_as("facilitator")
    url = reverse("workshops:registrations", args=[workshop.pk]) + "?recruited_via=sortition"
    page = client.get(url).content.decode()
    assert str(drawn.user) in page and f"#{volunteer.pk} " not in page
    assert client.post(url, {"people": [drawn.pk]}).status_code == 302
    assert Registration.objects.get().participant == drawn


def test_it_checks_people_in_with_a_plain_post_and_with_htmx(
    client_as, workshop, make_people
) -> None:
    a, b = make_people(2)
    ra = services.registration_create(workshop=workshop, participant=a)
    rb = services.registration_create(workshop=workshop, participant=b)
    client = client_as("facilitator")
    url = reverse("workshops:check_in_toggle", args=[workshop.pk, ra.pk])
    assert client.post(url, {"present": "1"}).status_code == 302
    htmx = client.post(
        reverse("workshops:check_in_toggle", args=[workshop.pk, rb.pk]),
        {"present": "1"},
        headers={"HX-Request": "true"},
        follow=True,
    )
    assert "2 présent" in htmx.content.decode() or "2 present" in htmx.content.decode()
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 2
    search = client.get(reverse("workshops:check_in", args=[workshop.pk]), {"q": "person1"})
    assert (
        f"reg-{rb.pk}" in search.content.decode() and f'reg-{ra.pk}"' not in search.content.decode()
    )


def test_it_forms_a_round_from_the_form_and_refuses_impossible_rules(
    client_as, workshop, present
) -> None:
    client = client_as("facilitator")
    url = reverse("workshops:rounds", args=[workshop.pk])
    base = {"tables": "3", "diversify": ["role", "knowledge"], "at_least_experiential": "0",
            "at_least_practical": "0", "english_tables": "0", "seed": "4"}  # fmt: skip
    refused = client.post(url, {**base, "at_least_scientific": "3"})
    assert refused.status_code == 422 and not Round.objects.exists()
    assert 'role="alert"' in refused.content.decode()
    assert client.post(url, {**base, "at_least_scientific": "1"}).status_code == 302
    assert Round.objects.get().seats.count() == len(present)
    second = client.get(url).content.decode()
    assert 'value="3"' in second  # the next round starts from the previous rules


def test_it_prints_table_lists_and_name_cards(client_as, table) -> None:
    page = client_as("facilitator").get(
        reverse("workshops:print", args=[table.round.workshop_id, 1])
    )
    assert page.content.decode().count('class="name-card"') == table.round.seats.count()


def test_it_reseats_the_latest_round_from_its_page(client_as, table, present) -> None:
    round_ = table.round
    gone = round_.seats.filter(role=SeatRole.MEMBER).first().participant
    url = reverse("workshops:reseat", args=[round_.workshop_id, round_.number])
    assert client_as("participant").post(url, {"absent": [gone.pk]}).status_code == 403
    assert client_as("facilitator").post(url, {"absent": [gone.pk]}).status_code == 302
    assert not round_.seats.filter(participant=gone).exists()
    assert round_.seats.exclude(role=SeatRole.NOTE_TAKER).count() == len(present) - 1

"""Panel pages per role: who recruits, who runs the pool and the draw, what the public sees."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from coprod.panels import services
from coprod.panels.models import Draw, MemberStatus, Panel, PanelStatus, Volunteer
from coprod.panels.tests.conftest import FEATURES_CSV, make_pool, people_csv
from coprod.processes.tests.test_concurrency import _race

ANSWERS = {
    "feature_age_band": "75_plus",
    "feature_gender": "woman",
    "feature_stakeholder_role": "caregiver",
}
RUNNERS = {"facilitator", "staff"}
ROLES = ("visitor", "signed_in", "participant", "observer", "note_taker", "moderator")


def _expected(role: str, *, public: bool = False) -> int:
    if public or role in RUNNERS:
        return 200
    return 302 if role == "visitor" else 403


@pytest.mark.parametrize("role", [*ROLES, *RUNNERS])
@pytest.mark.parametrize("page", ["panel", "volunteer", "pool", "quotas", "draw"])
def test_it_keeps_the_pool_quotas_and_draw_to_facilitators(
    client_as, pool: Panel, role: str, page: str
) -> None:
    response = client_as(role).get(reverse(f"panels:{page}", args=[pool.pk]))
    assert response.status_code == _expected(role, public=page in {"panel", "volunteer"})


@pytest.mark.parametrize("role", [*ROLES, *RUNNERS])
def test_it_shows_the_audit_record_to_everyone_without_personal_data(
    client_as, pool: Panel, role: str
) -> None:
    services.panel_announce(panel=pool)
    draw = services.panel_draw(panel=pool)
    client = client_as(role)
    page = client.get(reverse("panels:audit", args=[pool.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert draw.input_hash in text and str(draw.seed) in text
    assert draw.panel_ids[0] in text  # pseudonyms only
    assert "@example.org" not in text.replace('@example.org">', "")
    assert not any(v.name in text for v in Volunteer.objects.filter(panel=pool) if v.name)
    bundle = client.get(reverse("panels:bundle", args=[pool.pk]))
    assert bundle.status_code == _expected(role)


def test_it_hides_the_audit_record_until_the_draw(client_as, pool: Panel) -> None:
    assert client_as("visitor").get(reverse("panels:audit", args=[pool.pk])).status_code == 404


def test_it_publishes_the_seed_on_the_panel_page_before_the_draw(client_as, pool: Panel) -> None:
    client = client_as("facilitator")
    response = client.post(reverse("panels:draw", args=[pool.pk]), {"action": "announce"})
    assert response.status_code == 302
    pool.refresh_from_db()
    assert pool.status == PanelStatus.ANNOUNCED and not Draw.objects.exists()
    public = client_as("visitor").get(reverse("panels:panel", args=[pool.pk])).content.decode()
    assert str(pool.seed) in public and pool.announced_input_hash in public
    response = client.post(reverse("panels:draw", args=[pool.pk]), {"action": "draw"})
    assert response.status_code == 302 and Draw.objects.get().seed == pool.seed


def test_it_keeps_what_was_typed_when_consent_is_missing(client_as, pool: Panel) -> None:
    data = {"name": "Lise Gagnon", "email": "lise@example.org", **ANSWERS}
    response = client_as("visitor").post(reverse("panels:volunteer", args=[pool.pk]), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Lise Gagnon" in page and re.search(r'value="75_plus"[^>]*checked', page)
    assert not Volunteer.objects.filter(email="lise@example.org").exists()
    data["consent"] = "on"
    response = client_as("visitor").post(reverse("panels:volunteer", args=[pool.pk]), data)
    assert response.status_code == 302
    assert Volunteer.objects.get(email="lise@example.org").values.count() == 3


def test_it_refuses_a_bad_pool_file_with_every_bad_row_and_imports_nothing(
    client_as, panel: Panel
) -> None:
    response = client_as("facilitator").post(
        reverse("panels:pool", args=[panel.pk]),
        {
            "people": SimpleUploadedFile("people.csv", people_csv(bad_rows=2)),
            "features": SimpleUploadedFile("features.csv", FEATURES_CSV.encode()),
            "consent_source": "Papier",
            "form_version": "v1",
            "attest": "on",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Line 2:" in page or "Ligne 2" in page
    assert not Volunteer.objects.exists()


def test_it_imports_a_pool_file(client_as, panel: Panel) -> None:
    response = client_as("facilitator").post(
        reverse("panels:pool", args=[panel.pk]),
        {
            "people": SimpleUploadedFile("people.csv", people_csv()),
            "features": SimpleUploadedFile("features.csv", FEATURES_CSV.encode()),
            "consent_source": "Papier",
            "form_version": "v1",
            "attest": "on",
        },
    )
    assert response.status_code == 302
    assert Volunteer.objects.filter(panel=panel).count() == 30


def test_it_checks_quotas_as_you_type_and_with_the_check_button(client_as, pool: Panel) -> None:
    client = client_as("facilitator")
    url = reverse("panels:quotas", args=[pool.pk])
    page = client.get(url)
    form = page.context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    women = next(c for c in form.categories if c.key == "woman")
    men = next(c for c in form.categories if c.key == "man")
    data[f"min_{women.pk}"] = 4
    data[f"min_{men.pk}"] = 4
    partial = client.post(url, data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="feasibility"') and "<html" not in text
    assert "minimums totalisent 8" in text
    full = client.post(url, {**data, "action": "check"})
    assert full.status_code == 200 and "<html" in full.content.decode()
    saved = client.post(url, {**data, "action": "save"})
    assert saved.status_code == 302
    women.refresh_from_db()
    assert women.quota_min == 4


def test_it_lets_a_volunteer_see_their_probability_and_withdraw(
    client_as, pool: Panel, personas
) -> None:
    user = personas["participant"]
    client = client_as("participant")
    client.post(
        reverse("panels:volunteer", args=[pool.pk]),
        {"name": "Moi", "email": user.email, "consent": "on", **ANSWERS},
    )
    mine = Volunteer.objects.get(user=user)
    assert client.get(reverse("panels:mine", args=[pool.pk])).status_code == 200
    assert client_as("observer").get(reverse("panels:mine", args=[pool.pk])).status_code == 404
    services.panel_announce(panel=pool)
    draw = services.panel_draw(panel=pool)
    page = client.get(reverse("panels:mine", args=[pool.pk])).content.decode()
    percent = f"{100 * draw.probabilities[mine.pseudonym]:.1f}".replace(".", ",")
    assert percent in page
    other = Volunteer.objects.exclude(user=user).first()
    assert other is not None
    url = reverse("panels:withdraw", args=[pool.pk, other.pk])
    assert client.post(url).status_code == 403
    client.post(reverse("panels:withdraw", args=[pool.pk, mine.pk]))
    mine.refresh_from_db()
    assert mine.withdrawn_at and not mine.values.exists()


@pytest.mark.parametrize("role", [*ROLES, *RUNNERS])
def test_it_lets_only_facilitators_replace_members(client_as, pool: Panel, role: str) -> None:
    services.panel_announce(panel=pool)
    draw = services.panel_draw(panel=pool)
    member = draw.members.filter(status=MemberStatus.SELECTED).first()
    assert member is not None
    url = reverse("panels:member", args=[pool.pk, member.pk])
    response = client_as(role).post(url, {"action": "replace"})
    assert response.status_code == (302 if role in RUNNERS else _expected(role))
    member.refresh_from_db()
    assert (member.status == MemberStatus.DECLINED) == (role in RUNNERS)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_draws_once_when_the_draw_is_run_from_many_requests(process, personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    panel = make_pool(process)
    services.panel_announce(panel=panel, draw_planned_at=timezone.now())
    errors = _race(lambda: services.panel_draw(panel=panel), count=4)
    assert Draw.objects.count() == 1
    assert len(errors) == 3  # the others are told the panel is drawn


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_puts_an_email_in_the_pool_once_from_many_requests(process, personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    panel = make_pool(process, size=2, reserves=0, people=4)

    def register() -> None:
        services.volunteer_register(
            panel=panel,
            name="Lise",
            email="lise@example.org",
            values={"age_band": "75_plus", "gender": "woman", "stakeholder_role": "resident"},
            consent=True,
            language="fr-ca",
        )

    _race(register, count=6)
    assert Volunteer.objects.filter(email="lise@example.org").count() == 1


def test_it_emails_a_private_link_to_withdraw_without_an_account(
    client_as, pool: Panel, django_capture_on_commit_callbacks
) -> None:
    client = client_as("visitor")
    data = {"name": "Lise Gagnon", "email": "lise@example.org", "consent": "on", **ANSWERS}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("panels:volunteer", args=[pool.pk]), data)
    volunteer = Volunteer.objects.get(email="lise@example.org")
    (message,) = mail.outbox
    link = reverse("panels:leave", args=[pool.pk, volunteer.withdrawal_token])
    assert message.to == ["lise@example.org"] and f"http://testserver{link}" in message.body
    wrong = reverse("panels:leave", args=[pool.pk, "not-the-token"])
    assert client.get(wrong).status_code == 404
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.withdrawn_at and not volunteer.values.exists()
    assert client.get(link).status_code == 404

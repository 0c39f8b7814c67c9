"""A newcomer's path and a facilitator's path, in a real browser, with axe on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from coprod.processes import services
from coprod.processes.models import Action, Decision, Idea, Indicator, Need, Participant, Process
from coprod.testing import PASSWORD
from tests.browser.conftest import tab_to

pytestmark = pytest.mark.browser


def test_it_walks_a_newcomer_from_sign_up_to_a_need_and_an_idea(
    live_server, page, check_a11y, csp_errors, process: Process
) -> None:
    base = live_server.url
    page.goto(f"{base}/fr-ca/")
    check_a11y("home (fr)")

    page.goto(f"{base}/fr-ca/accounts/signup/")
    check_a11y("sign up")
    tab_to(page, "#id_email")
    page.keyboard.type("nouvelle@example.org")
    tab_to(page, "#id_password1")
    page.keyboard.type(PASSWORD)
    tab_to(page, "#id_password2")
    page.keyboard.type(PASSWORD)
    tab_to(page, "#id_display_name")
    page.keyboard.type("Ginette")
    with page.expect_navigation(url="**/confirm-email/"):
        page.keyboard.press("Enter")
    check_a11y("check your e-mail")

    link = re.search(r"https?://\S+/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", base))
    check_a11y("confirm e-mail")
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    check_a11y("process page (fr)")
    tab_to(page, f"a[href$='/p/{process.slug}/join/']")
    with page.expect_navigation(url="**/join/"):
        page.keyboard.press("Enter")
    check_a11y("join a process")
    tab_to(page, "#id_knowledge_types_0")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation(url=f"**/p/{process.slug}/"):
        page.keyboard.press("Enter")

    page.goto(f"{base}/fr-ca/p/{process.slug}/needs/new/")
    check_a11y("submit a need")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # empty: refused with a clear message, nothing lost
    page.wait_for_selector(".error-summary")
    check_a11y("submit a need, refused")
    tab_to(page, "#id_title")
    page.keyboard.type("On ne sait pas qui appeler pendant une vague de chaleur")
    tab_to(page, "#id_knowledge_type_0")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation(url="**/chain/need/*/"):
        page.keyboard.press("Enter")
    check_a11y("chain of a new need")
    need = Need.objects.get()
    assert need.author.user.email == "nouvelle@example.org"

    page.goto(f"{base}/fr-ca/p/{process.slug}/ideas/new/")
    check_a11y("submit an idea")
    tab_to(page, "#id_title")
    page.keyboard.type("Une carte « Qui appeler » sur le frigo")
    tab_to(page, "#id_needs_0")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation(url="**/chain/idea/*/"):
        page.keyboard.press("Enter")
    assert list(Idea.objects.get().needs.all()) == [need]
    assert "qui appeler" in page.content()
    assert csp_errors == []


def _sign_in(page, base: str, email: str, check_a11y=None) -> None:
    page.goto(f"{base}/fr-ca/accounts/login/")
    if check_a11y:
        check_a11y("sign in")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_it_walks_a_facilitator_from_a_need_to_a_measurement_then_follows_the_chain(
    live_server, page, check_a11y, csp_errors, process: Process, personas
) -> None:
    base = live_server.url
    author = Participant.objects.get(user=personas["participant"])
    need = services.need_submit(
        process=process,
        author=author,
        title="Les haltes climatisées sont trop loin",
        knowledge_type="experiential",
        language="fr",
    )
    services.idea_submit(
        process=process,
        author=author,
        title="Une navette vers les haltes",
        needs=[need],
        knowledge_type="experiential",
        language="fr",
    )
    _sign_in(page, base, "facilitator@example.org", check_a11y)

    page.goto(f"{base}/fr-ca/p/{process.slug}/needs/{need.pk}/review/")
    check_a11y("review a need")
    page.check("#id_status_1")  # validated
    with page.expect_navigation(url=f"**/p/{process.slug}/"):
        page.click("main form button[type=submit]")
    check_a11y("process page, facilitator")

    page.goto(f"{base}/fr-ca/p/{process.slug}/decisions/new/")
    check_a11y("record a decision")
    page.fill("#id_body_fr", "Conseil d'arrondissement")
    page.fill("#id_decided_on", "2026-06-10")
    idea = Idea.objects.get()
    page.select_option(f"#id_outcome_{idea.pk}", "adapted")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")  # adapted without a rationale: refused, nothing lost
    check_a11y("record a decision, refused")
    assert page.input_value("#id_body_fr") == "Conseil d'arrondissement"
    page.fill(f"#id_rationale_fr_{idea.pk}", "Navette en semaine seulement, faute de budget")
    with page.expect_navigation(url=f"**/p/{process.slug}/"):
        page.click("main form button[type=submit]")
    assert Decision.objects.get().items.get().outcome == "adapted"

    page.goto(f"{base}/fr-ca/p/{process.slug}/actions/new/")
    check_a11y("create an action")
    page.fill("#id_code", "A4")
    page.fill("#id_title_fr", "Navette vers les haltes climatisées")
    page.check("#id_decision_items_0")
    with page.expect_navigation(url="**/actions/*/"):
        page.click("main form button[type=submit]")
    check_a11y("action page")
    page.fill("#id_happened_on", "2026-07-05")
    page.select_option("#id_status", "delayed")
    page.fill("#id_progress_pct", "30")
    page.fill("#id_text", "Contrat du transporteur en retard")
    with page.expect_navigation(url="**/actions/*/"):
        page.click("main form button[type=submit]")
    assert Action.objects.get().status == "delayed"

    page.goto(f"{base}/fr-ca/p/{process.slug}/indicators/new/")
    check_a11y("create an indicator")
    page.fill("#id_code", "IND3")
    page.fill("#id_name_fr", "Visites des 65 ans et plus par jour d'alerte")
    page.fill("#id_unit", "visites")
    page.select_option("#id_direction", "higher_better")
    page.fill("#id_baseline_value", "35")
    page.fill("#id_target_value", "80")
    page.check("#id_actions_0")
    with page.expect_navigation(url="**/indicators/*/"):
        page.click("main form button[type=submit]")
    check_a11y("indicator page")
    page.fill("#id_value", "92")
    page.fill("#id_measured_on", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    with page.expect_navigation(url="**/indicators/*/"):
        page.click("main form button[type=submit]")
    assert Indicator.objects.get().measurements.get().value == 92

    page.goto(f"{base}/fr-ca/p/{process.slug}/chain/need/{need.pk}/")
    check_a11y("chain from a need to its measurement")
    chain = page.locator(".chain").inner_text()
    for expected in (
        "Les haltes climatisées sont trop loin",
        "Une navette vers les haltes",
        "Navette en semaine",
        "A4",
        "IND3",
        "92",
    ):
        assert expected in chain
    page.goto(f"{base}/en/p/{process.slug}/chain/indicator/{Indicator.objects.get().pk}/")
    check_a11y("chain from an indicator back to its need (en)")
    assert "Les haltes climatisées sont trop loin" in page.locator(".chain").inner_text()
    assert csp_errors == []


@pytest.mark.parametrize(
    "path", ["/en/", "/fr-ca/nowhere/", "/en/me/", "/fr-ca/me/privacy/", "/fr-ca/me/delete/"]
)
def test_it_keeps_the_other_pages_accessible(
    live_server, page, check_a11y, personas, path: str
) -> None:
    _sign_in(page, live_server.url, "participant@example.org")
    page.goto(f"{live_server.url}{path}")
    check_a11y(path)


def test_it_keeps_the_facilitation_and_moderation_pages_accessible(
    live_server, page, check_a11y, process: Process, personas
) -> None:
    author = Participant.objects.get(user=personas["participant"])
    need = services.need_submit(
        process=process,
        author=author,
        title="Trop chaud la nuit",
        knowledge_type="experiential",
        language="fr",
    )
    services.comment_add(
        author=author, target=need, body="Moi aussi", knowledge_type="experiential"
    )
    _sign_in(page, live_server.url, "facilitator@example.org")
    pages = {
        "edit a process": f"/fr-ca/p/{process.slug}/edit/",
        "add a phase": f"/fr-ca/p/{process.slug}/phases/new/",
        "a need with its comments": f"/fr-ca/p/{process.slug}/need/{need.pk}/",
        "hide a contribution": f"/fr-ca/p/{process.slug}/hide/need/{need.pk}/",
        "refused (403)": "/fr-ca/processes/new/",
        "password reset": "/fr-ca/accounts/password/reset/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        check_a11y(name)

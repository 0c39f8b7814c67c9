"""The issue's walk from a pool to the chain: a facilitator imports a pool, sets quotas, draws a
panel, opens a workshop, checks the drawn members in, forms tables for two rounds, and a
note-taker records an idea that appears in the process's chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod.panels.models import Draw, MemberStatus, Panel
from coprod.panels.tests.conftest import people_csv
from coprod.processes.models import Idea, IdeaOrigin, Participant, Process, RecruitedVia
from coprod.workshops.models import Registration, Round, Workshop
from tests.browser.test_panels import _import
from tests.browser.test_paths import _sign_in
from tests.browser.test_workshops import _submit

pytestmark = pytest.mark.browser

SEATS = 6
IDEA = "Une ligne téléphonique unique pour les alertes de chaleur"


def _draw_a_panel(page, base: str, process: Process, folder: Path) -> Draw:
    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    with page.expect_navigation():
        page.click("a[href*='/panels/new/']")
    page.fill("#id_title_fr", "Panel citoyen chaleur")
    page.fill("#id_size", str(SEATS))
    page.fill("#id_reserves", "2")
    with page.expect_navigation(url="**/pool/"):
        page.click("main form.stack-form button[type=submit]")
    panel = Panel.objects.get()
    _import(page, folder, people_csv())
    page.goto(f"{base}/fr-ca/panels/{panel.pk}/quotas/")
    page.locator("#feasibility .feasible").wait_for()
    _submit(page, "button[value=save]")
    page.goto(f"{base}/fr-ca/panels/{panel.pk}/draw/")
    _submit(page, "button[value=announce]")
    _submit(page, "button[value=draw]")
    return Draw.objects.get(panel=panel)


def test_it_walks_from_a_drawn_panel_to_an_idea_in_the_chain(
    live_server, page, check_a11y, csp_errors, process: Process, personas, tmp_path: Path
) -> None:
    base = live_server.url
    page.set_default_timeout(120_000)  # two cores shared by several engineers' jobs
    page.set_default_navigation_timeout(120_000)
    _sign_in(page, base, "facilitator@example.org")
    draw = _draw_a_panel(page, base, process, tmp_path)
    assert draw.members.filter(status=MemberStatus.SELECTED).count() == SEATS
    drawn = Participant.objects.filter(process=process, recruited_via=RecruitedVia.SORTITION)
    assert drawn.count() == SEATS

    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    with page.expect_navigation():
        page.click("a[href*='/workshops/new/']")
    page.fill("#id_title_fr", "Atelier du panel")
    page.fill("#id_starts_at", "2026-12-01T13:00")
    page.fill("#id_ends_at", "2026-12-01T16:00")
    page.fill("#id_place", "Centre communautaire")
    page.fill("#id_capacity", "12")
    _submit(page)
    workshop = Workshop.objects.get()
    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/registrations/?recruited_via=sortition&role=")
    check_a11y("registering the drawn members")
    boxes = page.locator("input[name=people]")
    assert boxes.count() == SEATS  # only the people drawn by lot
    for box in boxes.all():
        box.check()
    _submit(page)
    registered = Registration.objects.filter(workshop=workshop)
    assert set(registered.values_list("participant_id", flat=True)) == set(
        drawn.values_list("pk", flat=True)
    )

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/check-in/")
    for done in range(SEATS):
        page.locator(".checkin-row:not(.is-present) .checkin-button").first.click()
        page.locator(".checkin-row.is-present").nth(done).wait_for()
    assert registered.filter(checked_in_at__isnull=False).count() == SEATS
    check_a11y("every drawn member checked in")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/rounds/")
    for seed in ("11", "12"):
        page.fill("#id_tables", "2")
        page.fill("#id_seed", seed)
        _submit(page, "#next-round button[type=submit]")
    assert list(workshop.rounds.values_list("number", flat=True)) == [1, 2]
    second = Round.objects.get(workshop=workshop, number=2)
    table = second.tables.get(number=0)
    page.select_option(f"#nt-{table.pk}", label="note_taker")
    _submit(page, f"#table-{table.pk} button[type=submit]")

    page.context.clear_cookies()
    _sign_in(page, base, "note_taker@example.org")
    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/tables/{table.pk}/")
    page.fill("#contribution-form #id_title", IDEA)
    _submit(page, "#contribution-form button[type=submit]")
    idea = Idea.objects.get(title_fr=IDEA)
    assert idea.origin == IdeaOrigin.WORKSHOP
    page.goto(f"{base}/fr-ca/p/{process.slug}/chain/idea/{idea.pk}/")
    assert IDEA in page.content()
    check_a11y("the drawn members' idea in the chain")
    assert csp_errors == []

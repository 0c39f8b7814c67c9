"""A workshop in a real browser: opened, people registered and checked in on a phone, tables
formed for two rounds, and a note-taker's idea that appears in the process's chain."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coprod.processes import services as spine
from coprod.processes.models import Idea, IdeaOrigin, Process, StakeholderRole
from coprod.workshops.models import Registration, Round, Workshop
from tests.browser.conftest import tab_to
from tests.browser.test_paths import _sign_in

pytestmark = pytest.mark.browser

PEOPLE = 12
ROLES = (
    (StakeholderRole.RESIDENT, ["experiential"]),
    (StakeholderRole.COMMUNITY_WORKER, ["practical"]),
    (StakeholderRole.RESEARCHER, ["scientific"]),
)
IDEA = "Des appels amicaux pendant les alertes de chaleur"


def _people(process: Process, make_user) -> None:
    for k in range(PEOPLE):
        role, kinds = ROLES[k % len(ROLES)]
        spine.participant_join(
            process=process,
            user=make_user(f"invite{k:02d}@example.org"),
            stakeholder_role=role,
            knowledge_types=kinds,
        )


def _submit(page, selector: str = "main form.stack-form button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


def test_it_runs_a_workshop_from_check_in_to_an_idea_in_the_chain(
    live_server, page, check_a11y, csp_errors, process: Process, personas, make_user
) -> None:
    base = live_server.url
    page.set_default_timeout(120_000)  # two cores shared by several engineers' jobs
    page.set_default_navigation_timeout(120_000)
    _people(process, make_user)
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    with page.expect_navigation():
        page.click("a[href*='/workshops/new/']")
    check_a11y("open a workshop")
    page.fill("#id_title_fr", "Atelier de conception")
    page.fill("#id_starts_at", "2026-12-01T13:00")
    page.fill("#id_ends_at", "2026-12-01T16:00")
    page.fill("#id_place", "Centre communautaire")
    page.fill("#id_capacity", "20")
    _submit(page)
    workshop = Workshop.objects.get()
    check_a11y("workshop page")

    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/registrations/?role=")
    check_a11y("workshop registrations")
    for box in page.locator("input[name=people]").all():
        box.check()
    _submit(page, "main form.stack-form button[type=submit]")
    assert Registration.objects.filter(workshop=workshop).count() == PEOPLE + 5  # + personas

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/check-in/")
    check_a11y("check-in on a phone")
    first = page.locator(".checkin-row .checkin-button").first
    tab_to(page, ".checkin-row .checkin-button")
    page.keyboard.press("Enter")  # htmx swaps the list and the count
    expect(page.locator(".checkin-row.is-present")).to_have_count(1)
    expect(page.locator("#checkin-count")).to_contain_text("1 ")
    assert first.count() == 1
    for _ in range(PEOPLE - 1):
        done = page.locator(".checkin-row.is-present").count()
        page.locator(".checkin-row:not(.is-present) .checkin-button").first.click()
        expect(page.locator(".checkin-row.is-present")).to_have_count(done + 1)
    page.fill("#q", "invite03")
    expect(page.locator(".checkin-row")).to_have_count(1)
    check_a11y("check-in search on a phone")
    present = Registration.objects.filter(workshop=workshop, checked_in_at__isnull=False)
    assert present.count() == PEOPLE
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/rounds/")
    check_a11y("rounds form")
    page.fill("#id_tables", "3")
    page.fill("#id_seed", "5")
    _submit(page, "#next-round button[type=submit]")
    page.fill("#id_seed", "6")
    _submit(page, "#next-round button[type=submit]")
    assert list(workshop.rounds.values_list("number", flat=True)) == [1, 2]
    check_a11y("two rounds of tables")
    second = Round.objects.get(workshop=workshop, number=2)
    table = second.tables.get(number=0)
    page.select_option(f"#nt-{table.pk}", label="note_taker")
    _submit(page, f"#table-{table.pk} button[type=submit]")
    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/rounds/2/print/")
    check_a11y("table lists and name cards")

    page.context.clear_cookies()
    _sign_in(page, base, "note_taker@example.org")
    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/tables/{table.pk}/")
    check_a11y("note-taker's table")
    page.fill("#contribution-form #id_title", IDEA)
    _submit(page, "#contribution-form button[type=submit]")
    idea = Idea.objects.get(title_fr=IDEA)
    assert idea.origin == IdeaOrigin.WORKSHOP
    page.click(f"a[href*='/chain/idea/{idea.pk}/']")
    page.wait_for_url(f"**/chain/idea/{idea.pk}/")
    assert IDEA in page.content()
    check_a11y("the idea in the process's chain")
    page.goto(f"{base}/fr-ca/atelier/{workshop.pk}/results/")
    check_a11y("workshop results")
    assert csp_errors == []

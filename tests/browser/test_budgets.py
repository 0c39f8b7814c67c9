"""A participatory budget in a real browser: set up, voted with the keyboard, changed, explained."""

from __future__ import annotations

import datetime as dt

import pytest

from coprod.budgets.models import Ballot, Budget
from coprod.processes import services as spine
from coprod.processes.models import Outcome, Participant, Process
from tests.browser.conftest import tab_to
from tests.browser.test_paths import _sign_in

pytestmark = pytest.mark.browser

PROJECTS = (("Abris frais", "6000"), ("Fontaines d'eau", "3000"), ("Brumisateurs", "2000"))


def _adopt_ideas(process: Process, personas) -> None:
    author = Participant.objects.get(user=personas["participant"])
    ideas = [
        spine.idea_submit(
            process=process, author=author, title=title, needs=[], knowledge_type="experiential"
        )
        for title, _cost in PROJECTS
    ]
    spine.decision_record(
        process=process,
        body_fr="Conseil d'arrondissement",
        decided_on=dt.date(2026, 5, 1),
        items=[spine.ItemDecided(idea=idea, outcome=Outcome.ADOPTED) for idea in ideas],
        recorded_by=personas["facilitator"],
    )


def _tick(page, title: str) -> None:
    """Reach a project's checkbox with Tab and toggle it with the space bar."""
    box = page.get_by_label(title, exact=False)
    tab_to(page, f"input[name=projects][value='{box.get_attribute('value')}']")
    page.keyboard.press("Space")


def test_it_sets_up_a_budget_takes_a_keyboard_ballot_and_explains_the_results(
    live_server, page, check_a11y, csp_errors, process: Process, personas
) -> None:
    base = live_server.url
    _adopt_ideas(process, personas)
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    with page.expect_navigation():
        page.click("a[href*='/budgets/new/']")
    check_a11y("open a participatory budget")
    page.fill("#id_title_fr", "Budget participatif chaleur")
    page.fill("#id_envelope", "10000")
    with page.expect_navigation(url="**/b/*/projects/"):
        page.click("main form.stack-form button[type=submit]")
    budget = Budget.objects.get()
    check_a11y("budget projects")
    for title, cost in PROJECTS:
        page.select_option("#id_idea", label=title)
        page.fill("#id_cost", cost)
        with page.expect_navigation():
            page.click("main form.stack-form button[type=submit]")
    assert budget.projects.count() == 3
    page.goto(f"{base}/fr-ca/b/{budget.pk}/paper/")
    check_a11y("paper ballots")
    for ticked in ("Brumisateurs", "Abris frais"):  # two entries of ballot 7 that disagree
        page.fill("#id_reference", "7")
        page.get_by_label(ticked, exact=False).check()
        with page.expect_navigation():
            page.click("main form.stack-form button[type=submit]")
    assert page.locator("form[action*='/discard/']").count() == 2
    check_a11y("paper ballots that disagree")
    with page.expect_navigation():
        page.click("form[action*='/discard/'] >> nth=1")
    page.fill("#id_reference", "7")
    page.get_by_label("Brumisateurs", exact=False).check()
    with page.expect_navigation():
        page.click("main form.stack-form button[type=submit]")
    assert "Les deux saisies concordent" in page.locator("main").inner_text()

    page.context.clear_cookies()
    _sign_in(page, base, "participant@example.org")
    page.goto(f"{base}/fr-ca/b/{budget.pk}/")
    check_a11y("ballot")
    _tick(page, "Abris frais")
    _tick(page, "Fontaines d'eau")
    assert "9" in page.locator("#budget-meter-text").inner_text()
    _tick(page, "Brumisateurs")  # 11 000 $: over the envelope, the meter says so
    assert page.locator(".budget-meter.over").count() == 1
    tab_to(page, ".ballot-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_a11y("ballot refused over the envelope")
    assert page.locator("input[name=projects]:checked").count() == 3
    assert Ballot.objects.count() == 0
    _tick(page, "Abris frais")  # untick: 5 000 $
    tab_to(page, ".ballot-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ballot = Ballot.objects.get()
    assert sorted(p.title_fr for p in ballot.projects.all()) == ["Brumisateurs", "Fontaines d'eau"]
    check_a11y("ballot saved")
    _tick(page, "Brumisateurs")  # change the ballot before the close
    tab_to(page, ".ballot-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert [p.title_fr for p in Ballot.objects.get().projects.all()] == ["Fontaines d'eau"]

    page.context.clear_cookies()
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/b/{budget.pk}/results/")
    check_a11y("provisional results")
    with page.expect_navigation(url="**/results/"):
        page.click("form[action$='/close/'] button")

    page.context.clear_cookies()
    _sign_in(page, base, "participant@example.org")
    page.goto(f"{base}/fr-ca/b/{budget.pk}/results/")
    check_a11y("budget results")
    text = page.locator("main").inner_text()
    assert "2 bulletins comptés" in text  # the online one and the agreed paper one
    assert "Retenu : 1 partisan·e a payé 3" in text, text
    assert "Ce qu'aurait choisi" in text
    assert csp_errors == []


def test_it_edits_a_voted_budget_closes_it_and_counts_late_paper_ballots(
    live_server, page, check_a11y, csp_errors, process: Process, personas
) -> None:
    from coprod.budgets import services
    from coprod.budgets.models import TieBreaking

    _adopt_ideas(process, personas)
    budget = services.budget_create(
        phase=process.phases.get(),
        fields={
            "title_fr": "Budget chaleur",
            "envelope": 10_000,
            "tie_breaking": TieBreaking.LOT,
        },
    )
    for idea, (_title, cost) in zip(process.ideas.order_by("pk"), PROJECTS, strict=True):
        services.project_create(budget=budget, idea=idea, cost=int(cost))
    services.ballot_submit(
        budget=budget,
        voter=Participant.objects.get(user=personas["participant"]),
        project_ids=[budget.projects.get(title_fr="Brumisateurs").pk],
        submission_key="k",
    )
    base = live_server.url
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/b/{budget.pk}/edit/")
    check_a11y("budget settings locked by a ballot")
    assert page.locator("#id_envelope").is_disabled()
    page.fill("#id_title_fr", "Budget chaleur 2026")
    page.fill("#id_paper_grace_days", "2")
    with page.expect_navigation(url="**/projects/"):
        page.click("main form.stack-form button[type=submit]")
    check_a11y("budget projects locked by a ballot")
    assert page.locator("#id_idea").count() == 0  # no new project after a ballot
    with page.expect_navigation():
        brumisateurs = budget.projects.get(title_fr="Brumisateurs").pk
        page.click(f"main a[href$='/projects/{brumisateurs}/']")
    check_a11y("edit a project")
    assert page.locator("#id_cost").is_disabled()
    page.fill("#id_description_fr", "Dix brumisateurs dans les parcs")
    with page.expect_navigation(url="**/projects/"):
        page.click("main form.stack-form button[type=submit]")
    with page.expect_navigation(url="**/results/"):
        page.click("form[action$='/close/'] button")
    page.goto(f"{base}/fr-ca/b/{budget.pk}/paper/")
    check_a11y("paper ballots after the close")
    for _ in range(2):
        page.fill("#id_reference", "31")
        page.get_by_label("Abris frais", exact=False).check()
        with page.expect_navigation():
            page.click("main form.stack-form button[type=submit]")
    page.goto(f"{base}/fr-ca/b/{budget.pk}/results/")
    check_a11y("results recounted with a late paper ballot")
    text = page.locator("main").inner_text()
    assert "2 bulletins comptés" in text
    budget.refresh_from_db()
    assert str(budget.lot_seed) in text  # the lot's seed is published with the result
    assert csp_errors == []

"""A wiki survey in a real browser: a facilitator opens it from needs, a participant votes,
skips with a reason and adds an idea with the keyboard, and the facilitator carries the ranking."""

from __future__ import annotations

import pytest

from coprod.processes.models import Need, Process
from coprod.wikisurveys.models import Answer, Survey
from tests.browser.conftest import tab_to
from tests.browser.test_paths import _sign_in

pytestmark = pytest.mark.browser

NEEDS = (
    "Des lieux frais ouverts la nuit",
    "Des appels aux aîné·e·s isolé·e·s",
    "De l'eau potable dans les parcs",
)


def test_it_runs_a_wiki_survey_from_needs_to_a_carried_ranking(
    live_server, page, check_a11y, csp_errors, process: Process, personas
) -> None:
    for title in NEEDS:
        Need.objects.create(process=process, title_fr=title, knowledge_type="experiential")
    base = live_server.url
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    with page.expect_navigation():
        page.click("a[href*='/wikisurveys/new/']")
    check_a11y("open a wiki survey")
    page.fill("#id_question_fr", "Lequel compte le plus pendant une canicule ?")
    for box in page.locator("input[name='needs']").all():
        box.check()
    with page.expect_navigation(url="**/w/*/"):
        page.click("main form button[type=submit]")
    survey = Survey.objects.get()
    assert survey.items.count() == 3
    check_a11y("wiki survey vote page")
    page.goto(f"{base}/fr-ca/w/{survey.pk}/moderate/")
    check_a11y("wiki survey moderation")

    page.context.clear_cookies()
    _sign_in(page, base, "participant@example.org")
    page.goto(f"{base}/fr-ca/w/{survey.pk}/")
    tab_to(page, "button.pair-choice")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Answer.objects.filter(winner__isnull=False).count() == 1

    # A radio group is one Tab stop; the arrow keys choose within it.
    tab_to(page, "input[name='reason']")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "form[action$='/skip/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Answer.objects.get(winner__isnull=True).skip_reason == "dont_know"
    check_a11y("wiki survey after a skip")

    tab_to(page, "#id_text")
    page.keyboard.type("Des jeux d'eau dans chaque parc")
    tab_to(page, "form[action$='/items/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert survey.items.filter(text_fr="Des jeux d'eau dans chaque parc").exists()

    page.set_viewport_size({"width": 375, "height": 800})
    check_a11y("wiki survey vote page on a phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/fr-ca/w/{survey.pk}/results/")
    check_a11y("wiki survey results")
    assert page.locator("main table").first.inner_text().count("\n") >= 4

    page.context.clear_cookies()
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/w/{survey.pk}/results/")
    page.fill("#id_top", "2")
    with page.expect_navigation():
        page.click("form[action$='/carry/'] button[type=submit]")
    assert survey.results.count() == 1
    assert Need.objects.filter(priority_rank__isnull=False).exists()
    check_a11y("wiki survey results carried")
    assert csp_errors == []


def test_it_edits_a_survey_prints_paper_sheets_types_one_and_closes(
    live_server, page, check_a11y, csp_errors, process: Process, personas
) -> None:
    from coprod.wikisurveys import services

    needs = [
        Need.objects.create(process=process, title_fr=title, knowledge_type="experiential")
        for title in NEEDS
    ]
    survey = services.survey_create(
        phase=process.phases.get(), fields={"question_fr": "Lequel compte le plus ?"}, needs=needs
    )
    base = live_server.url
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/w/{survey.pk}/edit/")
    check_a11y("wiki survey settings and items")
    page.fill("#id_question_en", "Which one matters more?")
    page.check("#id_items_premoderated")
    with page.expect_navigation():
        page.click("main form.stack-form button[type=submit] >> nth=0")
    survey.refresh_from_db()
    assert survey.question_en == "Which one matters more?" and survey.items_premoderated
    page.fill("#id_text_fr", "Des arbres dans chaque rue")
    with page.expect_navigation():
        page.click("form[action$='/items/add/'] button[type=submit]")
    assert survey.items.filter(text_fr="Des arbres dans chaque rue", status="active").exists()

    page.goto(f"{base}/fr-ca/w/{survey.pk}/paper/")
    check_a11y("wiki survey paper sheets")
    page.fill("#id_count", "2")
    page.fill("#id_pairs", "4")
    with page.expect_navigation(url="**/paper/print/**"):
        page.click("main form.stack-form button[type=submit]")
    check_a11y("wiki survey sheets to print")
    assert page.locator(".paper-sheet").count() == 2
    assert page.locator(".paper-sheet >> nth=0").locator("tbody tr").count() == 4
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".paper-sheet >> nth=1").is_visible()
    page.emulate_media(media="screen")

    page.goto(f"{base}/fr-ca/w/{survey.pk}/paper/1/")
    check_a11y("type in a paper sheet")
    fieldsets = page.locator("form.paper-entry fieldset")
    fieldsets.nth(0).locator("input[value='left']").check()
    fieldsets.nth(1).locator("input[value='right']").check()
    fieldsets.nth(2).locator("input[value='cant_decide']").check()
    with page.expect_navigation(url="**/paper/"):
        page.click("form.paper-entry button.primary")
    assert Answer.objects.filter(appearance__voter__paper_sheet__number=1).count() == 3
    assert "Compté" in page.locator("main table").inner_text()

    with page.expect_navigation(url="**/results/"):
        page.click("form[action$='/close/'] button")
    check_a11y("wiki survey results after the close")
    page.goto(f"{base}/fr-ca/w/{survey.pk}/")
    check_a11y("closed wiki survey")
    assert page.locator("button.pair-choice").count() == 0
    assert csp_errors == []

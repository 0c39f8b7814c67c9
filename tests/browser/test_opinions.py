"""An opinion map in a real browser: a facilitator opens it, a participant votes with the keyboard."""

from __future__ import annotations

import pytest

from coprod.opinions import services
from coprod.opinions.models import Conversation, Vote
from coprod.opinions.tests.test_map import conversation  # noqa: F401 - a fixture
from coprod.processes.models import Process
from tests.browser.conftest import tab_to
from tests.browser.test_paths import _sign_in

pytestmark = pytest.mark.browser


def test_it_opens_a_conversation_and_takes_votes_from_the_keyboard(
    live_server, page, check_a11y, csp_errors, process: Process, personas
) -> None:
    base = live_server.url
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    with page.expect_navigation():
        page.click("a[href*='/conversations/new/']")
    check_a11y("open a conversation")
    page.fill("#id_question_fr", "Comment joindre les aîné·e·s isolé·e·s pendant une canicule ?")
    page.fill(
        "#id_seed_statements", "Les appels automatisés ne suffisent pas\nIl faut frapper aux portes"
    )
    with page.expect_navigation(url="**/c/*/"):
        page.click("main form button[type=submit]")
    opened = Conversation.objects.get()
    page.goto(f"{base}/fr-ca/c/{opened.pk}/moderate/")
    check_a11y("moderate statements")

    page.context.clear_cookies()
    _sign_in(page, base, "participant@example.org")
    page.goto(f"{base}/fr-ca/c/{opened.pk}/")
    check_a11y("vote on a statement")
    for _ in range(2):
        first = page.locator("blockquote.statement").inner_text()
        tab_to(page, "#vote-card button[value='1']")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "text => document.querySelector('#vote-card').innerText.indexOf(text) < 0", arg=first
        )
    check_a11y("every statement voted")
    assert Vote.objects.count() == 2
    tab_to(page, "#id_text")
    page.keyboard.type("Les voisin·e·s peuvent cogner aux portes")
    tab_to(page, "main form[action$='/statements/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert opened.statements.count() == 3
    page.goto(f"{base}/fr-ca/c/{opened.pk}/results/")
    check_a11y("opinion map results")
    assert csp_errors == []


def test_it_shows_the_map_groups_and_knowledge_comparison_accessibly(
    live_server,
    page,
    check_a11y,
    conversation,  # noqa: F811 - the fixture imported above
) -> None:
    services.map_compute(conversation=conversation)
    for language in ("fr-ca", "en"):
        page.goto(f"{live_server.url}/{language}/c/{conversation.pk}/results/")
        check_a11y(f"opinion map with groups ({language})")
    assert page.locator(".opinion-map svg circle").count() >= 2
    assert "," not in (page.locator(".opinion-map svg circle").first.get_attribute("cx") or ",")
    assert "Where the kinds of knowledge meet" in page.content()

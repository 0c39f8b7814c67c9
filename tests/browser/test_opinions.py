"""An opinion map in a real browser: a facilitator opens it, a participant votes with the keyboard."""

from __future__ import annotations

import pytest

from coprod.opinions.models import Conversation, Vote
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
    conversation = Conversation.objects.get()
    page.goto(f"{base}/fr-ca/c/{conversation.pk}/moderate/")
    check_a11y("moderate statements")

    page.context.clear_cookies()
    _sign_in(page, base, "participant@example.org")
    page.goto(f"{base}/fr-ca/c/{conversation.pk}/")
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
    assert conversation.statements.count() == 3
    page.goto(f"{base}/fr-ca/c/{conversation.pk}/results/")
    check_a11y("opinion map results")
    assert csp_errors == []

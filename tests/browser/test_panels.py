"""A citizen panel in a real browser: a facilitator imports a pool, sets quotas, draws a panel."""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod.panels.models import Draw, MemberStatus, Panel, PanelStatus, Volunteer
from coprod.panels.tests.conftest import FEATURES_CSV, make_pool, people_csv
from coprod.processes.models import Process
from tests.browser.conftest import tab_to
from tests.browser.test_paths import _sign_in

pytestmark = pytest.mark.browser


def _import(page, folder: Path, people: bytes) -> None:
    (folder / "people.csv").write_bytes(people)
    (folder / "features.csv").write_text(FEATURES_CSV, encoding="utf-8")
    page.set_input_files("#id_people", str(folder / "people.csv"))
    page.set_input_files("#id_features", str(folder / "features.csv"))
    page.fill("#id_consent_source", "Formulaires papier, Carrefour des aîné·e·s")
    page.fill("#id_form_version", "papier-v2")
    page.check("#id_attest")
    with page.expect_navigation():
        page.click("main form.stack-form button[type=submit]")


def test_it_imports_a_pool_sets_quotas_and_draws_a_panel(
    live_server, page, check_a11y, csp_errors, process: Process, personas, tmp_path: Path
) -> None:
    base = live_server.url
    _sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/fr-ca/p/{process.slug}/")
    with page.expect_navigation():
        page.click("a[href*='/panels/new/']")
    check_a11y("open a citizen panel")
    page.fill("#id_title_fr", "Panel citoyen chaleur")
    page.fill("#id_size", "6")
    page.fill("#id_reserves", "2")
    with page.expect_navigation(url="**/pool/"):
        page.click("main form.stack-form button[type=submit]")
    panel = Panel.objects.get()
    check_a11y("panel pool, empty")

    _import(page, tmp_path, people_csv(bad_rows=2))  # two rows with an unknown age band
    assert page.locator(".file-errors li").count() == 2
    assert "90+" in page.locator(".file-errors").inner_text()
    assert not Volunteer.objects.exists()
    check_a11y("pool file refused")
    _import(page, tmp_path, people_csv())
    assert Volunteer.objects.filter(panel=panel).count() == 30
    check_a11y("panel pool, imported")

    page.goto(f"{base}/fr-ca/panels/{panel.pk}/quotas/")
    check_a11y("quotas editor")
    assert page.locator("#feasibility .feasible").count() == 1
    women = panel.features.get(key="gender").categories.get(key="woman")
    men = panel.features.get(key="gender").categories.get(key="man")
    page.fill(f"#id_min_{women.pk}", "4")
    page.fill(f"#id_min_{men.pk}", "4")  # 8 of 6 seats: the editor says so as you type
    page.locator("#feasibility .infeasible").wait_for()
    assert page.locator("#feasibility table").count() == 1  # the smallest relaxation
    check_a11y("quotas editor, infeasible")
    page.fill(f"#id_min_{men.pk}", "2")
    page.locator("#feasibility .feasible").wait_for()
    tab_to(page, "button[value=save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    women.refresh_from_db()
    assert women.quota_min == 4

    page.goto(f"{base}/fr-ca/panels/{panel.pk}/draw/")
    check_a11y("draw, before the announcement")
    tab_to(page, "button[value=announce]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    panel.refresh_from_db()
    assert panel.status == PanelStatus.ANNOUNCED
    check_a11y("draw, seed announced")
    page.goto(f"{base}/fr-ca/panels/{panel.pk}/")
    assert str(panel.seed) in page.locator("main").inner_text()
    check_a11y("panel page with its seed")
    page.goto(f"{base}/fr-ca/panels/{panel.pk}/draw/")
    tab_to(page, "button[value=draw]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    draw = Draw.objects.get()
    assert draw.seed == panel.seed
    assert draw.members.filter(status=MemberStatus.SELECTED).count() == 6
    check_a11y("draw, members")
    with page.expect_navigation():
        page.click("button[value=replace] >> nth=0")
    assert draw.members.filter(status=MemberStatus.REPLACEMENT).count() == 1
    check_a11y("draw, after a replacement")

    page.context.clear_cookies()
    page.goto(f"{base}/fr-ca/panels/{panel.pk}/audit/")
    check_a11y("public audit record")
    text = page.locator("main").inner_text()
    assert draw.input_hash in text and draw.panel_ids[0] in text
    assert "@example.org" not in text
    page.goto(f"{base}/fr-ca/panels/{panel.pk}/")
    check_a11y("panel page, drawn")
    assert csp_errors == []


def test_it_lets_a_person_volunteer_on_a_phone_without_javascript(
    live_server, browser, check_a11y, process: Process, personas
) -> None:
    panel = make_pool(process)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 740}, locale="fr-CA"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/fr-ca/panels/{panel.pk}/")
    with page.expect_navigation():
        page.click("a[href$='/volunteer/']")
    page.fill("#id_name", "Lise Gagnon")
    page.fill("#id_email", "lise@example.org")
    page.check("input[name=feature_age_band][value='75_plus']")
    page.check("input[name=feature_gender][value=woman]")
    page.check("input[name=feature_stakeholder_role][value=caregiver]")
    with page.expect_navigation():
        page.click("main form.stack-form button[type=submit]")  # no consent: refused, kept
    assert page.input_value("#id_name") == "Lise Gagnon"
    assert page.is_checked("input[name=feature_age_band][value='75_plus']")
    assert not Volunteer.objects.filter(email="lise@example.org").exists()
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("main form.stack-form button[type=submit]")
    assert Volunteer.objects.get(email="lise@example.org").values.count() == 3
    context.close()


def test_it_passes_axe_on_the_recruitment_form(
    live_server, page, check_a11y, csp_errors, process: Process, personas
) -> None:
    panel = make_pool(process)
    page.goto(f"{live_server.url}/fr-ca/panels/{panel.pk}/volunteer/")
    check_a11y("recruitment form")
    with page.expect_navigation():
        page.click("main form.stack-form button[type=submit]")
    check_a11y("recruitment form refused")
    _sign_in(page, live_server.url, "participant@example.org")
    page.goto(f"{live_server.url}/fr-ca/panels/{panel.pk}/volunteer/")
    for key, value in (("age_band", "65_74"), ("gender", "man"), ("stakeholder_role", "resident")):
        page.check(f"input[name=feature_{key}][value='{value}']")
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("main form.stack-form button[type=submit]")
    page.goto(f"{live_server.url}/fr-ca/panels/{panel.pk}/me/")
    check_a11y("my answers")
    token = Volunteer.objects.get(user=personas["participant"]).withdrawal_token
    page.goto(f"{live_server.url}/fr-ca/panels/{panel.pk}/leave/{token}/")
    check_a11y("withdrawal link")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Volunteer.objects.get(withdrawal_token=token).withdrawn_at is not None
    assert csp_errors == []

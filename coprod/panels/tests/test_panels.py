"""Citizen panels: import, consent, quotas, the announced seed, the draw, replacements, replay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from coprod.accounts.models import User
from coprod.accounts.services import account_delete, account_export
from coprod.panels import services
from coprod.panels.bundle import replay_bundle
from coprod.panels.imports import PoolFileError
from coprod.panels.models import (
    SEATED,
    Category,
    Draw,
    Member,
    MemberStatus,
    Panel,
    PanelStatus,
    Volunteer,
    VolunteerValue,
)
from coprod.panels.selectors import engine_input, feasibility_explained, gini, quotas_check
from coprod.panels.tests.conftest import FEATURES_CSV, people_csv
from coprod.processes.models import Participant, RecruitedVia, StakeholderRole
from coprod_engine.io.panel_json import read_audit
from coprod_engine.io.pool_csv import read_pool
from coprod_engine.sortition import replay_panel

pytestmark = pytest.mark.django_db


def _drawn(panel: Panel, seed: int = 2026) -> Draw:
    services.panel_announce(panel=panel, seed=seed)
    return services.panel_draw(panel=panel)


def _seated_counts(draw: Draw, feature: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for member in draw.members.filter(status__in=SEATED):
        value = member.volunteer.values.get(feature__key=feature)
        counts[value.category.key] = counts.get(value.category.key, 0) + 1
    return counts


def _quotas_hold(draw: Draw) -> bool:
    seated = list(draw.members.filter(status__in=SEATED).select_related("volunteer"))
    if len(seated) != draw.size:
        return False
    features = draw.pool["features"]
    index = {pid: i for i, pid in enumerate(draw.pool["ids"])}
    for feature, value, low, high in draw.quotas:
        count = sum(1 for m in seated if features[feature][index[m.volunteer.pseudonym]] == value)
        if not low <= count <= high:
            return False
    return True


def test_it_imports_a_pool_with_its_features_and_quotas(pool: Panel) -> None:
    assert Volunteer.objects.filter(panel=pool).count() == 30
    assert VolunteerValue.objects.count() == 90
    caregiver = Category.objects.get(feature__key="stakeholder_role", key="caregiver")
    assert (caregiver.quota_min, caregiver.quota_max) == (1, 3)
    volunteer = Volunteer.objects.first()
    assert volunteer is not None and volunteer.consent_text_version == "papier-v2"
    assert volunteer.consent_source.startswith("Formulaires papier")
    assert volunteer.pseudonym.startswith("V-") and "Montréal" not in str(engine_input(pool))


def test_it_reports_every_bad_row_and_imports_nothing(panel: Panel) -> None:
    people = people_csv(bad_rows=3).replace(b"person5@example.org", b"not-an-address")
    with pytest.raises(PoolFileError) as refused:
        services.pool_import(
            panel=panel,
            people=people,
            features=FEATURES_CSV.encode(),
            consent_source="x",
            form_version="v1",
        )
    errors = refused.value.errors
    assert len(errors) == 4
    assert errors[0].startswith("Ligne 2 :") and "90+" in errors[0]
    assert any("Ligne 7" in e and "not-an-address" in e for e in errors)
    assert not Volunteer.objects.exists() and not panel.features.exists()


def test_it_refuses_a_file_that_is_not_utf8(panel: Panel) -> None:
    with pytest.raises(PoolFileError, match="UTF-8"):
        services.pool_import(
            panel=panel,
            people="email,gender\nmarcel@example.org,homme\n".encode("utf-16"),
            consent_source="x",
            form_version="v1",
        )


def test_it_stores_the_answers_of_the_form_only_with_consent(pool: Panel) -> None:
    answers = {"age_band": "75_plus", "gender": "woman", "stakeholder_role": "resident"}
    with pytest.raises(ValidationError):
        services.volunteer_register(
            panel=pool,
            name="Lise",
            email="lise@example.org",
            values=answers,
            consent=False,
            language="fr-ca",
        )
    assert not Volunteer.objects.filter(email="lise@example.org").exists()
    volunteer = services.volunteer_register(
        panel=pool,
        name="Lise",
        email="lise@example.org",
        values=answers,
        consent=True,
        language="fr-ca",
    )
    assert volunteer.consent_text_version == services.CONSENT_TEXT_VERSION
    assert volunteer.consent_language == "fr-ca" and volunteer.values.count() == 3


def test_it_erases_the_answers_of_a_volunteer_who_withdraws(pool: Panel) -> None:
    volunteer = Volunteer.objects.filter(panel=pool).first()
    assert volunteer is not None
    services.volunteer_withdraw(volunteer=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.withdrawn_at and not volunteer.email and not volunteer.name
    assert not volunteer.values.exists()
    assert volunteer.pseudonym not in engine_input(pool).ids


def test_it_explains_infeasible_quotas_with_the_smallest_relaxation(pool: Panel) -> None:
    assert quotas_check(pool).feasible
    women, men = Category.objects.filter(feature__key="gender").order_by("seq")
    report = quotas_check(pool, {women.pk: (4, None), men.pk: (4, None)})
    assert not report.feasible
    assert any("gender: the minimums add up to 8" in problem for problem in report.problems)
    with translation.override("en"):
        explained = feasibility_explained(pool, report)
    assert "Gender: the minimums add up to 8, more than the 6 seats." in explained.problems
    assert "Gender : les minimums totalisent 8" in feasibility_explained(pool, report).problems[0]
    assert sum(c.min - c.new_min for c in report.relaxation) == 2


def test_it_announces_the_seed_once_and_freezes_the_pool(pool: Panel) -> None:
    panel = services.panel_announce(panel=pool)
    assert panel.seed is not None and panel.status == PanelStatus.ANNOUNCED
    assert panel.announced_input_hash == engine_input(panel).input_hash
    seed = panel.seed
    with pytest.raises(ValidationError):
        services.panel_announce(panel=panel)
    with pytest.raises(ValidationError):
        services.quotas_save(panel=panel, bounds={})
    with pytest.raises(ValidationError):
        services.pool_import(panel=panel, people=people_csv(), consent_source="x", form_version="v")
    panel.refresh_from_db()
    assert panel.seed == seed


def test_it_draws_a_panel_meeting_the_quotas_reproducibly_with_the_announced_seed(
    pool: Panel,
) -> None:
    draw = _drawn(pool)
    assert draw.seed == Panel.objects.get(pk=pool.pk).seed
    assert _quotas_hold(draw)
    assert draw.members.filter(status=MemberStatus.RESERVE).count() == 2
    assert abs(sum(draw.probabilities.values()) - 6) < 1e-6
    assert draw.probability_min <= draw.probability_mean <= draw.probability_max
    again = replay_panel(
        draw.pool["ids"],
        draw.pool["features"],
        [tuple(q) for q in draw.quotas],
        draw.size,
        recorded_panel=draw.panel_ids,
        seed=draw.seed,
        input_hash=draw.input_hash,
    )
    assert sorted(again.panel) == sorted(draw.panel_ids)
    with pytest.raises(ValidationError):
        services.panel_draw(panel=pool)  # one draw per panel
    assert Draw.objects.count() == 1


def test_it_makes_the_members_participants_with_accounts_to_claim(pool: Panel) -> None:
    draw = _drawn(pool)
    seated = list(draw.members.filter(status=MemberStatus.SELECTED).select_related("volunteer"))
    participants = Participant.objects.filter(
        process=pool.process, recruited_via=RecruitedVia.SORTITION
    )
    assert participants.count() == 6
    for member in seated:
        user = User.objects.get(email=member.volunteer.email)
        assert not user.has_usable_password()
        participant = participants.get(user=user)
        caregiver = member.volunteer.values.filter(category__key="caregiver").exists()
        assert participant.stakeholder_role == (
            StakeholderRole.CAREGIVER if caregiver else StakeholderRole.RESIDENT
        )
        assert participant.experiential


def test_it_notifies_the_selected_people_and_the_reserves(
    pool: Panel, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        draw = _drawn(pool)
    assert len(mail.outbox) == 8
    assert {m.to[0] for m in mail.outbox} == set(
        draw.members.values_list("volunteer__email", flat=True)
    )
    assert all(m.notified_at for m in draw.members.all())
    assert len({m.subject for m in mail.outbox}) == 2  # members and reserves
    assert "," in mail.outbox[0].body.split("%")[0][-6:]  # 20,0 %: French numbers


def test_it_replaces_a_member_who_declines_and_keeps_the_quotas(pool: Panel) -> None:
    draw = _drawn(pool)
    leaving = draw.members.filter(status=MemberStatus.SELECTED).first()
    assert leaving is not None
    newcomers = services.member_replace(member=leaving)
    assert len(newcomers) == 1 and newcomers[0].replaces == leaving
    assert newcomers[0].replacement_seed == draw.seed + services.REPLACEMENT_SEED_OFFSET
    assert Member.objects.get(pk=leaving.pk).status == MemberStatus.DECLINED
    assert _quotas_hold(draw)
    assert Participant.objects.filter(user__email=newcomers[0].volunteer.email).exists()
    for _round in range(3):
        member = draw.members.filter(status__in=SEATED).last()
        assert member is not None
        if services.member_replace(member=member):
            assert _quotas_hold(draw)
        else:  # nobody left fits: the seat stays empty rather than break a quota
            assert draw.members.filter(status__in=SEATED).count() == draw.size - 1
            break


def test_it_replays_the_downloaded_bundle_with_the_command_line(
    pool: Panel, tmp_path: Path
) -> None:
    draw = _drawn(pool)
    for name, content in replay_bundle(draw).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    record = read_audit(tmp_path / "record.json")
    files = read_pool(tmp_path / "people.csv", tmp_path / "features.csv")
    replay_panel(
        files.ids,
        files.features,
        files.quotas,
        len(record["panel"]),
        recorded_panel=record["panel"],
        seed=record["seed"],
        input_hash=record["input_hash"],
        algorithm=record["algorithm"],
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "coprod_engine",
            "panel",
            "replay",
            str(tmp_path / "record.json"),
            "--people",
            str(tmp_path / "people.csv"),
            "--features",
            str(tmp_path / "features.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "same panel" in out.stdout
    assert "@" not in (tmp_path / "people.csv").read_text()
    tampered = json.loads((tmp_path / "record.json").read_text())
    outsider = next(pid for pid in draw.pool["ids"] if pid not in tampered["panel"])
    tampered["panel"][0] = outsider
    (tmp_path / "record.json").write_text(json.dumps(tampered))
    refused = subprocess.run(out.args, capture_output=True, text=True)
    assert refused.returncode != 0


def test_it_keeps_the_record_replayable_after_a_member_withdraws(
    pool: Panel, tmp_path: Path
) -> None:
    draw = _drawn(pool)
    member = draw.members.filter(status=MemberStatus.SELECTED).first()
    assert member is not None
    services.volunteer_withdraw(volunteer=member.volunteer)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.DECLINED
    bundle = replay_bundle(Draw.objects.get(pk=draw.pk))
    for name, content in bundle.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    files = read_pool(tmp_path / "people.csv", tmp_path / "features.csv")
    replay_panel(
        files.ids,
        files.features,
        files.quotas,
        draw.size,
        recorded_panel=draw.panel_ids,
        seed=draw.seed,
        input_hash=draw.input_hash,
    )


def test_it_exports_and_erases_a_volunteers_data_with_the_account(pool: Panel, make_user) -> None:
    user = make_user("lise@example.org")
    services.volunteer_register(
        panel=pool,
        name="Lise",
        email="lise@example.org",
        values={"age_band": "75_plus", "gender": "woman", "stakeholder_role": "resident"},
        consent=True,
        language="fr-ca",
        user=user,
    )
    exported = account_export(user=user)["panel_volunteering"]
    assert exported[0]["categories"]["age_band"] == "75_plus"
    account_delete(user=user)
    volunteer = Volunteer.objects.get(pseudonym=exported[0]["pseudonym"])
    assert volunteer.withdrawn_at and not volunteer.values.exists() and not volunteer.email


def test_it_measures_inequality_with_the_gini_coefficient() -> None:
    assert gini([0.2, 0.2, 0.2]) == 0
    assert gini([0.0, 0.0, 1.0]) == pytest.approx(2 / 3)

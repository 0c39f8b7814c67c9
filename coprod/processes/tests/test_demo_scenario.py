"""The demo scenario loads the figures of the domain specification (§5.5), and only once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from coprod.accounts.models import Profile, User
from coprod.processes.demo import DEMO_PASSWORD, PROCESS_SLUG, demo_load
from coprod.processes.models import (
    ActionContributor,
    ActionStatus,
    ContributorRole,
    DecisionItem,
    Idea,
    KnowledgeType,
    Need,
    NeedStatus,
    Outcome,
    Process,
)
from coprod.processes.roles import open_phase
from coprod.processes.selectors import chain_from, participation_summary

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The scenario, loaded once for this module (each test rolls back its own changes).

    Loading takes seconds; once per test would make this file the slowest of the suite.
    The database is flushed afterwards, as a transactional test would, so other modules
    start from an empty one.
    """
    with django_db_blocker.unblock():
        demo_load()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def process(demo_db: None) -> Process:
    return Process.objects.get(slug=PROCESS_SLUG)


def _every_count() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("accounts", "processes", "account")
        for model in apps.get_app_config(app).get_models()
    }


def test_it_leaves_the_same_database_when_loaded_twice(process: Process) -> None:
    first = _every_count()
    summary = demo_load()
    assert _every_count() == first
    assert summary.counts["needs"] == 14


def test_it_loads_the_needs_of_the_scenario(process: Process) -> None:
    needs = process.needs.all()
    assert needs.count() == 14
    assert needs.filter(status=NeedStatus.VALIDATED).count() == 11
    out_of_scope = needs.filter(status=NeedStatus.OUT_OF_SCOPE)
    assert out_of_scope.count() == 3
    assert all(need.status_reason.strip() for need in out_of_scope)
    ranks = sorted(need.priority_rank for need in needs if need.priority_rank is not None)
    assert ranks == [1, 2, 3, 4, 5]


def test_it_loads_ideas_decision_actions_and_indicators(process: Process) -> None:
    assert process.ideas.count() == 34
    items = DecisionItem.objects.filter(decision__process=process)
    outcomes = {o: items.filter(outcome=o).count() for o in Outcome.values}
    assert outcomes == {"adopted": 6, "adapted": 2, "rejected": 1, "deferred": 0}
    assert process.actions.count() == 8
    assert process.actions.filter(status=ActionStatus.COMPLETED).count() == 7
    assert list(
        process.actions.filter(status=ActionStatus.DELAYED).values_list("code", flat=True)
    ) == ["A4"]
    assert list(process.indicators.values_list("code", flat=True)) == [
        f"IND{n}" for n in range(1, 7)
    ]


def test_it_counts_24_experiential_participants_out_of_50(process: Process) -> None:
    summary = participation_summary(process)
    by_knowledge = dict(
        zip(
            KnowledgeType.values,
            (n for _label, n in summary.participants_by_knowledge),
            strict=True,
        )
    )
    assert summary.participants == 50
    assert by_knowledge[KnowledgeType.EXPERIENTIAL] == 24


def test_it_gives_idea_uptake_of_6_of_19_citizen_and_2_of_15_professional(process: Process) -> None:
    taken_up = Idea.objects.filter(
        process=process, decision_items__outcome__in=[Outcome.ADOPTED, Outcome.ADAPTED]
    )
    citizen = process.ideas.filter(knowledge_type=KnowledgeType.EXPERIENTIAL)
    professional = process.ideas.exclude(knowledge_type=KnowledgeType.EXPERIENTIAL)
    assert (citizen.count(), professional.count()) == (19, 15)
    assert taken_up.filter(knowledge_type=KnowledgeType.EXPERIENTIAL).count() == 6
    assert taken_up.exclude(knowledge_type=KnowledgeType.EXPERIENTIAL).count() == 2


def test_it_covers_every_validated_need_with_an_adopted_item(process: Process) -> None:
    covered = process.needs.filter(
        ideas__decision_items__outcome__in=[Outcome.ADOPTED, Outcome.ADAPTED]
    ).distinct()
    assert set(covered) == set(process.needs.filter(status=NeedStatus.VALIDATED))


def test_it_records_1240_volunteer_hours_matching_ind6(process: Process) -> None:
    hours = ActionContributor.objects.filter(
        action__process=process, role=ContributorRole.VOLUNTEER
    ).aggregate(total=Sum("hours"))["total"]
    assert hours == Decimal(1240)
    latest = process.indicators.get(code="IND6").measurements.first()
    assert latest is not None and latest.value == Decimal(1240)


def test_it_profiles_residents_with_12_living_alone_of_24(process: Process) -> None:
    profiles = Profile.objects.filter(user__participations__process=process)
    assert profiles.count() == 24
    assert profiles.filter(lives_alone=True).count() == 12
    assert profiles.filter(postal_prefix="H1L").count() == 2


def test_it_writes_the_process_phases_and_needs_in_both_languages(process: Process) -> None:
    for field in ("title", "public_service", "mandate", "negotiable", "non_negotiable"):
        assert getattr(process, f"{field}_fr") and getattr(process, f"{field}_en"), field
    for phase in process.phases.all():
        assert phase.title_fr and phase.title_en and phase.description_fr and phase.description_en
    assert not process.needs.filter(title_fr="").exists()
    assert not process.needs.filter(title_en="").exists()
    assert not process.needs.filter(description_en="").exists()


def test_it_keeps_a_phase_open_today_that_accepts_needs(process: Process) -> None:
    phase = open_phase(process)
    assert phase is not None and phase.seq == 5 and phase.iteration == 2
    assert phase.accepts_needs and phase.accepts_ideas and phase.accepts_comments
    assert phase.ends_on >= timezone.localdate() + dt.timedelta(days=120)


def test_it_gives_every_non_adopted_item_a_rationale(process: Process) -> None:
    items = DecisionItem.objects.filter(decision__process=process).exclude(outcome=Outcome.ADOPTED)
    assert items.count() == 3
    assert all(item.rationale_fr and item.rationale_en for item in items)


def test_it_follows_whom_to_call_to_an_action_and_an_indicator(process: Process) -> None:
    need = Need.objects.get(process=process, title_fr="On ne sait pas qui appeler")
    chain = chain_from(need)
    assert {"A2", "A5", "A7"} <= {action.code for action in chain.actions}
    assert "IND5" in {indicator.code for indicator in chain.indicators}


def test_it_hides_one_comment_with_a_reason(process: Process) -> None:
    hidden = [c for n in process.needs.all() for c in n.comments.all() if c.is_hidden]
    assert len(hidden) == 1 and hidden[0].hidden_reason


def test_it_lets_the_demo_logins_sign_in(process: Process) -> None:
    for email in ("animation", "participant", "moderation", "admin"):
        user = User.objects.get(email=f"{email}@demo.coprod.ca")
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, verified=True).exists()
    assert User.objects.get(email="admin@demo.coprod.ca").is_superuser


def test_it_prints_counts_and_logins(process: Process, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_load")
    out = capsys.readouterr().out
    assert "needs" in out and "participant@demo.coprod.ca" in out and DEMO_PASSWORD in out


def test_it_has_citizens_co_deliver_3_of_8_actions(process: Process) -> None:
    with_citizens = process.actions.filter(contributors__participant__experiential=True).distinct()
    assert sorted(action.code for action in with_citizens) == ["A1", "A5", "A8"]


def test_it_publishes_the_decision_21_days_after_most_ideas(process: Process) -> None:
    decision = process.decisions.get()
    latencies = sorted(
        (decision.published_at.date() - idea.created_at.date()).days for idea in process.ideas.all()
    )
    assert latencies[len(latencies) // 2] == 21

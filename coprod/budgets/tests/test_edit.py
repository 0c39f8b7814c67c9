"""Editing, opening and closing a budget; paper ballots after the close; the seeded lot."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from coprod.budgets import services
from coprod.budgets.counting import budget_votes
from coprod.budgets.models import Budget, BudgetResult, PaperEntry, Rule, TieBreaking
from coprod.processes.models import Need, Participant
from coprod.processes.tests.test_concurrency import _race
from coprod_engine.budgeting.tie_order import lot_tie_order

ROLES_STATUS = [
    ("visitor", 302),
    ("signed_in", 403),
    ("participant", 403),
    ("observer", 403),
    ("note_taker", 403),
    ("moderator", 403),
    ("facilitator", 200),
    ("staff", 200),
]


def _vote(budget: Budget, personas, role: str, *titles: str) -> None:
    services.ballot_submit(
        budget=budget,
        voter=Participant.objects.get(user=personas[role]),
        project_ids=[budget.projects.get(title_fr=t).pk for t in titles],
        submission_key=uuid.uuid4().hex,
    )


def _settings(budget: Budget, **changes: object) -> dict[str, object]:
    data = {
        "title_fr": budget.title_fr,
        "title_en": budget.title_en,
        "envelope": budget.envelope,
        "rule": budget.rule,
        "tie_breaking": budget.tie_breaking,
        "paper_grace_days": budget.paper_grace_days,
    }
    return {**data, **changes}


@pytest.mark.parametrize(("role", "status"), ROLES_STATUS)
def test_it_lets_only_facilitators_and_staff_edit_open_and_close(
    client_as, budget: Budget, role: str, status: int
) -> None:
    client = client_as(role)
    project = budget.projects.get(title_fr="Fontaines")
    for url in (
        reverse("budgets:edit", args=[budget.pk]),
        reverse("budgets:project_edit", args=[budget.pk, project.pk]),
    ):
        assert client.get(url).status_code == status
    changed = client.post(
        reverse("budgets:edit", args=[budget.pk]), _settings(budget, title_fr="Nouveau")
    )
    assert changed.status_code == (302 if status == 200 else status)
    budget.refresh_from_db()
    assert (budget.title_fr == "Nouveau") is (status == 200)
    for name in ("close", "open"):
        response = client.post(reverse(f"budgets:{name}", args=[budget.pk]))
        assert response.status_code == (302 if status == 200 else status)


def test_it_changes_everything_before_the_first_ballot(client_as, budget: Budget) -> None:
    client = client_as("facilitator")
    response = client.post(
        reverse("budgets:edit", args=[budget.pk]),
        _settings(budget, envelope=12000, max_projects=2, rule=Rule.GREEDY),
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.envelope, budget.max_projects, budget.rule) == (12000, 2, Rule.GREEDY)
    project = budget.projects.get(title_fr="Fontaines")
    need = Need.objects.create(process=budget.process, title_fr="De l'eau", knowledge_type="")
    client.post(
        reverse("budgets:project_edit", args=[budget.pk, project.pk]),
        {"title_fr": "Fontaines", "cost": "3500", "description_fr": "Dix", "needs": [need.pk]},
    )
    project.refresh_from_db()
    assert (project.cost, project.description_fr) == (3500, "Dix")
    assert list(project.needs.all()) == [need]
    client.post(reverse("budgets:project_remove", args=[budget.pk, project.pk]))
    assert not budget.projects.filter(pk=project.pk).exists()


def test_it_locks_the_envelope_and_projects_once_a_ballot_is_cast(
    client_as, budget: Budget, personas
) -> None:
    _vote(budget, personas, "participant", "Fontaines")
    client = client_as("facilitator")
    page = client.get(reverse("budgets:edit", args=[budget.pk])).content.decode()
    assert 'name="envelope"' in page and "disabled" in page
    # A forged POST changing the envelope is ignored (the field is disabled) ...
    client.post(
        reverse("budgets:edit", args=[budget.pk]), _settings(budget, envelope=99, title_fr="Titre")
    )
    budget.refresh_from_db()
    assert (budget.envelope, budget.title_fr) == (10_000, "Titre")
    # ... and the service refuses it with a message.
    with override("en"), pytest.raises(ValidationError, match="no longer change"):
        services.budget_update(budget=budget, fields={"envelope": 99})
    project = budget.projects.get(title_fr="Fontaines")
    with override("en"), pytest.raises(ValidationError, match="no longer"):
        services.project_update(project=project, fields={"cost": 1})
    services.project_update(project=project, fields={"description_fr": "Corrigé"})
    response = client.post(reverse("budgets:project_remove", args=[budget.pk, project.pk]))
    assert response.status_code == 302 and budget.projects.filter(pk=project.pk).exists()
    projects_page = client.get(reverse("budgets:projects", args=[budget.pk])).content.decode()
    assert 'name="idea"' not in projects_page


def test_it_closes_with_a_stored_result_and_reopens(budget: Budget, personas) -> None:
    _vote(budget, personas, "participant", "Fontaines")
    result = services.budget_close(budget=budget)
    assert budget.closed_at is not None and not budget.is_open
    assert result.n_ballots == 1 and result.tie_breaking == TieBreaking.PROJECT_ID
    services.budget_open(budget=budget)
    assert budget.is_open and budget.closed_at is None
    _vote(budget, personas, "moderator", "Abris frais")
    assert services.budget_close(budget=budget).n_ballots == 2
    services.projects_to_actions(budget=budget)
    with pytest.raises(ValidationError):
        services.budget_open(budget=budget)


def test_it_counts_paper_ballots_typed_during_the_grace_period(budget: Budget, personas) -> None:
    budget.paper_grace_days = 3
    budget.save()
    _vote(budget, personas, "participant", "Fontaines")
    services.budget_close(budget=budget)
    staff = personas["staff"]
    fontaines = budget.projects.get(title_fr="Abris frais").pk
    for _ in range(2):
        services.paper_entry_add(
            budget=budget, reference="P-1", project_ids=[fontaines], entered_by=staff
        )
    latest = BudgetResult.objects.filter(budget=budget).latest()
    assert latest.n_ballots == 2  # recomputed when the paper ballot counted
    Budget.objects.filter(pk=budget.pk).update(closed_at=timezone.now() - dt.timedelta(days=4))
    budget.refresh_from_db()
    with override("en"), pytest.raises(ValidationError, match="over"):
        services.paper_entry_add(
            budget=budget, reference="P-2", project_ids=[fontaines], entered_by=staff
        )


def test_it_refuses_paper_ballots_after_the_close_without_a_grace_period(
    client_as, budget: Budget
) -> None:
    services.budget_close(budget=budget)
    client = client_as("facilitator")
    url = reverse("budgets:paper", args=[budget.pk])
    response = client.post(url, {"reference": "9", "projects": []})
    assert response.status_code == 422
    assert 'name="reference"' not in client.get(url).content.decode()


def _tie(budget: Budget, personas) -> tuple[int, int]:
    """Two projects of 3 000 $ with one vote each, an envelope of 3 000 $: a tie, by greedy."""
    services.budget_update(budget=budget, fields={"envelope": 3000, "rule": Rule.GREEDY})
    services.project_update(
        project=budget.projects.get(title_fr="Brumisateurs"), fields={"cost": 3000}
    )
    _vote(budget, personas, "participant", "Fontaines")
    _vote(budget, personas, "moderator", "Brumisateurs")
    return budget.projects.get(title_fr="Fontaines").pk, budget.projects.get(
        title_fr="Brumisateurs"
    ).pk


def test_it_breaks_ties_by_the_smallest_project_number_by_default(budget, personas) -> None:
    fontaines, brumisateurs = _tie(budget, personas)
    result = services.budget_close(budget=budget)
    assert result.result["selected"] == [str(min(fontaines, brumisateurs))]
    assert result.seed is None


def test_it_breaks_ties_by_a_seeded_lot_stored_and_shown_with_the_result(
    client_as, budget: Budget, personas
) -> None:
    services.budget_update(budget=budget, fields={"tie_breaking": TieBreaking.LOT})
    assert budget.lot_seed is not None
    seed = budget.lot_seed
    services.budget_update(budget=budget, fields={"title_en": "Still the same lot"})
    assert budget.lot_seed == seed
    _tie(budget, personas)
    result = services.budget_close(budget=budget)
    assert (result.tie_breaking, result.seed) == (TieBreaking.LOT, seed)
    votes = budget_votes(budget)
    support = votes.approvals.sum(axis=0)
    first = votes.project_ids[int(lot_tie_order(votes.costs, support, seed=seed)[0])]
    assert result.result["selected"] == [first]
    page = client_as("visitor").get(reverse("budgets:results", args=[budget.pk]))
    assert str(seed) in page.content.decode()
    ballot = client_as("visitor").get(reverse("budgets:budget", args=[budget.pk]))
    assert str(seed) in ballot.content.decode()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_counts_a_late_paper_ballot_once_when_typed_at_once(budget: Budget, personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    budget.paper_grace_days = 1
    budget.save()
    services.budget_close(budget=budget)
    abris = budget.projects.get(title_fr="Abris frais").pk

    def enter() -> None:
        # Typed twice already: the later typings are refused.
        with contextlib.suppress(ValidationError):
            services.paper_entry_add(
                budget=budget, reference="L-1", project_ids=[abris], entered_by=personas["staff"]
            )

    assert _race(enter, count=5) == []
    assert PaperEntry.objects.filter(paper_ballot__budget=budget).count() == 2
    assert BudgetResult.objects.filter(budget=budget).latest().n_ballots == 1


def test_it_keeps_the_action_a_project_was_turned_into_while_it_is_edited(
    budget: Budget, personas, monkeypatch
) -> None:
    # ``projects_to_actions`` links the action without the budget lock; when it lands after
    # ``project_update`` read the project, a full save wrote the empty link back, and the next
    # run made a second action for the same project.
    _vote(budget, personas, "participant", "Fontaines")
    services.budget_close(budget=budget)
    project = budget.projects.get(title_fr="Fontaines")
    read = project.refresh_from_db

    def read_then_link(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        read(*args, **kwargs)
        services.projects_to_actions(budget=budget)

    monkeypatch.setattr(project, "refresh_from_db", read_then_link)
    services.project_update(project=project, fields={"description_fr": "Corrigé"})
    saved = budget.projects.get(pk=project.pk)
    assert saved.action is not None and saved.description_fr == "Corrigé"
    assert services.projects_to_actions(budget=budget) == []

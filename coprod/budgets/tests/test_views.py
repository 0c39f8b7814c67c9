"""Budget pages per role: who votes, who runs the budget, what a refused ballot keeps."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from coprod.budgets import services
from coprod.budgets.models import Ballot, BallotSubmission, Budget
from coprod.processes.models import Participant, Process
from coprod.processes.tests.test_concurrency import _race


def _post_ballot(client, budget: Budget, *titles: str, key: str = "k1"):
    pks = [budget.projects.get(title_fr=t).pk for t in titles]
    return client.post(
        reverse("budgets:ballot", args=[budget.pk]), {"projects": pks, "submission_key": key}
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 403),
        ("signed_in", 403),
        ("observer", 403),
        ("participant", 302),
        ("moderator", 302),
        ("facilitator", 302),  # a participant of the process too
        ("staff", 403),
    ],
)
def test_it_lets_only_participants_of_the_process_vote(
    client_as, budget: Budget, role: str, status: int
) -> None:
    assert _post_ballot(client_as(role), budget, "Fontaines").status_code == status


def test_it_shows_the_ballot_to_anyone_who_may_see_the_process(client_as, budget: Budget) -> None:
    page = client_as("visitor").get(reverse("budgets:budget", args=[budget.pk]))
    assert page.status_code == 200
    assert "Fontaines" in page.content.decode()


def test_it_keeps_the_choices_of_a_refused_ballot(client_as, budget: Budget) -> None:
    response = _post_ballot(
        client_as("participant"), budget, "Abris frais", "Fontaines", "Brumisateurs"
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert page.count(" checked>") == 3
    assert Ballot.objects.count() == 0


def test_it_ticks_the_current_ballot_and_ignores_a_retried_post(client_as, budget) -> None:
    client = client_as("participant")
    _post_ballot(client, budget, "Fontaines", key="same")
    _post_ballot(client, budget, "Fontaines", key="same")
    assert BallotSubmission.objects.count() == 1
    page = client.get(reverse("budgets:budget", args=[budget.pk])).content.decode()
    assert page.count(" checked>") == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("participant", 403),
        ("moderator", 403),
        ("facilitator", 200),
        ("staff", 200),
    ],
)
def test_it_keeps_setup_paper_ballots_and_export_to_facilitators(
    client_as, budget: Budget, role: str, status: int
) -> None:
    client = client_as(role)
    for name in ("projects", "paper", "export"):
        assert client.get(reverse(f"budgets:{name}", args=[budget.pk])).status_code == status
    for name in ("close", "actions"):
        expected = 302 if status == 200 else status
        response = client.post(reverse(f"budgets:{name}", args=[budget.pk]))
        assert response.status_code == expected


def test_it_exports_the_pabulib_file_and_makes_actions_from_the_page(
    client_as, budget: Budget
) -> None:
    _post_ballot(client_as("participant"), budget, "Fontaines")
    client = client_as("facilitator")
    export = client.get(reverse("budgets:export", args=[budget.pk]))
    assert export["Content-Disposition"].endswith('.pb"')
    assert "vote_type;approval" in export.content.decode()
    client.post(reverse("budgets:close", args=[budget.pk]))
    client.post(reverse("budgets:actions", args=[budget.pk]))
    assert budget.projects.get(title_fr="Fontaines").action is not None


def test_it_shows_results_to_everyone_after_the_close_only(client_as, budget: Budget) -> None:
    url = reverse("budgets:results", args=[budget.pk])
    assert client_as("participant").get(url).status_code == 403
    assert client_as("facilitator").get(url).status_code == 200
    client_as("facilitator").post(reverse("budgets:close", args=[budget.pk]))
    assert client_as("visitor").get(url).status_code == 200


def test_it_never_shows_who_voted_what(client_as, budget: Budget, personas) -> None:
    _post_ballot(client_as("participant"), budget, "Fontaines")
    services.budget_close(budget=budget)
    page = client_as("visitor").get(reverse("budgets:results", args=[budget.pk])).content.decode()
    assert "participant" not in page
    assert "Fontaines" in page


def test_it_creates_a_budget_and_projects_from_the_forms(
    client_as, process: Process, budget: Budget
) -> None:
    client = client_as("facilitator")
    url = reverse("budgets:create", args=[process.slug, process.phases.get().pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title_fr": "Deuxième", "envelope": "0", "rule": "mes_add1"})
    assert bad.status_code == 422 and "Deuxième" in bad.content.decode()
    good = client.post(
        url, {"title_fr": "Deuxième", "envelope": "5000", "rule": "greedy", "max_projects": "2"}
    )
    second = Budget.objects.get(title_fr="Deuxième")
    assert good.status_code == 302
    idea = budget.projects.earliest("pk").idea
    response = client.post(
        reverse("budgets:projects", args=[second.pk]), {"idea": idea.pk, "cost": "1500"}
    )
    assert response.status_code == 302
    assert second.projects.get().idea == idea
    refused = client.post(
        reverse("budgets:projects", args=[second.pk]), {"idea": idea.pk, "cost": "-4"}
    )
    assert refused.status_code == 422


def test_it_enters_paper_ballots_and_shows_a_mismatch(client_as, budget: Budget) -> None:
    client = client_as("facilitator")
    url = reverse("budgets:paper", args=[budget.pk])
    fontaines = budget.projects.get(title_fr="Fontaines").pk
    abris = budget.projects.get(title_fr="Abris frais").pk
    client.post(url, {"reference": "12", "projects": [fontaines]})
    client.post(url, {"reference": "12", "projects": [abris]})
    page = client.get(url).content.decode()
    assert "disagree" in page or "concordent pas" in page
    over = client.post(url, {"reference": "13", "projects": [abris, fontaines, abris + 2]})
    assert over.status_code == 422


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_counts_each_ballot_once_under_concurrent_requests(
    budget: Budget, personas, process: Process
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    voters = [
        Participant.objects.get(user=personas[role])
        for role in ("participant", "moderator", "note_taker")
    ]
    fontaines = budget.projects.get(title_fr="Fontaines").pk
    abris = budget.projects.get(title_fr="Abris frais").pk
    keys = {v.pk: uuid.uuid4().hex for v in voters}
    # Every voter's submission arrives four times at once, and a changed ballot twice.
    calls = [(v, keys[v.pk], [fontaines]) for v in voters for _ in range(4)]
    calls += [(voters[0], "changed", [abris, fontaines])] * 2
    position = iter(range(len(calls)))

    def submit() -> None:
        participant, key, projects = calls[next(position)]
        services.ballot_submit(
            budget=budget, voter=participant, project_ids=projects, submission_key=key
        )

    assert _race(submit, count=len(calls)) == []
    assert Ballot.objects.filter(budget=budget).count() == 3
    assert BallotSubmission.objects.count() == 4
    for participant in voters[1:]:
        ballot = Ballot.objects.get(voter=participant)
        assert list(ballot.projects.values_list("pk", flat=True)) == [fontaines]
    result = services.budget_close(budget=budget)
    assert result.n_ballots == 3

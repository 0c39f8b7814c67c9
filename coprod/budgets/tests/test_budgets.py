"""Participatory budgets: ballots within the envelope, counted once, results the engine gives."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override
from scipy import sparse

import coprod_engine
from coprod.budgets import services
from coprod.budgets.counting import budget_votes
from coprod.budgets.exports import budget_pabulib
from coprod.budgets.models import Ballot, BallotSubmission, Budget, PaperEntry, Project, Rule
from coprod.budgets.selectors import explain
from coprod.processes.models import Action, CoType, Participant, Phase, Process
from coprod.processes.selectors import phase_rows
from coprod_engine.budgeting import equal_shares, greedy, sequential_phragmen
from coprod_engine.io.pabulib import parse_pabulib


def voter(role: str, personas) -> Participant:
    return Participant.objects.get(user=personas[role])


def ids(budget: Budget, *titles: str) -> list[int]:
    return [budget.projects.get(title_fr=t).pk for t in titles]


def vote(budget: Budget, participant: Participant, *titles: str, key: str | None = None) -> Ballot:
    return services.ballot_submit(
        budget=budget,
        voter=participant,
        project_ids=ids(budget, *titles),
        submission_key=key or uuid.uuid4().hex,
    )


def test_it_attaches_the_budget_to_its_phase_through_the_registry(
    process: Process, budget: Budget
) -> None:
    row = phase_rows(process)[0]
    assert reverse("budgets:budget", args=[budget.pk]) in [m.url for m in row.methods]
    delivery = Phase.objects.create(
        process=process,
        seq=2,
        co_type=CoType.CO_DELIVERY,
        title_fr="Prestation",
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 8, 31),
    )
    with pytest.raises(ValidationError):
        services.budget_create(phase=delivery, fields={"title_fr": "Non", "envelope": 1})


def test_it_makes_projects_only_from_adopted_ideas_of_the_process(
    process: Process, budget: Budget, personas
) -> None:
    from coprod.processes import services as spine

    idea = spine.idea_submit(
        process=process,
        author=voter("participant", personas),
        title="Pas encore décidée",
        needs=[],
        knowledge_type="experiential",
    )
    with pytest.raises(ValidationError):
        services.project_create(budget=budget, idea=idea, cost=100)
    with pytest.raises(ValidationError):
        services.project_create(budget=budget, idea=budget.projects.earliest("pk").idea, cost=100)


def test_it_accepts_a_ballot_within_the_envelope(budget: Budget, personas) -> None:
    ballot = vote(budget, voter("participant", personas), "Abris frais", "Fontaines")
    assert sorted(p.title_fr for p in ballot.projects.all()) == ["Abris frais", "Fontaines"]


def test_it_refuses_a_ballot_over_the_envelope_or_outside_the_counts(
    budget: Budget, personas
) -> None:
    participant = voter("participant", personas)
    with pytest.raises(ValidationError, match="10"):
        vote(budget, participant, "Abris frais", "Fontaines", "Brumisateurs")
    budget.min_projects, budget.max_projects = 2, 2
    budget.save()
    with pytest.raises(ValidationError):
        vote(budget, participant, "Fontaines")
    assert Ballot.objects.count() == 0


def test_it_changes_a_ballot_until_the_vote_closes(budget: Budget, personas) -> None:
    participant = voter("participant", personas)
    vote(budget, participant, "Abris frais")
    vote(budget, participant, "Fontaines", "Brumisateurs")
    ballot = Ballot.objects.get()
    assert sorted(p.title_fr for p in ballot.projects.all()) == ["Brumisateurs", "Fontaines"]
    services.budget_close(budget=budget)
    with pytest.raises(ValidationError):
        vote(budget, participant, "Abris frais")


def test_it_keeps_one_ballot_per_voter_and_ignores_a_retry(budget: Budget, personas) -> None:
    participant = voter("participant", personas)
    vote(budget, participant, "Abris frais", key="same")
    vote(budget, participant, "Fontaines", key="later")
    vote(budget, participant, "Abris frais", key="same")  # the first request, retried late
    ballot = Ballot.objects.get()
    assert [p.title_fr for p in ballot.projects.all()] == ["Fontaines"]
    assert BallotSubmission.objects.count() == 2


def test_it_counts_a_paper_ballot_once_two_entries_agree(budget: Budget, personas) -> None:
    staff = personas["facilitator"]
    services.paper_entry_add(
        budget=budget, reference="P-1", project_ids=ids(budget, "Fontaines"), entered_by=staff
    )
    assert budget_votes(budget).approvals.shape[0] == 0
    services.paper_entry_add(
        budget=budget, reference="P-1", project_ids=ids(budget, "Fontaines"), entered_by=staff
    )
    assert budget_votes(budget).approvals.shape[0] == 1
    with pytest.raises(ValidationError):
        services.paper_entry_add(budget=budget, reference="P-1", project_ids=[], entered_by=staff)


def test_it_shows_a_paper_mismatch_until_the_wrong_entry_is_typed_again(
    budget: Budget, personas
) -> None:
    staff, other = personas["facilitator"], personas["staff"]
    services.paper_entry_add(
        budget=budget, reference="P-2", project_ids=ids(budget, "Fontaines"), entered_by=staff
    )
    wrong = services.paper_entry_add(
        budget=budget, reference="P-2", project_ids=ids(budget, "Abris frais"), entered_by=other
    )
    assert budget_votes(budget).approvals.shape[0] == 0
    services.paper_entry_discard(entry=wrong)
    services.paper_entry_add(
        budget=budget, reference="P-2", project_ids=ids(budget, "Fontaines"), entered_by=other
    )
    assert budget_votes(budget).approvals.shape[0] == 1
    assert PaperEntry.objects.count() == 2


def _elect(budget: Budget, personas) -> None:
    vote(budget, voter("participant", personas), "Abris frais", "Fontaines")
    vote(budget, voter("moderator", personas), "Abris frais")
    vote(budget, voter("note_taker", personas), "Brumisateurs", "Fontaines")


@pytest.mark.parametrize(
    ("rule", "engine"),
    [
        (Rule.EQUAL_SHARES, lambda c, a, b, ids: equal_shares(c, a, b, project_ids=ids)),
        (Rule.GREEDY, lambda c, a, b, ids: greedy(c, a, b, project_ids=ids)),
        (Rule.PHRAGMEN, lambda c, a, b, ids: sequential_phragmen(c, a, b, project_ids=ids)),
    ],
)
def test_it_gives_the_engines_outcome_on_the_same_data(
    budget: Budget, personas, rule: str, engine
) -> None:
    budget.rule = rule
    budget.save()
    _elect(budget, personas)
    result = services.budget_close(budget=budget)
    pks = [str(p.pk) for p in budget.projects.order_by("pk")]
    costs = np.array([6000.0, 3000.0, 2000.0])
    approvals = sparse.csr_array(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1]], dtype=float))
    expected = engine(costs, approvals, 10_000, pks)
    assert result.result["selected"] == [pks[j] for j in expected.selected]
    assert result.input_hash == expected.input_hash
    assert result.engine_version == coprod_engine.__version__
    assert result.n_ballots == 3
    greedy_expected = greedy(costs, approvals, 10_000, project_ids=pks)
    assert result.greedy_result["selected"] == [pks[j] for j in greedy_expected.selected]


def test_it_stores_no_individual_payment_and_explains_in_words(budget: Budget, personas) -> None:
    _elect(budget, personas)
    result = services.budget_close(budget=budget)
    assert all("payments" not in item for item in result.result["projects"])
    lacked = {
        "reason": "supporters_lacked_money",
        "cost": 18000,
        "supporters_money_left": 12000,
        "support": 3,
    }
    with override("en"):
        words = [explain(item) for item in result.result["projects"]]
        assert any(w.startswith("Selected: 2 supporters paid") for w in words), words
        assert explain(lacked) == (
            "Not selected: its supporters had 12,000 $ left, it needed 18,000 $."
        )
    with override("fr-ca"):
        assert explain(lacked) == (
            "Non retenu : ses partisan·e·s avaient encore 12\xa0000 $, il fallait 18\xa0000 $."
        )


def test_it_reuses_a_stored_result_when_nothing_changed(budget: Budget, personas) -> None:
    _elect(budget, personas)
    first = services.result_compute(budget=budget)
    assert services.result_compute(budget=budget) == first
    vote(budget, voter("participant", personas), "Brumisateurs")
    assert services.result_compute(budget=budget) != first


def test_it_exports_the_anonymised_vote_as_pabulib(budget: Budget, personas) -> None:
    _elect(budget, personas)
    text = budget_pabulib(budget)
    election = parse_pabulib(text)
    assert election.voter_ids == ["1", "2", "3"]
    assert election.budget == 10_000
    assert election.ballots.sum() == 5
    assert "participant@example.org" not in text


def test_it_turns_selected_projects_into_actions_once(budget: Budget, personas) -> None:
    _elect(budget, personas)
    with pytest.raises(ValidationError):
        services.projects_to_actions(budget=budget)
    result = services.budget_close(budget=budget)
    actions = services.projects_to_actions(budget=budget)
    assert len(actions) == len(result.result["selected"]) > 0
    for action in actions:
        project = Project.objects.get(action=action)
        assert set(action.decision_items.all()) == set(project.idea.decision_items.all())
    assert services.projects_to_actions(budget=budget) == []
    assert Action.objects.count() == len(actions)

"""Method of Equal Shares: hand-computed cases, invariants, completion and error paths."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from coprod_engine.budgeting import equal_shares, equal_shares_cardinal
from coprod_engine.budgeting._profile import grouped_profile
from coprod_engine.budgeting.equal_shares import _CloseCall, _run_exact, _run_float
from coprod_engine.exceptions import InputFormatError

# Four voters, budget 400 (a share of 100 each). A (200) is approved by voters 0, 1, 2;
# B (150) by voter 3; C (120) by voters 0 and 1.
COSTS = [200, 150, 120]
APPROVALS = sparse.csr_array(np.array([[1, 0, 1], [1, 0, 1], [1, 0, 0], [0, 1, 0]]))


def test_it_buys_the_project_with_the_lowest_price_and_charges_equal_shares() -> None:
    result = equal_shares(COSTS, APPROVALS, 400, completion="none")
    # A costs 200/3 each (ρ = 1/3) and C 60 each (ρ = 1/2): A first. Then voters 0 and 1
    # hold 2 × 33.33 < 120 for C, and voter 3 holds 100 < 150 for B.
    assert result.selected.tolist() == [0]
    a = result.explanations[0]
    assert a.reason == "bought_by_supporters"
    assert a.price == pytest.approx(1 / 3)
    assert a.payers.tolist() == [0, 1, 2]
    assert a.payments == pytest.approx([200 / 3] * 3)
    c = result.explanations[2]
    assert (c.reason, c.supporters_money_left) == (
        "supporters_lacked_money",
        pytest.approx(200 / 3),
    )
    assert c.shortfall == pytest.approx(120 - 200 / 3)
    assert result.explanations[1].shortfall == pytest.approx(50)


def test_it_raises_shares_by_one_unit_until_the_outcome_is_exhaustive() -> None:
    result = equal_shares(COSTS, APPROVALS, 400, completion="add1")
    # C becomes affordable once 2 × (e − 200/3) ≥ 120, i.e. e ≥ 126.67: first at e = 127.
    # Then 80 is left and B (150) cannot fit: exhaustive, stop.
    assert sorted(result.selected.tolist()) == [0, 2]
    assert result.parameters["final_share"] == 127
    assert result.parameters["runs"] == 28


def test_it_keeps_raising_without_the_exhaustive_stop_until_it_would_overspend() -> None:
    result = equal_shares(COSTS, APPROVALS, 400, completion="add1", exhaustive_stop=False)
    # At e = 150 voter 3 buys B too (470 > 400), so the outcome of e = 149 stands.
    assert sorted(result.selected.tolist()) == [0, 2]
    assert result.parameters["final_share"] == 149


def test_it_completes_by_votes_after_add1() -> None:
    costs = [200, 150, 120, 30]
    approvals = sparse.hstack([APPROVALS, sparse.csr_array(np.zeros((4, 1)))]).tocsr()
    result = equal_shares(costs, approvals, 400, completion="add1-greedy")
    assert sorted(result.selected.tolist()) == [0, 2, 3]  # the unsupported 30 still fits
    assert result.explanations[3].reason == "utilitarian_completion"


def test_it_prices_cardinal_utilities_per_point() -> None:
    # Two voters, budget 10 (5 each). X (6): 3 and 1 points; Y (4): voter 1 gives 2.
    points = sparse.csr_array(np.array([[3, 0], [1, 2]]))
    result = equal_shares_cardinal([6, 4], points, 10, completion="none")
    # X: ρ = 6/4 = 1.5, payments 4.5 and 1.5; Y: ρ = 4/2 = 2. X first; then voter 1
    # holds 3.5 < 4 for Y.
    assert result.selected.tolist() == [0]
    assert result.explanations[0].payments.tolist() == [4.5, 1.5]
    assert result.explanations[1].supporters_money_left == 3.5


def test_it_breaks_ties_by_project_id_string_as_pabutools() -> None:
    approvals = sparse.csr_array(np.ones((2, 2)))
    assert equal_shares([100, 100], approvals, 100, project_ids=["9", "10"]).selected.tolist() == [
        1
    ]


def test_it_selects_supported_free_projects_first_when_utility_is_not_the_cost() -> None:
    approvals = sparse.csr_array(np.array([[1, 1]]))
    result = equal_shares([0, 10], approvals, 10, completion="none", utilities="cardinality")
    assert result.selected.tolist() == [0, 1]
    assert result.explanations[0].reason == "zero_cost"
    # With cost utilities a free project gives zero utility, so MES ignores it (pabutools too).
    assert equal_shares([0, 10], approvals, 10, completion="none").selected.tolist() == [1]


@pytest.mark.parametrize(
    ("costs", "approvals", "budget", "message"),
    [
        ([1, 2], np.ones((2, 3)), 5, "one cost per project"),
        ([-1, 2], np.ones((2, 2)), 5, "non-negative"),
        ([1, 2], np.ones((2, 2)), -5, "budget"),
    ],
)
def test_it_rejects_malformed_inputs(
    costs: list[int], approvals: np.ndarray, budget: int, message: str
) -> None:
    with pytest.raises(InputFormatError, match=message):
        equal_shares(costs, approvals, budget)


def test_it_rejects_an_unknown_completion() -> None:
    with pytest.raises(ValueError, match="completion"):
        equal_shares(COSTS, APPROVALS, 400, completion="add2")  # type: ignore[arg-type]


elections = st.integers(1, 7).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(1, 6).map(lambda c: c * 10), min_size=m, max_size=m),
        st.lists(st.lists(st.booleans(), min_size=m, max_size=m), min_size=1, max_size=9),
        st.integers(10, 150),
    )
)


@settings(max_examples=80, derandomize=True, deadline=None)
@given(elections, st.sampled_from(["none", "add1", "add1-greedy"]))
def test_it_stays_within_budget_and_no_voter_pays_more_than_their_share(
    election: tuple[list[int], list[list[bool]], int], completion: str
) -> None:
    costs, ballots, budget = election
    approvals = sparse.csr_array(np.array(ballots, dtype=float))
    result = equal_shares(costs, approvals, budget, completion=completion)  # type: ignore[arg-type]
    assert result.total_cost <= budget
    assert len(set(result.selected.tolist())) == result.selected.size
    paid = np.zeros(len(ballots))
    for ex in result.explanations:
        if ex.reason == "bought_by_supporters":
            assert ex.payments.sum() == pytest.approx(ex.cost)
            assert all(ballots[i][ex.project] for i in ex.payers)  # only supporters pay
            paid[ex.payers] += ex.payments
        elif not ex.selected and ex.support > 0:
            left = ex.supporters_money_left
            assert left is not None and left < ex.cost + 1e-9  # nothing left was affordable
    assert np.all(paid <= result.parameters["final_share"] + 1e-9)


@settings(max_examples=80, derandomize=True, deadline=None)
@given(elections, st.integers(0, 40))
def test_it_decides_in_floats_exactly_as_in_rational_arithmetic(
    election: tuple[list[int], list[list[bool]], int], raise_by: int
) -> None:
    costs, ballots, budget = election
    approvals = sparse.csr_array(np.array(ballots, dtype=float))
    utilities = sparse.csr_array(approvals * np.array(costs, dtype=float))
    profile = grouped_profile(costs, utilities, budget)
    candidates = [p for p in range(len(costs)) if profile.total_utility[p] > 0]
    share = Fraction(budget, len(ballots)) + raise_by
    exact = _run_exact(profile, candidates, share)
    try:
        fast = _run_float(profile, candidates, float(share))
    except _CloseCall:
        return  # the float path declined to decide; the exact run is used instead
    assert fast.bought == exact.bought


@settings(max_examples=30, derandomize=True, deadline=None)
@given(elections, st.booleans())
def test_batched_add1_stops_where_the_one_run_at_a_time_definition_stops(
    election: tuple[list[int], list[list[bool]], int], exhaustive_stop: bool
) -> None:
    # The batches stop overspending runs early and abandon runs after a certain stop;
    # neither may move the final share away from the sequential definition (spec, Add1).
    costs, ballots, budget = election
    approvals = sparse.csr_array(np.array(ballots, dtype=float))
    utilities = sparse.csr_array(approvals * np.array(costs, dtype=float))
    profile = grouped_profile(costs, utilities, budget)
    candidates = [p for p in range(len(costs)) if profile.total_utility[p] > 0]
    share = Fraction(budget, len(ballots))
    outcome, runs = _run_exact(profile, candidates, share).bought, 1
    while True:
        room = budget - sum(costs[p] for p in outcome)
        if exhaustive_stop and all(costs[p] > room for p in candidates if p not in outcome):
            break
        if len(outcome) == len(candidates):
            break
        trial, runs = _run_exact(profile, candidates, share + 1).bought, runs + 1
        if sum(costs[p] for p in trial) > budget:
            break
        share, outcome = share + 1, trial
    result = equal_shares(costs, approvals, budget, exhaustive_stop=exhaustive_stop)
    assert result.parameters["final_share"] == float(share)
    assert result.parameters["runs"] == runs
    assert sorted(result.selected.tolist()) == sorted(outcome)

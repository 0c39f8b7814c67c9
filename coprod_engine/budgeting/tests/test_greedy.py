"""Greedy by votes: most approved first, skipping what does not fit."""

import numpy as np
from scipy import sparse

from coprod_engine.budgeting import greedy


def test_it_takes_projects_by_votes_and_skips_what_does_not_fit() -> None:
    costs = [200, 150, 120, 50]
    approvals = sparse.csr_array(np.array([[1, 0, 1, 0], [1, 0, 1, 0], [1, 0, 0, 1], [0, 1, 0, 0]]))
    result = greedy(costs, approvals, 400)
    # votes: 3, 1, 2, 1 -> order 0, 2, then 1 and 3 tie on one vote: id "1" < "3"
    assert result.selected.tolist() == [0, 2, 3]  # 150 no longer fits after 320; 50 does
    assert result.total_cost == 370
    skipped = result.explanations[1]
    assert (skipped.selected, skipped.reason, skipped.budget_left) == (False, "did_not_fit", 80)


def test_it_breaks_ties_by_project_id_string_as_pabutools() -> None:
    approvals = sparse.csr_array(np.ones((2, 2)))
    by_id = greedy([100, 100], approvals, 100, project_ids=["9", "10"])
    assert by_id.selected.tolist() == [1]  # "10" < "9" as strings
    by_index = greedy([100, 100], approvals, 100, project_ids=["9", "10"], tie_breaking="index")
    assert by_index.selected.tolist() == [0]


def test_it_ranks_cardinal_ballots_by_total_points() -> None:
    points = sparse.csr_array(np.array([[5, 1], [0, 3]]))
    assert greedy([10, 10], points, 10).selected.tolist() == [0]

"""Sequential Phragmén: loads equalise among supporters; stop at the first misfit."""

import numpy as np
from scipy import sparse

from coprod_engine.budgeting import sequential_phragmen


def test_it_spreads_each_cost_as_equal_loads_computed_by_hand() -> None:
    # voters 0,1 approve A (cost 2); voter 2 approves B (cost 3); voters 1,2 approve C (cost 2)
    approvals = sparse.csr_array(np.array([[1, 0, 0], [1, 0, 1], [0, 1, 1]]))
    result = sequential_phragmen([2, 3, 2], approvals, 10, project_ids=["A", "B", "C"])
    # round 1: A (0+2)/2 = 1, B 3/1 = 3, C 2/2 = 1 -> tie A, C -> A ("A" < "C")
    # round 2: B 3, C (1 + 0 + 2)/2 = 1.5 -> C; voter 1 pays 0.5, voter 2 pays 1.5
    # round 3: B (1.5 + 3)/1 = 4.5 -> B
    assert result.selected.tolist() == [0, 2, 1]
    c = result.explanations[2]
    assert c.price == 1.5
    assert dict(zip(c.payers.tolist(), c.payments.tolist(), strict=True)) == {1: 0.5, 2: 1.5}


def test_it_stops_at_the_first_chosen_project_that_does_not_fit() -> None:
    # voter 0 approves A (4) and C (4); voter 1 approves A and B (6); budget 9
    approvals = sparse.csr_array(np.array([[1, 0, 1], [1, 1, 0]]))
    result = sequential_phragmen([4, 6, 4], approvals, 9, project_ids=["A", "B", "C"])
    # A: load 2; then B (2 + 6) = 8 vs C (2 + 4) = 6 -> C; then B would overspend: stop
    assert result.selected.tolist() == [0, 2]
    assert result.explanations[1].reason == "not_reached"
    assert result.total_cost == 8

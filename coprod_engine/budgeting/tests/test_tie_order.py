"""The equalshares.net tie-breaking order: cost, votes, then a seeded lot."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from coprod_engine.budgeting import equal_shares, greedy
from coprod_engine.budgeting.tie_order import lot_tie_order
from coprod_engine.exceptions import InputFormatError


def test_it_puts_cheaper_then_more_voted_projects_first() -> None:
    order = lot_tie_order([300, 100, 100, 200], [5, 1, 4, 9], seed=7)
    assert order.tolist() == [2, 1, 3, 0]


def test_it_draws_the_same_lot_for_the_same_seed_and_both_orders_over_seeds() -> None:
    costs, votes = [100] * 4, [3] * 4
    again = lot_tie_order(costs, votes, seed=42).tolist()
    assert lot_tie_order(costs, votes, seed=42).tolist() == again
    firsts = {int(lot_tie_order(costs, votes, seed=s)[0]) for s in range(40)}
    assert firsts == {0, 1, 2, 3}


def test_it_refuses_arrays_of_different_lengths() -> None:
    with pytest.raises(InputFormatError):
        lot_tie_order([1, 2], [1], seed=1)


@pytest.mark.parametrize("rule", [greedy, equal_shares])
def test_it_lets_the_lot_winner_take_a_tie_through_the_index_order(rule) -> None:
    # Two projects of the same cost, both approved by both voters: only one fits, a tie.
    costs = np.array([100.0, 100.0])
    approvals = sparse.csr_array(np.ones((2, 2)))
    default = rule(costs, approvals, 100, project_ids=["a", "b"])
    assert default.selected.tolist() == [0]  # pabutools: the smallest id
    winners = set()
    for seed in range(20):
        order = lot_tie_order(costs, np.asarray(approvals.sum(axis=0)), seed=seed)
        ids = [["a", "b"][j] for j in order]
        outcome = rule(
            costs[order], approvals[:, order], 100, project_ids=ids, tie_breaking="index"
        )
        winners.add(ids[int(outcome.selected[0])])
        assert ids[int(outcome.selected[0])] == ids[0]
    assert winners == {"a", "b"}

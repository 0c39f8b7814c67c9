"""The vote matrix: latest vote wins, passes are votes, bad input is refused."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_engine.exceptions import InputFormatError
from coprod_engine.opinion import matrix, vote_matrix


def test_it_keeps_the_latest_vote_of_each_cell() -> None:
    # Participant 7 agrees with 3, then changes to disagree; the timestamps are out of order.
    m = vote_matrix([7, 7, 9], [3, 3, 3], [1, -1, 0], timestamps=[20, 30, 10])
    assert m.participant_ids.tolist() == [7, 9]
    assert m.to_csr().toarray().tolist() == [[-1.0], [0.0]]


def test_it_uses_array_order_as_time_without_timestamps() -> None:
    m = vote_matrix([1, 1], [5, 5], [-1, 1])
    assert m.values.tolist() == [1]


def test_it_counts_a_pass_as_a_vote_but_not_an_unseen_statement() -> None:
    m = vote_matrix([0, 0, 1], [0, 1, 1], [0, 1, -1])
    assert m.vote_counts().tolist() == [2, 1]
    assert m.nnz == 3


def test_it_orders_participants_by_first_vote_in_time() -> None:
    m = vote_matrix([5, 2, 5], [0, 0, 1], [1, 1, 1], timestamps=[1, 2, 3])
    assert m.participant_ids.tolist() == [2, 5]
    assert m.first_seen[0] > m.first_seen[1]


def test_it_refuses_a_vote_outside_minus_one_to_one() -> None:
    with pytest.raises(InputFormatError, match="vote must be"):
        vote_matrix([0], [0], [2])


def test_it_refuses_arrays_of_different_lengths() -> None:
    with pytest.raises(InputFormatError, match="differ in length"):
        vote_matrix([0, 1], [0], [1])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 4), st.sampled_from([-1, 0, 1])),
        min_size=1,
        max_size=60,
    )
)
def test_it_agrees_with_a_dictionary_of_last_votes(events: list[tuple[int, int, int]]) -> None:
    pids, tids, votes = (np.array(x) for x in zip(*events, strict=True))
    m = vote_matrix(pids, tids, votes)
    expected = {(p, t): v for p, t, v in events}
    dense = m.to_csr().toarray()
    got = {}
    rows, cols = np.nonzero(m.to_csr().toarray() != 0)
    for r, c in zip(rows, cols, strict=True):
        got[(int(m.participant_ids[r]), int(m.statement_ids[c]))] = int(dense[r, c])
    assert got == {k: v for k, v in expected.items() if v != 0}
    assert m.nnz == len(expected)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 6), st.integers(0, 4), st.sampled_from([-1, 0, 1]), st.integers(0, 5)
        ),
        min_size=1,
        max_size=60,
    )
)
def test_it_keeps_the_latest_vote_by_time_then_position(
    events: list[tuple[int, int, int, int]],
) -> None:
    # Few distinct times, so many events tie: the later position wins a tie.
    pids, tids, votes, times = (np.array(x) for x in zip(*events, strict=True))
    m = vote_matrix(pids, tids, votes, timestamps=times)
    latest: dict[tuple[int, int], tuple[int, int, int]] = {}
    first: dict[int, tuple[int, int]] = {}
    for i, (p, t, v, when) in enumerate(events):
        if (p, t) not in latest or (when, i) >= latest[(p, t)][:2]:
            latest[(p, t)] = (when, i, v)
        first[p] = min(first.get(p, (when, i)), (when, i))
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    got = {
        (int(m.participant_ids[r]), int(m.statement_ids[c])): int(v)
        for r, c, v in zip(rows, m.indices, m.values, strict=True)
    }
    assert got == {cell: v for cell, (_, _, v) in latest.items()}
    assert all(np.all(np.diff(m.indices[a:b]) > 0) for a, b in itertools.pairwise(m.indptr))
    arrival = sorted(first, key=lambda p: first[p])
    assert m.participant_ids[np.argsort(m.first_seen)].tolist() == arrival
    # The keys and tallies the kernel makes in passing are those of their definitions.
    keys = m.indices.astype(np.int64) * 3 + m.values + 1
    assert m.cell_keys.dtype == np.int32
    assert m.cell_keys.tolist() == keys.tolist()
    tallies = np.bincount(keys, minlength=3 * m.shape[1]).reshape(-1, 3)
    assert m.column_tallies.tolist() == tallies.tolist()


def test_it_builds_the_matrix_of_events_already_in_cell_order_as_given() -> None:
    m = vote_matrix([1, 1, 4], [2, 7, 2], [1, 0, -1], timestamps=[9, 3, 5])
    assert m.indptr.tolist() == [0, 2, 3]
    assert m.indices.tolist() == [0, 1, 0]
    assert m.values.tolist() == [1, 0, -1]
    assert m.first_seen[0] < m.first_seen[1]  # participant 1 first voted at 3, 4 at 5


def test_it_drops_votes_beyond_the_caps_and_keeps_a_row_whose_votes_all_went(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matrix, "MAX_PARTICIPANTS", 2)
    monkeypatch.setattr(matrix, "MAX_STATEMENTS", 1)
    m = vote_matrix([0, 1, 2, 0], [5, 6, 5, 5], [1, 1, 1, -1], timestamps=[2, 1, 3, 4])
    assert m.participant_ids.tolist() == [0, 1]
    assert m.statement_ids.tolist() == [5]
    assert m.indptr.tolist() == [0, 1, 1]
    assert m.values.tolist() == [-1]
    assert m.first_seen[1] > m.first_seen[0]  # no votes left: arrives last

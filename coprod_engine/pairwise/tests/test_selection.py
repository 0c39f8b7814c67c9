"""Next-pair choice: never a pair the voter saw, new ideas and rare pairs catch up."""

import importlib
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_engine.exceptions import EngineError, InputFormatError
from coprod_engine.pairwise import Pair, next_pair, pair_counts


def draws(n: int, comparisons: list[int] | np.ndarray, **options: object) -> list[Pair]:
    return [next_pair(comparisons, seed=seed, **options) for seed in range(n)]  # type: ignore[misc, arg-type]


def test_it_gives_the_same_pair_for_the_same_seed() -> None:
    counts = np.arange(50)
    assert next_pair(counts, seed=3) == next_pair(counts, seed=3)
    assert len({next_pair(counts, seed=s) for s in range(20)}) > 10


def test_it_offers_the_only_pair_left_then_none() -> None:
    seen = [[0, 1], [2, 0]]
    for seed in range(20):
        pair = next_pair([5, 5, 5], seed=seed, seen=seen)
        assert pair is not None and {pair.left, pair.right} == {1, 2}
    assert next_pair([5, 5, 5], seed=0, seen=seen + [[1, 2]]) is None


def test_it_gives_a_new_idea_its_chance() -> None:
    # 99 ideas with 100 votes each and one new idea: uniform pairs would show it 2% of
    # the time; with catch-up weights (n + 1)^-1 it is drawn first about half the time.
    counts = np.full(100, 100)
    counts[42] = 0
    shown = sum(42 in (p.left, p.right) for p in draws(1000, counts) if p is not None)
    assert shown / 1000 > 0.4
    uniform = draws(1000, counts, catchup=0.0)
    assert sum(42 in (p.left, p.right) for p in uniform if p is not None) / 1000 < 0.05


def test_it_holds_back_heavily_voted_pairs() -> None:
    # Pair {0, 1} has 200 votes, the others none: All Our Ideas weighs it 1/201 against
    # 0.05, about a tenth. Drawn in two stages, it comes out at 0.06 against 0.47.
    winners = [0] * 200
    losers = [1] * 200
    counts = pair_counts(winners, losers, 3)
    pairs = Counter(
        frozenset((p.left, p.right))
        for p in draws(1000, [0, 0, 0], pair_counts=counts, exploration=0.0)
        if p is not None
    )
    assert pairs[frozenset((0, 1))] < 0.2 * pairs[frozenset((1, 2))]
    assert pairs[frozenset((0, 1))] > 0.05 * pairs[frozenset((1, 2))]


def test_it_favours_close_contests_when_strengths_are_given() -> None:
    strengths = np.array([0.0, 0.1, 6.0])
    pairs = Counter(
        frozenset((p.left, p.right))
        for p in draws(1000, [10, 10, 10], strengths=strengths, exploration=0.0)
        if p is not None
    )
    assert pairs[frozenset((0, 1))] > 3 * pairs[frozenset((0, 2))]


def test_it_draws_the_same_pairs_by_rejection_as_by_the_full_draw(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    selection = importlib.import_module("coprod_engine.pairwise.selection")
    options = {
        "strengths": np.array([0.0, 0.5, 3.0, -2.0]),
        "pair_counts": pair_counts([0] * 50, [1] * 50, 4),
        "seen": [[2, 3]],
        "exploration": 0.0,
    }
    counts = [5, 50, 0, 20]

    def frequencies() -> np.ndarray:
        found = Counter(frozenset((p.left, p.right)) for p in draws(1500, counts, **options) if p)
        pairs = [frozenset(p) for p in [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3)]]
        assert frozenset((2, 3)) not in found
        return np.array([found[p] for p in pairs]) / 1500

    by_rejection = frequencies()
    monkeypatch.setattr(selection, "REJECTION_TRIES", 0)
    np.testing.assert_allclose(frequencies(), by_rejection, atol=0.04)


def test_it_computes_the_same_pair_factor_for_one_opponent_as_for_all() -> None:
    selection = importlib.import_module("coprod_engine.pairwise.selection")
    theta = np.array([0.0, 0.5, 3.0, -2.0])
    counts = pair_counts([0] * 50 + [2], [1] * 50 + [0], 4)
    unsorted = counts.copy()
    unsorted.indices[:] = unsorted.indices.copy()
    unsorted.has_sorted_indices = False
    every = selection._pair_factor(0, np.arange(4), theta, counts)
    for matrix in (counts, unsorted):
        one = [selection._pair_factor_one(0, j, theta, matrix) for j in range(4)]
        np.testing.assert_allclose(one, every)


def test_it_draws_uniform_pairs_when_exploring() -> None:
    counts = np.array([0, 1000, 1000, 1000])
    firsts = Counter(min(p.left, p.right) for p in draws(1500, counts, exploration=1.0) if p)
    # Six pairs, equally likely: item 0 is the smaller index of three of them.
    assert firsts[0] / 1500 == pytest.approx(0.5, abs=0.05)


def test_it_never_draws_an_inactive_item() -> None:
    active = np.array([True, False, True, True])
    for pair in draws(200, [0, 0, 0, 0], active=active):
        assert pair is not None and 1 not in (pair.left, pair.right)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 8).flatmap(
        lambda k: st.tuples(
            st.just(k),
            st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), max_size=30),
            st.lists(st.integers(0, 50), min_size=k, max_size=k),
            st.integers(0, 2**32),
        )
    )
)
def test_it_never_repeats_a_pair_for_a_voter(case: tuple[int, list, list, int]) -> None:
    k, seen, counts, seed = case
    pair = next_pair(counts, seed=seed, seen=seen or None)
    seen_sets = {frozenset(p) for p in seen if p[0] != p[1]}
    if pair is None:
        assert len(seen_sets) == k * (k - 1) // 2
    else:
        assert pair.left != pair.right
        assert frozenset((pair.left, pair.right)) not in seen_sets


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"active": [True, False, False]}, EngineError),
        ({"catchup": -1.0}, EngineError),
        ({"exploration": 1.5}, EngineError),
        ({"seen": [[0, 5]]}, InputFormatError),
        ({"active": [True, True]}, InputFormatError),
        ({"strengths": [0.0, 1.0], "exploration": 0.0}, InputFormatError),
        ({"pair_counts": pair_counts([0], [1], 2), "exploration": 0.0}, InputFormatError),
    ],
)
def test_it_rejects_bad_inputs(options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        next_pair([1, 2, 3], seed=0, **options)  # type: ignore[arg-type]

"""Polis' statement statistics on small cases computed by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_engine.opinion import vote_matrix
from coprod_engine.opinion.statistics import (
    Z_90,
    Tallies,
    _best_agree,
    comment_priorities,
    consensus_statements,
    group_aware_consensus,
    prop_test,
    representative_statements,
    tally,
    tally_counts,
    two_prop_test,
)


def test_it_tallies_agree_disagree_and_seen_per_group() -> None:
    m = vote_matrix([0, 0, 1, 2, 2], [0, 1, 0, 0, 1], [1, -1, 0, -1, 1])
    t = tally(m, np.array([0, 0, 1]), 2)
    assert t.agree.tolist() == [[1, 0], [0, 1]]
    assert t.disagree.tolist() == [[0, 1], [1, 0]]
    assert t.seen.tolist() == [[2, 1], [1, 1]]


def test_it_leaves_out_participants_without_a_group() -> None:
    m = vote_matrix([0, 1], [0, 0], [1, 1])
    t = tally(m, np.array([0, -1]), 1)
    assert t.agree.tolist() == [[1]]


def test_it_computes_the_polis_one_proportion_test() -> None:
    # 6 agrees out of 6: 2·sqrt(7)·(7/7 − 0.5) = sqrt(7)
    assert prop_test(np.array(6), np.array(6)) == pytest.approx(math.sqrt(7))


def test_it_computes_the_polis_two_proportion_test_and_its_degenerate_case() -> None:
    # s1=3, s2=1, n1=4, n2=4 → 4/5 vs 2/5, pooled 6/10: z = 0.4 / sqrt(0.24 · 0.4)
    assert two_prop_test(3, 1, 4, 4) == pytest.approx(0.4 / math.sqrt(0.24 * 0.4))
    # Everybody agrees everywhere: p̂ = 1 and Polis defines z = 0.
    assert two_prop_test(3, 3, 3, 3) == 0


def test_it_multiplies_smoothed_agree_shares_for_group_aware_consensus() -> None:
    t = Tallies(np.array([[2], [0]]), np.array([[0], [1]]), np.array([[2], [2]]))
    assert group_aware_consensus(t)[0] == pytest.approx((3 / 4) * (1 / 4))
    assert group_aware_consensus(t, disagree=True)[0] == pytest.approx((1 / 4) * (2 / 4))


def test_it_gives_meta_statements_priority_49_and_others_the_polis_formula() -> None:
    t = Tallies(np.array([[3, 0]]), np.array([[1, 0]]), np.array([[5, 0]]))
    prio = comment_priorities(t, np.array([0.5, 0.0]), np.array([False, True]))
    a, p = 4 / 7, 2 / 7
    expected = ((1 - p) * 1.5 * a * (1 + 8 * 2 ** (-1))) ** 2
    assert prio.tolist() == pytest.approx([expected, 49.0])


def test_it_picks_the_statement_a_group_agrees_with_and_the_other_rejects() -> None:
    # Group 0 (5 people) agrees with statement 10, group 1 (5 people) disagrees with it;
    # both pass on statement 11.
    pids = list(range(10)) * 2
    tids = [10] * 10 + [11] * 10
    votes = [1] * 5 + [-1] * 5 + [0] * 10
    m = vote_matrix(pids, tids, votes)
    t = tally(m, np.array([0] * 5 + [1] * 5), 2)
    rep = representative_statements(t, m.statement_ids, np.array([False, False]))
    assert [(r.tid, r.repful_for) for r in rep[0]] == [(10, "agree")]
    assert rep[0][0].best_agree
    assert [(r.tid, r.repful_for) for r in rep[1]] == [(10, "disagree")]


def test_it_never_selects_a_moderated_out_statement() -> None:
    m = vote_matrix(list(range(10)), [10] * 10, [1] * 5 + [-1] * 5)
    t = tally(m, np.array([0] * 5 + [1] * 5), 2)
    assert representative_statements(t, m.statement_ids, np.array([True])) == [[], []]


def test_it_ranks_consensus_by_share_times_test() -> None:
    t = Tallies(np.array([[9, 5, 1]]), np.array([[0, 0, 8]]), np.array([[10, 5, 9]]))
    cons = consensus_statements(t, np.array([1, 2, 3]), np.zeros(3, dtype=bool))
    assert [c.tid for c in cons["agree"]] == [1, 2]
    assert [c.tid for c in cons["disagree"]] == [3]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 6)), min_size=1, max_size=5
    )
)
def test_it_keeps_group_aware_consensus_between_zero_and_one(
    groups: list[tuple[int, int, int]],
) -> None:
    agree = np.array([[a] for a, _, _ in groups])
    disagree = np.array([[d] for _, d, _ in groups])
    seen = agree + disagree + np.array([[p] for _, _, p in groups])
    gac = group_aware_consensus(Tallies(agree, disagree, seen))
    assert 0 < gac[0] < 1


def _best_agree_as_written(
    na: list[float],
    nd: list[float],
    pa: list[float],
    pat: list[float],
    ra: list[float],
    rat: list[float],
) -> int | None:
    """Polis ``best-agree`` in plain Python: the oracle of the compiled scan."""
    best: int | None = None
    for c in range(len(na)):
        if na[c] == 0 and nd[c] == 0:
            continue
        if best is not None:
            if ra[best] > 1.0:
                better = (
                    ra[c] * rat[c] * pa[c] * pat[c] > ra[best] * rat[best] * pa[best] * pat[best]
                )
            else:
                better = pa[c] * pat[c] > pa[best] * pat[best]
        else:
            better = pat[c] > Z_90 or (ra[c] > 1.0 and pa[c] > 0.5)
        if better:
            best = c
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_it_picks_the_best_agree_statement_as_polis_writes_it(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    na, nd = rng.integers(0, 4, size=(2, n)).astype(float)
    pa, pat, ra, rat = rng.choice([0.3, 0.5, 0.9, 1.0, 1.2816, 1.5, 3.0], size=(4, n))
    stats = {"na": na, "nd": nd, "pa": pa, "pat": pat, "ra": ra, "rat": rat}
    expected = _best_agree_as_written(*(stats[k].tolist() for k in stats))
    assert _best_agree({k: v[None, :] for k, v in stats.items()}, 0, np.arange(n)) == expected


def test_it_tallies_groups_like_a_bincount_of_group_and_cell_keys() -> None:
    rng = np.random.default_rng(3)
    m = vote_matrix(rng.integers(0, 40, 500), rng.integers(0, 12, 500), rng.integers(-1, 2, 500))
    labels = rng.integers(-1, 3, size=m.shape[0])
    rows = m.rows()
    kept = labels[rows] >= 0
    keys = labels[rows][kept] * (3 * m.shape[1]) + m.cell_keys[kept]
    expected = np.bincount(keys, minlength=3 * 3 * m.shape[1]).reshape(3, m.shape[1], 3)
    assert tally_counts(m, labels, 3).tolist() == expected.tolist()

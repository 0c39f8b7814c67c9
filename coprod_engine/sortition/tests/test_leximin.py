"""LEXIMIN: hand-computed cases, invariants against brute force, and the paper's instances."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import linprog

from coprod_engine.exceptions import Infeasible
from coprod_engine.io.pool_csv import read_pool
from coprod_engine.sortition import PanelSelection, select_panel


def test_it_gives_everyone_k_over_n_when_quotas_allow_it() -> None:
    # 3 women, 5 men, 3 seats, 1-2 of each: E[women] = 9/8 gives everyone 3/8.
    ids = [f"p{i}" for i in range(8)]
    result = select_panel(
        ids, {"g": list("fffmmmmm")}, [("g", "f", 1, 2), ("g", "m", 1, 2)], 3, seed=0
    )
    assert result.probabilities == pytest.approx(dict.fromkeys(ids, 3 / 8), abs=1e-9)
    assert sum(p.probability for p in result.portfolio) == pytest.approx(1.0)


def test_it_lifts_the_second_level_once_the_first_is_fixed() -> None:
    # The lone woman must sit on every panel (min 1): probability 1. The 4 men share the
    # other seat: 1/4 each. Maximin alone would also accept the men at 1/4 and the woman at 1;
    # here a 2-woman case shows the second level: 2 women, 1 seat for women exactly, 3 men
    # for 2 seats -> women 1/2, men 2/3 (everyone as high as possible, in order).
    ids = ["w1", "w2", "m1", "m2", "m3"]
    result = select_panel(
        ids, {"g": ["f", "f", "m", "m", "m"]}, [("g", "f", 1, 1), ("g", "m", 0, 3)], 3, seed=0
    )
    assert [result.probabilities[i] for i in ids] == pytest.approx(
        [0.5, 0.5, 2 / 3, 2 / 3, 2 / 3], abs=1e-9
    )


def test_it_gives_zero_to_people_no_panel_can_include() -> None:
    # Quota "m" has max 0: the man can never sit; the others share k=2 seats equally.
    ids = ["a", "b", "c", "d"]
    result = select_panel(
        ids, {"g": ["f", "f", "f", "m"]}, [("g", "f", 2, 2), ("g", "m", 0, 0)], 2, seed=0
    )
    assert result.probabilities["d"] == 0.0
    assert result.probabilities["a"] == pytest.approx(2 / 3, abs=1e-9)
    assert result.minimum_probability == 0.0


def _brute_force_maximin(
    features: dict[str, list[str]], quotas: list[tuple[str, str, int, int]], k: int
) -> tuple[float, set[int]]:
    """Max-min probability over the people some feasible panel includes, by enumeration."""
    n = len(next(iter(features.values())))
    panels = [
        panel
        for panel in itertools.combinations(range(n), k)
        if all(lo <= sum(features[f][i] == v for i in panel) <= hi for f, v, lo, hi in quotas)
    ]
    coverable = {i for panel in panels for i in panel}
    # max z s.t. sum_{P ∋ i} x_P >= z for coverable i, sum x = 1.
    matrix = np.zeros((len(coverable), len(panels)))
    for j, panel in enumerate(panels):
        for r, i in enumerate(sorted(coverable)):
            matrix[r, j] = i in panel
    cost = np.concatenate([np.zeros(len(panels)), [-1.0]])
    a_ub = np.hstack([-matrix, np.ones((len(coverable), 1))])
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.zeros(len(coverable)),
        A_eq=np.concatenate([np.ones(len(panels)), [0.0]])[None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * (len(panels) + 1),
    )
    return float(-res.fun), coverable


@st.composite
def small_instances(
    draw: st.DrawFn, features: int = 2
) -> tuple[dict[str, list[str]], list[tuple[str, str, int, int]], int]:
    n = draw(st.integers(4, 9))
    k = draw(st.integers(1, min(4, n - 1)))
    domains = (("a", "xy"), ("b", "uvw"), ("c", "pq"))[:features]
    values_of = {
        name: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))
        for name, values in domains
    }
    quotas = []
    for name, values in domains:
        for value in values:
            lo = draw(st.integers(0, 1))
            quotas.append((name, value, lo, draw(st.integers(max(lo, 1), k))))
    return values_of, quotas, k


def _select_unless_infeasible(
    ids: list[str], features: dict[str, list[str]], quotas: list[tuple[str, str, int, int]], k: int
) -> PanelSelection | None:
    """The LEXIMIN selection, or None for quotas no panel meets (checked in test_feasibility)."""
    try:
        return select_panel(ids, features, quotas, k, seed=1)
    except Infeasible:
        return None


@settings(max_examples=40, deadline=None)
@given(small_instances())
def test_it_matches_brute_force_maximin_and_keeps_every_invariant(
    instance: tuple[dict[str, list[str]], list[tuple[str, str, int, int]], int],
) -> None:
    features, quotas, k = instance
    n = len(features["a"])
    ids = [f"p{i}" for i in range(n)]
    result = _select_unless_infeasible(ids, features, quotas, k)
    if result is None:
        return
    probabilities = np.array([result.probabilities[i] for i in ids])
    assert probabilities.sum() == pytest.approx(k, abs=1e-7)
    assert (probabilities >= -1e-9).all() and (probabilities <= 1 + 1e-9).all()
    maximin, coverable = _brute_force_maximin(features, quotas, k)
    assert probabilities[sorted(coverable)].min() == pytest.approx(maximin, abs=1e-6)
    assert (probabilities[[i for i in range(n) if i not in coverable]] == 0).all()
    chosen = [ids.index(i) for i in result.panel]
    assert len(chosen) == k
    for name, value, lo, hi in quotas:
        assert lo <= sum(features[name][i] == value for i in chosen) <= hi


def _brute_force_leximin(
    features: dict[str, list[str]], quotas: list[tuple[str, str, int, int]], k: int
) -> NDArray[np.float64]:
    """Every person's LEXIMIN probability, by enumerating panels and one LP per person.

    Independent of the engine's duals: at each level, ``z*`` = max min over the people not
    yet fixed; then a person is fixed at ``z*`` iff no lottery keeping the others at their
    level gives them more (one LP each).
    """
    n = len(next(iter(features.values())))
    panels = [
        panel
        for panel in itertools.combinations(range(n), k)
        if all(lo <= sum(features[f][i] == v for i in panel) <= hi for f, v, lo, hi in quotas)
    ]
    member = np.array([[i in panel for panel in panels] for i in range(n)], dtype=float)
    fixed = np.where(member.any(axis=1), np.nan, 0.0)
    count = len(panels)
    a_eq, b_eq = np.concatenate([np.ones(count), [0.0]])[None, :], [1.0]
    bounds = [(0, None)] * count + [(None, None)]

    def solve(cost: NDArray[np.float64], floor: NDArray[np.float64], with_z: bool) -> float:
        # π_i >= floor_i (fixed or level) and, for the level LP, π_i >= z when floor is NaN.
        rows, rhs = [], []
        for i in range(n):
            if np.isnan(floor[i]):
                rows.append(np.concatenate([-member[i], [1.0 if with_z else 0.0]]))
            else:
                rows.append(np.concatenate([-member[i], [0.0]]))
            rhs.append(0.0 if np.isnan(floor[i]) else -floor[i])
        res = linprog(cost, A_ub=np.array(rows), b_ub=rhs, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
        assert res.status == 0
        return float(-res.fun)

    while np.isnan(fixed).any():
        level = solve(np.concatenate([np.zeros(count), [-1.0]]), fixed - 1e-9, True)
        unfixed = np.flatnonzero(np.isnan(fixed))
        floor = np.where(np.isnan(fixed), level - 1e-9, fixed - 1e-9)
        tight = [
            i
            for i in unfixed
            if solve(np.concatenate([-member[i], [0.0]]), floor, False) <= level + 1e-7
        ]
        fixed[tight] = level
    return fixed


@settings(max_examples=25, deadline=None)
@given(small_instances(features=3))
def test_it_matches_a_brute_force_leximin_at_every_level(
    instance: tuple[dict[str, list[str]], list[tuple[str, str, int, int]], int],
) -> None:
    # Three features, so that the pricing relaxation is often fractional (dive and integer
    # program), and every level's fixing, not only the first, is checked person by person.
    features, quotas, k = instance
    ids = [f"p{i}" for i in range(len(features["a"]))]
    result = _select_unless_infeasible(ids, features, quotas, k)
    if result is None:
        return
    probabilities = np.array([result.probabilities[i] for i in ids])
    assert probabilities == pytest.approx(_brute_force_leximin(features, quotas, k), abs=1e-6)


def _expected(shared_data: Path, instance: str) -> dict[str, str]:
    with (shared_data / "sortition" / "expected.csv").open() as handle:
        return next(row for row in csv.DictReader(handle) if row["instance"] == instance)


@pytest.mark.parametrize("instance", ["example_small_20", "example_large_200"])
def test_it_reaches_the_papers_leximin_minimum_on_its_public_instances(
    shared_data: Path, instance: str
) -> None:
    folder = shared_data / "sortition" / instance
    expected = _expected(shared_data, instance)
    pool = read_pool(folder / "respondents.csv", folder / "categories.csv")
    result = select_panel(pool.ids, pool.features, pool.quotas, int(expected["k"]), seed=0)
    assert len(pool.ids) == int(expected["n"])
    assert result.minimum_probability == pytest.approx(
        float(expected["leximin_min_exact"]), abs=1e-9
    )
    assert max(result.probabilities.values()) == pytest.approx(
        float(expected["leximin_max_exact"]), abs=1e-9
    )

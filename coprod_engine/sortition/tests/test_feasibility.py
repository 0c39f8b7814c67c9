"""Quota checks: feasible cases pass, conflicts are named with the smallest relaxation."""

from __future__ import annotations

import pytest

from coprod_engine.exceptions import Infeasible
from coprod_engine.sortition import (
    FeasibilityReport,
    Quota,
    QuotaChange,
    check_quotas,
    select_panel,
)

IDS = [f"p{i}" for i in range(6)]
GENDER = {"g": ["f", "f", "f", "m", "m", "m"]}


def test_it_accepts_satisfiable_quotas() -> None:
    report = check_quotas(IDS, GENDER, [("g", "f", 1, 2), ("g", "m", 1, 2)], 3)
    assert report.feasible and report.relaxation == [] and report.conflicting == []


def test_it_names_minimums_that_exceed_the_panel_and_relaxes_them_the_cheapest_way() -> None:
    # min 3 + min 2 = 5 > k = 4: cutting a minimum m costs 1 + 2/m, so cut f (m=3) by one.
    report = check_quotas(IDS, GENDER, [("g", "f", 3, 3), ("g", "m", 2, 3)], 4)
    assert not report.feasible
    assert "g: the minimums add up to 5, more than the panel size 4" in report.problems
    assert report.relaxation == [QuotaChange("g", "f", 3, 3, 2, 3)]
    assert report.conflicting == [("g", "f")]


def test_it_raises_a_maximum_when_that_is_cheaper() -> None:
    # max 1 + max 1 < k = 3: one maximum must be raised by one (weight 1 each; first wins).
    report = check_quotas(IDS, GENDER, [("g", "f", 0, 1), ("g", "m", 0, 1)], 3)
    assert not report.feasible
    assert len(report.relaxation) == 1
    change = report.relaxation[0]
    assert (change.new_min, change.new_max) == (change.min, change.max + 1)


def test_it_respects_flex_bounds_and_then_offers_no_relaxation() -> None:
    quotas = [Quota("g", "f", 0, 1, max_flex=1), Quota("g", "m", 0, 1, max_flex=1)]
    report = check_quotas(IDS, GENDER, quotas, 3)
    assert not report.feasible and report.relaxation == []
    assert any("at most 2 people" in problem for problem in report.problems)


def test_it_detects_conflicts_between_features() -> None:
    # Two features, each satisfiable alone: all women are old, but we want 2 women and 2 young.
    features = {"g": ["f", "f", "m", "m"], "age": ["old", "old", "young", "young"]}
    quotas = [("g", "f", 2, 2), ("g", "m", 0, 2), ("age", "young", 2, 2), ("age", "old", 0, 2)]
    report = check_quotas(["a", "b", "c", "d"], features, quotas, 2)
    assert not report.feasible and report.problems == []
    assert len(report.relaxation) >= 1
    assert set(report.conflicting) <= {("g", "f"), ("age", "young"), ("g", "m"), ("age", "old")}


def test_it_raises_infeasible_with_the_report_when_selecting() -> None:
    with pytest.raises(Infeasible) as caught:
        select_panel(IDS, GENDER, [("g", "f", 4, 4), ("g", "m", 0, 2)], 4, seed=0)
    report = caught.value.report
    assert isinstance(report, FeasibilityReport)
    assert report.conflicting == [("g", "f")]
    assert report.as_dict()["feasible"] is False

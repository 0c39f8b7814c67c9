"""The compiled MES kernel against the numpy implementation it replaces (the reference).

The kernel must give the numpy engine's outcome (itself identical to pabutools, see
test_against_pabutools.py) on every shared Pabulib instance and on small random elections
full of ties, with approval, cardinality and cardinal utilities; its exact price comparison
must agree with rational arithmetic; and it must still run where numba cannot cache.
"""

import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from coprod_engine.budgeting import equal_shares, equal_shares_cardinal
from coprod_engine.budgeting._mes_kernel import _compare_prices
from coprod_engine.budgeting.allocation import Allocation
from coprod_engine.io.pabulib import read_pabulib

MODULE = sys.modules["coprod_engine.budgeting.equal_shares"]


def _both(call: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Allocation, Allocation]:
    """(kernel, numpy reference) outcomes of the same call."""
    compiled = call()
    with monkeypatch.context() as patch:
        patch.setattr(MODULE, "USE_KERNEL", False)
        reference = call()
    return compiled, reference


def _assert_same(compiled: Allocation, reference: Allocation) -> None:
    assert compiled.selected.tolist() == reference.selected.tolist()  # the same order too
    for key in ("final_share", "runs", "initial_share"):
        assert compiled.parameters[key] == reference.parameters[key], key
    for mine, theirs in zip(compiled.explanations, reference.explanations, strict=True):
        assert (mine.reason, mine.order) == (theirs.reason, theirs.order)
        if mine.price is not None and theirs.price is not None:
            assert mine.price == pytest.approx(theirs.price, rel=1e-9)
        assert mine.payers.tolist() == theirs.payers.tolist()
        np.testing.assert_allclose(mine.payments, theirs.payments, rtol=1e-9)
        if theirs.supporters_money_left is not None:
            assert mine.supporters_money_left == pytest.approx(
                theirs.supporters_money_left, rel=1e-9, abs=1e-6
            )


@pytest.mark.parametrize(
    "options",
    [
        {"completion": "add1"},
        {"completion": "add1", "exhaustive_stop": False},
        {"completion": "none", "utilities": "cardinality"},
        {"completion": "add1", "utilities": "cardinality"},
    ],
    ids=["add1", "add1-official-stop", "cardinality", "cardinality-add1"],
)
def test_it_selects_what_the_numpy_engine_selects_on_every_shared_instance(
    shared_data: Path, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted((shared_data / "pb").glob("*.pb"))
    if not files:
        pytest.skip(f"no .pb files under {shared_data / 'pb'}")
    for path in files:
        if "Warszawa" in path.name and options != {"completion": "add1"}:
            continue  # 14,897 voters: the numpy reference takes 10-20 s per Add1 variant
        election = read_pabulib(path)
        compiled, reference = _both(
            lambda e=election: equal_shares(
                e.cost_array(), e.ballots, e.budget, project_ids=e.project_ids, **options
            ),
            monkeypatch,
        )
        _assert_same(compiled, reference)


elections = st.integers(1, 7).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(1, 6).map(lambda c: c * 10), min_size=m, max_size=m),
        st.lists(st.lists(st.integers(0, 3), min_size=m, max_size=m), min_size=1, max_size=9),
        st.integers(10, 150),
    )
)


@settings(max_examples=120, derandomize=True, deadline=None)
@given(
    elections,
    st.sampled_from(["none", "add1", "add1-greedy"]),
    st.booleans(),
    st.sampled_from(["cost", "cardinality", "points"]),
)
def test_it_decides_as_the_numpy_engine_on_random_elections_full_of_ties(
    election: tuple[list[int], list[list[int]], int],
    completion: str,
    exhaustive_stop: bool,
    utilities: str,
) -> None:
    costs, ballots, budget = election
    scores = sparse.csr_array(np.array(ballots, dtype=float))

    def run() -> Allocation:
        options: Any = {"completion": completion, "exhaustive_stop": exhaustive_stop}
        if utilities == "points":
            return equal_shares_cardinal(costs, scores, budget, **options)
        approvals = sparse.csr_array((scores > 0).astype(float))
        return equal_shares(costs, approvals, budget, utilities=utilities, **options)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        _assert_same(*_both(run, patch))


def test_it_settles_exact_ties_between_fractional_costs_and_shares(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Costs that are not integers and a share that is not a float: every price comparison
    # of equal-looking prices goes through the exact certificate or the exact fallback.
    costs = [0.1, 0.2, 0.3, 0.30000000000000004]
    approvals = sparse.csr_array(np.array([[1, 1, 1, 0], [1, 0, 1, 1], [0, 1, 1, 1]]))
    compiled, reference = _both(
        lambda: equal_shares(costs, approvals, Fraction(7, 10), completion="add1"), monkeypatch
    )
    _assert_same(compiled, reference)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.floats(1e-3, 1e12, allow_nan=False),
    st.integers(1, 2**53 - 1),
    st.floats(1e-3, 1e12, allow_nan=False),
    st.integers(1, 2**53 - 1),
)
def test_it_compares_prices_exactly_as_rationals(c1: float, d1: int, c2: float, d2: int) -> None:
    exact = Fraction(c1) / d1 - Fraction(c2) / d2
    assert _compare_prices(c1, float(d1), c2, float(d2)) == (exact > 0) - (exact < 0)
    # the hard cases: equal prices written differently, and neighbours one unit apart
    assert _compare_prices(c1, float(d1), 2 * c1, float(2 * d1)) == 0 or 2 * d1 >= 2**53
    if d1 < 2**52:
        assert _compare_prices(c1, float(d1), c1, float(d1 + 1)) == 1


def test_it_runs_without_a_writable_cache_directory(tmp_path: Path) -> None:
    # A read-only install: numba finds no directory to cache in and raises at decoration;
    # the kernel then compiles in memory. (The tests run as root, who can write anywhere,
    # so the missing locator is simulated.)
    script = """
import numba.core.caching as caching
def no_locator(self, *args, **kwargs):
    raise RuntimeError("cannot cache function 'mes_run': no locator available for file 'x'")
caching.Cache.__init__ = no_locator
from coprod_engine.budgeting import equal_shares
result = equal_shares([200, 150, 120], [[1, 0, 1], [1, 0, 1], [1, 0, 0], [0, 1, 0]], 400)
print(result.selected.tolist(), result.parameters["final_share"])
"""
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "NUMBA_CACHE_DIR": str(tmp_path / "unused")},
    )
    assert done.returncode == 0, done.stderr
    expected = equal_shares([200, 150, 120], [[1, 0, 1], [1, 0, 1], [1, 0, 0], [0, 1, 0]], 400)
    assert done.stdout.strip() == (
        f"{expected.selected.tolist()} {expected.parameters['final_share']}"
    )

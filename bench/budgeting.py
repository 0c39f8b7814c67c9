"""Budgeting rules: our engine and pabutools side by side, on the shared Pabulib instances.

Usage::

    uv run python bench/budgeting.py [--data ../shared/data] [--skip-slow-reference]
                                     [--only NAME] [--rules R1,R2] [--no-synthetic]
                                     [--ours-only]

For every instance and rule it prints our wall time, pabutools' wall time (on the merged
multiprofile, as its docs recommend), the ratio, whether the selected sets are identical,
and our peak traced memory. pabutools' MES with Add1 takes minutes on Toulouse 2022 (the
default run shows it; ``--skip-slow-reference`` skips it) and gigabytes on Warszawa, where
it only runs with ``--warszawa-add1-reference``; MES+Add1+greedy on Toulouse (minutes
again) only with ``--full-reference``. A seeded synthetic election of 100,000
voters × 500 projects is run with our engine only (pabutools would take hours).
Timings are noisy on a shared machine: the load average is printed with the table.
The MES kernel (numba) is warmed up once before the table; the warm-up line gives the cold
cost (compiling, or loading numba's disk cache: run with ``NUMBA_CACHE_DIR`` set to an
empty directory to see a compile).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coprod_engine._random import rng  # noqa: E402
from coprod_engine.budgeting import equal_shares, greedy, sequential_phragmen  # noqa: E402
from coprod_engine.io.pabulib import read_pabulib  # noqa: E402

RULES = ("greedy", "mes", "mes-add1", "mes-add1-greedy", "phragmen")
SLOW = {("France_Toulouse_2022", "mes-add1")}  # minutes: shown by default, skippable
# The same minutes again for MES+Add1 then greedy: only with --full-reference.
SLOWER = {("France_Toulouse_2022", "mes-add1-greedy")}
HUGE = "Poland_Warszawa_2020_Praga-Poludnie"


def ours(rule: str, costs: Any, ballots: Any, budget: Any, ids: list[str] | None) -> Any:
    if rule == "greedy":
        return greedy(costs, ballots, budget, project_ids=ids)
    if rule == "phragmen":
        return sequential_phragmen(costs, ballots, budget, project_ids=ids)
    completion = {"mes": "none", "mes-add1": "add1", "mes-add1-greedy": "add1-greedy"}[rule]
    return equal_shares(costs, ballots, budget, completion=completion, project_ids=ids)  # type: ignore[arg-type]


def theirs(rule: str, instance: Any, profile: Any) -> Any:
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    if rule == "greedy":
        return greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    if rule == "phragmen":
        return sequential_phragmen(instance, profile)
    if rule == "mes":
        return method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    if rule == "mes-add1":
        return method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
    return completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
    )


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def timed_cpu(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall s, CPU s of this process): on a shared machine wall time includes
    waiting for a core, CPU time does not."""
    cpu = time.process_time()
    result, wall = timed(call)
    return result, wall, time.process_time() - cpu


def peak_mb(call: Callable[[], Any]) -> float:
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def synthetic(seed: int, voters: int, projects: int) -> tuple[Any, Any, int]:
    """A seeded approval election: popularity-skewed approvals, 1-9 per voter."""
    gen = rng(seed)
    popularity = gen.pareto(1.5, projects) + 1
    popularity /= popularity.sum()
    lengths = gen.integers(1, 10, voters)
    rows = np.repeat(np.arange(voters), lengths)
    cols = gen.choice(projects, size=int(lengths.sum()), p=popularity)
    approvals = sparse.csr_array((np.ones(rows.size), (rows, cols)), shape=(voters, projects))
    approvals.data[:] = 1.0  # duplicates summed: back to approvals
    costs = np.round(gen.uniform(10_000, 500_000, projects), -3)
    return costs, approvals, int(costs.sum() * 0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--skip-slow-reference", action="store_true")
    parser.add_argument("--warszawa-add1-reference", action="store_true")
    parser.add_argument("--full-reference", action="store_true")
    parser.add_argument("--only", help="run only instances whose file name contains this")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument("--ours-only", action="store_true", help="do not run pabutools")
    args = parser.parse_args()
    rules = args.rules.split(",")
    print(f"load average at start: {os.getloadavg()}")
    # MES runs in a numba kernel: the first call compiles it (or loads it from numba's disk
    # cache). Warm up once on a tiny election, so the table shows warm timings.
    _, cold_s, cold_cpu = timed_cpu(lambda: equal_shares([1, 2], [[1, 1], [0, 1]], 3))
    print(
        f"warm-up (MES kernel: numba compile or cache load): {cold_s:.3f} s, {cold_cpu:.3f} s CPU"
    )
    header = f"{'instance':38} {'rule':16} {'ours s':>8} {'cpu s':>7} {'pabutools s':>12} {'ratio':>7} {'same':>5} {'ours MB':>8}"
    print(header)
    print("-" * len(header))
    files = sorted((args.data / "pb").glob("*.pb"))
    if not files:
        print(f"no .pb files under {args.data / 'pb'}", file=sys.stderr)
    for path in files:
        if args.only and args.only not in path.name:
            continue
        election = read_pabulib(path)
        costs, ids = election.cost_array(), election.project_ids
        instance = profile = None
        for rule in rules:
            run = partial(ours, rule, costs, election.ballots, election.budget, ids)
            result, ours_s, cpu_s = timed_cpu(run)
            mb = peak_mb(run)
            name = path.stem
            skip = (
                args.ours_only
                or (args.skip_slow_reference and ((name, rule) in SLOW or name == HUGE))
                or ((name, rule) in SLOWER and not args.full_reference)
                or (
                    name == HUGE
                    and rule.startswith("mes-add1")
                    and not args.warszawa_add1_reference
                )
            )
            if skip:
                ref = "skipped"
                ratio = same = "-"
            else:
                if instance is None:
                    from pabutools.election import parse_pabulib

                    instance, raw = parse_pabulib(str(path))
                    profile = raw.as_multiprofile()
                outcome, ref_s = timed(partial(theirs, rule, instance, profile))
                same = str(
                    sorted(ids[j] for j in result.selected) == sorted(p.name for p in outcome)
                )
                ref, ratio = f"{ref_s:.3f}", f"{ref_s / ours_s:.0f}x"
            print(
                f"{name[:38]:38} {rule:16} {ours_s:8.3f} {cpu_s:7.3f} {ref:>12} {ratio:>7} "
                f"{same:>5} {mb:8.1f}",
                flush=True,
            )
    if not args.no_synthetic:
        costs, approvals, budget = synthetic(seed=2026, voters=100_000, projects=500)
        for rule in ("greedy", "mes", "mes-add1"):
            result, ours_s, cpu_s = timed_cpu(partial(ours, rule, costs, approvals, budget, None))
            extra = result.parameters.get("runs", "")
            print(
                f"{'synthetic 100k x 500 (seed 2026)':38} {rule:16} {ours_s:8.3f} {cpu_s:7.3f} "
                f"{'not run':>12} {'-':>7} {'-':>5} {'':>8} {f'runs={extra}' if extra else ''}",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the pairwise engine against choix, side by side, in one run.

    uv run python bench/pairwise.py [--data ../shared/data] [--repeat 5] [--choix-votes N]

1. All Our Ideas' score on every export in ``<data>/pairwise`` (oracle: the ``Score`` column).
2. Bradley-Terry fit, 1,000 items x 1,000,000 votes drawn from known strengths (seeded):
   our ``bradley_terry`` against ``choix.ilsr_pairwise`` (the list API, as a caller of choix
   would use it) and ``choix.ilsr_pairwise_dense`` (on the count matrix): wall and CPU time,
   peak memory (tracemalloc, separate run), Spearman/Kendall with the true strengths,
   log-likelihood.
3. Bradley-Terry fit, 10,000 items x 1,000,000 votes (our sparse path) against choix's
   ``ilsr_pairwise`` on the same votes.
4. Next pair with 10,000 items: many calls, median and p99 (All Our Ideas' catch-up holds
   K^2 = 10^8 weights here, so it has no comparable figure; allourideas.org falls back to
   uniform pairs).

The machine is shared: the table starts with the load average, and times are medians.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import choix
import numpy as np
from scipy.special import expit
from scipy.stats import kendalltau, spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coprod_engine.io.allourideas import load_survey  # noqa: E402
from coprod_engine.pairwise import aoi_scores, bradley_terry, next_pair, pair_counts  # noqa: E402


def timed(function: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    """Result, median wall time and median CPU time of ``repeat`` calls."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, float(np.median(walls)), float(np.median(cpus))


def peak_mb(function: Callable[[], Any]) -> float:
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def synthetic(n_items: int, n_votes: int, seed: int) -> tuple[np.ndarray, ...]:
    """Votes on uniform random pairs, won with the Bradley-Terry probability."""
    generator = np.random.default_rng(seed)
    strengths = generator.normal(0.0, 1.0, n_items)
    first = generator.integers(0, n_items, n_votes)
    second = generator.integers(0, n_items - 1, n_votes)
    second[second >= first] += 1
    first_wins = generator.random(n_votes) < expit(strengths[first] - strengths[second])
    winners = np.where(first_wins, first, second)
    losers = np.where(first_wins, second, first)
    return strengths, winners, losers


def log_likelihood(theta: np.ndarray, winners: np.ndarray, losers: np.ndarray) -> float:
    diff = theta[winners] - theta[losers]
    return float(-np.logaddexp(0.0, -diff).sum())


def row(table: list[list[str]], *cells: object) -> None:
    table.append([str(c) for c in cells])


def print_table(table: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for index, cells in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * w for w in widths))


def bench_exports(data: Path, table: list[list[str]]) -> None:
    folder = data / "pairwise"
    worst, count, seconds = 0.0, 0, 0.0
    for ideas_path in sorted(folder.rglob("*_ideas*.csv")):
        stem = ideas_path.name.split("_ideas")[0]
        votes_path = sorted(ideas_path.parent.glob(f"{stem}_votes*.csv"))[0]
        survey, ideas = load_survey(votes_path, ideas_path=ideas_path)
        assert ideas is not None
        start = time.perf_counter()
        result = aoi_scores(survey.winners, survey.losers, survey.idea_ids.size)
        seconds += time.perf_counter() - start
        worst = max(worst, float(np.max(np.abs(result.scores - ideas.score))))
        count += 1
    row(
        table,
        f"AOI score, {count} exports",
        f"{seconds * 1e3:.2f} ms total",
        "-",
        "-",
        "AOI Score column",
        "-",
        "-",
        f"max |diff| {worst:.1e} ({'yes' if worst <= 5e-5 else 'NO'})",
    )


def bench_fit(n_items: int, n_votes: int, repeat: int, choix_votes: int, table: list[list[str]]):
    strengths, winners, losers = synthetic(n_items, n_votes, seed=2024)
    fit, wall, cpu = timed(lambda: bradley_terry(winners, losers, n_items), repeat)
    memory = peak_mb(lambda: bradley_terry(winners, losers, n_items))
    ours_rho = spearmanr(fit.strengths, strengths)[0]
    ours_tau = kendalltau(fit.strengths, strengths)[0]
    ours_ll = log_likelihood(fit.strengths, winners, losers)
    label = f"BT fit {n_items:,} x {n_votes:,}"
    row(
        table,
        f"{label} (ours, {fit.covariance} cov.)",
        f"{wall:.3f} s",
        f"{cpu:.3f} s",
        f"{memory:.0f} MB",
        "",
        "",
        "",
        f"rho {ours_rho:.4f} tau {ours_tau:.4f} LL {ours_ll:.1f}",
    )
    # The default N(0, 1) prior shrinks a little; without it (alpha -> 0) the fit is the
    # maximum-likelihood estimate choix computes, so the log-likelihoods can be compared.
    ml_fit, ml_wall, ml_cpu = timed(
        lambda: bradley_terry(winners, losers, n_items, alpha=1e-6), max(1, repeat // 2)
    )
    row(
        table,
        f"{label} (ours, alpha=1e-6: ML)",
        f"{ml_wall:.3f} s",
        f"{ml_cpu:.3f} s",
        "",
        "",
        "",
        "",
        f"rho {spearmanr(ml_fit.strengths, strengths)[0]:.4f} "
        f"LL {log_likelihood(ml_fit.strengths, winners, losers):.1f}",
    )
    if n_items > 2048:
        # choix's LSR builds a dense K x K Markov chain (800 MB at 10,000 items) and needs
        # a strongly connected comparison graph: no reference figure at this size.
        return
    sub_w, sub_l = winners[:choix_votes], losers[:choix_votes]
    data = np.column_stack([sub_w, sub_l])
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    params = choix.ilsr_pairwise(n_items, data, alpha=0.0, tol=1e-8)
    ref_wall, ref_cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    ref_rho = spearmanr(params, strengths)[0]
    ref_tau = kendalltau(params, strengths)[0]
    ref_ll = log_likelihood(params - params.mean(), sub_w, sub_l)
    note = ""
    if choix_votes < n_votes:
        # Same votes for both, so the quality comparison is fair.
        note = f" on first {choix_votes:,} votes"
        sub_fit = bradley_terry(sub_w, sub_l, n_items)
        ours_rho = spearmanr(sub_fit.strengths, strengths)[0]
        ours_tau = kendalltau(sub_fit.strengths, strengths)[0]
        ours_ll = log_likelihood(sub_fit.strengths, sub_w, sub_l)
        note += f"; ours there: rho {ours_rho:.4f} tau {ours_tau:.4f} LL {ours_ll:.1f}"
    better = ours_rho >= ref_rho - 1e-4 and ours_tau >= ref_tau - 1e-4
    row(
        table,
        f"{label} (choix.ilsr_pairwise{note})",
        "",
        "",
        "",
        f"{ref_wall:.3f} s wall / {ref_cpu:.3f} s CPU",
        f"{ref_wall / wall:.1f}x" if not note else "-",
        f"rho {ref_rho:.4f} tau {ref_tau:.4f} LL {ref_ll:.1f}",
        "ranking as good: " + ("yes" if better else "NO"),
    )
    if n_items <= 2048:
        counts = np.zeros((n_items, n_items))
        np.add.at(counts, (winners, losers), 1.0)
        dense, dense_wall, dense_cpu = timed(
            lambda: choix.ilsr_pairwise_dense(counts, alpha=0.0, tol=1e-8), 1
        )
        dense_rho = spearmanr(dense, strengths)[0]
        dense_ll = log_likelihood(dense - dense.mean(), winners, losers)
        agree = np.max(np.abs((dense - dense.mean()) - ml_fit.strengths))
        row(
            table,
            f"{label} (choix.ilsr_pairwise_dense)",
            "",
            "",
            "",
            f"{dense_wall:.3f} s wall / {dense_cpu:.3f} s CPU",
            f"{dense_wall / wall:.1f}x",
            f"rho {dense_rho:.4f} LL {dense_ll:.1f}",
            f"max |theta - ours ML| {agree:.1e}",
        )


def bench_next_pair(n_items: int, calls: int, table: list[list[str]]) -> None:
    generator = np.random.default_rng(7)
    counts = generator.integers(100, 300, n_items)
    counts[:10] = 0  # ten new ideas
    strengths = generator.normal(0.0, 1.0, n_items)
    winners = generator.integers(0, n_items, 1_000_000)
    losers = (winners + 1 + generator.integers(0, n_items - 1, winners.size)) % n_items
    matrix = pair_counts(winners, losers, n_items)
    seen = np.column_stack([generator.integers(0, n_items, 60), generator.integers(0, n_items, 60)])
    cases = {
        "counts only": {},
        "+ strengths, pair counts, 60 seen pairs": {
            "strengths": strengths,
            "pair_counts": matrix,
            "seen": seen,
        },
    }
    for name, options in cases.items():
        walls, cpus = [], []
        for seed in range(calls):
            wall, cpu = time.perf_counter(), time.process_time()
            next_pair(counts, seed=seed, **options)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        wall_median, wall_p99 = np.median(walls) * 1e3, np.percentile(walls, 99) * 1e3
        cpu_median, cpu_p99 = np.median(cpus) * 1e3, np.percentile(cpus, 99) * 1e3
        met = (
            "yes"
            if wall_median <= 1 and wall_p99 <= 1
            else "median; p99 CPU"
            if cpu_p99 <= 1
            else "NO"
        )
        row(
            table,
            f"next pair, {n_items:,} items, {name} ({calls} calls)",
            f"median {wall_median:.3f} ms, p99 {wall_p99:.3f} ms",
            f"median {cpu_median:.3f} ms, p99 {cpu_p99:.3f} ms",
            "",
            "AOI catch-up: off past 1,000",
            "-",
            "",
            f"<= 1 ms: {met}",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per fit (median)")
    parser.add_argument(
        "--choix-votes", type=int, default=1_000_000, help="votes given to choix.ilsr_pairwise"
    )
    parser.add_argument("--calls", type=int, default=5000, help="next-pair calls timed")
    parser.add_argument("--skip-large", action="store_true", help="skip the 10,000-item fit")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}  (2 cores shared)")
    table: list[list[str]] = []
    row(
        table,
        "task",
        "ours (wall)",
        "ours (CPU)",
        "peak mem",
        "reference",
        "ratio",
        "ref. quality",
        "outcome",
    )
    if (args.data / "pairwise").is_dir():
        bench_exports(args.data, table)
    else:
        print(f"(no exports at {args.data / 'pairwise'}: skipping the AOI score check)")
    bench_fit(1000, 1_000_000, args.repeat, args.choix_votes, table)
    if not args.skip_large:
        bench_fit(10_000, 1_000_000, max(1, args.repeat // 2), args.choix_votes, table)
    bench_next_pair(10_000, args.calls, table)
    print_table(table)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

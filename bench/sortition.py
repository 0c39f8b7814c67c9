"""Benchmark: Coprod's LEXIMIN beside sortition-algorithms' maximin (HiGHS), in one run.

Each run happens in a fresh child process (PYTHONHASHSEED=0, as the reference needs for
determinism) so that peak memory is per solver and HiGHS' thread pool is not shared.
Wall time is noisy on the shared 2-core machine, so CPU time is printed too, and our solver
(fast) runs ``--repeat`` times, reported by its median wall and CPU time.

    uv run python bench/sortition.py [--data ../shared/data] [--reference-large] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = {"example_small_20": 20, "sf_fixture_22": 22, "example_large_200": 200}
GOALS = {
    "example_small_20": "<= 2 s",
    "sf_fixture_22": ">= 5x (aim 10x)",
    "example_large_200": "<= 60 s",
}


def run_ours(folder: Path, k: int) -> float:
    from coprod_engine.io.pool_csv import read_pool
    from coprod_engine.sortition import select_panel

    pool = read_pool(folder / "people.csv", folder / "features.csv")
    return select_panel(pool.ids, pool.features, pool.quotas, k, seed=0).minimum_probability


def run_reference(folder: Path, k: int) -> float:
    import logging

    from sortition_algorithms.adapters import CSVFileDataSource, SelectionData
    from sortition_algorithms.committee_generation import find_distribution_maximin
    from sortition_algorithms.settings import Settings

    logging.disable(logging.CRITICAL)
    id_column = next(csv.reader((folder / "people.csv").open()))[0]
    source = CSVFileDataSource(
        features_file=folder / "features.csv",
        people_file=folder / "people.csv",
        already_selected_file=None,
        selected_file=Path(os.devnull),
        remaining_file=Path(os.devnull),
    )
    data = SelectionData(source)
    features, _ = data.load_features(k)
    people, _ = data.load_people(Settings(id_column=id_column, columns_to_keep=[]), features)
    committees, weights, _ = find_distribution_maximin(features, people, k, [])
    probabilities = dict.fromkeys(people, 0.0)
    for committee, weight in zip(committees, weights, strict=True):
        for person in committee:
            probabilities[person] += weight
    return min(probabilities.values())


def child(solver: str, folder: Path, k: int) -> None:
    import importlib

    # Import first: the timing covers reading the files and solving, not loading scipy.
    for module in (
        "coprod_engine.sortition",
        "coprod_engine.io.pool_csv",
        "sortition_algorithms.adapters",
    ):
        importlib.import_module(module)
    run = run_ours if solver == "ours" else run_reference
    wall, cpu = time.perf_counter(), time.process_time()
    minimum = run(folder, k)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak_mb, "min": minimum}))


def measure_median(solver: str, folder: Path, k: int, repeat: int) -> dict[str, float] | None:
    """Median wall and CPU time (each separately) of ``repeat`` runs in fresh processes."""
    runs = [measure(solver, folder, k) for _ in range(repeat)]
    done = [run for run in runs if run is not None]
    if len(done) < len(runs):
        return None
    return {key: statistics.median(run[key] for run in done) for key in done[0]}


def measure(solver: str, folder: Path, k: int) -> dict[str, float] | None:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    command = [sys.executable, __file__, "--child", solver, str(folder), str(k)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        print(f"  {solver} failed on {folder.name}: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(lines[-1][len("RESULT ") :])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--reference-large", action="store_true", help="also run the reference on example_large_200"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of our solver per instance (median)"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        solver, folder, k = args.child
        child(solver, Path(folder), int(k))
        return
    expected = {
        row["instance"]: row
        for row in csv.DictReader((args.data / "sortition" / "expected.csv").open())
    }
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared)")
    print(f"ours: median of {args.repeat} runs; reference: one run")
    header = (
        f"{'instance':18} {'paper min':>9} | {'ours wall':>9} {'cpu':>6} {'MB':>5} {'min':>10} | "
        f"{'ref wall':>8} {'cpu':>6} {'MB':>5} {'min':>10} | {'x wall':>6} {'x cpu':>6} agree  goal"
    )
    print(header)
    print("-" * len(header))
    for name, k in INSTANCES.items():
        folder = args.data / "sortition" / name
        ours = measure_median("ours", folder, k, args.repeat)
        skip_reference = name == "example_large_200" and not args.reference_large
        reference = None if skip_reference else measure("reference", folder, k)
        paper = expected.get(name, {}).get("leximin_min_exact", "")
        row = f"{name:18} {paper:>9} | "
        row += (
            f"{ours['wall']:8.2f}s {ours['cpu']:5.2f}s {ours['peak_mb']:5.0f} {ours['min']:10.7f} | "
            if ours
            else f"{'failed':>42} | "
        )
        if reference and ours:
            agree = abs(ours["min"] - reference["min"]) <= 1e-6
            row += (
                f"{reference['wall']:7.2f}s {reference['cpu']:5.2f}s {reference['peak_mb']:5.0f} "
                f"{reference['min']:10.7f} | {reference['wall'] / ours['wall']:5.1f}x "
                f"{reference['cpu'] / ours['cpu']:5.1f}x {'yes' if agree else 'NO':5}  "
            )
        else:
            row += f"{'not run (--reference-large)' if skip_reference else 'failed':>40} | {'':6} {'':6} {'':5}  "
        print(row + GOALS[name])
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

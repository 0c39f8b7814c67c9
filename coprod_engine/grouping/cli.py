"""``coprod-engine groups``: diverse grouping on MDGPLIB files and workshop seating plans."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _write(data: dict[str, Any], target: str | None) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if target in (None, "-"):
        print(text)
    else:
        Path(target).write_text(text + "\n", encoding="utf-8")


def _sizes(value: str | None) -> list[int] | None:
    return None if value is None else [int(x) for x in value.split(",")]


def run_mdgp(args: argparse.Namespace) -> int:
    from coprod_engine import __version__
    from coprod_engine.grouping.mdgp import max_diverse_grouping
    from coprod_engine.io.mdgplib import read_mdgplib

    instance = read_mdgplib(args.instance)
    result = max_diverse_grouping(
        instance.distances,
        lower=instance.lower,
        upper=instance.upper,
        seed=args.seed,
        seconds=args.seconds,
        iterations=args.iterations,
    )
    _write(
        {
            "instance": instance.name,
            "objective": result.objective,
            "groups": result.groups(),
            "seed": result.seed,
            "iterations": result.iterations,
            "seconds": round(result.seconds, 3),
            "stopped_by": result.stopped_by,
            "input_hash": result.input_hash,
            "engine_version": __version__,
        },
        args.json,
    )
    return 0


def run_form(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from coprod_engine.exceptions import Infeasible
    from coprod_engine.grouping.rules import RuleReport, Rules, rules_from_dict
    from coprod_engine.grouping.workshop import form_groups
    from coprod_engine.io.workshop_people import read_people_csv

    people, pins = read_people_csv(args.people)
    rules = Rules()
    if args.rules:
        rules = rules_from_dict(json.loads(Path(args.rules).read_text(encoding="utf-8")))
    rules = replace(rules, pins={**pins, **rules.pins})
    languages = None
    if args.languages:
        languages = [lang or None for lang in args.languages.split(",")]
    try:
        plan = form_groups(
            people,
            tables=args.tables,
            size_min=_sizes(args.size_min),
            size_max=_sizes(args.size_max),
            table_languages=languages,
            rounds=args.rounds,
            rules=rules,
            seed=args.seed,
            effort=args.effort,
            seconds=args.seconds,
            strict=not args.allow_violations,
        )
    except Infeasible as error:
        report = error.report
        if isinstance(report, RuleReport) and report.best_effort is not None:
            # The facilitator still gets the best plan, marked infeasible, next to the error.
            _write(report.best_effort.as_dict(), args.json)
        raise
    _write(plan.as_dict(), args.json)
    if not plan.report.feasible:
        print("coprod-engine: some rules are broken, see report", file=sys.stderr)
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``groups mdgp`` and ``groups form`` to the ``coprod-engine`` command tree."""
    groups = commands.add_parser("groups", help="diverse small groups and workshop tables")
    sub = groups.add_subparsers(dest="groups_command", required=True, metavar="COMMAND")

    mdgp = sub.add_parser("mdgp", help="maximally diverse grouping of an MDGPLIB instance")
    mdgp.add_argument("instance", help="MDGPLIB file: 'M G ss|ds L1 U1 ...' then 'i j d_ij'")
    mdgp.add_argument("--seconds", type=float, default=10.0, help="time limit (default 10)")
    mdgp.add_argument("--iterations", type=int, help="step limit, for a reproducible run")
    mdgp.add_argument("--seed", type=int, required=True)
    mdgp.add_argument("--json", help="output file (default: standard output)")
    mdgp.set_defaults(handler=run_mdgp)

    form = sub.add_parser("form", help="seat workshop participants at tables over rounds")
    form.add_argument("--people", required=True, help="CSV: id, [pin], [languages], attributes")
    form.add_argument("--tables", type=int, required=True)
    form.add_argument("--rounds", type=int, default=1)
    form.add_argument("--rules", help="rules JSON (see docs/engine-grouping.md)")
    form.add_argument("--size-min", help="minimum table size, or one per table: 5,5,6")
    form.add_argument("--size-max", help="maximum table size, or one per table")
    form.add_argument("--languages", help="language of each table: fr,fr,en, (empty: any)")
    form.add_argument("--seed", type=int, required=True)
    form.add_argument("--effort", type=int, default=20, help="search kicks per round")
    form.add_argument("--seconds", type=float, default=5.0, help="safety time limit")
    form.add_argument(
        "--allow-violations", action="store_true", help="write the best plan even if rules break"
    )
    form.add_argument("--json", help="output file (default: standard output)")
    form.set_defaults(handler=run_form)

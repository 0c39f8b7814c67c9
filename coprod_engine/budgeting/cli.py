"""``coprod-engine budget allocate FILE.pb --rule mes|greedy|phragmen``: a rule on a .pb file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

RULES = ("mes", "greedy", "phragmen")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``budget`` command tree to ``coprod-engine``."""
    budget = commands.add_parser("budget", help="participatory budgeting rules on Pabulib files")
    actions = budget.add_subparsers(dest="action", required=True, metavar="ACTION")
    allocate = actions.add_parser(
        "allocate",
        help="select projects with a rule and explain the outcome",
        description="Run a budgeting rule on a Pabulib .pb file; print the selected project ids.",
    )
    allocate.add_argument("file", type=Path, help="a Pabulib .pb file")
    allocate.add_argument("--rule", choices=RULES, default="mes")
    allocate.add_argument(
        "--completion",
        choices=("none", "add1", "add1-greedy"),
        default="add1",
        help="MES only: none, Add1, or Add1 then greedy by votes (default: add1)",
    )
    allocate.add_argument(
        "--no-exhaustive-stop",
        dest="exhaustive_stop",
        action="store_false",
        help="MES Add1: keep raising the shares until the next run overspends "
        "(how Wieliczka, Świecie and Assen counted)",
    )
    allocate.add_argument(
        "--tie-breaking",
        choices=("project_id", "index"),
        default="project_id",
        help="project_id: smallest id string first (pabutools); index: file order",
    )
    allocate.add_argument("--json", type=Path, metavar="OUT", help="write the result as JSON")
    allocate.set_defaults(handler=allocate_command)


def allocate_command(args: argparse.Namespace) -> int:
    from coprod_engine.budgeting import (
        equal_shares,
        equal_shares_cardinal,
        greedy,
        sequential_phragmen,
    )
    from coprod_engine.exceptions import InputFormatError
    from coprod_engine.io.pabulib import read_pabulib

    if not args.file.is_file():
        raise InputFormatError(f"{args.file}: no such file")
    election = read_pabulib(args.file)
    costs = election.cost_array()
    options = {"project_ids": election.project_ids, "tie_breaking": args.tie_breaking}
    if election.vote_type == "ordinal":
        raise InputFormatError("ordinal ballots have no budgeting rule here yet")
    if args.rule == "greedy":
        result = greedy(costs, election.ballots, election.budget, **options)
    elif args.rule == "phragmen":
        if not election.is_approval:
            raise InputFormatError("sequential Phragmén needs approval ballots")
        result = sequential_phragmen(costs, election.ballots, election.budget, **options)
    else:
        rule = equal_shares if election.is_approval else equal_shares_cardinal
        result = rule(
            costs,
            election.ballots,
            election.budget,
            completion=args.completion,
            exhaustive_stop=args.exhaustive_stop,
            **options,
        )
    ids = [election.project_ids[j] for j in result.selected]
    print(f"{len(ids)} projects, cost {result.total_cost:g} of {result.budget:g}: {' '.join(ids)}")
    if args.json:
        document = result.to_dict(project_ids=election.project_ids, voter_ids=election.voter_ids)
        document["file"] = str(args.file)
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"written {args.json}", file=sys.stderr)
    return 0

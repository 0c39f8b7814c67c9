"""``coprod-engine panel ...``: select, check and audit citizens' panels from CSV files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``panel`` command tree."""
    panel = commands.add_parser("panel", help="fair citizen panels (sortition)")
    sub = panel.add_subparsers(dest="panel_command", required=True, metavar="SUBCOMMAND")

    select = sub.add_parser("select", help="compute the lottery and draw a panel")
    _pool_options(select)
    select.add_argument("--size", type=int, required=True, help="panel size k")
    select.add_argument(
        "--seed", type=int, required=True, help="seed of the draw, announced beforehand"
    )
    select.add_argument("--algorithm", choices=("leximin", "legacy"), default="leximin")
    select.add_argument(
        "--json", type=Path, required=True, metavar="OUT", help="where to write the result"
    )
    select.set_defaults(handler=_select)

    check = sub.add_parser("check", help="check that the quotas admit a panel; explain if not")
    _pool_options(check)
    check.add_argument("--size", type=int, required=True, help="panel size k")
    check.set_defaults(handler=_check)

    replay = sub.add_parser("replay", help="check that a recorded draw replays to the same panel")
    replay.add_argument("audit", type=Path, metavar="AUDIT.json")
    _pool_options(replay)
    replay.set_defaults(handler=_replay)


def _pool_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=Path, required=True, help="people.csv or respondents.csv")
    parser.add_argument(
        "--features", type=Path, required=True, help="features.csv or categories.csv"
    )
    parser.add_argument(
        "--id-column", default=None, help="column of person ids (default: first non-feature)"
    )


def _select(args: argparse.Namespace) -> int:
    from coprod_engine.io.panel_json import write_selection
    from coprod_engine.io.pool_csv import read_pool
    from coprod_engine.sortition import select_panel

    pool = read_pool(args.people, args.features, id_column=args.id_column)
    selection = select_panel(
        pool.ids, pool.features, pool.quotas, args.size, seed=args.seed, algorithm=args.algorithm
    )
    write_selection(selection, args.json)
    print(
        f"{args.algorithm}: panel of {len(selection.panel)} drawn with seed {selection.seed}; "
        f"minimum selection probability {selection.minimum_probability:.6f}; written to {args.json}"
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    import json

    from coprod_engine.io.pool_csv import read_pool
    from coprod_engine.sortition import check_quotas

    pool = read_pool(args.people, args.features, id_column=args.id_column)
    report = check_quotas(pool.ids, pool.features, pool.quotas, args.size)
    print(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
    return 0 if report.feasible else 1


def _replay(args: argparse.Namespace) -> int:
    from coprod_engine.io.panel_json import read_audit
    from coprod_engine.io.pool_csv import read_pool
    from coprod_engine.sortition import replay_panel

    record = read_audit(args.audit)
    pool = read_pool(args.people, args.features, id_column=args.id_column)
    replay_panel(
        pool.ids,
        pool.features,
        pool.quotas,
        len(record["panel"]),
        recorded_panel=record["panel"],
        seed=int(record["seed"]),
        input_hash=str(record["input_hash"]),
        algorithm=record["algorithm"],
    )
    print(
        f"replayed: same inputs (hash {record['input_hash'][:12]}) and the same panel",
        file=sys.stdout,
    )
    return 0

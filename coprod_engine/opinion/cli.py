"""``coprod-engine opinion ...``: opinion maps of Polis conversation folders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``opinion map`` and ``opinion convert`` to the ``coprod-engine`` command tree."""
    family = commands.add_parser("opinion", help="opinion maps (Polis-style)")
    sub = family.add_subparsers(dest="opinion_command", required=True, metavar="COMMAND")

    mapping = sub.add_parser(
        "map",
        help="compute the opinion map of a conversation folder",
        description="Reads votes.csv + comments.csv (openData export) or votes.json + comments.json "
        "(Polis API) from DIR and writes the math blob as JSON (Polis keys plus 'coprod').",
    )
    mapping.add_argument("folder", type=Path, metavar="DIR")
    mapping.add_argument("--json", type=Path, required=True, metavar="OUT.json")
    mapping.add_argument(
        "--report", type=Path, metavar="OUT.html", help="also write an HTML report"
    )
    mapping.add_argument(
        "--seed", type=int, default=0, help="seed of the iterative PCA start (default 0)"
    )
    mapping.add_argument(
        "--no-replay",
        action="store_true",
        help="do not recover Polis' sticky in-conv from the vote history",
    )
    mapping.add_argument(
        "--knowledge-types", type=Path, metavar="CSV", help="participant,label rows"
    )
    mapping.add_argument("--roles", type=Path, metavar="CSV", help="participant,label rows")
    mapping.add_argument("--quiet", action="store_true", help="no progress bar")
    mapping.set_defaults(handler=_map)

    convert = sub.add_parser(
        "convert", help="rewrite a conversation folder in the other Polis layout"
    )
    convert.add_argument("folder", type=Path, metavar="DIR")
    convert.add_argument("out", type=Path, metavar="OUT_DIR")
    convert.add_argument("--to", choices=("csv", "json"), required=True)
    convert.set_defaults(handler=_convert)


def _labels(path: Path | None) -> dict[int, str] | None:
    if path is None:
        return None
    import csv

    from coprod_engine.exceptions import InputFormatError

    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.reader(handle) if r]
    if rows and not rows[0][0].strip().lstrip("-").isdigit():
        rows = rows[1:]  # a header
    try:
        return {int(r[0]): r[1].strip() for r in rows}
    except (IndexError, ValueError) as error:
        raise InputFormatError(f"{path}: expected 'participant,label' rows ({error})") from error


def _map(args: argparse.Namespace) -> int:
    import json

    from tqdm import tqdm

    from coprod_engine.io.polis import read_polis
    from coprod_engine.opinion.map import opinion_map

    stages = ["read", "projection", "clusters", "statistics", "labels", "write"]
    bar = tqdm(
        total=len(stages), file=sys.stderr, disable=args.quiet, desc="opinion map", unit="stage"
    )

    def progress(stage: str) -> None:
        bar.set_postfix_str(stage)
        bar.update(1)

    progress("read")
    conversation = read_polis(args.folder)
    result = opinion_map(
        conversation.participant_ids,
        conversation.statement_ids,
        conversation.votes,
        timestamps=conversation.timestamps,
        mod_out=conversation.mod_out,
        meta=conversation.meta,
        knowledge_types=_labels(args.knowledge_types),
        stakeholder_roles=_labels(args.roles),
        replay=not args.no_replay,
        seed=args.seed,
        progress=progress,
    )
    progress("write")
    args.json.write_text(json.dumps(result.as_dict()), encoding="utf-8")
    if args.report is not None:
        from coprod_engine.opinion.report import render_report

        args.report.write_text(
            render_report(
                result, title=f"Opinion map: {args.folder.name}", texts=conversation.texts
            ),
            encoding="utf-8",
        )
    bar.close()
    return 0


def _convert(args: argparse.Namespace) -> int:
    from coprod_engine.io.polis import read_polis, write_opendata, write_polis_json

    conversation = read_polis(args.folder)
    (write_opendata if args.to == "csv" else write_polis_json)(conversation, args.out)
    return 0

"""``coprod-engine opinion ...``: opinion maps of Polis conversation folders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coprod_engine.opinion.map import OpinionMap
    from coprod_engine.opinion.polis_state import PolisMath

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``opinion map`` and ``opinion convert`` to the ``coprod-engine`` command tree."""
    family = commands.add_parser("opinion", help="opinion maps (Polis-style)")
    sub = family.add_subparsers(dest="opinion_command", required=True, metavar="COMMAND")

    mapping = sub.add_parser(
        "map",
        help="compute the opinion map of a conversation folder",
        description="Reads votes.csv + comments.csv (openData export) or votes.json + comments.json "
        "(Polis API) from DIR and writes the math blob as JSON (Polis keys plus 'coprod'). "
        "A math-pca2.json in DIR is used only when named with --polis-state.",
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
        "--polis-state",
        type=Path,
        metavar="MATH.json",
        help="continue from the Polis server's math blob of this conversation "
        "(math-pca2.json, /api/v3/math/pca2): Polis' groups, k and in-conv carry over; "
        "its meta-tids are meta here too, with those the export names",
    )
    mapping.add_argument(
        "--no-replay",
        action="store_true",
        help="do not recover Polis' sticky in-conv from the vote history "
        "(no effect with --polis-state, whose in-conv is used)",
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
    from coprod_engine.opinion.polis_state import polis_state, read_polis_math

    stages = ["read", "projection", "clusters", "statistics", "labels", "write"]
    bar = tqdm(
        total=len(stages), file=sys.stderr, disable=args.quiet, desc="opinion map", unit="stage"
    )

    def progress(stage: str) -> None:
        bar.set_postfix_str(stage)
        bar.update(1)

    progress("read")
    conversation = read_polis(args.folder)
    polis = read_polis_math(args.polis_state) if args.polis_state is not None else None
    state = None
    mod_out, meta = conversation.mod_out, conversation.meta
    if polis is not None:
        state = polis_state(
            polis,
            conversation.participant_ids,
            conversation.statement_ids,
            conversation.votes,
            timestamps=conversation.timestamps,
            mod_out=conversation.mod_out,
            # The openData CSVs cannot say which statements are meta; the blob's meta-tids
            # can, and leaving them out would put meta votes into the PCA.
            meta=set(conversation.meta) | set(polis.meta or ()),
            seed=args.seed,
        )
        mod_out, meta = state.mod_out, state.meta
    result = opinion_map(
        conversation.participant_ids,
        conversation.statement_ids,
        conversation.votes,
        timestamps=conversation.timestamps,
        mod_out=mod_out,
        meta=meta,
        state=state,
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
    if polis is not None and not args.quiet:
        print(_continued_summary(polis, result), file=sys.stderr)
    return 0


def _continued_summary(polis: PolisMath, result: OpinionMap) -> str:
    """How much of Polis' clustering the continued map kept (groups, k, in-conv)."""
    from coprod_engine.opinion.parity import adjusted_rand_index

    theirs = polis.groups(result.participant_ids)
    both = (theirs >= 0) & (result.groups >= 0)
    ari = adjusted_rand_index(theirs[both], result.groups[both])
    in_conv = set(result.participant_ids[result.in_conv].tolist())
    tick = "" if polis.math_tick is None else f" (math_tick {polis.math_tick})"
    return (
        f"continued from Polis' state{tick}: {result.k} groups (Polis {polis.k}), "
        f"{len(in_conv)} clustered (Polis {len(polis.in_conv)}, "
        f"{len(in_conv & set(polis.in_conv.tolist()))} in both), "
        f"group agreement with Polis (adjusted Rand index) {ari:.3f}"
    )


def _convert(args: argparse.Namespace) -> int:
    from coprod_engine.io.polis import read_polis, write_opendata, write_polis_json

    conversation = read_polis(args.folder)
    (write_opendata if args.to == "csv" else write_polis_json)(conversation, args.out)
    return 0

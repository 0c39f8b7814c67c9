"""``coprod-engine pairwise ...``: All Our Ideas exports in, scores and pairs out."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``pairwise score`` and ``pairwise next`` to the ``coprod-engine`` command tree."""
    family = commands.add_parser(
        "pairwise", help="wiki surveys (All Our Ideas): scores, Bradley-Terry fit, next pair"
    )
    actions = family.add_subparsers(dest="action", required=True, metavar="ACTION")

    score = actions.add_parser(
        "score", help="All Our Ideas' score and a Bradley-Terry fit with intervals"
    )
    _add_inputs(score)
    score.add_argument("--json", required=True, type=Path, help="where to write the result")
    score.add_argument(
        "--groups",
        type=Path,
        help="CSV with columns session,label: also score each group of voters",
    )
    score.add_argument("--alpha", type=float, default=1.0, help="prior precision (1)")
    score.add_argument("--confidence", type=float, default=0.95, help="interval level (0.95)")
    score.set_defaults(handler=_score)

    after = actions.add_parser("next", help="the next pair to show a voter (JSON on stdout)")
    _add_inputs(after)
    after.add_argument("--session", help="the voter's Session ID: never repeat their pairs")
    after.add_argument("--seed", type=int, required=True, help="seed of the draw")
    after.add_argument(
        "--close-contests",
        action="store_true",
        help="favour close contests (fits Bradley-Terry first)",
    )
    after.set_defaults(handler=_next)


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("votes", type=Path, metavar="VOTES.csv", help="votes export")
    parser.add_argument("--ideas", type=Path, help="ideas export (ids, active flags)")
    parser.add_argument("--nonvotes", type=Path, help="non-votes export (skips)")


def _score(args: argparse.Namespace) -> int:
    from coprod_engine import __version__
    from coprod_engine.io.allourideas import load_survey
    from coprod_engine.pairwise import aoi_scores, bradley_terry, scores_by_group

    survey, _ = load_survey(args.votes, ideas_path=args.ideas, nonvotes_path=args.nonvotes)
    ids = [str(i) for i in survey.idea_ids.tolist()]
    k = len(ids)
    laplace = aoi_scores(survey.winners, survey.losers, k, skips=survey.skips)
    fit = bradley_terry(
        survey.winners,
        survey.losers,
        k,
        skips=survey.skips,
        alpha=args.alpha,
        confidence=args.confidence,
    )
    result: dict[str, Any] = {
        "engine_version": __version__,
        "input_hash": laplace.input_hash,
        "n_items": k,
        "n_votes": int(survey.winners.size),
        "n_skips": int(survey.skips.shape[0]),
        "scores": dict(zip(ids, laplace.scores.tolist(), strict=True)),
        "counts": {
            idea: {"wins": w, "losses": lo, "cant_decide": c}
            for idea, w, lo, c in zip(
                ids,
                laplace.wins.tolist(),
                laplace.losses.tolist(),
                laplace.cant_decide.tolist(),
                strict=True,
            )
        },
        "bradley_terry": _fit_json(ids, fit),
    }
    if args.groups is not None:
        labels = _read_groups(args.groups)
        by_session = [labels.get(session) for session in survey.sessions]
        groups = scores_by_group(
            survey.winners,
            survey.losers,
            survey.voters,
            by_session,
            k,
            skips=survey.skips,
            skip_voters=survey.skip_voters,
        )
        result["groups"] = {
            "labels": list(groups.labels),
            "scores": {
                name: dict(zip(ids, groups.results[name].scores.tolist(), strict=True))
                for name in groups.labels
            },
            "voters": groups.voters,
            "votes": groups.votes,
            "unlabelled_votes": groups.unlabelled_votes,
            "kendall_tau": [[_finite(v) for v in row] for row in groups.agreement.tolist()],
        }
    args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def _fit_json(ids: list[str], fit: Any) -> dict[str, Any]:
    items = {
        idea: {"probability": p, "lower": lo, "upper": up, "strength": s, "score": sc}
        for idea, p, lo, up, s, sc in zip(
            ids,
            fit.win_probability.tolist(),
            fit.lower.tolist(),
            fit.upper.tolist(),
            fit.strengths.tolist(),
            fit.scores.tolist(),
            strict=True,
        )
    }
    return {
        "alpha": fit.alpha,
        "confidence": fit.confidence,
        "covariance": fit.covariance,
        "log_likelihood": fit.log_likelihood,
        "items": items,
    }


def _finite(value: float) -> float | None:
    return value if value == value else None  # NaN is not JSON


def _read_groups(path: Path) -> dict[str, str]:
    from coprod_engine.exceptions import InputFormatError

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and not {"session", "label"} <= set(rows[0]):
        raise InputFormatError(f"{path}: expected columns session,label")
    return {row["session"].strip(): row["label"].strip() for row in rows if row["label"]}


def _next(args: argparse.Namespace) -> int:
    import numpy as np

    from coprod_engine.io.allourideas import (
        read_ideas,
        read_nonvotes,
        read_votes,
        seen_pairs,
        survey_arrays,
    )
    from coprod_engine.pairwise import aoi_scores, bradley_terry, next_pair, pair_counts

    ideas = read_ideas(args.ideas) if args.ideas is not None else None
    nonvotes = read_nonvotes(args.nonvotes) if args.nonvotes is not None else None
    votes = read_votes(args.votes)
    survey = survey_arrays(votes, ideas, nonvotes)
    k = survey.idea_ids.size
    laplace = aoi_scores(survey.winners, survey.losers, k)
    seen = np.zeros((0, 2), dtype=np.int64)
    if args.session is not None:
        # Every pair the voter answered, invalid votes included: they did see it.
        seen = seen_pairs(survey.idea_ids, args.session, votes, nonvotes)
    strengths = None
    if args.close_contests:
        strengths = bradley_terry(survey.winners, survey.losers, k).strengths
    pair = next_pair(
        laplace.comparisons,
        seed=args.seed,
        seen=seen,
        active=ideas.active if ideas is not None else None,
        strengths=strengths,
        pair_counts=pair_counts(survey.winners, survey.losers, k),
    )
    if pair is None:
        print(json.dumps({"left": None, "right": None, "seed": args.seed}))
        print("coprod-engine: this voter has seen every pair", file=sys.stderr)
        return 1
    ids = survey.idea_ids.tolist()
    print(json.dumps({"left": ids[pair.left], "right": ids[pair.right], "seed": args.seed}))
    return 0

"""Reader for All Our Ideas' exports: ideas, votes and non-votes (skips, bounces).

allourideas.org exports one CSV per table. The columns we read:

* ideas: ``Idea ID``, ``Idea Text``, ``Wins``, ``Losses``, ``Times involved in Cant
  Decide``, ``Score``, ``User Submitted``, ``Active``;
* votes: ``Vote ID``, ``Session ID``, ``Winner ID``, ``Loser ID``, ``Left Choice ID``,
  ``Right Choice ID``, ``Valid`` (All Our Ideas counts only valid votes in its scores);
* non-votes: ``Record Type`` (``Skip``, ``Bounce``, ``Stopped_Voting_Or_Skipping``),
  ``Session ID``, ``Left Choice ID``, ``Right Choice ID``, ``Reason``, ``Valid``. Only
  ``Skip`` records are an "I can't decide"; the others are appearances left unanswered.

Files are UTF-8 (a BOM is tolerated), comma- or tab-separated (one real export is tabbed);
``NA`` and the empty string mean missing. Other columns are ignored.

References
----------
.. [1] allourideas/pairwise-api, ``app/models/question.rb`` (``export``) and the CSVs of
   Salganik & Levy (2015), PLoS ONE 10(5): e0123483.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coprod_engine.exceptions import InputFormatError

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MISSING = {"", "NA"}


@dataclass(frozen=True, slots=True)
class AOIIdeas:
    """An ideas export, one entry per idea, in file order."""

    idea_id: IntArray
    text: tuple[str, ...]
    wins: IntArray
    losses: IntArray
    cant_decide: IntArray
    score: NDArray[np.float64]
    user_submitted: BoolArray
    active: BoolArray


@dataclass(frozen=True, slots=True)
class AOIVotes:
    """A votes export, one entry per vote, in file order."""

    vote_id: IntArray
    session_id: tuple[str, ...]
    winner_id: IntArray
    loser_id: IntArray
    left_id: IntArray
    right_id: IntArray
    valid: BoolArray


@dataclass(frozen=True, slots=True)
class AOINonVotes:
    """A non-votes export: skips ("I can't decide", with a reason) and unanswered prompts."""

    record_type: tuple[str, ...]
    session_id: tuple[str, ...]
    left_id: IntArray
    right_id: IntArray
    reason: tuple[str | None, ...]
    valid: BoolArray

    @property
    def is_skip(self) -> BoolArray:
        """Records that are an "I can't decide" (not a bounce or a stop)."""
        return np.array([kind == "Skip" for kind in self.record_type], dtype=bool)


@dataclass(frozen=True, slots=True)
class AOISurvey:
    """Valid votes and skips as item indices, ready for the pairwise engine.

    Item ``k`` is the idea ``idea_ids[k]``; voter ``v`` is the session ``sessions[v]``.
    """

    idea_ids: IntArray
    winners: IntArray
    losers: IntArray
    voters: IntArray
    skips: IntArray
    skip_voters: IntArray
    skip_reasons: tuple[str | None, ...]
    sessions: tuple[str, ...]


def read_ideas(path: str | Path) -> AOIIdeas:
    """Read an All Our Ideas ideas export.

    Raises
    ------
    InputFormatError
        If a needed column is missing or a value does not parse.
    """
    rows = _read_rows(path)
    return AOIIdeas(
        idea_id=_ints(rows, "Idea ID", path),
        text=tuple(_column(rows, "Idea Text", path)),
        wins=_ints(rows, "Wins", path),
        losses=_ints(rows, "Losses", path),
        cant_decide=_ints(rows, "Times involved in Cant Decide", path),
        score=_floats(rows, "Score", path),
        user_submitted=_bools(rows, "User Submitted", path),
        active=_bools(rows, "Active", path),
    )


def read_votes(path: str | Path) -> AOIVotes:
    """Read an All Our Ideas votes export (valid and invalid votes)."""
    rows = _read_rows(path)
    return AOIVotes(
        vote_id=_ints(rows, "Vote ID", path),
        session_id=tuple(_column(rows, "Session ID", path)),
        winner_id=_ints(rows, "Winner ID", path),
        loser_id=_ints(rows, "Loser ID", path),
        left_id=_ints(rows, "Left Choice ID", path),
        right_id=_ints(rows, "Right Choice ID", path),
        valid=_bools(rows, "Valid", path),
    )


def read_nonvotes(path: str | Path) -> AOINonVotes:
    """Read an All Our Ideas non-votes export (skips, bounces, stops)."""
    rows = _read_rows(path)
    return AOINonVotes(
        record_type=tuple(_column(rows, "Record Type", path)),
        session_id=tuple(_column(rows, "Session ID", path)),
        left_id=_ints(rows, "Left Choice ID", path),
        right_id=_ints(rows, "Right Choice ID", path),
        reason=tuple(None if r in MISSING else r for r in _column(rows, "Reason", path)),
        valid=_bools(rows, "Valid", path),
    )


def survey_arrays(
    votes: AOIVotes,
    ideas: AOIIdeas | None = None,
    nonvotes: AOINonVotes | None = None,
    *,
    valid_only: bool = True,
) -> AOISurvey:
    """Map idea ids to item indices ``0..K-1`` and keep the votes All Our Ideas counts.

    Items follow the ideas export when given, else the sorted ids seen in the votes and
    skips. Only valid votes and valid ``Skip`` records are kept when ``valid_only``.

    Raises
    ------
    InputFormatError
        If a vote or skip names an idea absent from the ideas export.
    """
    keep = votes.valid if valid_only else np.ones(votes.valid.size, dtype=bool)
    skip = nonvotes.is_skip if nonvotes is not None else np.zeros(0, dtype=bool)
    if nonvotes is not None and valid_only:
        skip &= nonvotes.valid
    left = nonvotes.left_id[skip] if nonvotes is not None else np.zeros(0, dtype=np.int64)
    right = nonvotes.right_id[skip] if nonvotes is not None else np.zeros(0, dtype=np.int64)
    if ideas is not None:
        idea_ids = ideas.idea_id
    else:
        seen = [votes.winner_id[keep], votes.loser_id[keep], left, right]
        idea_ids = np.unique(np.concatenate(seen))
    order = np.argsort(idea_ids, kind="stable")
    sorted_ids = idea_ids[order]

    def index(ids: IntArray) -> IntArray:
        where = np.searchsorted(sorted_ids, ids).clip(max=max(sorted_ids.size - 1, 0))
        if ids.size and (sorted_ids.size == 0 or np.any(sorted_ids[where] != ids)):
            unknown = sorted(set(ids.tolist()) - set(sorted_ids.tolist()))
            raise InputFormatError(f"votes name ideas absent from the ideas export: {unknown[:5]}")
        return order[where].astype(np.int64)

    kept_sessions = [s for s, k in zip(votes.session_id, keep, strict=True) if k]
    skip_sessions: list[str] = []
    skip_reasons: list[str | None] = []
    if nonvotes is not None:
        skip_sessions = [s for s, k in zip(nonvotes.session_id, skip, strict=True) if k]
        skip_reasons = [r for r, k in zip(nonvotes.reason, skip, strict=True) if k]
    sessions, voter_index = np.unique(
        np.array(kept_sessions + skip_sessions, dtype=str), return_inverse=True
    )
    n_votes = len(kept_sessions)
    return AOISurvey(
        idea_ids=idea_ids,
        winners=index(votes.winner_id[keep]),
        losers=index(votes.loser_id[keep]),
        voters=voter_index[:n_votes].astype(np.int64),
        skips=np.column_stack([index(left), index(right)]).reshape(-1, 2),
        skip_voters=voter_index[n_votes:].astype(np.int64),
        skip_reasons=tuple(skip_reasons),
        sessions=tuple(str(s) for s in sessions),
    )


def seen_pairs(
    idea_ids: IntArray,
    session: str,
    votes: AOIVotes,
    nonvotes: AOINonVotes | None = None,
) -> IntArray:
    """Every pair shown to ``session`` and answered (valid or not, voted or skipped).

    Returns an ``(m, 2)`` array of item indices into ``idea_ids``; pairs naming an idea
    absent from ``idea_ids`` are dropped.
    """
    lefts = [votes.left_id[[s == session for s in votes.session_id]]]
    rights = [votes.right_id[[s == session for s in votes.session_id]]]
    if nonvotes is not None:
        mine = nonvotes.is_skip & np.array([s == session for s in nonvotes.session_id], bool)
        lefts.append(nonvotes.left_id[mine])
        rights.append(nonvotes.right_id[mine])
    left, right = np.concatenate(lefts), np.concatenate(rights)
    order = np.argsort(idea_ids, kind="stable")
    sorted_ids = idea_ids[order]
    known = np.isin(left, idea_ids) & np.isin(right, idea_ids)
    left_index = order[np.searchsorted(sorted_ids, left[known])]
    right_index = order[np.searchsorted(sorted_ids, right[known])]
    return np.column_stack([left_index, right_index]).astype(np.int64).reshape(-1, 2)


def load_survey(
    votes_path: str | Path,
    *,
    ideas_path: str | Path | None = None,
    nonvotes_path: str | Path | None = None,
) -> tuple[AOISurvey, AOIIdeas | None]:
    """Read the exports and return the engine's arrays (and the ideas, when given)."""
    ideas = read_ideas(ideas_path) if ideas_path is not None else None
    nonvotes = read_nonvotes(nonvotes_path) if nonvotes_path is not None else None
    return survey_arrays(read_votes(votes_path), ideas, nonvotes), ideas


def _read_rows(path: str | Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
            handle.seek(0)
            # One real export is tab-separated; the header tells which.
            delimiter = "\t" if header.count("\t") > header.count(",") else ","
            return list(csv.DictReader(handle, delimiter=delimiter))
    except UnicodeDecodeError as error:
        raise InputFormatError(f"{path}: not UTF-8 ({error})") from error


def _column(rows: list[dict[str, str]], name: str, path: str | Path) -> list[str]:
    if rows and name not in rows[0]:
        raise InputFormatError(f"{path}: no column {name!r}")
    return [(row.get(name) or "").strip() for row in rows]


def _parse(values: Iterable[str], kind: type, name: str, path: str | Path) -> list[object]:
    try:
        return [kind(v) for v in values]
    except ValueError as error:
        raise InputFormatError(f"{path}: column {name!r}: {error}") from error


def _ints(rows: list[dict[str, str]], name: str, path: str | Path) -> IntArray:
    values = _column(rows, name, path)
    if any(v in MISSING for v in values):
        raise InputFormatError(f"{path}: column {name!r} has a missing value")
    return np.array(_parse(values, int, name, path), dtype=np.int64)


def _floats(rows: list[dict[str, str]], name: str, path: str | Path) -> NDArray[np.float64]:
    values = [("nan" if v in MISSING else v) for v in _column(rows, name, path)]
    return np.array(_parse(values, float, name, path), dtype=np.float64)


def _bools(rows: list[dict[str, str]], name: str, path: str | Path) -> BoolArray:
    values = _column(rows, name, path)
    unknown = set(values) - {"TRUE", "FALSE", "true", "false", "1", "0"}
    if unknown:
        raise InputFormatError(f"{path}: column {name!r} is not boolean: {sorted(unknown)[:3]}")
    return np.array([v in ("TRUE", "true", "1") for v in values], dtype=bool)

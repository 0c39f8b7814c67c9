"""Polis conversation files: the openData export and the Polis API JSON.

Two layouts of one folder are read:

* openData export (compdemocracy/openData): ``votes.csv`` (timestamp, datetime, comment-id,
  voter-id, vote) with one row per vote *event*, and ``comments.csv`` (comment-id, author-id,
  agrees, disagrees, moderated, comment-body); ``moderated = -1`` is moderated out.
* Polis API: ``votes.json`` (pid, tid, vote, modified) and ``comments.json`` (tid, txt, mod,
  is_meta); ``mod = -1`` or ``is_meta`` are zeroed in the map, ``is_meta`` gets priority 49.

Votes use the export sign (agree = +1). Writers produce the same two layouts, so a
conversation can be round-tripped or handed to other Polis tools.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coprod_engine.exceptions import InputFormatError

__all__ = ["PolisConversation", "read_polis", "write_opendata", "write_polis_json"]


@dataclass(frozen=True)
class PolisConversation:
    """Vote events and statement metadata of one Polis conversation."""

    participant_ids: NDArray[np.int64]
    statement_ids: NDArray[np.int64]
    votes: NDArray[np.int8]
    timestamps: NDArray[np.int64]
    mod_out: tuple[int, ...] = ()
    meta: tuple[int, ...] = ()
    texts: dict[int, str] = field(default_factory=dict)
    moderation: dict[int, int] = field(default_factory=dict)


def read_polis(folder: str | Path) -> PolisConversation:
    """Read a conversation folder in the openData CSV or the Polis API JSON layout.

    Raises
    ------
    InputFormatError
        When neither ``votes.csv`` nor ``votes.json`` is there, or a file is malformed.
    """
    path = Path(folder)
    if (path / "votes.csv").is_file():
        return _read_opendata(path)
    if (path / "votes.json").is_file():
        return _read_api(path)
    raise InputFormatError(f"{path}: no votes.csv (openData export) nor votes.json (Polis API)")


def _read_opendata(path: Path) -> PolisConversation:
    votes_file = path / "votes.csv"
    with open(votes_file, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        try:
            cols = [header.index(name) for name in ("voter-id", "comment-id", "vote", "timestamp")]
            table = np.array(
                [[row[c] for c in cols] for row in reader if row], dtype=np.float64
            ).reshape(-1, 4)
        except (ValueError, IndexError) as error:
            raise InputFormatError(f"{votes_file}: not an openData votes file ({error})") from error
    pids, tids, votes, times = (table[:, i].astype(np.int64) for i in range(4))
    texts: dict[int, str] = {}
    moderation: dict[int, int] = {}
    comments = path / "comments.csv"
    if comments.is_file():
        with open(comments, newline="", encoding="utf-8-sig") as handle:
            for r in csv.DictReader(handle):
                tid = int(r["comment-id"])
                texts[tid] = r.get("comment-body", "") or ""
                moderation[tid] = int(r.get("moderated") or 0)
    mod_out = tuple(sorted(t for t, m in moderation.items() if m == -1))
    return PolisConversation(
        pids, tids, votes.astype(np.int8), times, mod_out, (), texts, moderation
    )


def _read_api(path: Path) -> PolisConversation:
    try:
        records = json.loads((path / "votes.json").read_text(encoding="utf-8"))
        n = len(records)
        # The API says pid/tid; red-dwarf's Loader saves participant_id/statement_id.
        pids = np.fromiter((int(_either(v, "pid", "participant_id")) for v in records), np.int64, n)
        tids = np.fromiter((int(_either(v, "tid", "statement_id")) for v in records), np.int64, n)
        votes = np.fromiter((int(v["vote"]) for v in records), dtype=np.int64, count=n)
        times = np.fromiter((int(float(v.get("modified") or 0)) for v in records), np.int64, n)
    except (KeyError, TypeError, ValueError) as error:
        raise InputFormatError(
            f"{path / 'votes.json'}: not a Polis votes list ({error})"
        ) from error
    texts: dict[int, str] = {}
    moderation: dict[int, int] = {}
    meta: list[int] = []
    comments = path / "comments.json"
    if comments.is_file():
        for c in json.loads(comments.read_text(encoding="utf-8")):
            tid = int(_either(c, "tid", "statement_id"))
            texts[tid] = c.get("txt", "") or ""
            moderation[tid] = int(c.get("mod", c.get("moderated")) or 0)
            if c.get("is_meta"):
                meta.append(tid)
    mod_out = tuple(sorted(t for t, m in moderation.items() if m == -1))
    return PolisConversation(
        pids, tids, votes.astype(np.int8), times, mod_out, tuple(sorted(meta)), texts, moderation
    )


def _either(record: dict[str, Any], key: str, alias: str) -> Any:
    return record[key] if key in record else record[alias]


def write_opendata(conversation: PolisConversation, folder: str | Path) -> None:
    """Write ``votes.csv`` and ``comments.csv`` in the openData export layout."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    c = conversation
    with open(path / "votes.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for t, tid, pid, v in zip(
            c.timestamps, c.statement_ids, c.participant_ids, c.votes, strict=True
        ):
            out.writerow([int(t), "", int(tid), int(pid), int(v)])
    tallies = _tallies(c)
    with open(path / "comments.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for tid in sorted(set(c.texts) | set(tallies)):
            agrees, disagrees = tallies.get(tid, (0, 0))
            out.writerow(
                ["", "", tid, "", agrees, disagrees, c.moderation.get(tid, 0), c.texts.get(tid, "")]
            )


def write_polis_json(conversation: PolisConversation, folder: str | Path) -> None:
    """Write ``votes.json`` and ``comments.json`` in the Polis API layout."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    c = conversation
    votes = [
        {"pid": int(p), "tid": int(t), "vote": int(v), "modified": int(m)}
        for p, t, v, m in zip(
            c.participant_ids, c.statement_ids, c.votes, c.timestamps, strict=True
        )
    ]
    (path / "votes.json").write_text(json.dumps(votes), encoding="utf-8")
    meta = set(c.meta)
    comments = [
        {
            "tid": tid,
            "txt": c.texts.get(tid, ""),
            "mod": c.moderation.get(tid, 0),
            "is_meta": tid in meta,
        }
        for tid in sorted(set(c.texts) | {int(t) for t in np.unique(c.statement_ids)})
    ]
    (path / "comments.json").write_text(json.dumps(comments, ensure_ascii=False), encoding="utf-8")


def _tallies(c: PolisConversation) -> dict[int, tuple[int, int]]:
    """Agrees and disagrees per statement, from each participant's latest vote."""
    from coprod_engine.opinion.matrix import vote_matrix

    m = vote_matrix(c.participant_ids, c.statement_ids, c.votes, timestamps=c.timestamps)
    agrees = np.bincount(m.indices, weights=m.values == 1, minlength=m.shape[1])
    disagrees = np.bincount(m.indices, weights=m.values == -1, minlength=m.shape[1])
    return {
        int(t): (int(a), int(d)) for t, a, d in zip(m.statement_ids, agrees, disagrees, strict=True)
    }

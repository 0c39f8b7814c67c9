"""Import a Polis export into a conversation, and export a conversation in Polis' format.

The file formats are the engine's (``coprod_engine.io.polis``); this module maps them onto the
platform's statements, anonymous voters and votes, idempotently: importing the same export
twice leaves the same conversation.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coprod.opinions.models import Conversation, Statement, StatementStatus, Vote, VoteEvent, Voter
from coprod.opinions.services import POLIS_LINEAGE, map_continue_from_polis, normalise
from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.polis import PolisConversation, read_polis, write_opendata
from coprod_engine.opinion.polis_state import PolisMath, parse_polis_math

POLIS_STATUS = {
    -1: StatementStatus.REJECTED,
    0: StatementStatus.ACCEPTED,
    1: StatementStatus.ACCEPTED,
}


VOTER_PREFIX = "polis-"  # imported voters are anonymous: ``polis-<pid>``


@dataclass(frozen=True)
class PolisGroupsKept:
    """How much of Polis' clustering the first map kept (same votes: all of it, normally)."""

    groups: int
    clustered: int  # people Polis placed in a group
    same_group: int  # of them, those in the group of the same id here


@dataclass(frozen=True)
class ImportSummary:
    statements: int
    voters: int
    votes: int
    polis_groups: PolisGroupsKept | None = None


def polis_math_parse(data: bytes) -> PolisMath:
    """Check an uploaded ``math-pca2.json`` (the Polis server's ``/api/v3/math/pca2``).

    Raises
    ------
    InputFormatError
        Naming what is wrong: not JSON, or the first missing or malformed key.
    """
    try:
        blob = json.loads(data)
    except ValueError as error:  # not JSON, or not UTF-8 text
        raise InputFormatError(f"the file is not JSON ({error})") from error
    return parse_polis_math(blob)


def _latest_votes(
    polis: PolisConversation,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One vote per participant and statement: the latest event, as Polis counts them."""
    order = np.lexsort((polis.timestamps, polis.statement_ids, polis.participant_ids))
    pids, tids = polis.participant_ids[order], polis.statement_ids[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (pids[1:] != pids[:-1]) | (tids[1:] != tids[:-1])
    return pids[last], tids[last], polis.votes[order][last], polis.timestamps[order][last]


@transaction.atomic
def polis_import(
    *, conversation: Conversation, folder: Path, polis_math: PolisMath | None = None
) -> ImportSummary:
    """Add a Polis export's statements, voters (anonymous, ``polis-<pid>``) and latest votes.

    With the Polis server's math blob, the first map continues Polis' own (its groups, with
    their ids) and is stored as the latest map, all in this transaction: a blob that does not
    fit the votes raises ``ValidationError`` on ``math`` and nothing is imported. The blob's
    ``meta-tids`` also mark statements as meta, which the openData export cannot say: new
    ones, and those an earlier import left accepted (:func:`_mark_meta`).
    """
    polis = read_polis(folder)
    # The openData export has no meta flag; the math blob names the meta statements.
    meta = set(polis.meta) | set(polis_math.meta or () if polis_math else ())
    tids = sorted(set(polis.texts) | {int(t) for t in np.unique(polis.statement_ids)})
    existing = {s.polis_tid for s in conversation.statements.filter(polis_tid__isnull=False)}
    _mark_meta(conversation, meta & existing, polis.moderation)
    Statement.objects.bulk_create(
        Statement(
            conversation=conversation,
            text=polis.texts.get(tid, f"#{tid}")[:500],
            normalised=normalise(polis.texts.get(tid, f"#{tid}"))[:500],
            is_seed=False,
            polis_tid=tid,
            status=StatementStatus.META
            if tid in meta
            else POLIS_STATUS.get(polis.moderation.get(tid, 0), StatementStatus.ACCEPTED),
        )
        for tid in tids
        if tid not in existing
    )
    statement_of = {
        tid: pk
        for tid, pk in conversation.statements.values_list("polis_tid", "id")
        if tid is not None
    }
    pids, vote_tids, values, times = _latest_votes(polis)
    keys = {f"{VOTER_PREFIX}{int(p)}" for p in np.unique(pids)}
    Voter.objects.bulk_create(
        [Voter(conversation=conversation, anonymous_key=k) for k in sorted(keys)],
        ignore_conflicts=True,
    )
    voter_of = dict(
        conversation.voters.filter(anonymous_key__in=keys).values_list("anonymous_key", "id")
    )
    now = timezone.now()
    votes = [
        Vote(
            voter_id=voter_of[f"{VOTER_PREFIX}{int(p)}"],
            statement_id=statement_of[int(t)],
            value=int(v),
            updated_at=dt.datetime.fromtimestamp(int(ts) / 1000, tz=dt.UTC) if ts else now,
        )
        for p, t, v, ts in zip(pids, vote_tids, values, times, strict=True)
    ]
    Vote.objects.bulk_create(
        votes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["voter", "statement"],
        update_fields=["value", "updated_at"],
    )
    VoteEvent.objects.bulk_create(
        [
            VoteEvent(
                voter_id=v.voter_id,
                statement_id=v.statement_id,
                value=v.value,
                submission_key=f"polis-{v.statement_id}",
            )
            for v in votes
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    kept = None
    if polis_math is not None:
        kept = _continue_polis_map(
            conversation,
            polis_math,
            voter_of={int(p): voter_of[f"{VOTER_PREFIX}{int(p)}"] for p in np.unique(pids)},
            statement_of=statement_of,
        )
    return ImportSummary(
        statements=len(statement_of), voters=len(voter_of), votes=len(votes), polis_groups=kept
    )


def _mark_meta(conversation: Conversation, tids: set[int], moderation: dict[int, int]) -> None:
    """Set apart, as meta, imported statements still accepted as an earlier import left them.

    An earlier import without the math blob (or from the openData export, which has no meta
    flag) accepted Polis' meta statements; left so, their votes enter the map's PCA and the
    groups drift from Polis'. A statement a person moderated here (``moderated_at`` set:
    accepted, rejected or meta on purpose) stays as they decided. A statement Polis rejected
    yet accepted here was accepted by a person too, before decisions were recorded, so it
    stays accepted as well.
    """
    default_accepted = [
        t for t in tids if POLIS_STATUS.get(moderation.get(t, 0)) == StatementStatus.ACCEPTED
    ]
    conversation.statements.filter(
        polis_tid__in=default_accepted,
        status=StatementStatus.ACCEPTED,
        moderated_at__isnull=True,
    ).update(status=StatementStatus.META)


def _continue_polis_map(
    conversation: Conversation,
    polis_math: PolisMath,
    *,
    voter_of: dict[int, int],
    statement_of: dict[int, int],
) -> PolisGroupsKept:
    """Store the first map, continued from Polis' blob (Polis pids and tids mapped here)."""
    try:
        result = map_continue_from_polis(
            conversation=conversation,
            polis=polis_math,
            voter_of=voter_of,
            statement_of=statement_of,
        )
    except InputFormatError as error:
        raise ValidationError(
            {
                "math": _("This Polis math file does not fit these votes: %(error)s")
                % {"error": error}
            }
        ) from error
    kept = result.result["coprod"][POLIS_LINEAGE]
    return PolisGroupsKept(
        groups=kept["groups"], clustered=kept["clustered"], same_group=kept["same-group"]
    )


def polis_export(*, conversation: Conversation, folder: Path) -> None:
    """Write the conversation's current votes in the openData layout; voters are numbered only."""
    rows = list(
        Vote.objects.filter(statement__conversation=conversation)
        .order_by("updated_at", "id")
        .values_list("voter_id", "statement_id", "value", "updated_at")
    )
    numbers: dict[int, int] = {}
    for voter_id, *_rest in rows:
        numbers.setdefault(voter_id, len(numbers))
    statements = conversation.statements.all()
    polis = PolisConversation(
        participant_ids=np.array([numbers[r[0]] for r in rows], dtype=np.int64),
        statement_ids=np.array([r[1] for r in rows], dtype=np.int64),
        votes=np.array([r[2] for r in rows], dtype=np.int8),
        timestamps=np.array([int(r[3].timestamp() * 1000) for r in rows], dtype=np.int64),
        texts={s.pk: s.text for s in statements},
        moderation={
            s.pk: (
                -1
                if s.status == StatementStatus.REJECTED
                else 1
                if s.status == StatementStatus.ACCEPTED
                else 0
            )
            for s in statements
        },
        meta=tuple(s.pk for s in statements if s.status == StatementStatus.META),
    )
    write_opendata(polis, folder)


def polis_export_zip(*, conversation: Conversation) -> bytes:
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        polis_export(conversation=conversation, folder=Path(tmp))
        archive = Path(tmp) / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name in ("votes.csv", "comments.csv"):
                bundle.write(Path(tmp) / name, name)
        return archive.read_bytes()

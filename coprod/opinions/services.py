"""Writes of opinion maps: conversations, statements, moderation and votes."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import coprod_engine
from coprod.opinions.models import (
    Conversation,
    OpinionMapResult,
    Statement,
    StatementStatus,
    Vote,
    VoteEvent,
    Voter,
    VoteValue,
)
from coprod.processes.models import Idea, IdeaOrigin, Need, Participant, Phase
from coprod.processes.services import idea_submit, need_submit, phase_method_attach

if TYPE_CHECKING:
    from coprod.accounts.models import User
    from coprod_engine.opinion import OpinionMap, PolisMath

METHOD_KEY = "opinion_map"


@transaction.atomic
def conversation_create(
    *, phase: Phase, fields: Mapping[str, Any], seeds: Sequence[str] = ()
) -> Conversation:
    """A conversation in ``phase``, with the facilitators' seed statements, all or nothing."""
    phase_method = phase_method_attach(phase=phase, method_key=METHOD_KEY, config={})
    conversation = Conversation.objects.create(phase_method=phase_method, **fields)
    for text in seeds:
        statement_submit(conversation=conversation, author=None, text=text, is_seed=True)
    return conversation


def voter_for_participant(*, conversation: Conversation, participant: Participant) -> Voter:
    """The participant's voter in this conversation, created on first use (race-safe)."""
    kinds = participant.knowledge_types
    voter, _created = Voter.objects.get_or_create(
        conversation=conversation,
        participant=participant,
        defaults={
            "knowledge_type": kinds[0] if kinds else "",
            "stakeholder_role": participant.stakeholder_role,
        },
    )
    return voter


def voter_for_anonymous(*, conversation: Conversation, key: str) -> Voter:
    if not conversation.allow_anonymous:
        raise ValidationError(_("This conversation asks you to sign in to vote."))
    voter, _created = Voter.objects.get_or_create(conversation=conversation, anonymous_key=key)
    return voter


def normalise(text: str) -> str:
    """Lower case, without accents, punctuation or repeated spaces: to spot duplicates."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", plain)).strip()


@transaction.atomic
def statement_submit(
    *, conversation: Conversation, author: Voter | None, text: str, is_seed: bool = False
) -> Statement:
    """Add a statement; a likely duplicate is kept for moderators instead of being shown twice."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Write a statement.")})
    if len(text) > conversation.statement_max_length:
        raise ValidationError(
            {
                "text": _("Keep it to %(limit)d characters or fewer.")
                % {"limit": conversation.statement_max_length}
            }
        )
    key = normalise(text)
    twin = (
        conversation.statements.filter(normalised=key)
        .exclude(status=StatementStatus.REJECTED)
        .first()
    )
    if twin is not None or (conversation.statements_premoderated and not is_seed):
        status = StatementStatus.PENDING
    else:
        status = StatementStatus.ACCEPTED
    return Statement.objects.create(
        conversation=conversation,
        text=text,
        normalised=key,
        author=author,
        is_seed=is_seed,
        status=status,
        duplicate_of=twin,
    )


@transaction.atomic
def statement_moderate(*, statement: Statement, status: str, by: User) -> Statement:
    """A person's decision on a statement, recorded with who took it and when.

    The record is what tells a person's decision from a status set by a submission or an
    import, so a later Polis import leaves it as decided (``polis_files._mark_meta``).
    """
    if status not in StatementStatus.values:
        raise ValidationError(_("Unknown moderation status."))
    statement.status = status
    statement.moderated_by = by
    statement.moderated_at = timezone.now()
    statement.save(update_fields=["status", "moderated_by", "moderated_at"])
    return statement


@transaction.atomic
def vote_cast(*, voter: Voter, statement: Statement, value: int, submission_key: str) -> Vote:
    """Record a vote once, however often the same submission arrives.

    The submission key makes retries idempotent (one ``VoteEvent`` per key, by a unique
    constraint), and the current vote is an upsert on the (voter, statement) constraint, so
    concurrent requests can neither double a vote nor lose the latest one.
    """
    if value not in VoteValue.values:
        raise ValidationError(_("Choose agree, disagree or pass."))
    if (
        statement.conversation_id != voter.conversation_id
        or statement.status != StatementStatus.ACCEPTED
    ):
        raise ValidationError(_("This statement is not open for votes."))
    if not statement.conversation.is_open:
        raise ValidationError(_("This conversation is closed."))
    event, created = VoteEvent.objects.get_or_create(
        voter=voter,
        submission_key=submission_key,
        defaults={"statement": statement, "value": value},
    )
    if created:
        Vote.objects.bulk_create(
            [Vote(voter=voter, statement=statement, value=value, updated_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["voter", "statement"],
            update_fields=["value", "updated_at"],
        )
    return Vote.objects.get(voter=voter, statement=event.statement)


# The key, in a stored map's ``coprod`` section, of the Polis state its groups descend from.
POLIS_LINEAGE = "continued-from-polis"

# Votes updated this long before the previous map read them are read again, so a vote whose
# transaction committed late is not missed (folding a vote in twice changes nothing).
VOTE_OVERLAP = dt.timedelta(minutes=5)


def _previous_state(conversation: Conversation) -> tuple[OpinionMapResult, Any] | None:
    """The latest map that kept an engine state this engine can use, with that state."""
    from coprod_engine.opinion import state_from_bytes

    latest = (
        conversation.results.filter(
            engine_version=coprod_engine.__version__,
            engine_state__isnull=False,
            votes_read_at__isnull=False,
        )
        .order_by("-computed_at", "-id")
        .first()
    )
    if latest is None:
        return None
    state = state_from_bytes(latest.engine_state)
    return None if state is None else (latest, state)


def _map_options(conversation: Conversation) -> dict[str, Any]:
    """Moderation and labels of the map: rejected and pending statements out, meta apart."""
    statuses = dict(conversation.statements.values_list("id", "status"))
    voters = conversation.voters.values_list("id", "knowledge_type", "stakeholder_role")
    return {
        "mod_out": [
            s
            for s, status in statuses.items()
            if status in (StatementStatus.REJECTED, StatementStatus.PENDING)
        ],
        "meta": [s for s, status in statuses.items() if status == StatementStatus.META],
        "knowledge_types": {v: k for v, k, _r in voters if k},
        "stakeholder_roles": {v: r for v, _k, r in voters if r},
    }


def _map_store(
    *,
    conversation: Conversation,
    result: OpinionMap,
    n_votes: int,
    read_at: dt.datetime,
    lineage: Mapping[str, object],
) -> OpinionMapResult:
    """Store the map as the latest, the only one that keeps its engine state.

    ``lineage`` goes into the map's ``coprod`` section: which map it continued (``update``)
    and whether its groups descend from an imported Polis state (``continued-from-polis``).
    """
    from coprod_engine.opinion import state_to_bytes

    blob = result.as_dict()
    coprod = blob["coprod"]
    assert isinstance(coprod, dict)
    coprod.update(lineage)
    conversation.results.exclude(engine_state=None).update(engine_state=None)
    return OpinionMapResult.objects.create(
        conversation=conversation,
        engine_version=result.engine_version,
        input_hash=result.input_hash,
        n_votes=n_votes,
        result=blob,
        engine_state=state_to_bytes(result.state),
        votes_read_at=read_at,
    )


@transaction.atomic
def map_compute(
    *, conversation: Conversation, seed: int | None = None, incremental: bool = True
) -> OpinionMapResult:
    """Compute the opinion map from the current votes and store it with what replays it.

    Rejected statements are moderated out and meta statements kept apart, as in Polis.
    Knowledge types and stakeholder roles come from each voter, so the map also shows where
    lived experience, practice and research meet.

    When the latest map kept an engine state of this engine version (and the same seed), the
    map continues from it: only the votes changed since that map are read and folded in, and
    the PCA, clusters and k-smoother start where they were, so groups keep their identity
    from one map to the next. If the merged votes do not add up to the current ones (votes
    deleted with a statement or a voter), the map is computed from all votes, still starting
    from that state. ``incremental=False`` computes from scratch without any state.
    """
    from coprod_engine.opinion import opinion_map, opinion_map_update

    read_at = timezone.now()
    votes = Vote.objects.filter(statement__conversation=conversation)
    n_votes = votes.count()
    seed = conversation.pk if seed is None else seed
    options = _map_options(conversation)
    previous = _previous_state(conversation) if incremental else None
    if previous is not None and previous[1].seed != seed:
        previous = None
    result = None
    lineage: dict[str, object] = {}
    if previous is not None:
        since, state = previous
        assert since.votes_read_at is not None
        changed = _vote_columns(votes.filter(updated_at__gte=since.votes_read_at - VOTE_OVERLAP))
        result = opinion_map_update(state, *changed, **options)
        lineage["update"] = {"from-map": since.pk, "votes-read": len(changed[0])}
        if result.state.matrix.nnz != n_votes:
            result = None  # votes were deleted: start again from all of them, with the state
            lineage["update"] = {"from-map": since.pk, "votes-read": n_votes}
        # Groups that descend from Polis' keep the mark as long as each map continues the last.
        polis = since.result.get("coprod", {}).get(POLIS_LINEAGE)
        if polis is not None:
            lineage[POLIS_LINEAGE] = polis
    if result is None:
        result = opinion_map(
            *_vote_columns(votes),
            state=previous[1] if previous is not None else None,
            seed=seed,
            **options,
        )
    return _map_store(
        conversation=conversation,
        result=result,
        n_votes=n_votes,
        read_at=read_at,
        lineage=lineage,
    )


@transaction.atomic
def map_continue_from_polis(
    *,
    conversation: Conversation,
    polis: PolisMath,
    voter_of: Mapping[int, int],
    statement_of: Mapping[int, int],
) -> OpinionMapResult:
    """The first map of an imported Polis conversation, continued from Polis' math blob.

    ``voter_of`` and ``statement_of`` translate the blob's Polis pids and tids into this
    conversation's voters and statements. The map starts from Polis' axes, base and group
    clusters, sticky in-conv and published k (``coprod_engine.opinion.polis_state``), so it
    shows the groups people saw on Polis, with Polis' group ids; stored as the latest map
    with its state, it is what the next maps continue (:func:`map_compute`).

    Raises
    ------
    InputFormatError
        When the blob shares no statement or no clustered participant with the votes.
    """
    from coprod_engine.opinion import opinion_map, polis_state

    read_at = timezone.now()
    votes = Vote.objects.filter(statement__conversation=conversation)
    columns = _vote_columns(votes)
    options = _map_options(conversation)
    # The platform's moderation, not the blob's: it is what every later map will use.
    state = polis_state(
        polis,
        *columns,
        mod_out=options["mod_out"],
        meta=options["meta"],
        participant_of=voter_of,
        statement_of=statement_of,
        seed=conversation.pk,
    )
    result = opinion_map(*columns, state=state, seed=conversation.pk, **options)
    theirs = polis.groups(result.participant_ids, voter_of)
    both = (theirs >= 0) & (result.groups >= 0)
    lineage = {
        POLIS_LINEAGE: {
            "math-tick": polis.math_tick,
            "groups": polis.k,
            "clustered": int((theirs >= 0).sum()),
            "same-group": int((theirs[both] == result.groups[both]).sum()),
        }
    }
    return _map_store(
        conversation=conversation,
        result=result,
        n_votes=len(columns[0]),
        read_at=read_at,
        lineage=lineage,
    )


def _vote_columns(votes: QuerySet[Vote]) -> tuple[list[int], list[int], list[int]]:
    """Voter ids, statement ids and values of the votes, as three columns."""
    rows = list(votes.values_list("voter_id", "statement_id", "value"))
    if not rows:
        return [], [], []
    voter_ids, statement_ids, values = (list(column) for column in zip(*rows, strict=True))
    return voter_ids, statement_ids, values


@transaction.atomic
def statement_promote(
    *, statement: Statement, into: str, knowledge_type: str, by: Participant
) -> Need | Idea:
    """Carry a statement into the spine as a need or an idea, keeping the link both ways.

    The statement's author stays the author when they took part as a participant; an
    anonymous or seed statement is carried by the facilitator who promotes it.
    """
    if into not in ("need", "idea"):
        raise ValidationError(_("A statement becomes a need or an idea."))
    if statement.promoted_need_id or statement.promoted_idea_id:
        raise ValidationError(_("This statement is already in the process's chain."))
    process = statement.conversation.phase_method.phase.process
    author = (
        statement.author.participant if statement.author and statement.author.participant else by
    )
    if into == "need":
        need = need_submit(
            process=process, author=author, title=statement.text, knowledge_type=knowledge_type
        )
        statement.promoted_need = need
        statement.save(update_fields=["promoted_need"])
        return need
    idea = idea_submit(
        process=process,
        author=author,
        title=statement.text,
        needs=[],
        knowledge_type=knowledge_type,
        origin=IdeaOrigin.OPINION_MAP,
        origin_note=str(statement.conversation.question)[:250],
    )
    statement.promoted_idea = idea
    statement.save(update_fields=["promoted_idea"])
    return idea

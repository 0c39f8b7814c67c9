"""Reads of opinion maps: the next statement to show a voter, and progress counts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db.models import Count

from coprod.opinions.models import Conversation, OpinionMapResult, Statement, StatementStatus, Voter


def latest_result(conversation: Conversation) -> OpinionMapResult | None:
    return conversation.results.order_by("-computed_at", "-id").first()


def next_statement(voter: Voter) -> Statement | None:
    """The next statement this voter has not voted on, chosen as Polis routes them.

    With a computed map, statements are drawn with probability proportional to their
    priority (new and divisive statements first); before any map, the least-voted first.
    The draw is seeded by the voter and their progress, so a page reload shows the same one.
    """
    remaining = list(
        voter.conversation.statements.filter(status=StatementStatus.ACCEPTED)
        .exclude(votes__voter=voter)
        .annotate(n_votes=Count("votes"))
        .order_by("n_votes", "id")
    )
    if not remaining:
        return None
    result = latest_result(voter.conversation)
    priorities = (result.result.get("comment-priorities") or {}) if result else {}
    if not priorities:
        return remaining[0]
    # New statements (absent from the last map) get the highest priority seen, as Polis does.
    top = max(priorities.values(), default=1.0)
    weights = [float(priorities.get(str(s.pk), top)) or 1e-9 for s in remaining]
    draw = random.Random(voter.pk * 1_000_003 + voter.votes.count())
    return draw.choices(remaining, weights=weights, k=1)[0]


@dataclass(frozen=True)
class Progress:
    voted: int
    total: int


def voter_progress(voter: Voter) -> Progress:
    total = voter.conversation.statements.filter(status=StatementStatus.ACCEPTED).count()
    return Progress(voted=voter.votes.count(), total=total)

"""Background work of opinion maps: recompute a map after new votes (Django's tasks)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from coprod.opinions.models import Conversation, Vote

# At most one recomputation per conversation in this interval: a busy conversation
# gets a fresh map every few seconds, not one per vote.
THROTTLE = dt.timedelta(seconds=10)


@task()
def recompute_map(conversation_id: int) -> int:
    """Compute and store the map if votes changed since the last one; returns the result id.

    The new map continues from the engine state stored with the last one (votes since then
    folded in, groups kept), see :func:`coprod.opinions.services.map_compute`.
    """
    from coprod.opinions.services import map_compute

    conversation = Conversation.objects.get(pk=conversation_id)
    latest = conversation.results.order_by("-computed_at", "-id").first()
    votes = Vote.objects.filter(statement__conversation=conversation)
    if (
        latest is not None
        and latest.n_votes == votes.count()
        and (
            latest.votes_read_at is None
            or not votes.filter(updated_at__gte=latest.votes_read_at).exists()
        )
    ):
        return latest.pk
    return map_compute(conversation=conversation).pk


def map_refresh_soon(conversation: Conversation) -> None:
    """Ask for a new map after this transaction commits, unless one was computed just now."""
    latest = conversation.results.order_by("-computed_at", "-id").first()
    if latest is not None and timezone.now() - latest.computed_at < THROTTLE:
        return
    transaction.on_commit(lambda: recompute_map.enqueue(conversation.pk))

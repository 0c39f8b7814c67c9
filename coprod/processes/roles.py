"""Who a person is in a process, and which phase is open: the facts permissions read."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.utils import timezone

from coprod.processes.models import Participant, Phase, Process, ProcessRole


def participation_of(user: Any, process: Process) -> Participant | None:
    """The person's participation in ``process``, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache: dict[int, Participant | None] = user.__dict__.setdefault("_coprod_participations", {})
    if process.pk not in cache:
        cache[process.pk] = Participant.objects.filter(process=process, user=user).first()
    return cache[process.pk]


def forget_participations(user: Any) -> None:
    """Drop the per-request cache after the person joins or leaves a process."""
    user.__dict__.pop("_coprod_participations", None)


def process_role_of(user: Any, process: Process) -> str | None:
    participation = participation_of(user, process)
    return participation.process_role if participation else None


def open_phase(process: Process, today: dt.date | None = None) -> Phase | None:
    """The phase running today, if any; when phases overlap, the latest one started."""
    today = today or timezone.localdate()
    return (
        process.phases.filter(starts_on__lte=today, ends_on__gte=today)
        .order_by("-starts_on", "-seq")
        .first()
    )


def is_process_facilitator(user: Any, process: Process) -> bool:
    return process_role_of(user, process) == ProcessRole.FACILITATOR


def anonymous_key(request: Any, scope: str, *, create: bool = False) -> str | None:
    """The random token that stands for an anonymous browser in one method's object.

    Kept in the session under ``scope`` (e.g. ``"opinions-voter-12"``); made on first use only
    when ``create`` is set, so merely looking at a page leaves no trace.
    """
    key: str | None = request.session.get(scope)
    if key is None and create:
        key = secrets.token_urlsafe(24)
        request.session[scope] = key
    return key

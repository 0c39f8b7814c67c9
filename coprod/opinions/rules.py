"""Who may do what in an opinion map: vote, write statements, moderate, run it."""

from __future__ import annotations

from typing import Any

import rules

from coprod.opinions.models import Conversation
from coprod.processes.models import ProcessStatus
from coprod.processes.roles import process_role_of


def _process_open(conversation: Conversation) -> bool:
    return conversation.is_open and conversation.process.status == ProcessStatus.PUBLISHED


@rules.predicate
def can_vote(user: Any, conversation: Conversation) -> bool:
    if not _process_open(conversation):
        return False
    role = process_role_of(user, conversation.process)
    if role is not None:
        return role != "observer"
    return conversation.allow_anonymous


@rules.predicate
def can_write(user: Any, conversation: Conversation) -> bool:
    return conversation.accepts_statements and bool(can_vote(user, conversation))


@rules.predicate
def runs_conversation(user: Any, conversation: Conversation) -> bool:
    return bool(getattr(user, "is_staff", False)) or process_role_of(
        user, conversation.process
    ) in (
        "facilitator",
        "moderator",
    )


rules.add_perm("opinions.vote", can_vote)
rules.add_perm("opinions.write_statement", can_write | runs_conversation)
rules.add_perm("opinions.moderate", runs_conversation)

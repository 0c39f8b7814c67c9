"""Who may do what in a wiki survey: vote, add items, moderate, carry the results."""

from __future__ import annotations

from typing import Any

import rules

from coprod.processes.models import ProcessStatus
from coprod.processes.roles import process_role_of
from coprod.wikisurveys.models import Survey


def _survey_open(survey: Survey) -> bool:
    return survey.is_open and survey.process.status == ProcessStatus.PUBLISHED


@rules.predicate
def can_vote(user: Any, survey: Survey) -> bool:
    if not _survey_open(survey):
        return False
    role = process_role_of(user, survey.process)
    if role is not None:
        return role != "observer"
    return survey.allow_anonymous


@rules.predicate
def can_add_item(user: Any, survey: Survey) -> bool:
    return survey.accepts_items and bool(can_vote(user, survey))


@rules.predicate
def runs_survey(user: Any, survey: Survey) -> bool:
    return bool(getattr(user, "is_staff", False)) or process_role_of(user, survey.process) in (
        "facilitator",
        "moderator",
    )


@rules.predicate
def facilitates_survey(user: Any, survey: Survey) -> bool:
    return (
        bool(getattr(user, "is_staff", False))
        or process_role_of(user, survey.process) == "facilitator"
    )


rules.add_perm("wikisurveys.vote", can_vote)
# Not "add_item": that is the Django model permission of ``Item``, which the admin asks about
# the model (no survey), and this rule needs a survey.
rules.add_perm("wikisurveys.propose_item", can_add_item)
rules.add_perm("wikisurveys.moderate", runs_survey)
rules.add_perm("wikisurveys.carry", facilitates_survey)
# Change the survey, open and close it, print and type paper sheets.
rules.add_perm("wikisurveys.run", facilitates_survey)

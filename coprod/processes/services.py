"""Writes to the spine. Each service is atomic, keyword-only and typed; views call them.

Permission checks happen in the views (``rules``); services check the domain's own
invariants (a rationale for every non-adopted item, a reason for out-of-scope needs...),
which the database constraints then guarantee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coprod.accounts.models import Organisation, User
from coprod.bilingual import active_suffix
from coprod.processes.models import (
    Action,
    ActionContributor,
    ActionStatus,
    ActionUpdate,
    Comment,
    Decision,
    DecisionItem,
    Idea,
    IdeaStatus,
    Indicator,
    KnowledgeType,
    Measurement,
    Need,
    NeedStatus,
    Outcome,
    Participant,
    Phase,
    PhaseMethod,
    Process,
    ProcessRole,
    StakeholderRole,
)
from coprod.processes.registry import ParticipationMethod, method_by_key
from coprod.processes.roles import forget_participations, open_phase


def _in_language(name: str, text: str, language: str | None) -> dict[str, str]:
    """``{"title_fr": text}`` or ``{"title_en": text}``: a participant writes in one language."""
    suffix = language or active_suffix()
    return {f"{name}_{suffix}": text}


@transaction.atomic
def process_create(
    *, created_by: User, lead_organisation: Organisation, fields: Mapping[str, Any]
) -> Process:
    """A new process in draft; its creator becomes its first facilitator."""
    process = Process.objects.create(
        created_by=created_by, lead_organisation=lead_organisation, **fields
    )
    Participant.objects.create(
        process=process,
        user=created_by,
        stakeholder_role=StakeholderRole.MANAGER,
        practical=True,
        process_role=ProcessRole.FACILITATOR,
    )
    return process


@transaction.atomic
def participant_join(
    *,
    process: Process,
    user: User,
    stakeholder_role: str,
    knowledge_types: Iterable[str],
    organisation: Organisation | None = None,
    process_role: str = ProcessRole.PARTICIPANT,
) -> Participant:
    """Join a process; joining twice (a double click, a retry) keeps the first participation."""
    kinds = set(knowledge_types)
    unknown = kinds - set(KnowledgeType.values)
    if unknown:
        raise ValidationError(_("Unknown knowledge type."))
    participant, _created = Participant.objects.get_or_create(
        process=process,
        user=user,
        defaults={
            "stakeholder_role": stakeholder_role,
            "organisation": organisation,
            "process_role": process_role,
            **{kind: kind in kinds for kind in KnowledgeType.values},
        },
    )
    forget_participations(user)
    return participant


@transaction.atomic
def need_submit(
    *,
    process: Process,
    author: Participant | None,
    title: str,
    description: str = "",
    knowledge_type: str,
    language: str | None = None,
) -> Need:
    return Need.objects.create(
        process=process,
        phase=open_phase(process),
        author=author,
        knowledge_type=knowledge_type,
        **_in_language("title", title, language),
        **_in_language("description", description, language),
    )


@transaction.atomic
def idea_submit(
    *,
    process: Process,
    author: Participant | None,
    title: str,
    description: str = "",
    needs: Iterable[Need],
    knowledge_type: str,
    origin: str = "participant",
    origin_note: str = "",
    language: str | None = None,
) -> Idea:
    needs = list(needs)
    if any(need.process_id != process.pk for need in needs):
        raise ValidationError(_("An idea can only address needs of its own process."))
    idea = Idea.objects.create(
        process=process,
        phase=open_phase(process),
        author=author,
        knowledge_type=knowledge_type,
        origin=origin,
        origin_note=origin_note,
        **_in_language("title", title, language),
        **_in_language("description", description, language),
    )
    idea.needs.set(needs)
    return idea


@transaction.atomic
def need_set_status(
    *, need: Need, status: str, reason: str = "", merged_into: Need | None = None
) -> Need:
    """Validate, merge or set aside a need; setting it aside or merging says why or where."""
    if status == NeedStatus.OUT_OF_SCOPE and not reason.strip():
        raise ValidationError({"reason": _("Say why this need is out of scope.")})
    bad_target = (
        merged_into is None
        or merged_into.pk == need.pk
        or merged_into.process_id != need.process_id
    )
    if status == NeedStatus.MERGED and bad_target:
        raise ValidationError(
            {"merged_into": _("Choose another need of this process to merge into.")}
        )
    need.status = status
    need.status_reason = reason.strip()
    need.merged_into = merged_into if status == NeedStatus.MERGED else None
    need.save(update_fields=["status", "status_reason", "merged_into"])
    return need


@transaction.atomic
def comment_add(
    *, author: Participant, target: Need | Idea, body: str, knowledge_type: str
) -> Comment:
    field = "need" if isinstance(target, Need) else "idea"
    return Comment.objects.create(
        author=author, body=body, knowledge_type=knowledge_type, **{field: target}
    )


@transaction.atomic
def contribution_hide(*, contribution: Need | Idea | Comment, reason: str, by: User) -> None:
    """Hide a contribution from the public with a reason that moderators can still read."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for hiding this contribution.")})
    contribution.hidden_at = timezone.now()
    contribution.hidden_reason = reason.strip()
    contribution.hidden_by = by
    contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])


@transaction.atomic
def contribution_restore(*, contribution: Need | Idea | Comment) -> None:
    contribution.hidden_at = None
    contribution.hidden_reason = ""
    contribution.hidden_by = None
    contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])


@dataclass(frozen=True)
class ItemDecided:
    """What a decision says about one idea."""

    idea: Idea
    outcome: str
    rationale_fr: str = ""
    rationale_en: str = ""


@transaction.atomic
def decision_record(
    *,
    process: Process,
    body_fr: str,
    body_en: str = "",
    decided_on: dt.date,
    summary_fr: str = "",
    summary_en: str = "",
    items: Sequence[ItemDecided],
    recorded_by: User | None,
) -> Decision:
    """Record a decision and what it says about each idea; rejection needs a rationale."""
    if not items:
        raise ValidationError(_("A decision says what happens to at least one idea."))
    errors = [
        _("Give the rationale for “%(idea)s”: it was not adopted as is.")
        % {"idea": item.idea.title}
        for item in items
        if item.outcome != Outcome.ADOPTED
        and not (item.rationale_fr.strip() or item.rationale_en.strip())
    ]
    if any(item.idea.process_id != process.pk for item in items):
        errors.append(_("A decision can only decide on ideas of its own process."))
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        process=process,
        body_fr=body_fr,
        body_en=body_en,
        decided_on=decided_on,
        summary_fr=summary_fr,
        summary_en=summary_en,
        recorded_by=recorded_by,
    )
    try:
        DecisionItem.objects.bulk_create(
            DecisionItem(
                decision=decision,
                idea=item.idea,
                outcome=item.outcome,
                rationale_fr=item.rationale_fr.strip(),
                rationale_en=item.rationale_en.strip(),
            )
            for item in items
        )
    except IntegrityError:
        raise ValidationError(_("Each idea appears once in a decision.")) from None
    Idea.objects.filter(pk__in=[item.idea.pk for item in items]).update(status=IdeaStatus.DECIDED)
    return decision


@dataclass(frozen=True)
class CoDeliverer:
    participant: Participant | None = None
    organisation: Organisation | None = None
    role: str = "co_deliverer"
    hours: Decimal = Decimal(0)


@transaction.atomic
def action_create(
    *,
    process: Process,
    fields: Mapping[str, Any],
    decision_items: Iterable[DecisionItem],
    co_deliverers: Iterable[CoDeliverer] = (),
) -> Action:
    """An action following decision items; it must carry out at least one of them."""
    items = list(decision_items)
    if not items:
        raise ValidationError({"decision_items": _("Say which decision this action carries out.")})
    if any(item.outcome in (Outcome.REJECTED, Outcome.DEFERRED) for item in items):
        raise ValidationError(
            {"decision_items": _("An action carries out adopted decisions only.")}
        )
    if any(item.decision.process_id != process.pk for item in items):
        raise ValidationError({"decision_items": _("Choose decisions of this process.")})
    action = Action.objects.create(process=process, **fields)
    action.decision_items.set(items)
    ActionContributor.objects.bulk_create(
        ActionContributor(
            action=action,
            participant=c.participant,
            organisation=c.organisation,
            role=c.role,
            hours=c.hours,
        )
        for c in co_deliverers
    )
    return action


@transaction.atomic
def action_update_add(
    *,
    action: Action,
    happened_on: dt.date,
    status: str,
    progress_pct: int,
    text: str,
    author: User | None,
    language: str | None = None,
) -> ActionUpdate:
    """Add a step to an action's timeline; the action takes the update's status and progress."""
    if status == ActionStatus.COMPLETED:
        progress_pct = 100
    update = ActionUpdate.objects.create(
        action=action,
        happened_on=happened_on,
        status=status,
        progress_pct=progress_pct,
        author=author,
        **_in_language("text", text, language),
    )
    latest = action.updates.order_by("-happened_on", "-created_at").first()
    if latest is not None and latest.pk == update.pk:
        action.status = status
        action.progress_pct = progress_pct
        action.save(update_fields=["status", "progress_pct"])
    return update


@transaction.atomic
def indicator_create(
    *,
    process: Process,
    fields: Mapping[str, Any],
    actions: Iterable[Action] = (),
    needs: Iterable[Need] = (),
) -> Indicator:
    if Indicator.objects.filter(process=process, code=fields["code"]).exists():
        raise ValidationError(
            {"code": _("Another indicator of this process already has this code.")}
        )
    indicator = Indicator.objects.create(process=process, **fields)
    indicator.actions.set(actions)
    indicator.needs.set(needs)
    return indicator


@transaction.atomic
def measurement_add(
    *,
    indicator: Indicator,
    value: Decimal,
    measured_on: dt.date,
    source: str = "",
    entered_by: User | None,
) -> Measurement:
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("A measurement cannot be dated in the future.")})
    return Measurement.objects.create(
        indicator=indicator,
        value=value,
        measured_on=measured_on,
        source=source,
        entered_by=entered_by,
    )


@transaction.atomic
def phase_method_attach(
    *,
    phase: Phase,
    method_key: str,
    config: Mapping[str, Any],
    methods: Iterable[ParticipationMethod] | None = None,
) -> PhaseMethod:
    """Use a participation method in a phase, if the method fits that kind of phase."""
    method = method_by_key(method_key, methods)
    if phase.co_type not in method.co_types:
        raise ValidationError(
            _("%(method)s cannot be used in a %(phase)s phase.")
            % {"method": method.label, "phase": phase.get_co_type_display()}
        )
    return PhaseMethod.objects.create(
        phase=phase, method_key=method.key, config=method.clean_config(config)
    )

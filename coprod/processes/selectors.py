"""Reads of the spine: the chain of what became of a contribution, and who took part."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from coprod.processes.models import (
    Action,
    Comment,
    DecisionItem,
    Idea,
    Indicator,
    KnowledgeType,
    Measurement,
    Need,
    Participant,
    Phase,
    PhaseMethod,
    Process,
    ProcessRole,
    StakeholderRole,
)


def visible_needs(process: Process, *, moderator: bool = False) -> QuerySet[Need]:
    needs = process.needs.select_related("author__user")
    return needs if moderator else needs.filter(hidden_at__isnull=True)


def visible_ideas(process: Process, *, moderator: bool = False) -> QuerySet[Idea]:
    ideas = process.ideas.select_related("author__user").prefetch_related("needs")
    return ideas if moderator else ideas.filter(hidden_at__isnull=True)


@dataclass
class Chain:
    """Everything linked to one contribution along need → idea → decision → action → indicator.

    ``focus`` is where the reader started; the other sets hold its ancestors upstream and
    its descendants downstream, never unrelated siblings.
    """

    focus: Any
    needs: list[Need] = field(default_factory=list)
    ideas: list[Idea] = field(default_factory=list)
    items: list[DecisionItem] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


LEVELS = ("needs", "ideas", "items", "actions", "indicators")


def _downstream(level: str, ids: set[int]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {name: set() for name in LEVELS}
    if level == "needs":
        found["needs"] = ids
        ids = set(
            Idea.objects.filter(needs__in=ids, hidden_at__isnull=True).values_list("id", flat=True)
        )
        level = "ideas"
    if level == "ideas":
        found["ideas"] |= ids
        ids = set(DecisionItem.objects.filter(idea__in=ids).values_list("id", flat=True))
        level = "items"
    if level == "items":
        found["items"] |= ids
        ids = set(Action.objects.filter(decision_items__in=ids).values_list("id", flat=True))
        level = "actions"
    if level == "actions":
        found["actions"] |= ids
        ids = set(Indicator.objects.filter(actions__in=ids).values_list("id", flat=True))
        ids |= set(Indicator.objects.filter(needs__in=found["needs"]).values_list("id", flat=True))
        level = "indicators"
    found["indicators"] |= ids
    return found


def _upstream(level: str, ids: set[int]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {name: set() for name in LEVELS}
    if level == "indicators":
        found["indicators"] = ids
        found["needs"] |= set(Need.objects.filter(indicators__in=ids).values_list("id", flat=True))
        ids = set(Action.objects.filter(indicators__in=ids).values_list("id", flat=True))
        level = "actions"
    if level == "actions":
        found["actions"] |= ids
        ids = set(DecisionItem.objects.filter(actions__in=ids).values_list("id", flat=True))
        level = "items"
    if level == "items":
        found["items"] |= ids
        ids = set(Idea.objects.filter(decision_items__in=ids).values_list("id", flat=True))
        level = "ideas"
    if level == "ideas":
        found["ideas"] |= ids
        ids = set(
            Need.objects.filter(ideas__in=ids, hidden_at__isnull=True).values_list("id", flat=True)
        )
    found["needs"] |= ids
    return found


_LEVEL_OF = {
    Need: "needs",
    Idea: "ideas",
    DecisionItem: "items",
    Action: "actions",
    Indicator: "indicators",
}


def chain_from(focus: Need | Idea | DecisionItem | Action | Indicator) -> Chain:
    """The chain through ``focus``, both ways, with what each page needs to show it."""
    level = _LEVEL_OF[type(focus)]
    down = _downstream(level, {focus.pk})
    up = _upstream(level, {focus.pk})
    ids = {name: down[name] | up[name] for name in LEVELS}
    latest = Measurement.objects.order_by("-measured_on", "-created_at")
    return Chain(
        focus=focus,
        needs=list(Need.objects.filter(id__in=ids["needs"]).order_by("priority_rank", "id")),
        ideas=list(Idea.objects.filter(id__in=ids["ideas"]).order_by("id")),
        items=list(
            DecisionItem.objects.filter(id__in=ids["items"])
            .select_related("decision", "idea")
            .order_by("id")
        ),
        actions=list(
            Action.objects.filter(id__in=ids["actions"])
            .select_related("owner_organisation")
            .order_by("code", "id")
        ),
        indicators=list(
            Indicator.objects.filter(id__in=ids["indicators"])
            .prefetch_related(Prefetch("measurements", queryset=latest))
            .order_by("code")
        ),
    )


@dataclass(frozen=True)
class ParticipationSummary:
    """Who took part and whose knowledge the contributions carry, for the process page."""

    participants: int
    participants_by_knowledge: list[tuple[str, int]]
    participants_by_role: list[tuple[str, int]]
    contributions_by_knowledge: list[tuple[str, int]]
    contributions_by_role: list[tuple[str, int]]


def participation_summary(process: Process) -> ParticipationSummary:
    """Counts by knowledge type and stakeholder role; staff roles are left out of the people."""
    people = Participant.objects.filter(process=process).exclude(
        process_role__in=[ProcessRole.FACILITATOR, ProcessRole.NOTE_TAKER]
    )
    by_knowledge = [(str(k.label), people.filter(**{k.value: True}).count()) for k in KnowledgeType]
    role_counts = dict(
        people.values_list("stakeholder_role")
        .annotate(n=Count("id"))
        .values_list("stakeholder_role", "n")
    )
    contributions: Counter[str] = Counter()
    contributions_by_role: Counter[str] = Counter()
    for model in (Need, Idea):
        rows = model.objects.filter(process=process, hidden_at__isnull=True).values_list(
            "knowledge_type", "author__stakeholder_role"
        )
        for knowledge, role in rows:
            contributions[knowledge] += 1
            contributions_by_role[role or ""] += 1
    comments = Comment.objects.filter(hidden_at__isnull=True, author__process=process).values_list(
        "knowledge_type", "author__stakeholder_role"
    )
    for knowledge, role in comments:
        contributions[knowledge] += 1
        contributions_by_role[role or ""] += 1
    return ParticipationSummary(
        participants=people.count(),
        participants_by_knowledge=by_knowledge,
        participants_by_role=[
            (str(r.label), role_counts[r.value])
            for r in StakeholderRole
            if role_counts.get(r.value)
        ],
        contributions_by_knowledge=[(str(k.label), contributions[k.value]) for k in KnowledgeType],
        contributions_by_role=[
            (str(r.label), contributions_by_role[r.value])
            for r in StakeholderRole
            if contributions_by_role.get(r.value)
        ],
    )


@dataclass(frozen=True)
class MethodEntry:
    """One participation method used in a phase, as the process page lists it."""

    label: str
    url: str
    participants: int


@dataclass(frozen=True)
class PhaseRow:
    """A phase on the process page: the methods it uses and those a facilitator may add."""

    phase: Phase
    methods: list[MethodEntry]
    setups: list[MethodEntry]


def phase_rows(process: Process) -> list[PhaseRow]:
    from coprod.processes.registry import method_by_key, methods_for

    used: dict[int, list[MethodEntry]] = {}
    for phase_method in PhaseMethod.objects.filter(phase__process=process).order_by("id"):
        method = method_by_key(phase_method.method_key)
        used.setdefault(phase_method.phase_id, []).append(
            MethodEntry(
                str(method.label),
                method.entry_url(phase_method),
                method.participation_count(phase_method),
            )
        )
    return [
        PhaseRow(
            phase=phase,
            methods=used.get(phase.pk, []),
            setups=[
                MethodEntry(str(m.label), m.setup_url(phase), 0) for m in methods_for(phase.co_type)
            ],
        )
        for phase in process.phases.all()
    ]


class ClosableVote(Protocol):
    """A method's vote (a budget, a wiki survey) that closes, with time to type paper after it."""

    is_open: bool
    closed_at: dt.datetime | None
    paper_grace_days: int


def paper_deadline(vote: ClosableVote) -> dt.datetime | None:
    """Until when paper collected before the close may be typed (``None`` while it is open)."""
    if vote.is_open or vote.closed_at is None:
        return None
    return vote.closed_at + dt.timedelta(days=vote.paper_grace_days)


def accepts_paper(vote: ClosableVote) -> bool:
    """Paper is typed while the vote is open and during its grace period after the close."""
    deadline = paper_deadline(vote)
    return vote.is_open or (deadline is not None and timezone.now() <= deadline)

"""Reads of participatory budgets: adopted ideas, paper-ballot states, results in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coprod.budgets.models import Ballot, Budget, BudgetResult, PaperBallot, Project
from coprod.processes.models import DecisionItem, Idea, Outcome, Participant, Process


def money(amount: float | int) -> str:
    """An amount of dollars in the active locale, rounded to the dollar."""
    return number_format(round(amount), decimal_pos=0, use_l10n=True, force_grouping=True)


def ballot_errors(*, budget: Budget, projects: Sequence[Project]) -> list[str]:
    """What makes a choice of projects an invalid ballot, in words for the voter."""
    errors = []
    if any(p.budget_id != budget.pk for p in projects):
        errors.append(_("Choose projects of this budget."))
    total = sum(p.cost for p in projects)
    if total > budget.envelope:
        errors.append(
            _("Your projects cost %(total)s $, more than the %(envelope)s $ available.")
            % {"total": money(total), "envelope": money(budget.envelope)}
        )
    if budget.min_projects and len(projects) < budget.min_projects:
        errors.append(
            ngettext(
                "Choose at least %(count)d project.",
                "Choose at least %(count)d projects.",
                budget.min_projects,
            )
            % {"count": budget.min_projects}
        )
    if budget.max_projects and len(projects) > budget.max_projects:
        errors.append(
            ngettext(
                "Choose at most %(count)d project.",
                "Choose at most %(count)d projects.",
                budget.max_projects,
            )
            % {"count": budget.max_projects}
        )
    return errors


def adopted_items(idea: Idea) -> list[DecisionItem]:
    """The decision items that adopted an idea (as is or with changes)."""
    return list(
        idea.decision_items.filter(outcome__in=[Outcome.ADOPTED, Outcome.ADAPTED]).select_related(
            "decision"
        )
    )


def adopted_ideas(process: Process) -> QuerySet[Idea]:
    return process.ideas.filter(
        decision_items__outcome__in=[Outcome.ADOPTED, Outcome.ADAPTED]
    ).distinct()


# What a ballot means: once one is cast (online or on paper), these stay as they were.
LOCKED_BY_VOTES = ("envelope", "min_projects", "max_projects", "rule", "tie_breaking")


def budget_has_votes(budget: Budget) -> bool:
    """Whether a ballot (online, or a paper entry) exists: the envelope and projects are then fixed."""
    return budget.ballots.exists() or PaperBallot.objects.filter(budget=budget).exists()


def latest_result(budget: Budget) -> BudgetResult | None:
    return budget.results.order_by("-computed_at", "-id").first()


def ballot_of(budget: Budget, voter: Participant | None) -> Ballot | None:
    if voter is None:
        return None
    return Ballot.objects.filter(budget=budget, voter=voter).first()


PaperState = Literal["waiting", "agreed", "mismatch"]


def paper_ballot_state(paper: PaperBallot) -> PaperState:
    entries = list(paper.entries.all())
    if len(entries) < 2:
        return "waiting"
    return "agreed" if entries[0].project_ids == entries[1].project_ids else "mismatch"


def counted_paper_ballots(budget: Budget) -> list[list[int]]:
    """The project ids of each paper ballot whose two entries agree."""
    ballots = []
    for paper in budget.paper_ballots.prefetch_related("entries"):
        if paper_ballot_state(paper) == "agreed":
            ballots.append(list(paper.entries.all()[0].project_ids))
    return ballots


@dataclass(frozen=True)
class ExplainedProject:
    project: Project
    selected: bool
    explanation: str
    support: int


def _payments(item: dict[str, Any]) -> str:
    low, high = item.get("min_payment") or 0.0, item.get("max_payment") or 0.0
    count = int(item["payers"])
    if round(low) == round(high):
        return ngettext(
            "%(count)s supporter paid %(amount)s $",
            "%(count)s supporters paid %(amount)s $ each",
            count,
        ) % {"count": count, "amount": money(high)}
    return ngettext(
        "%(count)s supporter paid between %(low)s $ and %(high)s $",
        "%(count)s supporters paid between %(low)s $ and %(high)s $ each",
        count,
    ) % {"count": count, "low": money(low), "high": money(high)}


def explain(item: dict[str, Any]) -> str:
    """One engine explanation (``ProjectExplanation.summary()``) in plain words."""
    reason = item["reason"]
    values = {
        "cost": money(item["cost"]),
        "left": money(item.get("supporters_money_left") or item.get("budget_left") or 0),
        "support": int(item["support"]),
    }
    if reason == "bought_by_supporters":
        return _("Selected: %(payments)s.") % {"payments": _payments(item)}
    texts = {
        "zero_cost": _("Selected: it costs nothing and has support."),
        "utilitarian_completion": _(
            "Selected when the money left was filled by votes: %(left)s $ were left at its turn."
        ),
        "top_by_votes": _(
            "Selected: %(support)s votes, and it fitted in the %(left)s $ left at its turn."
        ),
        "did_not_fit": _("Not selected: %(left)s $ were left at its turn, it needed %(cost)s $."),
        "supporters_lacked_money": _(
            "Not selected: its supporters had %(left)s $ left, it needed %(cost)s $."
        ),
        "outbid": _(
            "Not selected: its supporters could have paid for it, but other projects "
            "cost each of their supporters less."
        ),
        "no_support": _("Not selected: nobody voted for it."),
        "not_reached": _("Not selected: the count stopped before its turn."),
    }
    return texts[reason] % values


def explained_projects(budget: Budget, outcome: dict[str, Any]) -> list[ExplainedProject]:
    """Each project with whether it was selected and why, winners first in the order chosen."""
    projects = {str(p.pk): p for p in budget.projects.all()}
    order = {pid: i for i, pid in enumerate(outcome["selected"])}
    rows = [
        ExplainedProject(
            project=projects[str(item["project"])],
            selected=bool(item["selected"]),
            explanation=explain(item),
            support=int(item["support"]),
        )
        for item in outcome["projects"]
        if str(item["project"]) in projects
    ]
    return sorted(
        rows,
        key=lambda r: (not r.selected, order.get(str(r.project.pk), 0), -r.support, r.project.pk),
    )

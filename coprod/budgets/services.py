"""Writes of participatory budgets: budgets, projects, ballots, paper ballots and results."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coprod.accounts.models import User
from coprod.budgets.counting import count_budget
from coprod.budgets.models import (
    Ballot,
    BallotSubmission,
    Budget,
    BudgetResult,
    PaperBallot,
    PaperEntry,
    Project,
    TieBreaking,
)
from coprod.budgets.selectors import (
    LOCKED_BY_VOTES,
    adopted_items,
    ballot_errors,
    budget_has_votes,
    latest_result,
    paper_ballot_state,
)
from coprod.processes.models import Action, Idea, Need, Participant, Phase
from coprod.processes.selectors import accepts_paper
from coprod.processes.services import action_create, phase_method_attach

METHOD_KEY = "participatory_budget"


def _draw_lot_seed(budget: Budget) -> None:
    # Drawn once, when the lot is chosen, so it is announced before anyone votes.
    if budget.tie_breaking == TieBreaking.LOT and budget.lot_seed is None:
        budget.lot_seed = secrets.randbits(62)


@transaction.atomic
def budget_create(*, phase: Phase, fields: Mapping[str, Any]) -> Budget:
    phase_method = phase_method_attach(phase=phase, method_key=METHOD_KEY, config={})
    budget = Budget(phase_method=phase_method, **fields)
    _draw_lot_seed(budget)
    budget.save()
    return budget


def _refuse_when_voted(budget: Budget, message: str) -> None:
    if budget_has_votes(budget):
        raise ValidationError(message)


@transaction.atomic
def budget_update(*, budget: Budget, fields: Mapping[str, Any]) -> Budget:
    """Change a budget's settings; what gives ballots their meaning is fixed once one is cast.

    The envelope, the counts per ballot, the rule and the tie-breaking are refused once a
    ballot exists (online or on paper); titles, descriptions and the paper grace period
    stay editable. A closed vote is reopened first.
    """
    Budget.objects.select_for_update().get(pk=budget.pk)
    budget.refresh_from_db()
    if not budget.is_open:
        raise ValidationError(_("The vote is closed: reopen it to change the budget."))
    changed = [
        name for name in LOCKED_BY_VOTES if name in fields and fields[name] != getattr(budget, name)
    ]
    if changed:
        _refuse_when_voted(
            budget,
            _(
                "Ballots have been cast: the envelope, the counts per ballot, the rule and "
                "the tie-breaking can no longer change, as they would change what the "
                "ballots mean."
            ),
        )
    for name, value in fields.items():
        setattr(budget, name, value)
    _draw_lot_seed(budget)
    budget.full_clean(exclude=["phase_method"])
    # The settings and a seed drawn for a newly chosen lot; the open/closed state belongs to
    # ``budget_close`` and ``budget_reopen``.
    budget.save(update_fields=[*fields, "lot_seed"])
    return budget


PROJECTS_LOCKED = gettext_lazy(
    "Ballots have been cast: projects can no longer be added, removed or change their cost."
)


@transaction.atomic
def project_create(
    *, budget: Budget, idea: Idea, cost: int, fields: Mapping[str, Any] | None = None
) -> Project:
    """A project put to the vote, from an adopted idea of the budget's process.

    It answers its idea's needs (the facilitator can change them). Refused once a ballot
    is cast: a new project would not have been offered to the earlier voters.
    """
    Budget.objects.select_for_update().get(pk=budget.pk)
    _refuse_when_voted(budget, str(PROJECTS_LOCKED))
    if idea.process_id != budget.process.pk or not adopted_items(idea):
        raise ValidationError({"idea": _("Choose an adopted idea of this process.")})
    if budget.projects.filter(idea=idea).exists():
        raise ValidationError({"idea": _("This idea is already a project of this budget.")})
    if cost <= 0:
        raise ValidationError({"cost": _("A project costs more than 0 $.")})
    project = Project.objects.create(
        budget=budget,
        idea=idea,
        cost=cost,
        title_fr=idea.title_fr,
        title_en=idea.title_en,
        **(fields or {}),
    )
    project.needs.set(idea.needs.all())
    return project


@transaction.atomic
def project_update(
    *, project: Project, fields: Mapping[str, Any], needs: Iterable[Need] | None = None
) -> Project:
    """Change a project's texts and needs at any time, its cost only before the first ballot."""
    budget = Budget.objects.select_for_update().get(pk=project.budget_id)
    project.refresh_from_db()  # a bound form may have changed the instance already
    if "cost" in fields and fields["cost"] != project.cost:
        _refuse_when_voted(budget, str(PROJECTS_LOCKED))
        if fields["cost"] <= 0:
            raise ValidationError({"cost": _("A project costs more than 0 $.")})
    if needs is not None:
        needs = list(needs)
        if any(need.process_id != budget.process.pk for need in needs):
            raise ValidationError({"needs": _("Choose needs of this process.")})
        project.needs.set(needs)
    for name, value in fields.items():
        setattr(project, name, value)
    # Only what the facilitator changed: ``projects_to_actions`` sets ``action`` without
    # the budget lock, and writing back the ``action`` read above would unlink the action
    # (and the next run would create a second one).
    project.save(update_fields=list(fields))
    return project


@transaction.atomic
def project_remove(*, project: Project) -> None:
    """Take a project off the ballot, before the first ballot only."""
    budget = Budget.objects.select_for_update().get(pk=project.budget_id)
    _refuse_when_voted(budget, str(PROJECTS_LOCKED))
    project.delete()


@transaction.atomic
def ballot_submit(
    *, budget: Budget, voter: Participant, project_ids: Iterable[int], submission_key: str
) -> Ballot:
    """Record a voter's ballot once, however often the same submission arrives.

    One ballot per voter (a unique constraint): a new submission replaces its choices, until
    the vote closes. The ballot row is locked while its choices change, so concurrent
    submissions are applied one after the other, and the submission key makes a retry a
    no-op instead of a second ballot or an overwrite of a later choice.
    """
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if not budget.is_open:
        raise ValidationError(_("The vote is closed."))
    if voter.process_id != budget.process.pk:
        raise ValidationError(_("Only participants of this process vote."))
    projects = list(Project.objects.filter(budget=budget, pk__in=set(project_ids)))
    if len(projects) != len(set(project_ids)):
        raise ValidationError(_("Choose projects of this budget."))
    errors = ballot_errors(budget=budget, projects=projects)
    if errors:
        raise ValidationError(errors)
    ballot, _created = Ballot.objects.get_or_create(budget=budget, voter=voter)
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _submission, created = BallotSubmission.objects.get_or_create(
        ballot=ballot,
        submission_key=submission_key,
        defaults={"project_ids": sorted(p.pk for p in projects)},
    )
    if created:
        ballot.projects.set(projects)
        ballot.save(update_fields=["updated_at"])
    return ballot


@transaction.atomic
def paper_entry_add(
    *, budget: Budget, reference: str, project_ids: Iterable[int], entered_by: User
) -> PaperEntry:
    """Type in a paper ballot: the first entry, or the second one that must agree with it.

    The paper ballot counts only when both entries hold the same projects; a mismatch is
    shown to facilitators, who discard the wrong entry and type it again.
    """
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": _("Give the number written on the paper ballot.")})
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if not accepts_paper(budget):
        raise ValidationError(_("The time to enter paper ballots is over."))
    ids = sorted(set(project_ids))
    projects = list(Project.objects.filter(budget=budget, pk__in=ids))
    if len(projects) != len(ids):
        raise ValidationError(_("Choose projects of this budget."))
    errors = ballot_errors(budget=budget, projects=projects)
    if errors:
        raise ValidationError(errors)
    paper, _created = PaperBallot.objects.get_or_create(budget=budget, reference=reference)
    paper = PaperBallot.objects.select_for_update().get(pk=paper.pk)
    taken = set(paper.entries.values_list("seq", flat=True))
    if taken == {1, 2}:
        raise ValidationError({"reference": _("This paper ballot has already been entered twice.")})
    seq = 1 if 1 not in taken else 2
    entry = PaperEntry.objects.create(
        paper_ballot=paper, seq=seq, project_ids=ids, entered_by=entered_by
    )
    if not budget.is_open and paper_ballot_state(paper) == "agreed":
        # A paper ballot counted after the close changes the published result.
        result_compute(budget=budget)
    return entry


@transaction.atomic
def paper_entry_discard(*, entry: PaperEntry) -> None:
    """Drop a wrong entry of a paper ballot that did not agree, so it can be typed again."""
    paper = PaperBallot.objects.select_for_update().get(pk=entry.paper_ballot_id)
    if not accepts_paper(paper.budget):
        raise ValidationError(_("The time to enter paper ballots is over."))
    if paper_ballot_state(paper) != "mismatch":
        raise ValidationError(_("Only entries that disagree can be discarded."))
    entry.delete()
    # The remaining entry becomes the first: the next one typed is its check.
    paper.entries.update(seq=1)


@transaction.atomic
def result_compute(*, budget: Budget) -> BudgetResult:
    """Count the budget with its rule and greedy beside it; reuse the stored result if unchanged."""
    outcome = count_budget(budget)
    latest = latest_result(budget)
    if (
        latest is not None
        and latest.input_hash == outcome.input_hash
        and latest.rule == budget.rule
        and latest.tie_breaking == outcome.tie_breaking
        and latest.seed == outcome.seed
    ):
        return latest
    return BudgetResult.objects.create(
        budget=budget,
        rule=budget.rule,
        tie_breaking=outcome.tie_breaking,
        seed=outcome.seed,
        engine_version=outcome.engine_version,
        input_hash=outcome.input_hash,
        n_ballots=outcome.n_ballots,
        result=outcome.result,
        greedy_result=outcome.greedy_result,
    )


@transaction.atomic
def budget_close(*, budget: Budget) -> BudgetResult:
    """Close the vote and store its result."""
    # The lock waits for ballots being written, so none slips in after the count.
    Budget.objects.select_for_update().get(pk=budget.pk)
    budget.refresh_from_db()
    budget.is_open = False
    budget.closed_at = timezone.now()
    _draw_lot_seed(budget)
    budget.save(update_fields=["is_open", "closed_at", "lot_seed"])
    return result_compute(budget=budget)


@transaction.atomic
def budget_open(*, budget: Budget) -> Budget:
    """Open the vote again (voters may change their ballots); not once projects became actions."""
    Budget.objects.select_for_update().get(pk=budget.pk)
    if budget.projects.filter(action__isnull=False).exists():
        raise ValidationError(
            _("Selected projects have become actions: the vote cannot be reopened.")
        )
    budget.is_open = True
    budget.closed_at = None
    budget.save(update_fields=["is_open", "closed_at"])
    return budget


@transaction.atomic
def projects_to_actions(*, budget: Budget) -> list[Action]:
    """Turn the selected projects of the closed vote into actions carrying out their ideas' decisions.

    Idempotent: a project already turned into an action is skipped.
    """
    if budget.is_open:
        raise ValidationError(_("Close the vote first."))
    result = latest_result(budget)
    if result is None:
        raise ValidationError(_("Close the vote first."))
    selected = [int(pid) for pid in result.result["selected"]]
    created = []
    for project in Project.objects.filter(pk__in=selected, action__isnull=True):
        action = action_create(
            process=budget.process,
            fields={
                "title_fr": project.title_fr,
                "title_en": project.title_en,
                "description_fr": project.description_fr,
                "description_en": project.description_en,
            },
            decision_items=adopted_items(project.idea),
        )
        project.action = action
        project.save(update_fields=["action"])
        created.append(action)
    return created

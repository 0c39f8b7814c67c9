"""Pages of a participatory budget: set it up, add projects, vote, enter paper ballots, results."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coprod.budgets import services
from coprod.budgets.exports import budget_pabulib
from coprod.budgets.forms import (
    BallotForm,
    BudgetForm,
    PaperEntryForm,
    ProjectEditForm,
    ProjectForm,
)
from coprod.budgets.models import Budget, PaperEntry, Project, Rule, TieBreaking
from coprod.budgets.selectors import (
    ballot_of,
    budget_has_votes,
    explained_projects,
    latest_result,
    paper_ballot_state,
)
from coprod.http import INVALID, AuthenticatedRequest, button_action, signed_in_user
from coprod.processes.method_setup import method_setup_page
from coprod.processes.roles import participation_of
from coprod.processes.selectors import accepts_paper, paper_deadline
from coprod.processes.views import method_object_or_404, require


def budget_or_404(request: HttpRequest, pk: int) -> Budget:
    return method_object_or_404(request, Budget.objects.all(), pk)


@login_required
def budget_create(request: AuthenticatedRequest, slug: str, phase_id: int) -> HttpResponse:
    return method_setup_page(
        request,
        slug,
        phase_id,
        form_class=BudgetForm,
        create=lambda phase, form: services.budget_create(
            phase=phase, fields={name: form.cleaned_data[name] for name in BudgetForm.Meta.fields}
        ),
        template="budgets/budget_form.html",
        success_message=_("The budget is ready: add its projects."),
        next_url=lambda budget: reverse("budgets:projects", args=[budget.pk]),
    )


def chosen_ids(form: BallotForm) -> set[int]:
    """The projects ticked in a form, bound or not, so a refused ballot keeps its choices."""
    values = form["projects"].value() or []
    return {int(getattr(v, "pk", v)) for v in values if str(getattr(v, "pk", v)).isdigit()}


def _ballot_context(request: HttpRequest, budget: Budget, form: BallotForm) -> dict[str, object]:
    return {
        "budget": budget,
        "process": budget.process,
        "form": form,
        "chosen": chosen_ids(form),
        "can_vote": request.user.has_perm("budgets.vote", budget),
        "runs_budget": request.user.has_perm("budgets.run", budget),
        "can_see_results": request.user.has_perm("budgets.see_results", budget),
        "has_voted": ballot_of(budget, participation_of(request.user, budget.process)) is not None,
    }


def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballot: every project with its cost, the voter's current choices ticked."""
    budget = budget_or_404(request, pk)
    ballot = ballot_of(budget, participation_of(request.user, budget.process))
    initial = {
        "submission_key": uuid.uuid4().hex,
        "projects": list(ballot.projects.all()) if ballot else [],
    }
    form = BallotForm(initial=initial, budget=budget)
    return render(request, "budgets/ballot.html", _ballot_context(request, budget, form))


@require_POST
def ballot_submit(request: HttpRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.vote", budget)
    voter = participation_of(request.user, budget.process)
    form = BallotForm(request.POST, budget=budget)
    if form.is_valid() and voter is not None:
        try:
            services.ballot_submit(
                budget=budget,
                voter=voter,
                project_ids=[p.pk for p in form.cleaned_data["projects"]],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your ballot is saved. You can change it until the vote closes.")
            )
            return redirect("budgets:budget", budget.pk)
    context = _ballot_context(request, budget, form)
    return render(request, "budgets/ballot.html", context, status=INVALID)


@login_required
def projects(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    form = ProjectForm(request.POST or None, budget=budget)
    locked = budget_has_votes(budget)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_create(
                budget=budget,
                idea=data["idea"],
                cost=data["cost"],
                fields={
                    name: data[name]
                    for name in (
                        "description_fr",
                        "description_en",
                        "feasibility_fr",
                        "feasibility_en",
                    )
                },
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The project is on the ballot."))
            return redirect("budgets:projects", budget.pk)
    context = {"budget": budget, "process": budget.process, "form": form, "locked": locked}
    return render(
        request, "budgets/projects.html", context, status=INVALID if form.is_bound else 200
    )


@login_required
def budget_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change the budget's settings; those that give ballots their meaning are locked once cast."""
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    locked = budget_has_votes(budget)
    form = BudgetForm(request.POST or None, instance=budget, locked=locked)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in BudgetForm.Meta.fields}
        try:
            services.budget_update(budget=budget, fields=fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The budget is saved."))
            return redirect("budgets:projects", budget.pk)
    budget.refresh_from_db()
    context = {"budget": budget, "process": budget.process, "form": form, "locked": locked}
    status = INVALID if form.is_bound else 200
    return render(request, "budgets/budget_edit.html", context, status=status)


@login_required
def project_edit(request: AuthenticatedRequest, pk: int, project_id: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    project = get_object_or_404(Project, pk=project_id, budget=budget)
    locked = budget_has_votes(budget)
    form = ProjectEditForm(request.POST or None, instance=project, locked=locked)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ProjectEditForm.Meta.fields if name != "needs"}
        try:
            services.project_update(project=project, fields=fields, needs=data["needs"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("budgets:projects", budget.pk)
    project.refresh_from_db()
    context = {
        "budget": budget,
        "process": budget.process,
        "project": project,
        "form": form,
        "locked": locked,
    }
    status = INVALID if form.is_bound else 200
    return render(request, "budgets/project_edit.html", context, status=status)


@require_POST
@login_required
def project_remove(request: AuthenticatedRequest, pk: int, project_id: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    project = get_object_or_404(Project, pk=project_id, budget=budget)
    button_action(
        request,
        lambda: services.project_remove(project=project),
        _("The project is off the ballot."),
    )
    return redirect("budgets:projects", budget.pk)


@require_POST
@login_required
def reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    opened = button_action(
        request, lambda: services.budget_open(budget=budget), _("The vote is open again.")
    )
    return redirect("budgets:budget" if opened else "budgets:results", budget.pk)


@require_POST
@login_required
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    services.budget_close(budget=budget)
    messages.success(request, _("The vote is closed and counted."))
    return redirect("budgets:results", budget.pk)


def results(request: HttpRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.see_results", budget)
    result = latest_result(budget) if not budget.is_open else None
    if result is None:
        # Facilitators follow the count before the close; it is stored like the final one.
        result = services.result_compute(budget=budget)
    chosen = explained_projects(budget, result.result)
    context = {
        "budget": budget,
        "process": budget.process,
        "result": result,
        "rule_label": Rule(result.rule).label,
        "tie_label": TieBreaking(result.tie_breaking).label,
        "projects": chosen,
        "winners": [row for row in chosen if row.selected],
        "greedy": [row for row in explained_projects(budget, result.greedy_result) if row.selected],
        "runs_budget": request.user.has_perm("budgets.run", budget),
    }
    return render(request, "budgets/results.html", context)


@login_required
def paper_ballots(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    form = PaperEntryForm(request.POST or None, budget=budget)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.paper_entry_add(
                budget=budget,
                reference=form.cleaned_data["reference"],
                project_ids=[p.pk for p in form.cleaned_data["projects"]],
                entered_by=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("First entry saved: another entry must agree before it counts.")
                if entry.seq == 1
                else _("Second entry saved."),
            )
            return redirect("budgets:paper", budget.pk)
    papers = [
        (paper, paper_ballot_state(paper), list(paper.entries.all()))
        for paper in budget.paper_ballots.prefetch_related("entries")
    ]
    names = {p.pk: str(p.title) for p in budget.projects.all()}
    context = {
        "budget": budget,
        "process": budget.process,
        "form": form,
        "accepts_paper": accepts_paper(budget),
        "paper_deadline": paper_deadline(budget),
        "chosen": chosen_ids(form),
        "papers": [
            (paper, state, [(e, [names.get(i, "?") for i in e.project_ids]) for e in entries])
            for paper, state, entries in papers
        ],
    }
    return render(request, "budgets/paper.html", context, status=INVALID if form.is_bound else 200)


@require_POST
@login_required
def paper_discard(request: AuthenticatedRequest, pk: int, entry_id: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    entry = get_object_or_404(PaperEntry, pk=entry_id, paper_ballot__budget=budget)
    button_action(
        request,
        lambda: services.paper_entry_discard(entry=entry),
        _("Entry discarded: type the paper ballot again."),
    )
    return redirect("budgets:paper", budget.pk)


@login_required
def export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    response = HttpResponse(budget_pabulib(budget), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{budget.pk}.pb"'
    return response


@require_POST
@login_required
def to_actions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    budget = budget_or_404(request, pk)
    require(request, "budgets.run", budget)
    try:
        actions = services.projects_to_actions(budget=budget)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = len(actions)
        messages.success(
            request,
            ngettext(
                "%(count)d action created from the selected projects.",
                "%(count)d actions created from the selected projects.",
                count,
            )
            % {"count": count},
        )
    return redirect("budgets:results", budget.pk)

"""Pages of a wiki survey: vote on pairs, skip, add an item, moderate, see and carry results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coprod.bilingual import active_suffix
from coprod.http import INVALID, AuthenticatedRequest
from coprod.processes.models import KnowledgeType, Phase, StakeholderRole
from coprod.processes.roles import anonymous_key, participation_of
from coprod.processes.views import method_object_or_404, require, visible_process_or_404
from coprod.wikisurveys import services
from coprod.wikisurveys.forms import ItemForm, SkipForm, SurveyForm, VoteForm
from coprod.wikisurveys.models import Appearance, Item, ItemStatus, Survey, Voter
from coprod.wikisurveys.selectors import (
    latest_result,
    ranking_by_group,
    survey_ranking,
    survey_votes,
)


def survey_or_404(request: HttpRequest, pk: int) -> Survey:
    return method_object_or_404(request, Survey.objects.all(), pk)


def current_voter(request: HttpRequest, survey: Survey, *, create: bool = False) -> Voter | None:
    """The voter behind this request: the participant, or an anonymous browser's token."""
    participant = participation_of(request.user, survey.process)
    if participant is not None:
        return services.voter_for_participant(survey=survey, participant=participant)
    if not survey.allow_anonymous:
        return None
    key = anonymous_key(request, f"wikisurveys-voter-{survey.pk}", create=create)
    return services.voter_for_anonymous(survey=survey, key=key) if key else None


def _page(request: HttpRequest, survey: Survey, **forms: Any) -> dict[str, Any]:
    can_vote = request.user.has_perm("wikisurveys.vote", survey)
    voter = current_voter(request, survey, create=True) if can_vote else None
    appearance = services.appearance_next(voter=voter) if voter is not None else None
    return {
        "survey": survey,
        "process": survey.process,
        "appearance": appearance,
        "answered": voter.appearances.filter(answer__isnull=False).count() if voter else 0,
        "can_vote": can_vote,
        "can_add_item": request.user.has_perm("wikisurveys.add_item", survey),
        "can_moderate": request.user.has_perm("wikisurveys.moderate", survey),
        "skip_form": forms.get("skip_form")
        or SkipForm(initial={"appearance": appearance.pk if appearance else None}),
        "item_form": forms.get("item_form") or ItemForm(),
    }


def survey(request: HttpRequest, pk: int) -> HttpResponse:
    found = survey_or_404(request, pk)
    return render(request, "wikisurveys/survey.html", _page(request, found))


def _voter_and_appearance(
    request: HttpRequest, survey: Survey, appearance_id: int
) -> tuple[Voter, Appearance]:
    if not request.user.has_perm("wikisurveys.vote", survey):
        raise PermissionDenied
    voter = current_voter(request, survey)
    appearance = get_object_or_404(
        Appearance.objects.select_related("survey"), pk=appearance_id, survey=survey
    )
    if voter is None or appearance.voter_id != voter.pk:
        raise PermissionDenied
    return voter, appearance


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    found = survey_or_404(request, pk)
    if not request.user.has_perm("wikisurveys.vote", found):
        raise PermissionDenied
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your vote could not be read. Please choose again."))
        return render(request, "wikisurveys/survey.html", _page(request, found), status=INVALID)
    voter, appearance = _voter_and_appearance(request, found, form.cleaned_data["appearance"])
    try:
        services.answer_vote(
            appearance=appearance, voter=voter, winner_id=form.cleaned_data["choice"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "wikisurveys/survey.html", _page(request, found), status=INVALID)
    return redirect("wikisurveys:survey", found.pk)


@require_POST
def skip(request: HttpRequest, pk: int) -> HttpResponse:
    found = survey_or_404(request, pk)
    if not request.user.has_perm("wikisurveys.vote", found):
        raise PermissionDenied
    form = SkipForm(request.POST)
    if form.is_valid():
        voter, appearance = _voter_and_appearance(request, found, form.cleaned_data["appearance"])
        try:
            services.answer_skip(
                appearance=appearance, voter=voter, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Noted: you could not decide. Here is another pair."))
            return redirect("wikisurveys:survey", found.pk)
    context = _page(request, found, skip_form=form)
    return render(request, "wikisurveys/survey.html", context, status=INVALID)


@require_POST
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = survey_or_404(request, pk)
    if not request.user.has_perm("wikisurveys.add_item", found):
        raise PermissionDenied
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.item_submit(
                survey=found,
                author=current_voter(request, found, create=True),
                text=form.cleaned_data["text"],
                language=active_suffix(),
            )
        except ValidationError as error:
            form.add_error("text" if hasattr(error, "error_dict") else None, error)
        else:
            if item.status == ItemStatus.PENDING:
                messages.success(
                    request, _("Thank you! Your idea will be shown once a moderator has read it.")
                )
            else:
                messages.success(request, _("Thank you! Your idea is now offered to the others."))
            return redirect("wikisurveys:survey", found.pk)
    context = _page(request, found, item_form=form)
    return render(request, "wikisurveys/survey.html", context, status=INVALID)


@login_required
def moderate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = survey_or_404(request, pk)
    if not request.user.has_perm("wikisurveys.moderate", found):
        raise PermissionDenied
    if request.method == "POST":
        item = get_object_or_404(Item, pk=request.POST.get("item"), survey=found)
        try:
            services.item_moderate(item=item, status=request.POST.get("status", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Moderation saved."))
        return redirect("wikisurveys:moderate", found.pk)
    context = {
        "survey": found,
        "process": found.process,
        "items": found.items.order_by("status", "id"),
        "statuses": ItemStatus.choices,
    }
    return render(request, "wikisurveys/moderate.html", context)


def _results_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    votes = survey_votes(survey)
    ranking = survey_ranking(survey, votes)
    return {
        "survey": survey,
        "process": survey.process,
        "ranking": ranking,
        "by_knowledge": ranking_by_group(survey, "knowledge_type", KnowledgeType.choices, votes),
        "by_role": ranking_by_group(survey, "stakeholder_role", StakeholderRole.choices, votes),
        "voters": len(set(votes.voters.tolist()) | set(votes.skip_voters.tolist())),
        "result": latest_result(survey),
        "can_carry": request.user.has_perm("wikisurveys.carry", survey),
    }


def results(request: HttpRequest, pk: int) -> HttpResponse:
    found = survey_or_404(request, pk)
    return render(request, "wikisurveys/results.html", _results_context(request, found))


@require_POST
@login_required
def carry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = survey_or_404(request, pk)
    if not request.user.has_perm("wikisurveys.carry", found):
        raise PermissionDenied
    try:
        top = int(request.POST.get("top", ""))
        services.survey_carry(survey=found, top=top)
    except (ValueError, ValidationError) as error:
        message = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else _("Enter how many items to carry, as a whole number.")
        )
        context = _results_context(request, found)
        context["carry_error"] = message
        context["top_value"] = request.POST.get("top", "")
        return render(request, "wikisurveys/results.html", context, status=INVALID)
    messages.success(request, _("The ranking is carried into the next phase."))
    return redirect("wikisurveys:results", found.pk)


@login_required
def survey_create(request: AuthenticatedRequest, slug: str, phase_id: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    phase = get_object_or_404(Phase, pk=phase_id, process=process)
    form = SurveyForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SurveyForm.Meta.fields}
        try:
            created = services.survey_create(
                phase=phase,
                fields=fields,
                needs=form.cleaned_data["needs"],
                ideas=form.cleaned_data["ideas"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The wiki survey is open."))
            return redirect("wikisurveys:survey", created.pk)
    status = INVALID if form.is_bound else 200
    context = {"form": form, "process": process, "phase": phase}
    return render(request, "wikisurveys/survey_form.html", context, status=status)

"""Pages of a wiki survey: vote on pairs, skip, add an item, moderate, see and carry results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coprod.bilingual import active_suffix
from coprod.http import INVALID, AuthenticatedRequest, button_action, signed_in_user
from coprod.processes.method_setup import method_setup_page
from coprod.processes.roles import anonymous_key, participation_of
from coprod.processes.selectors import accepts_paper, paper_deadline
from coprod.processes.views import method_object_or_404
from coprod.wikisurveys import services, tallies
from coprod.wikisurveys.forms import (
    ItemAddForm,
    ItemForm,
    ItemTextForm,
    PaperPrintForm,
    PaperSheetForm,
    SkipForm,
    SurveyEditForm,
    SurveyForm,
    VoteForm,
)
from coprod.wikisurveys.models import Appearance, Item, ItemStatus, PaperSheet, Survey, Voter
from coprod.wikisurveys.selectors import latest_result, survey_has_votes


def survey_or_404(request: HttpRequest, pk: int) -> Survey:
    # The strengths (a float per item) are read by the pair choice alone, fresh from the
    # database: no page needs them on the survey.
    return method_object_or_404(request, Survey.objects.defer("strengths"), pk)


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
        "can_add_item": request.user.has_perm("wikisurveys.propose_item", survey),
        "can_moderate": request.user.has_perm("wikisurveys.moderate", survey),
        "runs_survey": request.user.has_perm("wikisurveys.run", survey),
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
    appearance = get_object_or_404(Appearance, pk=appearance_id, survey=survey)
    if voter is None or appearance.voter_id != voter.pk:
        raise PermissionDenied
    appearance.survey = survey
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
    if not request.user.has_perm("wikisurveys.propose_item", found):
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
        item = get_object_or_404(
            Item.objects.select_related("survey"), pk=request.POST.get("item"), survey=found
        )
        status = request.POST.get("status", "")
        button_action(
            request,
            lambda: services.item_moderate(item=item, status=status),
            _("Moderation saved."),
        )
        return redirect("wikisurveys:moderate", found.pk)
    context = {
        "survey": found,
        "process": found.process,
        "items": found.items.order_by("status", "id"),
        "statuses": ItemStatus.choices,
        "runs_survey": request.user.has_perm("wikisurveys.run", found),
    }
    return render(request, "wikisurveys/moderate.html", context)


def _results_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    # The stored results, not the answers: see tallies.results_for_page.
    results = tallies.results_for_page(survey=survey)
    return {
        "survey": survey,
        "process": survey.process,
        "results": results,
        "ranking": results.ranking,
        "by_knowledge": results.by_knowledge,
        "by_role": results.by_role,
        "voters": results.voters,
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
    return method_setup_page(
        request,
        slug,
        phase_id,
        form_class=SurveyForm,
        form_kwargs=lambda process: {"process": process},
        create=lambda phase, form: services.survey_create(
            phase=phase,
            fields={name: form.cleaned_data[name] for name in SurveyForm.Meta.fields},
            needs=form.cleaned_data["needs"],
            ideas=form.cleaned_data["ideas"],
        ),
        template="wikisurveys/survey_form.html",
        success_message=_("The wiki survey is open."),
        next_url=lambda survey: reverse("wikisurveys:survey", args=[survey.pk]),
    )


def run_survey_or_404(request: HttpRequest, pk: int) -> Survey:
    """The survey, for the facilitators who change it, open or close it and handle paper."""
    found = survey_or_404(request, pk)
    if not request.user.has_perm("wikisurveys.run", found):
        raise PermissionDenied
    return found


def _edit_context(survey: Survey, **forms: Any) -> dict[str, Any]:
    locked = survey_has_votes(survey)
    return {
        "survey": survey,
        "process": survey.process,
        "form": forms.get("form") or SurveyEditForm(instance=survey, locked=locked),
        "item_form": forms.get("item_form") or ItemAddForm(survey=survey),
        "items": survey.items.select_related("need", "idea").order_by("status", "id"),
        "locked": locked,
    }


@login_required
def survey_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = run_survey_or_404(request, pk)
    if request.method != "POST":
        return render(request, "wikisurveys/survey_edit.html", _edit_context(found))
    form = SurveyEditForm(request.POST, instance=found, locked=survey_has_votes(found))
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SurveyEditForm.Meta.fields}
        try:
            services.survey_update(survey=found, fields=fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("wikisurveys:edit", found.pk)
    found.refresh_from_db()
    context = _edit_context(found, form=form)
    return render(request, "wikisurveys/survey_edit.html", context, status=INVALID)


@require_POST
@login_required
def items_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = run_survey_or_404(request, pk)
    form = ItemAddForm(request.POST, survey=found)
    if form.is_valid():
        try:
            services.items_add(survey=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The items are added to the pairs."))
            return redirect("wikisurveys:edit", found.pk)
    context = _edit_context(found, item_form=form)
    return render(request, "wikisurveys/survey_edit.html", context, status=INVALID)


@login_required
def item_edit(request: AuthenticatedRequest, pk: int, item_id: int) -> HttpResponse:
    found = run_survey_or_404(request, pk)
    item = get_object_or_404(Item.objects.select_related("survey"), pk=item_id, survey=found)
    form = ItemTextForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=item,
                text_fr=form.cleaned_data["text_fr"],
                text_en=form.cleaned_data["text_en"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The item is saved."))
            return redirect("wikisurveys:edit", found.pk)
    item.refresh_from_db()
    context = {"survey": found, "process": found.process, "item": item, "form": form}
    status = INVALID if form.is_bound else 200
    return render(request, "wikisurveys/item_edit.html", context, status=status)


@require_POST
@login_required
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = run_survey_or_404(request, pk)
    services.survey_close(survey=found)
    messages.success(request, _("The survey is closed: its ranking no longer moves."))
    return redirect("wikisurveys:results", found.pk)


@require_POST
@login_required
def reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = run_survey_or_404(request, pk)
    services.survey_open(survey=found)
    messages.success(request, _("The survey is open again."))
    return redirect("wikisurveys:survey", found.pk)


def _paper_context(survey: Survey, form: PaperPrintForm) -> dict[str, Any]:
    return {
        "survey": survey,
        "process": survey.process,
        "form": form,
        "sheets": survey.paper_sheets.select_related("entered_by"),
        "accepts_paper": accepts_paper(survey),
        "paper_deadline": paper_deadline(survey),
    }


@login_required
def paper_sheets(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The numbered paper sheets: print new ones, see which were typed in."""
    found = run_survey_or_404(request, pk)
    form = PaperPrintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sheets = services.paper_sheets_print(survey=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The sheets are ready to print."))
            url = reverse("wikisurveys:paper_print", args=[found.pk])
            return redirect(f"{url}?from={sheets[0].number}&to={sheets[-1].number}")
    status = INVALID if form.is_bound else 200
    return render(request, "wikisurveys/paper.html", _paper_context(found, form), status=status)


def _sheet_numbers(request: HttpRequest) -> tuple[int, int]:
    try:
        return int(request.GET.get("from", 1)), int(request.GET.get("to", 10**9))
    except ValueError:
        return 1, 10**9


@login_required
def paper_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Sheets ``from``..``to`` (by number), one per printed page (the print stylesheet)."""
    found = run_survey_or_404(request, pk)
    low, high = _sheet_numbers(request)
    sheets = [
        (sheet, list(sheet.voter.appearances.select_related("left", "right").order_by("id")))
        for sheet in found.paper_sheets.filter(number__gte=low, number__lte=high)
    ]
    context = {"survey": found, "process": found.process, "sheets": sheets}
    return render(request, "wikisurveys/paper_print.html", context)


@login_required
def paper_sheet(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    """Type in one sheet as marked; typing it again checks it against the first typing."""
    found = run_survey_or_404(request, pk)
    sheet = get_object_or_404(PaperSheet, survey=found, number=number)
    appearances = list(sheet.voter.appearances.select_related("left", "right").order_by("id"))
    form = PaperSheetForm(request.POST or None, appearances=appearances)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("clear"):
                services.paper_sheet_clear(sheet=sheet)
                messages.success(request, _("The typing is cleared: type the sheet again."))
                return redirect("wikisurveys:paper_sheet", found.pk, number)
            services.paper_sheet_enter(
                sheet=sheet, marks=form.marks(), entered_by=signed_in_user(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The sheet is counted."))
            return redirect("wikisurveys:paper", found.pk)
    context = {
        "survey": found,
        "process": found.process,
        "sheet": sheet,
        "form": form,
        "accepts_paper": accepts_paper(found),
    }
    status = INVALID if form.is_bound else 200
    return render(request, "wikisurveys/paper_sheet.html", context, status=status)

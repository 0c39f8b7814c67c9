"""Pages of a workshop: set up, register, check in on the day, form tables, take a table's
notes, print, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coprod.http import INVALID, AuthenticatedRequest, signed_in_user
from coprod.processes import services as spine
from coprod.processes.forms import JoinForm
from coprod.processes.method_setup import method_setup_page
from coprod.processes.roles import participation_of
from coprod.processes.views import method_object_or_404, require
from coprod.workshops import selectors, services
from coprod.workshops.forms import (
    CandidateFilterForm,
    NoteForm,
    NoteTakerForm,
    RegisterPeopleForm,
    ReseatForm,
    RoundForm,
    TableContributionForm,
    WalkInForm,
    WorkshopForm,
)
from coprod.workshops.models import Registration, Round, SeatRole, Table, Workshop
from coprod.workshops.seating import RoundSettings, RulesCannotBeMet, explain, person_id


def workshop_or_404(request: HttpRequest, pk: int) -> Workshop:
    return method_object_or_404(request, Workshop.objects.all(), pk)


def _running(request: HttpRequest, pk: int) -> Workshop:
    workshop = workshop_or_404(request, pk)
    require(request, "workshops.run", workshop)
    return workshop


@login_required
def workshop_create(request: AuthenticatedRequest, slug: str, phase_id: int) -> HttpResponse:
    return method_setup_page(
        request,
        slug,
        phase_id,
        form_class=WorkshopForm,
        create=lambda phase, form: services.workshop_create(
            phase=phase, fields={name: form.cleaned_data[name] for name in WorkshopForm.Meta.fields}
        ),
        template="workshops/workshop_form.html",
        success_message=_("The workshop is open for registration."),
        next_url=lambda workshop: reverse("workshops:workshop", args=[workshop.pk]),
    )


def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = workshop_or_404(request, pk)
    participant = participation_of(request.user, workshop.process)
    registration = selectors.registration_of(workshop, participant)
    context = {
        "workshop": workshop,
        "process": workshop.process,
        "registration": registration,
        "position": selectors.waitlist_position(registration)
        if registration and registration.status == "waitlisted"
        else None,
        "attendance": selectors.attendance(workshop),
        "seats": selectors.seats_of(workshop, participant),
        "can_register": request.user.has_perm("workshops.register", workshop),
        "runs": request.user.has_perm("workshops.run", workshop),
    }
    return render(request, "workshops/workshop.html", context)


@login_required
def register(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Register oneself; a person not yet in the process joins it first, on the same form."""
    workshop = workshop_or_404(request, pk)
    require(request, "workshops.register", workshop)
    participant = participation_of(request.user, workshop.process)
    form = JoinForm(request.POST or None) if participant is None else None
    if request.method == "POST":
        if form is not None:
            if not form.is_valid():
                context = {"workshop": workshop, "form": form}
                return render(request, "workshops/register.html", context, status=INVALID)
            participant = spine.participant_join(
                process=workshop.process,
                user=request.user,
                stakeholder_role=form.cleaned_data["stakeholder_role"],
                knowledge_types=form.cleaned_data["knowledge_types"],
                organisation=form.cleaned_data["organisation"],
            )
        assert participant is not None
        registration = services.registration_create(workshop=workshop, participant=participant)
        if registration.status == "registered":
            messages.success(request, _("You are registered. See you there!"))
        else:
            messages.info(request, _("The workshop is full: you are on the waiting list."))
        return redirect("workshops:workshop", workshop.pk)
    return render(request, "workshops/register.html", {"workshop": workshop, "form": form})


@require_POST
@login_required
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    workshop = workshop_or_404(request, pk)
    registration = selectors.registration_of(
        workshop, participation_of(request.user, workshop.process)
    )
    if registration is None:
        raise PermissionDenied
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("workshops:workshop", workshop.pk)


@login_required
def registrations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The facilitator registers participants, filtered by how they were recruited and role."""
    workshop = _running(request, pk)
    filters = CandidateFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    candidates = selectors.candidates(
        workshop, recruited_via=chosen.get("recruited_via", ""), role=chosen.get("role", "")
    )
    form = RegisterPeopleForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data["people"])
        for participant in people:
            services.registration_create(workshop=workshop, participant=participant)
        count = len(people)
        messages.success(
            request,
            ngettext("%(count)d person registered.", "%(count)d people registered.", count)
            % {"count": count},
        )
        return redirect(request.get_full_path())
    context = {
        "workshop": workshop,
        "filters": filters,
        "form": form,
        "attendance": selectors.attendance(workshop),
        "registered": selectors.checkin_rows(workshop),
    }
    status = INVALID if form.is_bound else 200
    return render(request, "workshops/registrations.html", context, status=status)


def _check_in_page(
    request: HttpRequest, workshop: Workshop, walk_in: WalkInForm | None = None, status: int = 200
) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context = {
        "workshop": workshop,
        "query": query,
        "rows": selectors.checkin_rows(workshop, query),
        "attendance": selectors.attendance(workshop),
        "walk_in": walk_in or WalkInForm(candidates=selectors.candidates(workshop)),
    }
    return render(request, "workshops/check_in.html", context, status=status)


@login_required
def check_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _check_in_page(request, _running(request, pk))


@require_POST
@login_required
def check_in_toggle(request: AuthenticatedRequest, pk: int, registration_id: int) -> HttpResponse:
    workshop = _running(request, pk)
    registration = get_object_or_404(Registration, pk=registration_id, workshop=workshop)
    present = request.POST.get("present") == "1"
    try:
        services.registration_check_in(registration=registration, present=present)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    query = request.POST.get("q", "")
    url = reverse("workshops:check_in", args=[workshop.pk])
    search = f"?{urlencode({'q': query})}" if query else ""
    return redirect(f"{url}{search}#reg-{registration.pk}")


@require_POST
@login_required
def walk_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    workshop = _running(request, pk)
    form = WalkInForm(request.POST, candidates=selectors.candidates(workshop))
    if not form.is_valid():
        return _check_in_page(request, workshop, form, status=INVALID)
    try:
        services.walk_in_check_in(workshop=workshop, participant=form.cleaned_data["participant"])
    except ValidationError as error:
        form.add_error(None, error)
        return _check_in_page(request, workshop, form, status=INVALID)
    messages.success(
        request,
        _("%(name)s is registered and checked in.")
        % {"name": form.cleaned_data["participant"].user},
    )
    return redirect("workshops:check_in", workshop.pk)


def _rounds_context(workshop: Workshop, form: RoundForm) -> dict[str, object]:
    return {
        "workshop": workshop,
        "form": form,
        "rounds": selectors.rounds_with_tables(workshop),
        "present": form.present,
        "note_taker_form": NoteTakerForm(process=workshop.process),
    }


@login_required
def rounds(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The rounds formed so far, and the rules form for the next one."""
    workshop = _running(request, pk)
    present = services.seatable(workshop)
    latest = workshop.rounds.order_by("-number").first()
    initial = RoundForm.initial_from(RoundSettings.from_dict(latest.rules)) if latest else {}
    form = RoundForm(request.POST or None, present=present, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_form(workshop=workshop, settings=form.settings())
        except RulesCannotBeMet as error:
            names = {person_id(p.pk): str(p.user) for p in present}
            for problem in error.problems:
                form.add_error(None, explain(problem, names))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Round %(number)s is formed.") % {"number": round_.number})
            return redirect(
                f"{reverse('workshops:rounds', args=[workshop.pk])}#round-{round_.number}"
            )
    status = INVALID if form.is_bound else 200
    return render(request, "workshops/rounds.html", _rounds_context(workshop, form), status=status)


def _round_or_404(workshop: Workshop, number: int) -> Round:
    return get_object_or_404(Round, workshop=workshop, number=number)


@require_POST
@login_required
def reseat(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    workshop = _running(request, pk)
    round_ = _round_or_404(workshop, number)
    seated = round_.seats.exclude(role=SeatRole.NOTE_TAKER).values("participant_id")
    form = ReseatForm(request.POST, seated=workshop.process.participants.filter(pk__in=seated))
    if form.is_valid():
        try:
            services.round_reseat(round_=round_, absent=form.cleaned_data["absent"])
        except RulesCannotBeMet as error:
            names = {person_id(p.pk): str(p.user) for p in services.seatable(workshop)}
            messages.error(request, " ".join(explain(p, names) for p in error.problems))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The round is re-seated; seated people kept their table."))
    else:
        messages.error(request, _("Choose who has left."))
    return redirect(f"{reverse('workshops:rounds', args=[workshop.pk])}#round-{number}")


@require_POST
@login_required
def note_taker(request: AuthenticatedRequest, pk: int, table_id: int) -> HttpResponse:
    workshop = _running(request, pk)
    table = get_object_or_404(Table, pk=table_id, round__workshop=workshop)
    form = NoteTakerForm(request.POST, process=workshop.process)
    if form.is_valid():
        services.table_note_taker_set(table=table, participant=form.cleaned_data["participant"])
        messages.success(request, _("The note-taker is assigned."))
    else:
        messages.error(request, _("Choose a note-taker."))
    return redirect(f"{reverse('workshops:rounds', args=[workshop.pk])}#table-{table.pk}")


@login_required
def print_round(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    workshop = _running(request, pk)
    round_ = _round_or_404(workshop, number)
    tables = selectors.rounds_with_tables(workshop).get(pk=round_.pk).tables.all()
    context = {"workshop": workshop, "round": round_, "tables": tables}
    return render(request, "workshops/print.html", context)


def _table_context(request: HttpRequest, table: Table, **forms: object) -> dict[str, object]:
    process = table.round.workshop.process
    return {
        "workshop": table.round.workshop,
        "table": table,
        "seats": table.seats.select_related("participant__user").order_by("role"),
        "notes": table.notes.all(),
        "contributions": table.contributions.select_related("idea", "need"),
        "knowledge_types": services.table_knowledge_types(table),
        "can_write": request.user.has_perm("workshops.take_notes", table),
        "note_form": forms.get("note_form") or NoteForm(),
        "contribution_form": forms.get("contribution_form")
        or TableContributionForm(process=process),
    }


def table_detail(request: HttpRequest, pk: int, table_id: int) -> HttpResponse:
    """A table's page: who sits there, and for its note-taker, notes, needs and ideas."""
    workshop = workshop_or_404(request, pk)
    table = get_object_or_404(
        Table.objects.select_related("round__workshop"), pk=table_id, round__workshop=workshop
    )
    require(request, "workshops.see_table", table)
    if request.method != "POST":
        return render(request, "workshops/table.html", _table_context(request, table))
    require(request, "workshops.take_notes", table)
    if "text" in request.POST:
        note_form = NoteForm(request.POST)
        if not note_form.is_valid():
            context = _table_context(request, table, note_form=note_form)
            return render(request, "workshops/table.html", context, status=INVALID)
        services.table_note_add(
            table=table, author=signed_in_user(request), text=note_form.cleaned_data["text"]
        )
        messages.success(request, _("Note saved."))
        return redirect("workshops:table", workshop.pk, table.pk)
    form = TableContributionForm(request.POST, process=workshop.process)
    if not form.is_valid():
        context = _table_context(request, table, contribution_form=form)
        return render(request, "workshops/table.html", context, status=INVALID)
    data = form.cleaned_data
    if data["kind"] == "idea":
        idea = services.table_idea_create(
            table=table, title=data["title"], description=data["description"], needs=data["needs"]
        )
        messages.success(
            request, _("The idea “%(title)s” is in the process.") % {"title": idea.title}
        )
    else:
        need = services.table_need_create(
            table=table, title=data["title"], description=data["description"]
        )
        messages.success(
            request, _("The need “%(title)s” is in the process.") % {"title": need.title}
        )
    return redirect("workshops:table", workshop.pk, table.pk)


def results(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = workshop_or_404(request, pk)
    context = {
        "workshop": workshop,
        "results": selectors.workshop_results(workshop),
        "attendance": selectors.attendance(workshop),
        "small_cell": selectors.SMALL_CELL,
    }
    return render(request, "workshops/results.html", context)

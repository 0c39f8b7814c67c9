"""Pages of a citizen panel: recruit, import the pool, set quotas, announce, draw, audit, replace."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coprod.http import INVALID, AuthenticatedRequest, signed_in_user
from coprod.panels import services
from coprod.panels.bundle import replay_bundle
from coprod.panels.forms import AnnounceForm, PanelForm, PoolImportForm, QuotasForm, VolunteerForm
from coprod.panels.imports import PoolFileError
from coprod.panels.models import Member, Panel, PanelStatus
from coprod.panels.selectors import (
    Bounds,
    composition,
    draw_of,
    features_of,
    members_of,
    pool_of,
    pool_rows,
    quotas_explained,
    volunteering_of,
)
from coprod.processes.method_setup import method_setup_page
from coprod.processes.views import method_object_or_404, require


def panel_or_404(request: HttpRequest, pk: int) -> Panel:
    return method_object_or_404(request, Panel.objects.all(), pk)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _context(request: HttpRequest, panel: Panel, **extra: object) -> dict[str, object]:
    return {
        "panel": panel,
        "process": panel.process,
        "runs_panel": request.user.has_perm("panels.run", panel),
        **extra,
    }


@login_required
def panel_create(request: AuthenticatedRequest, slug: str, phase_id: int) -> HttpResponse:
    return method_setup_page(
        request,
        slug,
        phase_id,
        form_class=PanelForm,
        create=lambda phase, form: services.panel_create(
            phase=phase, fields={name: form.cleaned_data[name] for name in PanelForm.Meta.fields}
        ),
        template="panels/panel_form.html",
        success_message=_("The panel is ready: import its pool or share its form."),
        next_url=lambda panel: reverse("panels:pool", args=[panel.pk]),
    )


def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = panel_or_404(request, pk)
    context = _context(
        request,
        panel,
        draw=draw_of(panel),
        can_volunteer=request.user.has_perm("panels.volunteer", panel),
        mine=volunteering_of(panel, request.user),
        pool_size=len(pool_of(panel)),
    )
    return render(request, "panels/panel.html", context)


def volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    """The recruitment form: public, works without JavaScript and on a phone."""
    panel = panel_or_404(request, pk)
    require(request, "panels.volunteer", panel)
    user = request.user if request.user.is_authenticated else None
    initial = {"name": getattr(user, "display_name", ""), "email": getattr(user, "email", "")}
    form = VolunteerForm(request.POST or None, panel=panel, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_register(
                panel=panel,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                values=form.values(),
                consent=form.cleaned_data["consent"],
                language=get_language(),
                user=signed_in_user(request) if user else None,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: you are in the pool. We sent you an e-mail with a link to "
                    "withdraw at any time, and will write to you after the draw."
                ),
            )
            return redirect("panels:panel", panel.pk)
    return render(
        request,
        "panels/volunteer.html",
        _context(request, panel, form=form),
        status=INVALID if form.is_bound else 200,
    )


@login_required
def pool(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The pool (facilitators only: names and e-mails) and the CSV import."""
    panel = panel_or_404(request, pk)
    require(request, "panels.run", panel)
    form = PoolImportForm(request.POST or None, request.FILES or None)
    file_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        features = form.cleaned_data["features"]
        try:
            added = services.pool_import(
                panel=panel,
                people=form.cleaned_data["people"].read(),
                features=features.read() if features else None,
                consent_source=form.cleaned_data["consent_source"],
                form_version=form.cleaned_data["form_version"],
            )
        except PoolFileError as error:
            file_errors = error.errors
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d volunteer imported.", "%(count)d volunteers imported.", len(added)
                )
                % {"count": len(added)},
            )
            return redirect("panels:pool", panel.pk)
    context = _context(
        request,
        panel,
        form=form,
        file_errors=file_errors,
        volunteers=pool_rows(panel),
        features=features_of(panel),
    )
    status = INVALID if form.is_bound else 200
    return render(request, "panels/pool.html", context, status=status)


@require_POST
@login_required
def volunteer_remove(request: AuthenticatedRequest, pk: int, volunteer_id: int) -> HttpResponse:
    """Withdraw a volunteer: the person themself, or a facilitator on their request."""
    panel = panel_or_404(request, pk)
    target = get_object_or_404(panel.volunteers, pk=volunteer_id, withdrawn_at__isnull=True)
    runs = request.user.has_perm("panels.run", panel)
    if target.user_id != request.user.pk and not runs:
        raise PermissionDenied
    services.volunteer_withdraw(volunteer=target)
    messages.success(request, _("Withdrawn from the pool: the answers are erased."))
    return redirect("panels:pool" if runs else "panels:panel", panel.pk)


def leave(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The private withdrawal link e-mailed to each volunteer: no account needed."""
    panel = panel_or_404(request, pk)
    target = get_object_or_404(panel.volunteers, withdrawal_token=token, withdrawn_at__isnull=True)
    if request.method == "POST":
        services.volunteer_withdraw(volunteer=target)
        messages.success(request, _("Withdrawn from the pool: the answers are erased."))
        return redirect("panels:panel", panel.pk)
    return render(request, "panels/leave.html", _context(request, panel, volunteering=target))


def _quotas_context(request: HttpRequest, panel: Panel, form: QuotasForm) -> dict[str, object]:
    bounds: Bounds | None = form.bounds() if form.is_bound and form.is_valid() else None
    report = quotas_explained(panel, bounds) if not form.is_bound or bounds is not None else None
    rows = [
        (
            feature,
            [
                (row, form[f"min_{row.category.pk}"], form[f"max_{row.category.pk}"])
                for row in cells
            ],
        )
        for feature, cells in composition(panel)
    ]
    return _context(request, panel, form=form, rows=rows, report=report)


@login_required
def quotas(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The quota editor: targets, pool composition and feasibility (Check, or as you type)."""
    panel = panel_or_404(request, pk)
    require(request, "panels.run", panel)
    form = QuotasForm(request.POST or None, panel=panel)
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "save":
        try:
            services.quotas_save(panel=panel, bounds=form.bounds())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The quotas are saved."))
            return redirect("panels:quotas", panel.pk)
    partial = bool(request.headers.get("HX-Request"))
    # htmx swaps only successful answers: the partial says itself that a number is wrong.
    status = INVALID if form.is_bound and not form.is_valid() and not partial else 200
    template = "panels/_feasibility.html" if partial else "panels/quotas.html"
    return render(request, template, _quotas_context(request, panel, form), status=status)


@login_required
def draw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Announce the seed (which freezes the pool), then run the draw; replace who declines."""
    panel = panel_or_404(request, pk)
    require(request, "panels.run", panel)
    form = AnnounceForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and form.is_valid():
        try:
            if action == "announce":
                services.panel_announce(
                    panel=panel, draw_planned_at=form.cleaned_data["draw_planned_at"]
                )
                messages.success(request, _("The seed is announced and the pool is frozen."))
            else:
                services.panel_draw(panel=panel, drawn_by=request.user, base_url=_base_url(request))
                messages.success(
                    request, _("The panel is drawn; its members and reserves are notified.")
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("panels:draw", panel.pk)
    panel.refresh_from_db()
    record = draw_of(panel)
    context = _context(
        request,
        panel,
        form=form,
        record=record,
        members=members_of(record) if record else [],
        report=quotas_explained(panel) if panel.status == PanelStatus.RECRUITING else None,
        pool_size=len(pool_of(panel)),
    )
    return render(request, "panels/draw.html", context, status=INVALID if form.errors else 200)


@require_POST
@login_required
def member_update(request: AuthenticatedRequest, pk: int, member_id: int) -> HttpResponse:
    panel = panel_or_404(request, pk)
    require(request, "panels.run", panel)
    member = get_object_or_404(Member, pk=member_id, draw__panel=panel)
    try:
        if request.POST.get("action") == "confirm":
            services.member_confirm(member=member)
            messages.success(request, _("Seat confirmed."))
        else:
            newcomers = services.member_replace(member=member, base_url=_base_url(request))
            if newcomers:
                messages.success(
                    request,
                    _("Replaced by %(who)s, drawn so that the quotas still hold.")
                    % {"who": ", ".join(m.volunteer.pseudonym for m in newcomers)},
                )
            else:
                messages.error(
                    request, _("Nobody left in the pool can take this seat within the quotas.")
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("panels:draw", panel.pk)


def audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The public audit record: no names, pseudonyms only."""
    panel = panel_or_404(request, pk)
    record = draw_of(panel)
    if record is None:
        raise Http404
    context = _context(
        request, panel, record=record, members=members_of(record), rows=composition(panel)
    )
    return render(request, "panels/audit.html", context)


@login_required
def bundle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The replay bundle: ``coprod-engine panel replay`` on it gives the same panel."""
    panel = panel_or_404(request, pk)
    require(request, "panels.run", panel)
    record = draw_of(panel)
    if record is None:
        raise Http404
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in replay_bundle(record).items():
            archive.writestr(name, content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="panel-{panel.pk}-replay.zip"'
    return response


@login_required
def mine(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A volunteer's own data in this pool and, after the draw, their selection probability."""
    panel = panel_or_404(request, pk)
    volunteering = volunteering_of(panel, request.user)
    if volunteering is None:
        raise Http404
    record = draw_of(panel)
    values = list(volunteering.values.select_related("feature", "category"))
    context = _context(
        request,
        panel,
        volunteering=volunteering,
        values=values,
        record=record,
        percent=100 * record.probabilities.get(volunteering.pseudonym, 0.0) if record else None,
        membership=volunteering.memberships.first(),
    )
    return render(request, "panels/mine.html", context)

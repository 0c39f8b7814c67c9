"""Pages of the spine. Thin: check the permission, validate the form, call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coprod.http import INVALID, AuthenticatedRequest, signed_in_user
from coprod.processes import services
from coprod.processes.forms import (
    ActionForm,
    ActionUpdateForm,
    CommentForm,
    DecisionForm,
    HideForm,
    IdeaForm,
    IndicatorForm,
    JoinForm,
    MeasurementForm,
    NeedForm,
    NeedReviewForm,
    PhaseForm,
    ProcessForm,
)
from coprod.processes.models import (
    Action,
    Comment,
    DecisionItem,
    Idea,
    IdeaStatus,
    Indicator,
    Measurement,
    Need,
    Phase,
    Process,
    ProcessStatus,
)
from coprod.processes.roles import open_phase, participation_of
from coprod.processes.selectors import (
    chain_from,
    participation_summary,
    phase_rows,
    visible_ideas,
    visible_needs,
)


def visible_process_or_404(request: HttpRequest, slug: str) -> Process:
    """The process, or a 404 for people who may not see it (drafts stay secret)."""
    process = get_object_or_404(Process.objects.select_related("lead_organisation"), slug=slug)
    if not request.user.has_perm("processes.view_process", process):
        raise Http404
    return process


def method_object_or_404[M: Model](request: HttpRequest, queryset: QuerySet[M], pk: int) -> M:
    """A participation method's object (conversation, survey, budget), or a 404 for people
    who may not see its process."""
    obj = get_object_or_404(queryset.select_related("phase_method__phase__process"), pk=pk)
    if not request.user.has_perm("processes.view_process", obj.phase_method.phase.process):  # type: ignore[attr-defined]
        raise Http404
    return obj


def require(request: HttpRequest, perm: str, obj: Model) -> None:
    """Refuse (403) unless the person holds ``perm`` on ``obj`` (a process or a method object)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def home(request: HttpRequest) -> HttpResponse:
    processes = Process.objects.exclude(status=ProcessStatus.DRAFT).select_related(
        "lead_organisation"
    )
    drafts = (
        Process.objects.filter(
            status=ProcessStatus.DRAFT,
            participants__user=request.user,
            participants__process_role="facilitator",
        )
        if request.user.is_authenticated
        else Process.objects.none()
    )
    return render(request, "processes/home.html", {"processes": processes, "drafts": drafts})


def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    moderator = request.user.has_perm("processes.moderate", process)
    context = {
        "process": process,
        "phase_rows": phase_rows(process),
        "open_phase": open_phase(process),
        "needs": visible_needs(process, moderator=moderator),
        "ideas": visible_ideas(process, moderator=moderator),
        "decisions": process.decisions.prefetch_related(
            Prefetch("items", queryset=DecisionItem.objects.select_related("idea"))
        ),
        "actions": process.actions.select_related("owner_organisation"),
        "indicators": process.indicators.prefetch_related("measurements"),
        "summary": participation_summary(process),
        "participation": participation_of(request.user, process),
    }
    return render(request, "processes/process_detail.html", context)


@login_required
def process_create(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.has_perm("processes.create_process"):
        raise PermissionDenied
    form = ProcessForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "processes/process_form.html", {"form": form}, status=INVALID)
        fields = {
            k: v for k, v in form.cleaned_data.items() if k not in ("lead_organisation", "partners")
        }
        process = services.process_create(
            created_by=request.user,
            lead_organisation=form.cleaned_data["lead_organisation"],
            fields=fields,
        )
        process.partners.set(form.cleaned_data["partners"])
        messages.success(request, _("The process is created. Add its phases next."))
        return redirect("processes:phase_create", process.slug)
    return render(request, "processes/process_form.html", {"form": form})


@login_required
def process_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    form = ProcessForm(request.POST or None, instance=process)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "processes/process_form.html",
                {"form": form, "process": process},
                status=INVALID,
            )
        form.save()
        messages.success(request, _("The process is saved."))
        return redirect("processes:detail", process.slug)
    return render(request, "processes/process_form.html", {"form": form, "process": process})


@login_required
def phase_edit(
    request: AuthenticatedRequest, slug: str, phase_id: int | None = None
) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    phase = (
        get_object_or_404(Phase, pk=phase_id, process=process)
        if phase_id
        else Phase(process=process)
    )
    form = PhaseForm(request.POST or None, instance=phase, process=process)
    if request.method == "POST":
        if not form.is_valid():
            context = {"form": form, "process": process, "phase": phase}
            return render(request, "processes/phase_form.html", context, status=INVALID)
        form.save()
        messages.success(request, _("The phase is saved."))
        return redirect("processes:detail", process.slug)
    return render(
        request, "processes/phase_form.html", {"form": form, "process": process, "phase": phase}
    )


@login_required
def process_join(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    if participation_of(request.user, process):
        return redirect("processes:detail", process.slug)
    require(request, "processes.join_process", process)
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "processes/join.html", {"form": form, "process": process}, status=INVALID
            )
        services.participant_join(
            process=process,
            user=request.user,
            stakeholder_role=form.cleaned_data["stakeholder_role"],
            knowledge_types=form.cleaned_data["knowledge_types"],
            organisation=form.cleaned_data["organisation"],
        )
        messages.success(request, _("Welcome! You now take part in this process."))
        return redirect("processes:detail", process.slug)
    return render(request, "processes/join.html", {"form": form, "process": process})


def _contribution_page(
    request: HttpRequest, process: Process, form: Any, kind: str
) -> HttpResponse:
    context = {"form": form, "process": process, "kind": kind}
    status = INVALID if form.is_bound else 200
    return render(request, "processes/contribution_form.html", context, status=status)


@login_required
def need_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    participant = participation_of(request.user, process)
    if participant is None:
        return redirect("processes:join", process.slug)
    require(request, "processes.submit_need", process)
    form = NeedForm(request.POST or None, participant=participant)
    if request.method != "POST" or not form.is_valid():
        return _contribution_page(request, process, form, "need")
    need = services.need_submit(
        process=process,
        author=participant,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        knowledge_type=form.cleaned_data["knowledge_type"],
    )
    messages.success(
        request, _("Thank you! Your need is recorded. You can follow what becomes of it here.")
    )
    return redirect("processes:chain", process.slug, "need", need.pk)


@login_required
def idea_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    participant = participation_of(request.user, process)
    if participant is None:
        return redirect("processes:join", process.slug)
    require(request, "processes.submit_idea", process)
    form = IdeaForm(request.POST or None, participant=participant, process=process)
    if request.method != "POST" or not form.is_valid():
        return _contribution_page(request, process, form, "idea")
    idea = services.idea_submit(
        process=process,
        author=participant,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        needs=form.cleaned_data["needs"],
        knowledge_type=form.cleaned_data["knowledge_type"],
    )
    messages.success(
        request, _("Thank you! Your idea is recorded. You can follow what becomes of it here.")
    )
    return redirect("processes:chain", process.slug, "idea", idea.pk)


CONTRIBUTIONS: dict[str, Any] = {"need": Need, "idea": Idea}


def contribution_detail(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    contribution = get_object_or_404(CONTRIBUTIONS[kind], pk=pk, process=process)
    moderator = request.user.has_perm("processes.moderate", process)
    if contribution.is_hidden and not moderator:
        raise Http404
    comments = contribution.comments.select_related("author__user")
    if not moderator:
        comments = comments.filter(hidden_at__isnull=True)
    participant = participation_of(request.user, process)
    form = CommentForm(
        initial={"knowledge_type": participant.knowledge_types[0]}
        if participant and participant.knowledge_types
        else None
    )
    context = {
        "process": process,
        "contribution": contribution,
        "kind": kind,
        "comments": comments,
        "comment_form": form,
        "can_comment": request.user.has_perm("processes.comment", process),
        "moderator": moderator,
    }
    return render(request, "processes/contribution_detail.html", context)


@require_POST
@login_required
def comment_create(request: AuthenticatedRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    target = get_object_or_404(CONTRIBUTIONS[kind], pk=pk, process=process, hidden_at__isnull=True)
    require(request, "processes.comment", process)
    participant = participation_of(request.user, process)
    form = CommentForm(request.POST)
    if participant is None or not form.is_valid():
        context = {
            "process": process,
            "contribution": target,
            "kind": kind,
            "comment_form": form,
            "comments": target.comments.filter(hidden_at__isnull=True),
            "can_comment": True,
        }
        return render(request, "processes/contribution_detail.html", context, status=INVALID)
    services.comment_add(
        author=participant,
        target=target,
        body=form.cleaned_data["body"],
        knowledge_type=form.cleaned_data["knowledge_type"],
    )
    messages.success(request, _("Your comment is published."))
    return redirect("processes:contribution", process.slug, kind, target.pk)


MODERATED: dict[str, Any] = {
    "need": Need,
    "idea": Idea,
    "comment": Comment,
}


@login_required
def contribution_hide(request: AuthenticatedRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.moderate", process)
    model = MODERATED[kind]
    lookup = {"author__process": process} if model is Comment else {"process": process}
    contribution = get_object_or_404(model, pk=pk, **lookup)
    form = HideForm(request.POST or None)
    if request.method == "POST":
        if "restore" in request.POST:
            services.contribution_restore(contribution=contribution)
            messages.success(request, _("The contribution is visible again."))
            return redirect("processes:detail", process.slug)
        if form.is_valid():
            services.contribution_hide(
                contribution=contribution, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(
                request, _("The contribution is hidden. Moderators still see it, with your reason.")
            )
            return redirect("processes:detail", process.slug)
    status = INVALID if form.is_bound else 200
    context = {"process": process, "contribution": contribution, "form": form}
    return render(request, "processes/hide.html", context, status=status)


@login_required
def need_review(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    need = get_object_or_404(Need, pk=pk, process=process)
    form = NeedReviewForm(
        request.POST or None,
        need=need,
        initial={"status": need.status, "reason": need.status_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.need_set_status(
                need=need,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                merged_into=form.cleaned_data["merged_into"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The need's status is saved."))
            return redirect("processes:detail", process.slug)
    status = INVALID if form.is_bound else 200
    return render(
        request,
        "processes/need_review.html",
        {"process": process, "need": need, "form": form},
        status=status,
    )


@login_required
def decision_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    ideas = list(
        process.ideas.filter(hidden_at__isnull=True).exclude(
            status__in=[IdeaStatus.DECIDED, IdeaStatus.WITHDRAWN]
        )
    )
    form = DecisionForm(request.POST or None, ideas=ideas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = [
            services.ItemDecided(
                idea=idea,
                outcome=data[f"outcome_{idea.pk}"],
                rationale_fr=data[f"rationale_fr_{idea.pk}"],
                rationale_en=data[f"rationale_en_{idea.pk}"],
            )
            for idea in ideas
            if data.get(f"outcome_{idea.pk}")
        ]
        services.decision_record(
            process=process,
            body_fr=data["body_fr"],
            body_en=data["body_en"],
            decided_on=data["decided_on"],
            summary_fr=data["summary_fr"],
            summary_en=data["summary_en"],
            items=items,
            recorded_by=request.user,
        )
        messages.success(request, _("The decision is published with its rationale."))
        return redirect("processes:detail", process.slug)
    status = INVALID if form.is_bound else 200
    return render(
        request, "processes/decision_form.html", {"process": process, "form": form}, status=status
    )


@login_required
def action_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    form = ActionForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        co_deliverers = [
            services.CoDeliverer(organisation=o) for o in data["co_deliverer_organisations"]
        ]
        co_deliverers += [services.CoDeliverer(participant=p) for p in data["co_deliverer_people"]]
        fields = {name: data[name] for name in ActionForm.Meta.fields}
        action = services.action_create(
            process=process,
            fields=fields,
            decision_items=data["decision_items"],
            co_deliverers=co_deliverers,
        )
        messages.success(request, _("The action is created."))
        return redirect("processes:action", process.slug, action.pk)
    status = INVALID if form.is_bound else 200
    return render(
        request, "processes/action_form.html", {"process": process, "form": form}, status=status
    )


def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    action = get_object_or_404(
        Action.objects.select_related("owner_organisation", "owner_participant__user"),
        pk=pk,
        process=process,
    )
    can_update = request.user.has_perm("processes.facilitate", process)
    form = ActionUpdateForm(
        request.POST or None, initial={"status": action.status, "progress_pct": action.progress_pct}
    )
    if request.method == "POST":
        require(request, "processes.facilitate", process)
        if form.is_valid():
            services.action_update_add(
                action=action, author=signed_in_user(request), **form.cleaned_data
            )
            messages.success(request, _("The update is added to the timeline."))
            return redirect("processes:action", process.slug, action.pk)
    context = {
        "process": process,
        "action": action,
        "form": form,
        "can_update": can_update,
        "contributors": action.contributors.select_related("participant__user", "organisation"),
        "updates": action.updates.all(),
    }
    return render(
        request, "processes/action_detail.html", context, status=INVALID if form.is_bound else 200
    )


@login_required
def indicator_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    form = IndicatorForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: v for k, v in data.items() if k not in ("actions", "needs")}
        indicator = services.indicator_create(
            process=process, fields=fields, actions=data["actions"], needs=data["needs"]
        )
        messages.success(request, _("The indicator is created."))
        return redirect("processes:indicator", process.slug, indicator.pk)
    status = INVALID if form.is_bound else 200
    return render(
        request, "processes/indicator_form.html", {"process": process, "form": form}, status=status
    )


def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    indicator = get_object_or_404(Indicator, pk=pk, process=process)
    form = MeasurementForm(request.POST or None)
    if request.method == "POST":
        require(request, "processes.enter_measurement", process)
        if form.is_valid():
            try:
                services.measurement_add(
                    indicator=indicator, entered_by=signed_in_user(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The measurement is recorded."))
                return redirect("processes:indicator", process.slug, indicator.pk)
    context = {
        "process": process,
        "indicator": indicator,
        "form": form,
        "measurements": Measurement.objects.filter(indicator=indicator),
        "can_measure": request.user.has_perm("processes.enter_measurement", process),
    }
    return render(
        request,
        "processes/indicator_detail.html",
        context,
        status=INVALID if form.is_bound else 200,
    )


CHAIN_KINDS: dict[str, Any] = {
    "need": (Need, "process"),
    "idea": (Idea, "process"),
    "item": (DecisionItem, "decision__process"),
    "action": (Action, "process"),
    "indicator": (Indicator, "process"),
}


def chain(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    process = visible_process_or_404(request, slug)
    model, process_field = CHAIN_KINDS[kind]
    focus = get_object_or_404(model, pk=pk, **{process_field: process})
    if getattr(focus, "is_hidden", False) and not request.user.has_perm(
        "processes.moderate", process
    ):
        raise Http404
    context = {"process": process, "chain": chain_from(focus), "kind": kind}
    return render(request, "processes/chain.html", context)

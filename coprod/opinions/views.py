"""Pages of an opinion map: vote, write a statement, moderate, see the results."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coprod.http import INVALID, AuthenticatedRequest
from coprod.opinions import polis_files, services
from coprod.opinions.forms import ConversationForm, PolisImportForm, StatementForm, VoteForm
from coprod.opinions.models import Conversation, Statement, StatementStatus, Voter
from coprod.opinions.results import map_results
from coprod.opinions.selectors import latest_result, next_statement, voter_progress
from coprod.opinions.tasks import map_refresh_soon
from coprod.processes.method_setup import method_setup_page
from coprod.processes.models import KnowledgeType, StakeholderRole
from coprod.processes.roles import anonymous_key, participation_of
from coprod.processes.views import method_object_or_404, require
from coprod_engine.exceptions import EngineError


def conversation_or_404(request: HttpRequest, pk: int) -> Conversation:
    return method_object_or_404(request, Conversation.objects.all(), pk)


def current_voter(
    request: HttpRequest, conversation: Conversation, *, create: bool = False
) -> Voter | None:
    """The voter behind this request: the participant, or an anonymous browser's token."""
    participant = participation_of(request.user, conversation.process)
    if participant is not None:
        return services.voter_for_participant(conversation=conversation, participant=participant)
    if not conversation.allow_anonymous:
        return None
    key = anonymous_key(request, f"opinions-voter-{conversation.pk}", create=create)
    return services.voter_for_anonymous(conversation=conversation, key=key) if key else None


def _vote_context(
    request: HttpRequest, conversation: Conversation, voter: Voter | None
) -> dict[str, object]:
    if voter is not None:
        statement, progress = next_statement(voter), voter_progress(voter)
    else:
        statement = (
            conversation.statements.filter(status=StatementStatus.ACCEPTED)
            .annotate(n=Count("votes"))
            .order_by("n", "id")
            .first()
        )
        progress = None
    form = VoteForm(
        initial={
            "statement": statement.pk if statement else None,
            "submission_key": uuid.uuid4().hex,
        }
    )
    return {
        "conversation": conversation,
        "process": conversation.process,
        "statement": statement,
        "progress": progress,
        "vote_form": form,
        "can_vote": request.user.has_perm("opinions.vote", conversation),
        "can_write": request.user.has_perm("opinions.write_statement", conversation),
        "can_moderate": request.user.has_perm("opinions.moderate", conversation),
    }


def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    context = _vote_context(request, convo, current_voter(request, convo))
    context["statement_form"] = StatementForm(conversation=convo)
    return render(request, "opinions/conversation.html", context)


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    if not request.user.has_perm("opinions.vote", convo):
        raise PermissionDenied
    form = VoteForm(request.POST)
    voter = current_voter(request, convo, create=True)
    if voter is None or not form.is_valid():
        messages.error(request, _("Your vote could not be read. Please choose again."))
        return redirect("opinions:conversation", convo.pk)
    statement = get_object_or_404(Statement, pk=form.cleaned_data["statement"], conversation=convo)
    try:
        services.vote_cast(
            voter=voter,
            statement=statement,
            value=form.cleaned_data["value"],
            submission_key=form.cleaned_data["submission_key"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        map_refresh_soon(convo)
    if request.headers.get("HX-Request"):
        return render(request, "opinions/_vote_card.html", _vote_context(request, convo, voter))
    return redirect("opinions:conversation", convo.pk)


@require_POST
def statement_create(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    if not request.user.has_perm("opinions.write_statement", convo):
        raise PermissionDenied
    form = StatementForm(request.POST, conversation=convo)
    if form.is_valid():
        try:
            statement = services.statement_submit(
                conversation=convo,
                author=current_voter(request, convo, create=True),
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error("text", error.messages[0])
        else:
            if statement.status == StatementStatus.PENDING:
                messages.success(
                    request,
                    _("Thank you! Your statement will be shown once a moderator has read it."),
                )
            else:
                messages.success(
                    request, _("Thank you! Your statement is now offered to the others.")
                )
            return redirect("opinions:conversation", convo.pk)
    context = _vote_context(request, convo, current_voter(request, convo))
    context["statement_form"] = form
    return render(request, "opinions/conversation.html", context, status=INVALID)


@login_required
def moderate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    if not request.user.has_perm("opinions.moderate", convo):
        raise PermissionDenied
    if request.method == "POST":
        statement = get_object_or_404(
            Statement, pk=request.POST.get("statement"), conversation=convo
        )
        try:
            if "promote" in request.POST:
                _promote(request, statement)
            else:
                services.statement_moderate(
                    statement=statement, status=request.POST.get("status", ""), by=request.user
                )
                messages.success(request, _("Moderation saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("opinions:moderate", convo.pk)
    statements = convo.statements.select_related(
        "duplicate_of", "promoted_need", "promoted_idea", "moderated_by"
    )
    context = {
        "conversation": convo,
        "process": convo.process,
        "statements": statements.order_by("status", "id"),
        "statuses": StatementStatus.choices,
        "knowledge_types": KnowledgeType.choices,
        "can_promote": request.user.has_perm("processes.facilitate", convo.process),
    }
    return render(request, "opinions/moderate.html", context)


def _promote(request: AuthenticatedRequest, statement: Statement) -> None:
    """Only those who run the process carry statements into its chain."""
    process = statement.conversation.process
    require(request, "processes.facilitate", process)
    by = participation_of(request.user, process)
    if by is None:
        raise PermissionDenied
    target = services.statement_promote(
        statement=statement,
        into=request.POST.get("promote", ""),
        knowledge_type=request.POST.get("knowledge_type", ""),
        by=by,
    )
    messages.success(
        request, _("“%(title)s” is now in the process's chain.") % {"title": target.title}
    )


def results(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    result = latest_result(convo)
    statements = convo.statements.filter(status=StatementStatus.ACCEPTED).annotate(
        agree=Count("votes", filter=Q(votes__value=1)),
        disagree=Count("votes", filter=Q(votes__value=-1)),
        passed=Count("votes", filter=Q(votes__value=0)),
        total=Count("votes"),
    )
    context = {
        "conversation": convo,
        "process": convo.process,
        "statements": statements,
        "voters": convo.voters.filter(votes__isnull=False).distinct().count(),
        "result": result,
        "map": map_results(
            result.result,
            {s.pk: s for s in statements},
            knowledge_names={k: str(v) for k, v in KnowledgeType.choices},
            role_names={k: str(v) for k, v in StakeholderRole.choices},
        )
        if result
        else None,
    }
    return render(request, "opinions/results.html", context)


@login_required
def conversation_create(request: AuthenticatedRequest, slug: str, phase_id: int) -> HttpResponse:
    return method_setup_page(
        request,
        slug,
        phase_id,
        form_class=ConversationForm,
        create=lambda phase, form: services.conversation_create(
            phase=phase,
            fields={name: form.cleaned_data[name] for name in ConversationForm.Meta.fields},
            seeds=form.seeds(),
        ),
        template="opinions/conversation_form.html",
        success_message=_("The conversation is open."),
        next_url=lambda convo: reverse("opinions:conversation", args=[convo.pk]),
    )


@login_required
def polis_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    require(request, "processes.facilitate", convo.process)
    form = PolisImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with tempfile.TemporaryDirectory() as folder:
            for name in ("votes", "comments"):
                with open(Path(folder) / f"{name}.csv", "wb") as target:
                    for chunk in form.cleaned_data[name].chunks():
                        target.write(chunk)
            try:
                summary = polis_files.polis_import(
                    conversation=convo, folder=Path(folder), polis_math=form.cleaned_data["math"]
                )
            except EngineError as error:
                form.add_error(
                    None,
                    _("These files could not be read as a Polis export: %(error)s")
                    % {"error": error},
                )
            except ValidationError as error:
                form.add_error(None, error)  # the math file does not fit the votes
            else:
                map_refresh_soon(convo)
                _polis_import_done(request, summary)
                return redirect("opinions:moderate", convo.pk)
    status = INVALID if form.is_bound else 200
    context = {"form": form, "conversation": convo, "process": convo.process}
    return render(request, "opinions/polis_import.html", context, status=status)


def _polis_import_done(request: HttpRequest, summary: polis_files.ImportSummary) -> None:
    messages.success(
        request,
        _("Imported %(statements)s statements, %(voters)s voters and %(votes)s votes.")
        % {"statements": summary.statements, "voters": summary.voters, "votes": summary.votes},
    )
    kept = summary.polis_groups
    if kept is not None:
        messages.info(
            request,
            _(
                "The map keeps Polis' opinion groups (people in the same group as on Polis: "
                "%(same)s of %(clustered)s)."
            )
            % {"same": kept.same_group, "clustered": kept.clustered},
        )


@login_required
def polis_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    require(request, "processes.facilitate", convo.process)
    response = HttpResponse(
        polis_files.polis_export_zip(conversation=convo), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="coprod-conversation-{convo.pk}-polis.zip"'
    )
    return response

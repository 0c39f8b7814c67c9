"""The page where a facilitator sets a participation method up in a phase, shared by the
method apps: the process and phase checks, the form, the service call, 422 on refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from coprod.http import INVALID, AuthenticatedRequest
from coprod.processes.models import Phase, Process
from coprod.processes.views import require, visible_process_or_404


def method_setup_page[T](
    request: AuthenticatedRequest,
    slug: str,
    phase_id: int,
    *,
    form_class: Callable[..., forms.BaseForm],
    create: Callable[[Phase, Any], T],
    template: str,
    success_message: str,
    next_url: Callable[[T], str],
    form_kwargs: Callable[[Process], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Facilitators of the process only; ``create(phase, valid_form)`` is the method's
    service call, whose ``ValidationError`` is shown on the form again (422)."""
    process = visible_process_or_404(request, slug)
    require(request, "processes.facilitate", process)
    phase = get_object_or_404(Phase, pk=phase_id, process=process)
    form = form_class(request.POST or None, **(form_kwargs(process) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            created = create(phase, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success_message)
            return redirect(next_url(created))
    context = {"form": form, "process": process, "phase": phase}
    return render(request, template, context, status=INVALID if form.is_bound else 200)

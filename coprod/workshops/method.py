"""The workshop as a participation method of the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import CoType, Phase, PhaseMethod


class WorkshopMethod:
    key = "workshop"
    label = _("Workshop")
    co_types = frozenset({CoType.CO_DESIGN, CoType.CO_COMMISSIONING, CoType.CO_ASSESSMENT})

    def clean_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        # A workshop's settings live on the Workshop itself.
        return {}

    def entry_url(self, phase_method: PhaseMethod) -> str:
        return reverse("workshops:workshop", args=[phase_method.workshop.pk])  # type: ignore[attr-defined]

    def setup_url(self, phase: Phase) -> str:
        return reverse("workshops:create", args=[phase.process.slug, phase.pk])

    def participation_count(self, phase_method: PhaseMethod) -> int:
        from coprod.workshops.models import Registration

        return Registration.objects.filter(
            workshop__phase_method=phase_method, checked_in_at__isnull=False
        ).count()


WORKSHOP = WorkshopMethod()

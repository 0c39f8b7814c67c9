"""The citizen panel (sortition) as a participation method of the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import CoType, Phase, PhaseMethod


class CitizenPanelMethod:
    key = "citizen_panel"
    label = _("Citizen panel drawn by lot")
    co_types = frozenset({CoType.CO_COMMISSIONING, CoType.CO_DESIGN, CoType.CO_ASSESSMENT})

    def clean_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        # A panel's settings live on the Panel itself.
        return {}

    def entry_url(self, phase_method: PhaseMethod) -> str:
        return reverse("panels:panel", args=[phase_method.panel.pk])  # type: ignore[attr-defined]

    def setup_url(self, phase: Phase) -> str:
        return reverse("panels:create", args=[phase.process.slug, phase.pk])

    def participation_count(self, phase_method: PhaseMethod) -> int:
        from coprod.panels.models import Volunteer

        return Volunteer.objects.filter(
            panel__phase_method=phase_method, withdrawn_at__isnull=True
        ).count()


CITIZEN_PANEL = CitizenPanelMethod()


class PanelVolunteering:
    """The pool answers a person gave, reached by their data export and account deletion."""

    key = "panel_volunteering"

    def export(self, *, user: Any) -> list[dict[str, Any]]:
        from coprod.panels.services import volunteer_data_export

        return volunteer_data_export(user=user)

    def erase(self, *, user: Any) -> None:
        from coprod.panels.services import volunteer_data_erase

        volunteer_data_erase(user=user)


PANEL_VOLUNTEERING = PanelVolunteering()

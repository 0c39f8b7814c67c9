"""The participatory budget as a participation method of the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import CoType, Phase, PhaseMethod


class ParticipatoryBudgetMethod:
    key = "participatory_budget"
    label = _("Participatory budget")
    co_types = frozenset({CoType.CO_COMMISSIONING, CoType.CO_DESIGN})

    def clean_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        # A budget's settings live on the Budget itself.
        return {}

    def entry_url(self, phase_method: PhaseMethod) -> str:
        return reverse("budgets:budget", args=[phase_method.budget.pk])  # type: ignore[attr-defined]

    def setup_url(self, phase: Phase) -> str:
        return reverse("budgets:create", args=[phase.process.slug, phase.pk])

    def participation_count(self, phase_method: PhaseMethod) -> int:
        from coprod.budgets.models import Ballot

        return Ballot.objects.filter(budget__phase_method=phase_method).count()


PARTICIPATORY_BUDGET = ParticipatoryBudgetMethod()

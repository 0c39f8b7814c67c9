"""The opinion map as a participation method of the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import CoType, Phase, PhaseMethod


class OpinionMapMethod:
    key = "opinion_map"
    label = _("Opinion map")
    co_types = frozenset({CoType.CO_COMMISSIONING, CoType.CO_DESIGN})

    def clean_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        # A conversation's settings live on the Conversation itself.
        return {}

    def entry_url(self, phase_method: PhaseMethod) -> str:
        return reverse("opinions:conversation", args=[phase_method.conversation.pk])  # type: ignore[attr-defined]

    def setup_url(self, phase: Phase) -> str:
        return reverse("opinions:create", args=[phase.process.slug, phase.pk])

    def participation_count(self, phase_method: PhaseMethod) -> int:
        from coprod.opinions.models import Voter

        return (
            Voter.objects.filter(conversation__phase_method=phase_method, votes__isnull=False)
            .distinct()
            .count()
        )


OPINION_MAP = OpinionMapMethod()

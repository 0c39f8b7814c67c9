"""The wiki survey as a participation method of the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import CoType, Phase, PhaseMethod


class WikiSurveyMethod:
    key = "wiki_survey"
    label = _("Wiki survey")
    co_types = frozenset({CoType.CO_COMMISSIONING, CoType.CO_DESIGN})

    def clean_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        # A survey's settings live on the Survey itself.
        return {}

    def entry_url(self, phase_method: PhaseMethod) -> str:
        return reverse("wikisurveys:survey", args=[phase_method.wikisurvey.pk])  # type: ignore[attr-defined]

    def setup_url(self, phase: Phase) -> str:
        return reverse("wikisurveys:create", args=[phase.process.slug, phase.pk])

    def participation_count(self, phase_method: PhaseMethod) -> int:
        from coprod.wikisurveys.models import Voter

        return (
            Voter.objects.filter(
                survey__phase_method=phase_method, appearances__answer__isnull=False
            )
            .distinct()
            .count()
        )


WIKI_SURVEY = WikiSurveyMethod()

"""Background work of wiki surveys: refit the strengths behind the pair choice (Django's tasks)."""

from __future__ import annotations

from django.tasks import task

from coprod.wikisurveys.models import Survey


@task()
def refit_strengths(survey_id: int) -> int:
    """Fit and store the Bradley-Terry strengths if enough votes came in since the last fit.

    Enqueued after a vote by :func:`coprod.wikisurveys.services.strengths_refresh_soon`;
    returns the survey's vote count the stored strengths stand for.
    """
    from coprod.wikisurveys.services import strengths_refit

    return strengths_refit(survey=Survey.objects.get(pk=survey_id))

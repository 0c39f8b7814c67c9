"""Background work of wiki surveys (Django's tasks): refit the strengths behind the pair
choice and recompute the results every few votes; recompute the results when items change."""

from __future__ import annotations

from django.tasks import task

from coprod.wikisurveys.models import Survey


@task()
def refresh_survey(survey_id: int) -> int:
    """Refit the strengths and store the results if enough answers came in since the last time.

    Enqueued after a vote or a skip by :func:`coprod.wikisurveys.tallies.survey_refresh_soon`;
    returns the survey's answer count (votes and skips) the stored strengths and results
    stand for.
    """
    from coprod.wikisurveys.tallies import survey_refresh

    return survey_refresh(survey=Survey.objects.get(pk=survey_id))


@task()
def refresh_results(survey_id: int) -> int:
    """Store the results again unless they count every answer and item already.

    Enqueued when items are added, moderated, or the survey is closed, by
    :func:`coprod.wikisurveys.tallies.results_refresh_soon`; returns the answers counted.
    """
    from coprod.wikisurveys.tallies import results_refresh

    return results_refresh(survey=Survey.objects.get(pk=survey_id)).answers

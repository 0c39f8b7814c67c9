"""``python manage.py wikisurvey_recount [--survey ID]``: recount the vote and skip counters.

Run it after deploying the counters' migrations if the old code wrote answers in between:
those answers are in no counter otherwise (and clearing a paper sheet could then take a
counter below zero, which is refused).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coprod.wikisurveys.models import Survey
from coprod.wikisurveys.tallies import survey_tallies_rebuild


class Command(BaseCommand):
    help = "Recount the wiki surveys' vote and skip counters from their answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", type=int, help="only this survey (its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        surveys = Survey.objects.order_by("id")
        if options["survey"] is not None:
            surveys = surveys.filter(pk=options["survey"])
        for survey in surveys:
            # One transaction per survey: the item rows of one survey are locked at a time.
            survey_tallies_rebuild(survey=survey)
            self.stdout.write(f"survey {survey.pk}: recounted")

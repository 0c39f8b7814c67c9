"""The demo's wiki survey loads on top of the demo scenario, with results, and only once."""

from __future__ import annotations

import pytest

from coprod.processes.demo import PROCESS_SLUG, demo_load
from coprod.processes.models import KnowledgeType, Process
from coprod.wikisurveys.demo import QUESTION_EN, wikisurveys_demo_load
from coprod.wikisurveys.models import Answer, Appearance, Item, PaperSheet, Voter
from coprod.wikisurveys.selectors import ranking_by_group, survey_ranking, survey_votes

pytestmark = pytest.mark.django_db

# Fewer answers than the demo's 20 to 40 a voter: the same code, in a fraction of the time.
FEW = (4, 6)


def _counts() -> tuple[int, int, int, int]:
    return (
        Item.objects.count(),
        Voter.objects.count(),
        Appearance.objects.count(),
        Answer.objects.count(),
    )


def test_it_loads_a_closed_survey_over_the_needs_once_with_results() -> None:
    demo_load()
    process = Process.objects.get(slug=PROCESS_SLUG)
    survey = wikisurveys_demo_load(process, answers_per_voter=FEW)
    first = _counts()
    again = wikisurveys_demo_load(process, answers_per_voter=FEW)
    assert again.pk == survey.pk
    assert _counts() == first
    assert survey.question_en == QUESTION_EN
    assert not again.is_open and not again.accepts_items
    # Closed with its time, so a paper deadline exists and the results can become final.
    assert again.closed_at is not None
    assert again.skips == Answer.objects.filter(winner__isnull=True).count()
    assert first[0] == 14  # the 14 needs
    assert Answer.objects.filter(winner__isnull=True).exists()  # a few skips
    assert not Voter.objects.filter(
        participant__process_role__in=["facilitator", "note_taker"]
    ).exists()
    votes = survey_votes(again)
    ranking = survey_ranking(again, votes)
    assert ranking.n_votes > 0 and len(ranking.rows) == 14
    assert all(row.lower <= row.probability <= row.upper for row in ranking.rows)
    by_knowledge = ranking_by_group(again, "knowledge_type", KnowledgeType.choices, votes)
    assert sum(column.shown for column in by_knowledge.columns) >= 2
    # Online plus paper: the sheets typed in by the facilitator count too, once.
    assert PaperSheet.objects.filter(survey=survey, entered_at__isnull=False).count() == 12
    assert Answer.objects.filter(appearance__voter__paper_sheet__isnull=False).count() > 12 * 6

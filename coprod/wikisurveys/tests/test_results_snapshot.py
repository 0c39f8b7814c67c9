"""The results page reads stored results: the same as computed fresh, refreshed, exact once closed.

Each test compares the stored snapshot (as the page shows it) with a fresh computation from
every answer (``survey_ranking`` and ``ranking_by_group``), which is what the page showed
before the snapshot.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import coprod_engine
from coprod.processes.models import KnowledgeType, StakeholderRole
from coprod.wikisurveys import services, tallies
from coprod.wikisurveys.models import (
    Appearance,
    Item,
    ItemStatus,
    ResultsSnapshot,
    Survey,
    Voter,
)
from coprod.wikisurveys.selectors import (
    ResultsPage,
    answer_set,
    ranking_by_group,
    results_page,
    survey_ranking,
    survey_votes,
)

# Twelve voters: knowledge types of 4 voters each (shown), roles of 5, 5 and 2 voters (the
# last too small to show).
GROUPS = [
    (KnowledgeType.values[i % 3], ("resident", "caregiver", "student")[min(i // 5, 2)])
    for i in range(12)
]


@pytest.fixture
def items(survey: Survey, django_capture_on_commit_callbacks) -> list[Item]:
    """The survey's three needs and three written items (the worker runs what they ask)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.items_add(survey=survey, text_fr="Des brumisateurs")
        services.items_add(survey=survey, text_fr="Des arbres")
        services.items_add(survey=survey, text_fr="Des piscines", text_en="Pools")
    return list(survey.items.order_by("id"))


@pytest.fixture
def crowd(survey: Survey) -> list[Voter]:
    return [
        Voter.objects.create(
            survey=survey, anonymous_key=f"v{i}", knowledge_type=kind, stakeholder_role=role
        )
        for i, (kind, role) in enumerate(GROUPS)
    ]


def _answer_randomly(
    survey: Survey, voters: list[Voter], count: int, seed: int, *, skips: float = 1 / 8
) -> None:
    """``count`` answers (a share ``skips`` of them skips) on random pairs of active items."""
    draw = random.Random(seed)
    active = list(survey.items.filter(status=ItemStatus.ACTIVE))
    for _ in range(count):
        voter = draw.choice(voters)
        left, right = draw.sample(active, 2)
        appearance = Appearance.objects.create(
            survey=survey, voter=voter, left=left, right=right, seed=0
        )
        if draw.random() < skips:
            services.answer_skip(appearance=appearance, voter=voter, reason="dont_know")
        else:
            winner = left if draw.random() < 0.6 + 0.05 * (left.pk % 3) else right
            services.answer_vote(appearance=appearance, voter=voter, winner_id=winner.pk)


def _page(survey: Survey) -> ResultsPage:
    snapshot = ResultsSnapshot.objects.get(survey=survey)
    return results_page(snapshot, list(survey.items.all()))


def _assert_as_fresh(survey: Survey, page: ResultsPage) -> None:
    """The page's figures are those computed now from every answer."""
    votes = survey_votes(survey)
    fresh = survey_ranking(survey, votes)
    assert page.ranking == fresh
    for shown, attribute, choices in (
        (page.by_knowledge, "knowledge_type", KnowledgeType.choices),
        (page.by_role, "stakeholder_role", StakeholderRole.choices),
    ):
        assert shown == ranking_by_group(survey, attribute, choices, votes)
    assert page.voters == len(set(votes.voters.tolist()) | set(votes.skip_voters.tolist()))
    assert not page.lags


def test_it_stores_what_a_fresh_computation_gives(
    survey: Survey, items: list[Item], crowd: list[Voter]
) -> None:
    _answer_randomly(survey, crowd, 120, seed=1)
    services.item_moderate(item=items[4], status=ItemStatus.REJECTED)  # its answers drop out
    snapshot = tallies.results_snapshot_store(survey=survey)
    page = _page(survey)
    _assert_as_fresh(survey, page)
    assert [c.shown for c in page.by_knowledge.columns] == [True, True, True]
    assert {c.group: c.shown for c in page.by_role.columns} == {
        "resident": True,
        "caregiver": True,
        "student": False,
    }
    assert snapshot.engine_version == coprod_engine.__version__
    assert snapshot.input_hash == survey_ranking(survey).input_hash
    assert (snapshot.answers, snapshot.last_answer_id) == (
        answer_set(survey).answers,
        answer_set(survey).last_answer_id,
    )
    # Aggregates only: no voter, and no score of a group too small to stay anonymous.
    assert set(snapshot.content) == {"items", "ranking", "by_knowledge_type", "by_stakeholder_role"}
    small = [c for c in snapshot.content["by_stakeholder_role"] if c["group"] == "student"]
    assert small == [{"group": "student", "voters": 2, "scores": None}]


def test_it_refreshes_the_snapshot_in_the_background_every_few_votes(
    survey: Survey, crowd: list[Voter], monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(tallies, "REFIT_VOTES", 10)

    def stored_after(votes: int, seed: int) -> int:
        for k in range(votes):
            # The test settings run a task at once; a vote enqueues it after its commit.
            with django_capture_on_commit_callbacks(execute=True):
                _answer_randomly(survey, crowd, 1, seed=seed * 100 + k, skips=0)
        return ResultsSnapshot.objects.get(survey=survey).answers

    # Asked at the first vote, then once 10 more came in: with the refit, not at each vote.
    assert [stored_after(1, 2), stored_after(19, 3), stored_after(11, 4)] == [1, 11, 31]
    _assert_as_fresh(survey, _page(survey))


def _english(name: str, survey: Survey) -> str:
    with translation.override("en"):
        return reverse(f"wikisurveys:{name}", args=[survey.pk])


def test_it_says_how_far_the_results_lag_behind_the_answers(
    client, survey: Survey, crowd: list[Voter]
) -> None:
    _answer_randomly(survey, crowd, 8, seed=4, skips=0)
    url = _english("results", survey)
    assert "Results as of" not in client.get(url).content.decode()  # computed now: exact
    _answer_randomly(survey, crowd, 5, seed=5, skips=0)  # the worker has not run yet
    page = client.get(url)
    assert page.context["results"].lags
    html = page.content.decode()
    assert "Results as of 8 votes, updated on" in html
    assert "13 votes so far" in html
    tallies.results_refresh(survey=survey)
    assert "Results as of" not in client.get(url).content.decode()


def test_it_shows_exact_results_once_the_survey_is_closed(
    client, survey: Survey, crowd: list[Voter], personas, django_capture_on_commit_callbacks
) -> None:
    services.survey_update(survey=survey, fields={"paper_grace_days": 3})
    (sheet,) = services.paper_sheets_print(survey=survey, count=1, pairs=2)
    _answer_randomly(survey, crowd, 20, seed=6)
    tallies.results_snapshot_store(survey=survey)
    _answer_randomly(survey, crowd, 7, seed=7)
    with django_capture_on_commit_callbacks() as asked:  # the worker is stopped
        services.survey_close(survey=survey)
    assert len(asked) == 1  # it was asked for the exact results
    url = reverse("wikisurveys:results", args=[survey.pk])
    _assert_as_fresh(survey, client.get(url).context["results"])
    assert ResultsSnapshot.objects.get(survey=survey).answers == 27  # stored, once
    # A paper sheet typed in the grace period after the close, then cleared: exact each time.
    marks = {a.pk: "left" for a in sheet.voter.appearances.all()}
    services.paper_sheet_enter(sheet=sheet, marks=marks, entered_by=personas["staff"])
    _assert_as_fresh(survey, client.get(url).context["results"])
    assert ResultsSnapshot.objects.get(survey=survey).answers == 29
    services.paper_sheet_clear(sheet=sheet)
    _assert_as_fresh(survey, client.get(url).context["results"])
    assert ResultsSnapshot.objects.get(survey=survey).answers == 27
    ResultsSnapshot.objects.update(engine_version="0.0.1")  # computed by another engine
    client.get(url)
    assert ResultsSnapshot.objects.get(survey=survey).engine_version == coprod_engine.__version__


def test_it_counts_no_answer_once_nothing_can_change_after_the_close(
    client, survey: Survey, crowd: list[Voter], monkeypatch
) -> None:
    _answer_randomly(survey, crowd, 10, seed=15)
    services.survey_close(survey=survey)
    # The close (and its paper deadline, no grace days here) was two days ago.
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now() - dt.timedelta(days=2))
    tallies.results_snapshot_store(survey=survey)

    def refuse(survey: Survey) -> None:
        raise AssertionError("the page counted the answers")

    monkeypatch.setattr(tallies, "answer_set", refuse)
    page = client.get(reverse("wikisurveys:results", args=[survey.pk]))
    _assert_as_fresh(survey, page.context["results"])


def test_it_computes_the_results_in_the_page_when_none_are_stored(
    client, survey: Survey, crowd: list[Voter]
) -> None:
    url = reverse("wikisurveys:results", args=[survey.pk])
    assert client.get(url).status_code == 200  # no answer at all
    ResultsSnapshot.objects.all().delete()
    _answer_randomly(survey, crowd, 10, seed=8)
    page = client.get(url)
    assert page.status_code == 200
    _assert_as_fresh(survey, page.context["results"])
    assert ResultsSnapshot.objects.get(survey=survey).answers == 10


def test_it_hides_a_rejected_item_at_once_and_asks_for_fresh_results(
    client,
    survey: Survey,
    items: list[Item],
    crowd: list[Voter],
    django_capture_on_commit_callbacks,
) -> None:
    _answer_randomly(survey, crowd, 30, seed=9)
    tallies.results_snapshot_store(survey=survey)
    url = reverse("wikisurveys:results", args=[survey.pk])
    assert "Des piscines" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks() as asked:
        services.item_moderate(item=items[5], status=ItemStatus.REJECTED)
    page = client.get(url)
    assert "Des piscines" not in page.content.decode() and page.context["results"].lags
    assert [row.rank for row in page.context["ranking"].rows] == [1, 2, 3, 4, 5]
    asked[0]()  # the worker recomputes without the rejected item
    _assert_as_fresh(survey, client.get(url).context["results"])


def test_it_carries_the_ranking_of_every_answer_even_when_the_snapshot_lags(
    survey: Survey, crowd: list[Voter]
) -> None:
    _answer_randomly(survey, crowd, 15, seed=10)
    tallies.results_snapshot_store(survey=survey)
    _answer_randomly(survey, crowd, 15, seed=11)
    result = services.survey_carry(survey=survey, top=2)
    fresh = survey_ranking(survey)
    assert result.input_hash == fresh.input_hash and result.n_votes == fresh.n_votes
    assert [row["item"] for row in result.result["items"]] == [r.item.pk for r in fresh.rows]
    _assert_as_fresh(survey, _page(survey))  # the page shows the ranking carried


def test_it_keeps_a_newer_snapshot_than_the_one_computed_from_older_answers(
    survey: Survey, crowd: list[Voter]
) -> None:
    _answer_randomly(survey, crowd, 5, seed=12)
    old_votes = survey_votes(survey)
    _answer_randomly(survey, crowd, 5, seed=13)
    tallies.results_snapshot_store(survey=survey)
    kept = tallies.results_snapshot_store(survey=survey, votes=old_votes)  # a slow worker
    assert kept.answers == 10


@pytest.mark.parametrize(
    ("role", "status", "carry_form"),
    [
        ("visitor", 200, False),
        ("participant", 200, False),
        ("observer", 200, False),
        ("moderator", 200, False),
        ("facilitator", 200, True),
        ("staff", 200, True),
    ],
)
def test_it_shows_the_stored_results_to_the_same_people_as_before(
    client_as, survey: Survey, crowd: list[Voter], role: str, status: int, carry_form: bool
) -> None:
    _answer_randomly(survey, crowd, 6, seed=14)
    tallies.results_snapshot_store(survey=survey)
    page = client_as(role).get(reverse("wikisurveys:results", args=[survey.pk]))
    assert page.status_code == status
    assert ('name="top"' in page.content.decode()) == carry_form


def _tables(html: str) -> str:
    """The cached part of the results page: the chart and the three tables."""
    return html.split('id="ranking-title"')[1].split("<h2>")[-2]


def test_it_renders_the_cached_tables_again_for_another_language_or_snapshot(
    client, survey: Survey, crowd: list[Voter]
) -> None:
    _answer_randomly(survey, crowd, 12, seed=16, skips=0)
    french = reverse("wikisurveys:results", args=[survey.pk])
    assert "By stakeholder role" in client.get(_english("results", survey)).content.decode()
    before = client.get(french).content.decode()
    assert "Par rôle de partie prenante" in before
    _answer_randomly(survey, crowd, 12, seed=17, skips=0)
    tallies.results_refresh(survey=survey)
    after = client.get(french).content.decode()
    assert _tables(after) != _tables(before)
    cache.clear()
    assert _tables(client.get(french).content.decode()) == _tables(after)


def _answer_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "wikisurveys_answer" in q["sql"]]


def test_it_stops_counting_answers_after_the_deadline_through_the_close_task(
    client, survey: Survey, crowd: list[Voter], django_capture_on_commit_callbacks
) -> None:
    """The real flow: the close task stores the snapshot moments after the close, before the
    deadline; the first view after the deadline counts once and stamps it final."""
    _answer_randomly(survey, crowd, 10, seed=18)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the close task
        services.survey_close(survey=survey)
    # Two days pass (no grace days: the paper deadline is the close), for both timestamps.
    two_days = dt.timedelta(days=2)
    Survey.objects.filter(pk=survey.pk).update(closed_at=F("closed_at") - two_days)
    ResultsSnapshot.objects.update(computed_at=F("computed_at") - two_days)
    url = reverse("wikisurveys:results", args=[survey.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    assert len(_answer_queries(first)) == 1  # counted once, found current: stamped final
    for _ in range(2):
        with CaptureQueriesContext(connection) as later:
            page = client.get(url)
        assert _answer_queries(later) == []
    _assert_as_fresh(survey, page.context["results"])
    assert ResultsSnapshot.objects.get(survey=survey).answers == 10


def test_it_asks_for_one_results_recompute_while_one_is_pending(
    survey: Survey, crowd: list[Voter], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as asked:
        for k in range(5):
            services.item_submit(survey=survey, author=crowd[0], text=f"Idée {k}", language="fr")
    assert len(asked) == 1  # the worker has not run yet: the later items do not ask again
    asked[0]()  # the worker runs: one recompute sees the five items
    active = set(survey.items.filter(status=ItemStatus.ACTIVE).values_list("pk", flat=True))
    assert set(ResultsSnapshot.objects.get(survey=survey).content["items"]) == active
    assert Survey.objects.get(pk=survey.pk).results_requested_at is None
    with django_capture_on_commit_callbacks() as again:
        services.item_submit(survey=survey, author=crowd[0], text="Idée 5", language="fr")
    assert len(again) == 1
    # A request the worker never ran (it stopped) is made again after a while.
    Survey.objects.filter(pk=survey.pk).update(
        results_requested_at=timezone.now() - tallies.REFIT_RETRY - dt.timedelta(seconds=1)
    )
    item = survey.items.get(text_fr="Idée 0")
    with django_capture_on_commit_callbacks() as retried:
        services.item_moderate(item=item, status=ItemStatus.REJECTED)
    assert len(retried) == 1


def test_it_recomputes_an_open_surveys_results_stored_by_another_engine_version(
    client, survey: Survey, crowd: list[Voter]
) -> None:
    _answer_randomly(survey, crowd, 10, seed=19)
    tallies.results_snapshot_store(survey=survey)
    # An older engine stored another layout (here: no group tables at all).
    ResultsSnapshot.objects.update(engine_version="0.0.1", content={"items": [], "ranking": []})
    page = client.get(reverse("wikisurveys:results", args=[survey.pk]))
    assert page.status_code == 200
    _assert_as_fresh(survey, page.context["results"])
    assert ResultsSnapshot.objects.get(survey=survey).engine_version == coprod_engine.__version__


def test_it_counts_skips_and_refreshes_when_only_skips_came_in(
    client, survey: Survey, crowd: list[Voter], monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(tallies, "REFIT_VOTES", 5)
    with django_capture_on_commit_callbacks(execute=True):  # one refresh, after 6 votes
        _answer_randomly(survey, crowd, 6, seed=20, skips=0)
    url = _english("results", survey)
    with django_capture_on_commit_callbacks() as asked:
        _answer_randomly(survey, crowd, 4, seed=21, skips=1)
    assert asked == [] and Survey.objects.get(pk=survey.pk).skips == 4
    page = client.get(url)
    assert page.context["results"].lags  # behind by skips alone: said so
    assert "Results as of 6 votes" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True) as asked:
        _answer_randomly(survey, crowd, 1, seed=22, skips=1)
    assert len(asked) == 1  # 5 answers since the refresh, skips only: a refresh
    assert ResultsSnapshot.objects.get(survey=survey).skips == 5
    _assert_as_fresh(survey, client.get(url).context["results"])

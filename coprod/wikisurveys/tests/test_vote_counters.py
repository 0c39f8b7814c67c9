"""The voting page reads vote counters, not answers: counted once, as the answers say.

Each test compares the counters with what the answers give (``survey_votes``, the engine's
``aoi_scores`` and ``pair_counts``), which is how the pair was chosen before the counters.
"""

from __future__ import annotations

import datetime as dt
import importlib
from functools import partial
from io import StringIO

import numpy as np
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from scipy import sparse

from coprod.processes.tests.test_concurrency import _race
from coprod.wikisurveys import selectors, services, tallies
from coprod.wikisurveys.models import (
    Answer,
    Appearance,
    Item,
    ItemStatus,
    PairTally,
    PaperSheet,
    ResultsSnapshot,
    Survey,
    Voter,
)
from coprod.wikisurveys.selectors import (
    HELD_BACK_VOTES,
    pair_choice_inputs,
    survey_vote_count,
    survey_votes,
)
from coprod.wikisurveys.tests.conftest import _vote, _voter
from coprod_engine.pairwise import aoi_scores, bradley_terry, next_pair, pair_counts


def _answer(
    survey: Survey, voter: Voter, left: Item, right: Item, *, left_wins: bool | None = True
) -> None:
    """A vote on (left, right), or a skip when ``left_wins`` is None, through the services."""
    appearance = Appearance.objects.create(
        survey=survey, voter=voter, left=left, right=right, seed=0
    )
    if left_wins is None:
        services.answer_skip(appearance=appearance, voter=voter, reason="dont_know")
    else:
        winner = left if left_wins else right
        services.answer_vote(appearance=appearance, voter=voter, winner_id=winner.pk)


def _from_answers(survey: Survey) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Active item ids, comparisons and full pair counts, computed from every answer."""
    votes = survey_votes(survey)
    k = len(votes.items)
    comparisons = aoi_scores(votes.winners, votes.losers, k).comparisons
    counts = pair_counts(votes.winners, votes.losers, k).toarray()
    return [item.pk for item in votes.items], comparisons, counts


def _counters(survey: Survey) -> tuple[list[int], list[tuple[int, int, int]]]:
    items = list(Item.objects.filter(survey=survey).order_by("id").values_list("votes", flat=True))
    pairs = PairTally.objects.filter(survey=survey, votes__gt=0).order_by("low", "high")
    return items, list(pairs.values_list("low_id", "high_id", "votes"))


@pytest.fixture
def more_items(survey: Survey) -> list[Item]:
    """The three needs and four written items: seven items, 21 pairs."""
    for text in ("Des brumisateurs", "Des arbres", "Des piscines", "Des autobus climatisés"):
        services.items_add(survey=survey, text_fr=text)
    return list(survey.items.order_by("id"))


def test_it_counts_votes_per_item_and_per_pair_as_the_answers_do(
    survey: Survey, personas, monkeypatch
) -> None:
    monkeypatch.setattr(selectors, "HELD_BACK_VOTES", 1)  # read every pair, to compare them all
    a, b, c = survey.items.order_by("id")
    voter = _voter(survey, personas["participant"])
    for left, right, left_wins in ((a, b, True), (b, a, True), (a, b, False), (b, c, True)):
        _answer(survey, voter, left, right, left_wins=left_wins)
    ids, comparisons, counts = _from_answers(survey)
    inputs = pair_choice_inputs(survey)
    assert inputs.item_ids == ids
    assert inputs.comparisons.tolist() == comparisons.tolist() == [3, 4, 1]
    assert (inputs.pair_counts.toarray() == counts).all()
    assert survey_vote_count(survey) == 4


def test_it_does_not_count_skips_as_comparisons(survey: Survey, voter: Voter) -> None:
    a, b, _c = survey.items.order_by("id")
    _answer(survey, voter, a, b, left_wins=None)
    assert _counters(survey) == ([0, 0, 0], [])
    assert pair_choice_inputs(survey).comparisons.tolist() == [0, 0, 0]
    assert survey_vote_count(survey) == 0


def test_it_leaves_rejected_and_pending_items_out_of_the_counts(
    survey: Survey, voter: Voter, more_items: list[Item]
) -> None:
    first, second, *_rest, rejected = more_items
    for other in more_items[:-1]:
        _answer(survey, voter, rejected, other)
    _answer(survey, voter, first, second)
    services.item_moderate(item=rejected, status=ItemStatus.REJECTED)
    services.item_moderate(item=more_items[3], status=ItemStatus.PENDING)
    ids, comparisons, _counts = _from_answers(survey)
    inputs = pair_choice_inputs(survey)
    assert inputs.item_ids == ids and rejected.pk not in ids and more_items[3].pk not in ids
    assert inputs.comparisons.tolist() == comparisons.tolist() == [1, 1, 0, 0, 0]
    services.item_moderate(item=rejected, status=ItemStatus.ACTIVE)
    assert pair_choice_inputs(survey).comparisons.tolist() == _from_answers(survey)[1].tolist()


# Votes on each of the 15 pairs of six items: some above what next_pair leaves at full weight.
PAIR_VOTES = (22, 3, 30, 0, 8, 25, 1, 12, 20, 5, 19, 2, 40, 6, 0)


def test_it_draws_the_pair_next_pair_draws_from_all_the_answers(
    survey: Survey, personas, more_items: list[Item]
) -> None:
    """Replay: each appearance's seed with the inputs counted from every answer gives its pair.

    Some pairs have more votes than ``next_pair`` leaves at full weight (only those pairs are
    read), an item with votes is rejected, strengths are stored and the voter has seen pairs.
    The test checks that it would notice: without the pair counts, or with the rejected
    item's votes left in, some draws differ.
    """
    crowd = _voter(survey, personas["moderator"])
    *active, rejected = more_items
    pairs = [(x, y) for i, x in enumerate(active) for y in active[i + 1 :]]
    for (left, right), n in zip(pairs, PAIR_VOTES, strict=True):
        for k in range(n):
            _answer(survey, crowd, left, right, left_wins=(k * 7 + left.pk) % 5 < 3)
    for other, n in ((active[0], 15), (active[1], 10)):
        for _ in range(n):
            _answer(survey, crowd, rejected, other)
    tallies.survey_refresh(survey=survey)
    services.item_moderate(item=rejected, status=ItemStatus.REJECTED)
    voter = _voter(survey, personas["participant"])
    _answer(survey, voter, active[0], active[2])
    _answer(survey, voter, active[3], active[1], left_wins=None)
    ids, comparisons, counts = _from_answers(survey)
    index = {pk: i for i, pk in enumerate(ids)}
    seen = [(index[active[0].pk], index[active[2].pk]), (index[active[3].pk], index[active[1].pk])]
    stored = Survey.objects.get(pk=survey.pk).strengths
    strengths = np.array([stored.get(str(pk), 0.0) for pk in ids])
    assert pair_choice_inputs(survey).pair_counts.nnz == 2 * 5  # five pairs of 20 votes or more
    uncorrected = comparisons + [15, 10, 0, 0, 0, 0]
    differ = {"no pair counts": 0, "rejected votes kept": 0}
    for seed in range(150):
        appearance = services.appearance_next(voter=voter, seed=seed)
        assert appearance is not None and appearance.seed == seed
        shown = (index[appearance.left_id], index[appearance.right_id])

        choose = partial(_draw, seed=seed, seen=seen, strengths=strengths)
        assert shown == choose(comparisons, sparse_from(counts))
        differ["no pair counts"] += shown != choose(comparisons, None)
        differ["rejected votes kept"] += shown != choose(uncorrected, sparse_from(counts))
        appearance.delete()
    assert all(differ.values()), differ


def _draw(
    comparisons: np.ndarray,
    pair_counts: sparse.csr_array | None,
    *,
    seed: int,
    seen: list[tuple[int, int]],
    strengths: np.ndarray | None,
) -> tuple[int, int]:
    pair = next_pair(
        comparisons, seed=seed, seen=seen, strengths=strengths, pair_counts=pair_counts
    )
    assert pair is not None
    return (pair.left, pair.right)


def sparse_from(counts: np.ndarray) -> sparse.csr_array:
    return sparse.csr_array(counts)


def test_it_reads_only_the_pairs_whose_weight_the_votes_lower() -> None:
    """Up to HELD_BACK_VOTES - 1 votes on every pair, next_pair draws as if there were none."""
    k = 6
    everywhere = 1.0 - np.eye(k)
    draws = {
        votes: [
            _draw(np.full(k, 10), sparse_from(everywhere * votes), seed=s, seen=[], strengths=None)
            for s in range(200)
        ]
        for votes in (0, HELD_BACK_VOTES - 1, HELD_BACK_VOTES)
    }
    assert draws[HELD_BACK_VOTES - 1] == draws[0]
    assert draws[HELD_BACK_VOTES] != draws[0]


def test_it_counts_typed_paper_sheets_and_uncounts_a_cleared_one(survey: Survey, personas) -> None:
    (sheet,) = services.paper_sheets_print(survey=survey, count=1, pairs=3)
    first, second, third = sheet.voter.appearances.order_by("id")
    marks = {first.pk: "left", second.pk: "right", third.pk: "cant_decide"}
    services.paper_sheet_enter(sheet=sheet, marks=marks, entered_by=personas["staff"])
    assert survey_vote_count(survey) == 2 and Survey.objects.get(pk=survey.pk).skips == 1
    assert pair_choice_inputs(survey).comparisons.tolist() == _from_answers(survey)[1].tolist()
    services.paper_sheet_clear(sheet=sheet)
    assert survey_vote_count(survey) == 0 and Survey.objects.get(pk=survey.pk).skips == 0
    assert _counters(survey) == ([0, 0, 0], [])


def test_it_recounts_the_same_counters_from_the_answers(
    survey: Survey, personas, more_items: list[Item]
) -> None:
    voters = [_voter(survey, personas[role]) for role in ("participant", "moderator")]
    for voter in voters:
        for _ in range(8):
            _vote(voter, left_wins=voter.pk % 2 == 0)
    a, b, *_rest = more_items
    _answer(survey, voters[0], a, b, left_wins=None)  # a skip
    counted = _counters(survey)
    Item.objects.filter(pk=a.pk).update(votes=0)  # counters gone wrong
    PairTally.objects.filter(low=a).delete()
    Survey.objects.filter(pk=survey.pk).update(skips=7)
    tallies.survey_tallies_rebuild(survey=survey)
    assert _counters(survey) == counted and Survey.objects.get(pk=survey.pk).skips == 1
    # The migration that added the counters fills them the same way from past answers.
    migration = importlib.import_module("coprod.wikisurveys.migrations.0003_vote_counters")
    Item.objects.update(votes=0)
    PairTally.objects.all().delete()
    migration.count_past_votes(apps, None)
    assert _counters(survey) == counted
    skips = importlib.import_module(
        "coprod.wikisurveys.migrations.0005_refresh_throttle_skip_counter"
    )
    Survey.objects.update(skips=0)
    skips.count_past_skips(apps, None)
    assert Survey.objects.get(pk=survey.pk).skips == 1


def test_it_refits_the_strengths_in_the_background_every_few_votes(
    survey: Survey, personas, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    fits: list[int] = []
    real_fit = tallies.bradley_terry

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        fits.append(len(args[0]))
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(tallies, "bradley_terry", counting)
    monkeypatch.setattr(tallies, "REFIT_VOTES", 5)
    seen_strengths: list[object] = []
    real_next = services.next_pair

    def spying(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen_strengths.append(kwargs.get("strengths"))
        return real_next(*args, **kwargs)

    monkeypatch.setattr(services, "next_pair", spying)
    voters = [_voter(survey, personas[r]) for r in ("participant", "moderator", "note_taker")]
    for _ in range(3):
        for v in voters:
            if services.appearance_next(voter=v) is not None:
                # The test settings run a task at once; the vote enqueues it after commit.
                with django_capture_on_commit_callbacks(execute=True):
                    _vote(v)
    assert seen_strengths[0] is None  # no vote yet: nothing fitted
    assert len(seen_strengths) == 9 and all(s is not None for s in seen_strengths[1:])
    assert fits == [1, 6]  # after the first vote, then after 5 more: in the task
    survey.refresh_from_db()
    assert survey.strengths_votes == 6 and len(survey.strengths) == 3
    assert survey.strengths_requested_at is None


def test_it_asks_for_one_refit_while_one_is_pending(
    survey: Survey, personas, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(tallies, "REFIT_VOTES", 1)
    voters = [_voter(survey, personas[r]) for r in ("participant", "moderator", "note_taker")]
    with django_capture_on_commit_callbacks() as asked:
        for v in voters:
            _vote(v)
    assert len(asked) == 1  # the worker has not run yet: the later votes do not ask again
    survey.refresh_from_db()
    assert survey.strengths == {} and survey.strengths_requested_at is not None
    asked[0]()  # the worker runs the task
    survey.refresh_from_db()
    assert survey.strengths_votes == 3 and survey.strengths_requested_at is None
    # A request the worker never ran (it stopped) is made again after a while.
    Survey.objects.filter(pk=survey.pk).update(
        strengths_requested_at=timezone.now() - tallies.REFIT_RETRY - dt.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks() as asked_again:
        _vote(voters[0])
    assert len(asked_again) == 1


def test_it_never_fits_in_a_voting_request(client_as, survey: Survey, monkeypatch) -> None:
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a voting request fitted the strengths")

    monkeypatch.setattr(tallies, "bradley_terry", refuse)
    client = client_as("participant")
    for _ in range(3):
        page = client.get(reverse("wikisurveys:survey", args=[survey.pk]))
        appearance = page.context["appearance"]
        response = client.post(
            reverse("wikisurveys:vote", args=[survey.pk]),
            {"appearance": appearance.pk, "choice": appearance.left_id},
        )
        assert response.status_code == 302
    assert survey_vote_count(survey) == 3


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_counts_concurrent_votes_on_shared_items_once_without_deadlock(
    survey: Survey, personas
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    a, b, c = survey.items.order_by("id")
    voters = [_voter(survey, personas[r]) for r in ("participant", "moderator", "note_taker")]
    # The same pair both ways round and pairs sharing one item, each submitted three times.
    shown = [
        Appearance.objects.create(survey=survey, voter=v, left=left, right=right, seed=0)
        for v in voters
        for left, right in ((a, b), (b, a), (c, b), (a, c))
    ]
    calls = [appearance for appearance in shown for _ in range(3)]
    position = iter(range(len(calls)))

    def cast() -> None:
        appearance = calls[next(position)]
        winner = appearance.right_id if appearance.left_id == b.pk else appearance.left_id
        services.answer_vote(appearance=appearance, voter=appearance.voter, winner_id=winner)

    assert _race(cast, count=len(calls)) == []
    assert survey_vote_count(survey) == len(shown) == 12
    counted = _counters(survey)
    assert counted == ([9, 9, 6], [(a.pk, b.pk, 6), (a.pk, c.pk, 3), (b.pk, c.pk, 3)])
    tallies.survey_tallies_rebuild(survey=survey)
    assert _counters(survey) == counted


def test_it_keeps_the_newer_fit_when_an_older_refresh_finishes_last(
    survey: Survey, voter: Voter, monkeypatch
) -> None:
    """Two refreshes overlap (a retry while the first still runs): the first reads 4 votes,
    then the second reads 34, fits and stores, then the first one writes last."""
    a, b, c = survey.items.order_by("id")
    for _ in range(4):
        _answer(survey, voter, a, b)
    real_votes = services.survey_votes

    def slow_read(survey: Survey) -> selectors.SurveyVotes:
        read = real_votes(survey)
        monkeypatch.setattr(tallies, "survey_votes", real_votes)
        for _ in range(30):
            _answer(survey, voter, b, c)
        assert tallies.survey_refresh(survey=survey) == 34  # the retry, done meanwhile
        return read

    monkeypatch.setattr(tallies, "survey_votes", slow_read)
    assert tallies.survey_refresh(survey=survey) == 4
    survey.refresh_from_db()
    votes = survey_votes(survey)
    fit = bradley_terry(votes.winners, votes.losers, len(votes.items))
    assert survey.strengths_votes == 34
    assert survey.strengths == {
        str(item.pk): float(theta) for item, theta in zip(votes.items, fit.strengths, strict=True)
    }
    assert ResultsSnapshot.objects.get(survey=survey).answers == 34


def test_it_recounts_with_the_command_what_older_code_left_uncounted(
    survey: Survey, personas
) -> None:
    """Answers written by code older than the counters (between the migration and the
    restart) are in no counter: clearing their sheet is refused with a clear message,
    and ``wikisurvey_recount`` puts things right."""
    (sheet,) = services.paper_sheets_print(survey=survey, count=1, pairs=3)
    first, second, third = sheet.voter.appearances.order_by("id")
    for appearance in (first, second):  # as the old code typed them: no counter moved
        Answer.objects.create(
            appearance=appearance, winner_id=appearance.left_id, loser_id=appearance.right_id
        )
    Answer.objects.create(appearance=third, skip_reason="unstated")
    PaperSheet.objects.filter(pk=sheet.pk).update(entered_at=timezone.now())
    with pytest.raises(ValidationError, match=f"wikisurvey_recount --survey {survey.pk}"):
        services.paper_sheet_clear(sheet=sheet)
    out = StringIO()
    call_command("wikisurvey_recount", survey=survey.pk, stdout=out)
    assert out.getvalue() == f"survey {survey.pk}: recounted\n"
    assert survey_vote_count(survey) == 2 and Survey.objects.get(pk=survey.pk).skips == 1
    assert pair_choice_inputs(survey).comparisons.tolist() == _from_answers(survey)[1].tolist()
    services.paper_sheet_clear(sheet=sheet)
    assert _counters(survey) == ([0, 0, 0], []) and Survey.objects.get(pk=survey.pk).skips == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_recounts_beside_concurrent_votes_without_losing_one(survey: Survey, personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    a, b, c = survey.items.order_by("id")
    voters = [_voter(survey, personas[r]) for r in ("participant", "moderator", "note_taker")]
    shown = [
        Appearance.objects.create(survey=survey, voter=v, left=left, right=right, seed=0)
        for v in voters
        for left, right in ((a, b), (b, a), (c, b), (a, c), (b, c))
    ]
    # Votes, skips and recounts at once: each recount before, between or after them.
    calls: list[Appearance | None] = [*shown, None, None, None, None]
    position = iter(range(len(calls)))

    def act() -> None:
        appearance = calls[next(position)]
        if appearance is None:
            tallies.survey_tallies_rebuild(survey=survey)
        elif appearance.left_id == c.pk:
            services.answer_skip(appearance=appearance, voter=appearance.voter, reason="other")
        else:
            services.answer_vote(
                appearance=appearance, voter=appearance.voter, winner_id=appearance.left_id
            )

    assert _race(act, count=len(calls)) == []
    ids, comparisons, counts = _from_answers(survey)
    assert pair_choice_inputs(survey).comparisons.tolist() == comparisons.tolist()
    assert survey_vote_count(survey) == 12 and Survey.objects.get(pk=survey.pk).skips == 3
    pairs = {(low, high): votes for low, high, votes in _counters(survey)[1]}
    assert pairs == {(a.pk, b.pk): 6, (a.pk, c.pk): 3, (b.pk, c.pk): 3}

"""What the pages read instead of every answer: vote counters, refitted strengths and results.

Each vote and skip updates the counters in its own transaction (:func:`tally_votes`,
:func:`tally_skips`); the Bradley-Terry strengths behind the pair choice and the results
snapshot are recomputed in the background worker (``tasks``) when enough answers came in,
and a closed survey's results are made exact once. Called by ``services`` and ``tasks``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

import coprod_engine
from coprod.processes.selectors import paper_deadline
from coprod.wikisurveys.models import (
    Answer,
    Item,
    ItemStatus,
    PairTally,
    ResultsSnapshot,
    Survey,
)
from coprod.wikisurveys.selectors import (
    AnswerSet,
    Ranking,
    ResultsPage,
    SurveyVotes,
    answer_set,
    results_content,
    results_page,
    results_snapshot,
    snapshot_answers,
    survey_answer_count,
    survey_ranking,
    survey_votes,
)
from coprod_engine.pairwise import bradley_terry

# Ask for a refresh (the strengths behind the pair choice refitted, the results recomputed)
# after this many new votes, or a tenth more on large surveys. It runs in the background
# worker (``tasks``): ~0.3 s of CPU for the fit at 500 items x 50,000 votes, which no voter
# should wait for.
REFIT_VOTES = 25
# A refresh asked for and not done after this long (a worker stopped) is asked for again.
REFIT_RETRY = dt.timedelta(minutes=2)


def _refit_due(strengths_votes: int, votes: int) -> bool:
    if votes == 0:
        return False
    return strengths_votes == 0 or votes - strengths_votes >= max(
        REFIT_VOTES, strengths_votes // 10
    )


def survey_refresh_soon(survey: Survey) -> None:
    """Ask the worker for a refresh after this transaction commits, if enough votes came in.

    At most one request is pending per survey: the request is claimed with a conditional
    UPDATE of ``strengths_requested_at``, so concurrent voters crossing the threshold together
    enqueue one task. Costs one small query per vote (the survey row, the sum of the items'
    counters), and a second one when it asks.
    """
    fitted, requested, skips, counted = (
        Survey.objects.filter(pk=survey.pk)
        .annotate(counted=Sum("items__votes"))
        .values_list("strengths_votes", "strengths_requested_at", "skips", "counted")
        .get()
    )
    now = timezone.now()
    if requested is not None and now - requested < REFIT_RETRY:
        return
    # Votes and skips (as survey_answer_count): skips change the "can't decide" figures.
    if not _refit_due(fitted, (counted or 0) // 2 + skips):
        return
    claimed = (
        Survey.objects.filter(pk=survey.pk)
        .filter(
            Q(strengths_requested_at__isnull=True)
            | Q(strengths_requested_at__lte=now - REFIT_RETRY)
        )
        .update(strengths_requested_at=now)
    )
    if claimed:
        from coprod.wikisurveys.tasks import refresh_survey

        transaction.on_commit(lambda: refresh_survey.enqueue(survey.pk))


def survey_refresh(*, survey: Survey) -> int:
    """Refit the strengths of the active items and recompute the results, from one read.

    The strengths are stored by item id, the results as the survey's snapshot. Returns the
    survey's answer count (votes and skips, from the counters) they stand for. A refresh
    that is not due (a second request) does nothing. The count is read before the votes, so
    a vote arriving in between makes the next refresh come one vote early, never late.
    Overlapping runs (a retry while the first still runs, the demo beside the worker) keep
    the fit of the larger count: an older fit never overwrites a newer one.
    """
    counted = survey_answer_count(survey)
    fitted = Survey.objects.filter(pk=survey.pk).values_list("strengths_votes", flat=True).get()
    if not _refit_due(fitted, counted):
        Survey.objects.filter(pk=survey.pk).update(strengths_requested_at=None)
        return fitted
    votes = survey_votes(survey)
    strengths: dict[str, float] = {}
    if len(votes.items) >= 2 and votes.winners.size:
        fit = bradley_terry(votes.winners, votes.losers, len(votes.items))
        strengths = {
            str(item.pk): float(theta)
            for item, theta in zip(votes.items, fit.strengths, strict=True)
        }
    # Conditional: a run that counted more answers and wrote first keeps its fit (and its
    # cleared request); this older one only adds its snapshot, which keeps the newer too.
    Survey.objects.filter(pk=survey.pk, strengths_votes__lte=counted).update(
        strengths=strengths, strengths_votes=counted, strengths_requested_at=None
    )
    results_snapshot_store(survey=survey, votes=votes)
    return counted


def results_snapshot_store(
    *, survey: Survey, votes: SurveyVotes | None = None, ranking: Ranking | None = None
) -> ResultsSnapshot:
    """Compute the results from every answer and store them as the survey's snapshot.

    ``votes`` (and their ``ranking``) when the caller has read them already. A snapshot of
    answers read later than these is kept, not replaced: the worker and a page computing at
    once leave the newer one. Returns the snapshot stored.
    """
    votes = votes or survey_votes(survey)
    ranking = ranking or survey_ranking(survey, votes)
    fields = {
        "computed_at": votes.read_at or timezone.now(),
        "engine_version": coprod_engine.__version__,
        "input_hash": ranking.input_hash,
        "answers": votes.read.answers,
        "last_answer_id": votes.read.last_answer_id,
        "tallied_votes": votes.tallied_votes,
        "tallied_skips": votes.tallied_skips,
        "votes": ranking.n_votes,
        "skips": ranking.n_skips,
        "voters": len(set(votes.voters.tolist()) | set(votes.skip_voters.tolist())),
        "content": results_content(survey, votes, ranking),
    }
    snapshot, created = ResultsSnapshot.objects.get_or_create(survey=survey, defaults=fields)
    if created:
        return snapshot
    ResultsSnapshot.objects.filter(pk=snapshot.pk, computed_at__lte=fields["computed_at"]).update(
        **fields
    )
    return ResultsSnapshot.objects.get(pk=snapshot.pk)


def _page_items(survey: Survey) -> list[Item]:
    """Every item of the survey with what the results page reads of it (text, status, votes)."""
    return list(
        Item.objects.filter(survey=survey).only(
            "pk", "survey_id", "text_fr", "text_en", "status", "votes"
        )
    )


def _snapshot_current(snapshot: ResultsSnapshot, items: list[Item], live: AnswerSet) -> bool:
    """Whether the snapshot counts exactly the answers ``live`` and the items active now, as
    this version of the engine computes them."""
    active = {item.pk for item in items if item.status == ItemStatus.ACTIVE}
    return (
        snapshot_answers(snapshot) == live
        and set(snapshot.content["items"]) == active
        and snapshot.engine_version == coprod_engine.__version__
    )


def results_refresh(*, survey: Survey) -> ResultsSnapshot:
    """The survey's snapshot, recomputed unless it already counts every answer and item now.

    The pending request is released first: a change committed from now on asks again, and
    one whose transaction holds the survey row (:func:`results_refresh_soon`) is waited for,
    so it is read here.
    """
    Survey.objects.filter(pk=survey.pk).update(results_requested_at=None)
    snapshot = results_snapshot(survey)
    if snapshot is not None and _snapshot_current(
        snapshot, _page_items(survey), answer_set(survey)
    ):
        return snapshot
    return results_snapshot_store(survey=survey)


def results_refresh_soon(survey: Survey) -> None:
    """Ask the worker for fresh results after this transaction commits (the items changed).

    At most one request is pending per survey (``results_requested_at``, asked again after
    REFIT_RETRY if the worker never ran it): each recompute reads every answer, and N items
    submitted before the worker runs need one. The survey row is locked (no key update, so
    voters' inserts are not held up) until this transaction commits: the task releases the
    request only after that, so it cannot read the items before this change. Call it after
    the item rows are written (item rows then survey row, the order of a vote).
    """
    now = timezone.now()
    requested = (
        Survey.objects.select_for_update(no_key=True)
        .filter(pk=survey.pk)
        .values_list("results_requested_at", flat=True)
        .get()
    )
    if requested is not None and now - requested < REFIT_RETRY:
        return
    Survey.objects.filter(pk=survey.pk).update(results_requested_at=now)
    from coprod.wikisurveys.tasks import refresh_results

    transaction.on_commit(lambda: refresh_results.enqueue(survey.pk))


# A vote in flight when the survey closed commits within this: a snapshot of answers read
# this long after the close (and the paper deadline) holds every answer there will ever be.
ANSWERS_SETTLE = dt.timedelta(minutes=1)


def results_for_page(*, survey: Survey) -> ResultsPage:
    """The results page's figures, from the stored snapshot: no answer is read, usually.

    Computed here (and stored) only when the survey has no snapshot from this engine
    version yet, or when it is closed and answers or items changed since the snapshot: a
    closed survey shows exact results. An open survey shows its snapshot, which the worker
    refreshes every few answers; the page says when it lags (by the vote and skip
    counters). Once the paper deadline has passed, the first view stamps a current snapshot
    final (:func:`_closed_snapshot`); from then on no answer is counted.
    """
    snapshot = results_snapshot(survey)
    items = _page_items(survey)
    # Another engine version's snapshot is as good as none, open survey or not: its content
    # may have another layout (no schema version of its own), and reading it could fail.
    if snapshot is None or snapshot.engine_version != coprod_engine.__version__:
        snapshot = results_snapshot_store(survey=survey)
    elif not survey.is_open and not _results_final(survey, snapshot):
        snapshot = _closed_snapshot(survey, snapshot, items)
    return results_page(snapshot, items, live_skips=survey.skips)


def _closed_snapshot(
    survey: Survey, snapshot: ResultsSnapshot, items: list[Item]
) -> ResultsSnapshot:
    """A closed survey's snapshot made exact now, and stamped final once it can be.

    The close task stores a snapshot moments after the close, before the paper deadline,
    and nothing stores one again while it stays current: without the stamp, every view
    would count the answers forever. Once the deadline and the settling time have passed,
    a snapshot counting exactly the answers now is final: its ``computed_at`` becomes the
    time of this count (which it stands for), if no one stored another meanwhile.
    """
    deadline = paper_deadline(survey)
    now = timezone.now()
    live = answer_set(survey)
    if not _snapshot_current(snapshot, items, live):
        return results_snapshot_store(survey=survey)
    if deadline is not None and now > deadline + ANSWERS_SETTLE:
        stamped = ResultsSnapshot.objects.filter(
            pk=snapshot.pk, answers=live.answers, last_answer_id=live.last_answer_id
        ).update(computed_at=now)
        if stamped:
            snapshot.computed_at = now
    return snapshot


def _results_final(survey: Survey, snapshot: ResultsSnapshot) -> bool:
    """Whether the closed survey's snapshot counts every answer it will ever have."""
    deadline = paper_deadline(survey)
    return (
        deadline is not None
        and snapshot.computed_at > deadline + ANSWERS_SETTLE
        and snapshot.engine_version == coprod_engine.__version__
    )


def tally_votes(*, survey_id: int, votes: Iterable[tuple[int, int]], step: int = 1) -> None:
    """Count (``step=1``) or uncount (``-1``) votes (winner, loser) in the vote counters.

    Called in the transaction that creates (or deletes) the answers, so a vote is counted
    exactly when its answer exists. The counters are updated in place (F expressions), item
    rows first then pair rows, each in ascending id order: two transactions counting votes on
    shared items queue on the first shared row instead of deadlocking, and the pair row of a
    first vote on a pair is created by one of them only (the other waits on the item rows).
    """
    per_item: Counter[int] = Counter()
    per_pair: Counter[tuple[int, int]] = Counter()
    for winner, loser in votes:
        per_item[winner] += step
        per_item[loser] += step
        per_pair[min(winner, loser), max(winner, loser)] += step
    for pk in sorted(per_item):
        Item.objects.filter(pk=pk).update(votes=F("votes") + per_item[pk])
    for (low, high), change in sorted(per_pair.items()):
        tally = PairTally.objects.filter(low_id=low, high_id=high)
        if not tally.update(votes=F("votes") + change):
            PairTally.objects.create(survey_id=survey_id, low_id=low, high_id=high, votes=change)


def tally_skips(*, survey_id: int, count: int) -> None:
    """Count (or uncount, ``count`` < 0) skips in the survey's counter, in the transaction
    that creates (or deletes) them; after any item counters (item rows, then the survey row)."""
    if count:
        Survey.objects.filter(pk=survey_id).update(skips=F("skips") + count)


@transaction.atomic
def survey_tallies_rebuild(*, survey: Survey) -> None:
    """Recount the vote and skip counters from the answers (after a bulk import, after the
    counters' migration if older code wrote answers meanwhile, or to check them).

    Safe beside voters: the survey's item rows are locked first, in ascending id order (as a
    vote locks them), then the survey row (as a vote or skip asks for a refresh, last), and
    only then are the answers read. A vote committed before is in the read; one still open
    waits for the locks and counts itself on top of the recount. Pair counters are upserted
    (none is deleted, so none is created twice); counted in SQL (GROUP BY the ordered pair).
    """
    items = list(Item.objects.select_for_update(no_key=True).filter(survey=survey).order_by("id"))
    Survey.objects.select_for_update(no_key=True).filter(pk=survey.pk).values_list("pk").get()
    answers = Answer.objects.filter(appearance__survey=survey)
    grouped = (
        answers.filter(winner__isnull=False)
        .values_list("winner_id", "loser_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_item: Counter[int] = Counter()
    per_pair: Counter[tuple[int, int]] = Counter()
    for winner, loser, n in grouped:
        per_item[winner] += n
        per_item[loser] += n
        per_pair[min(winner, loser), max(winner, loser)] += n
    for item in items:
        item.votes = per_item[item.pk]
    Item.objects.bulk_update(items, ["votes"], batch_size=1000)
    # Every pair to zero, then the pairs voted on upserted: a pair no longer voted on stays.
    PairTally.objects.filter(survey=survey).update(votes=0)
    PairTally.objects.bulk_create(
        (
            PairTally(survey=survey, low_id=low, high_id=high, votes=n)
            for (low, high), n in per_pair.items()
        ),
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["low", "high"],
        update_fields=["votes"],
    )
    Survey.objects.filter(pk=survey.pk).update(skips=answers.filter(winner__isnull=True).count())

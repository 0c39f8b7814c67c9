"""Writes of wiki surveys: surveys and their items, pairs shown, votes and skips, carrying."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

import coprod_engine
from coprod.accounts.models import User
from coprod.processes.models import Idea, IdeaOrigin, IdeaStatus, Need, Participant, Phase
from coprod.processes.selectors import accepts_paper, paper_deadline
from coprod.processes.services import phase_method_attach
from coprod.wikisurveys.models import (
    Answer,
    Appearance,
    Item,
    ItemStatus,
    PairTally,
    PaperSheet,
    ResultsSnapshot,
    SkipReason,
    Survey,
    SurveyResult,
    Voter,
)
from coprod.wikisurveys.selectors import (
    AnswerSet,
    PairChoiceInputs,
    Ranking,
    ResultsPage,
    SurveyVotes,
    answer_set,
    pair_choice_inputs,
    results_content,
    results_page,
    results_snapshot,
    snapshot_answers,
    survey_answer_count,
    survey_has_votes,
    survey_ranking,
    survey_votes,
    unanswered_appearance,
    voter_seen_pairs,
)
from coprod_engine.pairwise import bradley_terry, next_pair

METHOD_KEY = "wiki_survey"
ITEM_MAX_LENGTH = 250


@transaction.atomic
def survey_create(
    *,
    phase: Phase,
    fields: Mapping[str, Any],
    needs: Iterable[Need] = (),
    ideas: Iterable[Idea] = (),
) -> Survey:
    """A survey in ``phase`` whose items are the chosen needs and ideas (two at least)."""
    phase_method = phase_method_attach(phase=phase, method_key=METHOD_KEY, config={})
    survey = Survey.objects.create(phase_method=phase_method, **fields)
    if len(_add_items(survey, needs=needs, ideas=ideas)) < 2:
        raise ValidationError(_("Choose at least two needs or ideas to compare."))
    return survey


def _add_items(survey: Survey, *, needs: Iterable[Need], ideas: Iterable[Idea]) -> list[Item]:
    items = [
        Item(survey=survey, text_fr=n.title_fr, text_en=n.title_en, need=n, status="active")
        for n in needs
    ] + [
        Item(survey=survey, text_fr=i.title_fr, text_en=i.title_en, idea=i, status="active")
        for i in ideas
    ]
    process_id = survey.phase_method.phase.process_id
    if any(
        (item.need or item.idea).process_id != process_id  # type: ignore[union-attr]
        for item in items
    ):
        raise ValidationError(_("Choose needs and ideas of this process."))
    return Item.objects.bulk_create(items)


def _refuse_when_closed(survey: Survey) -> None:
    if not survey.is_open:
        raise ValidationError(_("The survey is closed: reopen it to change it."))


@transaction.atomic
def survey_update(*, survey: Survey, fields: Mapping[str, Any]) -> Survey:
    """Change a survey's settings; its question is fixed once someone has answered it.

    The context, anonymous voting, the moderation of added items and the time for paper
    sheets stay editable; a closed survey is frozen until it is reopened.
    """
    Survey.objects.select_for_update().get(pk=survey.pk)
    survey.refresh_from_db()
    _refuse_when_closed(survey)
    question = {name: fields[name] for name in ("question_fr", "question_en") if name in fields}
    if any(value != getattr(survey, name) for name, value in question.items()) and (
        survey_has_votes(survey)
    ):
        raise ValidationError(
            _(
                "People have answered: the question can no longer change, as it would change what their answers mean."
            )
        )
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.full_clean(exclude=["phase_method"])
    # Only the settings: the counters and refresh stamps belong to votes and tasks, which
    # update them with F() and conditional UPDATEs (the row lock above orders us with them
    # today; naming the fields keeps that true if a writer ever stops locking).
    survey.save(update_fields=list(fields))
    return survey


@transaction.atomic
def items_add(
    *,
    survey: Survey,
    needs: Iterable[Need] = (),
    ideas: Iterable[Idea] = (),
    text_fr: str = "",
    text_en: str = "",
) -> list[Item]:
    """Facilitators' items: needs and ideas of the process, or a text in one or two languages.

    Shown at once (no moderation); adding items never changes the meaning of past answers.
    """
    _refuse_when_closed(survey)
    items = _add_items(survey, needs=needs, ideas=ideas)
    text_fr, text_en = " ".join(text_fr.split()), " ".join(text_en.split())
    if text_fr or text_en:
        items.append(
            Item.objects.create(
                survey=survey, text_fr=text_fr, text_en=text_en, status=ItemStatus.ACTIVE
            )
        )
    if not items:
        raise ValidationError(_("Choose a need or an idea, or write an item."))
    results_refresh_soon(survey)
    return items


@transaction.atomic
def item_update(*, item: Item, text_fr: str, text_en: str) -> Item:
    """Correct an item's wording, until it has been part of an answer (then it is fixed)."""
    item.refresh_from_db()  # a bound form may have changed the instance already
    _refuse_when_closed(item.survey)
    text_fr, text_en = " ".join(text_fr.split()), " ".join(text_en.split())
    if not (text_fr or text_en):
        raise ValidationError({"text_fr": _("Write the item in at least one language.")})
    answered = Answer.objects.filter(Q(appearance__left=item) | Q(appearance__right=item)).exists()
    if answered and (text_fr, text_en) != (item.text_fr, item.text_en):
        raise ValidationError(
            _(
                "This item has been compared: its wording can no longer change. Reject it and add a new one."
            )
        )
    item.text_fr, item.text_en = text_fr, text_en
    item.save(update_fields=["text_fr", "text_en"])
    return item


def _set_open(survey: Survey, is_open: bool) -> Survey:
    Survey.objects.select_for_update().get(pk=survey.pk)
    survey.is_open = is_open
    survey.closed_at = None if is_open else timezone.now()
    survey.save(update_fields=["is_open", "closed_at"])
    return survey


@transaction.atomic
def survey_close(*, survey: Survey) -> Survey:
    """Freeze the survey: no more votes, items, moderation or changes until it is reopened.

    The worker is asked for exact results at once, so the first visitor after the close does
    not wait for them (the results page would compute them itself otherwise).
    """
    results_refresh_soon(survey)
    return _set_open(survey, False)


@transaction.atomic
def survey_open(*, survey: Survey) -> Survey:
    return _set_open(survey, True)


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


def voter_for_participant(*, survey: Survey, participant: Participant) -> Voter:
    """The participant's voter in this survey, created on first use (race-safe)."""
    kinds = participant.knowledge_types
    voter, _created = Voter.objects.get_or_create(
        survey=survey,
        participant=participant,
        defaults={
            "knowledge_type": kinds[0] if kinds else "",
            "stakeholder_role": participant.stakeholder_role,
        },
    )
    voter.survey = survey  # the caller's instance: no second query for it
    return voter


def voter_for_anonymous(*, survey: Survey, key: str) -> Voter:
    if not survey.allow_anonymous:
        raise ValidationError(_("This survey asks you to sign in to vote."))
    voter, _created = Voter.objects.get_or_create(survey=survey, anonymous_key=key)
    voter.survey = survey
    return voter


@transaction.atomic
def item_submit(*, survey: Survey, author: Voter | None, text: str, language: str) -> Item:
    """A participant's own item, in one language; shown at once unless the survey moderates."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Write your idea.")})
    if len(text) > ITEM_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep it to %(limit)d characters or fewer.") % {"limit": ITEM_MAX_LENGTH}}
        )
    if not survey.accepts_items or not survey.is_open:
        raise ValidationError(_("This survey does not take new items."))
    status = ItemStatus.PENDING if survey.items_premoderated else ItemStatus.ACTIVE
    field = "text_en" if language == "en" else "text_fr"
    item = Item.objects.create(survey=survey, added_by=author, status=status, **{field: text})
    if status == ItemStatus.ACTIVE:
        results_refresh_soon(survey)
    return item


@transaction.atomic
def item_moderate(*, item: Item, status: str) -> Item:
    _refuse_when_closed(item.survey)
    if status not in ItemStatus.values:
        raise ValidationError(_("Unknown moderation status."))
    changed = status != item.status
    item.status = status
    item.save(update_fields=["status"])
    if changed:  # after the item row: item rows then survey row, as a vote locks them
        results_refresh_soon(item.survey)
    return item


@transaction.atomic
def appearance_next(*, voter: Voter, seed: int | None = None) -> Appearance | None:
    """The pair to show ``voter``: the one left unanswered, else a new draw by the engine.

    The draw is ``next_pair`` over the active items, with their vote counts, this voter's
    answered pairs (never shown again), the votes per pair and the stored strengths; its
    seed is stored with the appearance so the draw can be replayed. ``None`` when the voter
    has answered every pair. The voter's row is locked first, so two pages loaded at once
    show the same pair. The inputs come from the vote counters (:func:`pair_choice_inputs`):
    the work grows with the items and this voter's answers, not with the survey's answers.
    """
    Voter.objects.select_for_update().filter(pk=voter.pk).first()
    waiting = unanswered_appearance(voter)
    if waiting is not None:
        return waiting
    inputs = pair_choice_inputs(voter.survey)
    if len(inputs.item_ids) < 2:
        return None
    seen = voter_seen_pairs(voter, inputs.index)
    seed = secrets.randbits(62) if seed is None else seed
    pair = _draw_pair(inputs, seen, seed)
    if pair is None:
        return None
    shown = Item.objects.in_bulk(pair)  # both items in one query, for the page
    return Appearance.objects.create(
        survey=voter.survey, voter=voter, left=shown[pair[0]], right=shown[pair[1]], seed=seed
    )


def _draw_pair(
    inputs: PairChoiceInputs, seen: list[tuple[int, int]], seed: int
) -> tuple[int, int] | None:
    """The ids of the items ``next_pair`` draws (left, right), or None if all were seen."""
    pair = next_pair(
        inputs.comparisons,
        seed=seed,
        seen=seen or None,
        strengths=inputs.strengths,
        pair_counts=inputs.pair_counts,
    )
    if pair is None:
        return None
    return inputs.item_ids[pair.left], inputs.item_ids[pair.right]


def _check_answerable(appearance: Appearance, voter: Voter) -> None:
    if appearance.voter_id != voter.pk:
        raise ValidationError(_("This pair was shown to someone else."))
    if not appearance.survey.is_open:
        raise ValidationError(_("This survey is closed."))


@transaction.atomic
def answer_vote(*, appearance: Appearance, voter: Voter, winner_id: int) -> Answer:
    """Record the voter's choice once: the appearance has one answer (a unique constraint).

    A retried or doubled submission of the same appearance returns the answer already
    recorded, whatever it carries; the appearance is the submission's idempotency key.
    """
    _check_answerable(appearance, voter)
    if winner_id == appearance.left_id:
        winner, loser = appearance.left_id, appearance.right_id
    elif winner_id == appearance.right_id:
        winner, loser = appearance.right_id, appearance.left_id
    else:
        raise ValidationError(_("Choose one of the two items shown."))
    answer, created = Answer.objects.get_or_create(
        appearance=appearance, defaults={"winner_id": winner, "loser_id": loser}
    )
    if created:
        tally_votes(survey_id=appearance.survey_id, votes=[(winner, loser)])
        survey_refresh_soon(appearance.survey)
    return answer


@transaction.atomic
def answer_skip(*, appearance: Appearance, voter: Voter, reason: str) -> Answer:
    """A skip (I can't decide) is stored with its reason, once per appearance; scores do not move."""
    _check_answerable(appearance, voter)
    if reason not in SkipReason.values:
        raise ValidationError({"reason": _("Choose why you cannot decide.")})
    answer, created = Answer.objects.get_or_create(
        appearance=appearance, defaults={"skip_reason": reason}
    )
    if created:
        tally_skips(survey_id=appearance.survey_id, count=1)
        survey_refresh_soon(appearance.survey)
    return answer


@transaction.atomic
def survey_carry(*, survey: Survey, top: int) -> SurveyResult:
    """Carry the ``top`` items into the next phase and keep the ranking that justified it.

    Needs get their rank as ``Need.priority_rank`` (1 = first); ideas are put under
    review, and a participant's own item becomes an idea of the process (origin: wiki
    survey), linked to its item. The snapshot holds the engine version, the votes' hash and
    every item's figures. The ranking is computed from every answer now, never taken from
    the results page's snapshot, and that snapshot is replaced by the same computation, so
    the page shows the ranking carried.
    """
    if top < 1:
        raise ValidationError({"top": _("Carry at least one item.")})
    votes = survey_votes(survey)
    ranking = survey_ranking(survey, votes)
    if ranking.n_votes == 0:
        raise ValidationError(_("Nobody has voted yet."))
    results_snapshot_store(survey=survey, votes=votes, ranking=ranking)
    carried = ranking.rows[:top]
    for row in carried:
        if row.item.need is None and row.item.idea is None:
            _idea_from_item(row.item, survey)
        if row.item.need is not None:
            Need.objects.filter(pk=row.item.need.pk).update(priority_rank=row.rank)
        if row.item.idea is not None:
            Idea.objects.filter(pk=row.item.idea.pk, status=IdeaStatus.SUBMITTED).update(
                status=IdeaStatus.UNDER_REVIEW
            )
    return SurveyResult.objects.create(
        survey=survey,
        engine_version=coprod_engine.__version__,
        input_hash=ranking.input_hash,
        n_votes=ranking.n_votes,
        result={
            "top": top,
            "n_skips": ranking.n_skips,
            "items": [
                {
                    "item": row.item.pk,
                    "need": row.item.need_id,
                    "idea": row.item.idea_id,
                    "text": str(row.item.text),
                    "rank": row.rank,
                    "score": row.score,
                    "probability": row.probability,
                    "lower": row.lower,
                    "upper": row.upper,
                    "comparisons": row.comparisons,
                    "carried": row.rank <= top,
                }
                for row in ranking.rows
            ],
        },
    )


def _idea_from_item(item: Item, survey: Survey) -> Idea:
    author = item.added_by
    idea = Idea.objects.create(
        process=survey.process,
        phase=survey.phase_method.phase,
        title_fr=item.text_fr,
        title_en=item.text_en,
        origin=IdeaOrigin.WIKI_SURVEY,
        origin_note=str(survey.question)[:250],
        author=author.participant if author else None,
        knowledge_type=author.knowledge_type if author else "",
    )
    item.idea = idea
    item.save(update_fields=["idea"])
    return idea


@transaction.atomic
def paper_sheets_print(
    *, survey: Survey, count: int, pairs: int, seed: int | None = None
) -> list[PaperSheet]:
    """Number ``count`` new sheets of ``pairs`` pairs each, drawn as for an online voter.

    Each sheet has its own voter (the sheet's respondent) whose appearances are the pairs
    printed; the pair ``i`` of a sheet is drawn with the seed ``sheet.seed + i``. Sheet seeds
    are fresh, or derived from ``seed`` (the demo's fixed draws).
    """
    if not 1 <= count <= 200 or not 1 <= pairs <= 30:
        raise ValidationError(_("Print 1 to 200 sheets of 1 to 30 pairs."))
    Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open:
        raise ValidationError(_("The survey is closed: reopen it to print sheets."))
    inputs = pair_choice_inputs(survey)
    if len(inputs.item_ids) < 2:
        raise ValidationError(_("The survey needs at least two active items."))
    last = survey.paper_sheets.aggregate(last=Max("number"))["last"] or 0
    index = inputs.index
    sheets = []
    for number in range(last + 1, last + 1 + count):
        voter = Voter.objects.create(survey=survey, anonymous_key=f"paper-sheet-{number}")
        sheet = PaperSheet.objects.create(
            survey=survey,
            number=number,
            voter=voter,
            seed=secrets.randbits(62) if seed is None else (seed + number * 1000) % 2**62,
        )
        seen: list[tuple[int, int]] = []
        for i in range(pairs):
            pair = _draw_pair(inputs, seen, sheet.seed + i)
            if pair is None:
                break
            Appearance.objects.create(
                survey=survey, voter=voter, left_id=pair[0], right_id=pair[1], seed=sheet.seed + i
            )
            seen.append((index[pair[0]], index[pair[1]]))
        sheets.append(sheet)
    return sheets


PAPER_MARKS = ("left", "right", "cant_decide", "")


def _paper_answer(appearance: Appearance, mark: str) -> tuple[int | None, int | None, str] | None:
    if mark == "left":
        return appearance.left_id, appearance.right_id, ""
    if mark == "right":
        return appearance.right_id, appearance.left_id, ""
    if mark == "cant_decide":
        return None, None, SkipReason.UNSTATED
    return None  # nothing marked: the pair stays unanswered


@transaction.atomic
def paper_sheet_enter(*, sheet: PaperSheet, marks: Mapping[int, str], entered_by: User) -> int:
    """Type in a paper sheet: per pair (appearance id), ``left``, ``right``, ``cant_decide`` or "".

    Counted once: each pair has at most one answer (the appearance's one-to-one), and the
    sheet row is locked while it is typed. Typing a sheet again is its check: the same
    marks change nothing, different ones are refused with the pairs that disagree.
    Returns the number of answers the sheet holds.
    """
    sheet = PaperSheet.objects.select_for_update().select_related("survey").get(pk=sheet.pk)
    if not accepts_paper(sheet.survey):
        raise ValidationError(_("The time to enter paper sheets is over."))
    if any(mark not in PAPER_MARKS for mark in marks.values()):
        raise ValidationError(_("Mark each pair as left, right, can't decide or not marked."))
    appearances = list(sheet.voter.appearances.order_by("id"))
    if set(marks) - {a.pk for a in appearances}:
        raise ValidationError(_("These pairs are not on this sheet."))
    wanted = {
        a.pk: answer
        for a in appearances
        if (answer := _paper_answer(a, marks.get(a.pk, ""))) is not None
    }
    if sheet.entered_at is not None:
        stored = {
            pk: (winner, loser, reason)
            for pk, winner, loser, reason in Answer.objects.filter(
                appearance__in=appearances
            ).values_list("appearance_id", "winner_id", "loser_id", "skip_reason")
        }
        if stored == wanted:
            return len(stored)
        differ = [
            i for i, a in enumerate(appearances, start=1) if stored.get(a.pk) != wanted.get(a.pk)
        ]
        raise ValidationError(
            _(
                "This sheet was already typed with other marks, for the pairs %(pairs)s. Check the sheet; a facilitator can clear the first typing."
            )
            % {"pairs": ", ".join(map(str, differ))}
        )
    counted = []
    skipped = 0
    for appearance_id, (winner, loser, reason) in wanted.items():
        _answer, created = Answer.objects.get_or_create(
            appearance_id=appearance_id,
            defaults={"winner_id": winner, "loser_id": loser, "skip_reason": reason},
        )
        if created and winner is not None and loser is not None:
            counted.append((winner, loser))
        elif created:
            skipped += 1
    tally_votes(survey_id=sheet.survey_id, votes=counted)
    tally_skips(survey_id=sheet.survey_id, count=skipped)
    survey_refresh_soon(sheet.survey)
    sheet.entered_at = timezone.now()
    sheet.entered_by = entered_by
    sheet.save(update_fields=["entered_at", "entered_by"])
    return len(wanted)


@transaction.atomic
def paper_sheet_clear(*, sheet: PaperSheet) -> None:
    """Drop a sheet's typed answers (a typing mistake), so it can be typed again."""
    sheet = PaperSheet.objects.select_for_update().select_related("survey").get(pk=sheet.pk)
    if not accepts_paper(sheet.survey):
        raise ValidationError(_("The time to enter paper sheets is over."))
    answers = Answer.objects.filter(appearance__voter=sheet.voter)
    typed = list(answers.filter(winner__isnull=False).values_list("winner_id", "loser_id"))
    skipped = answers.filter(winner__isnull=True).count()
    answers.delete()
    try:
        # A savepoint, so the refusal below is the error shown, not a broken transaction.
        with transaction.atomic():
            tally_votes(survey_id=sheet.survey_id, votes=typed, step=-1)
            tally_skips(survey_id=sheet.survey_id, count=-skipped)
    except IntegrityError as error:
        # A counter would go below zero: it missed answers (written by code older than the
        # counters). Recounting fixes it; the check is kept, it is what found the gap.
        raise ValidationError(
            _(
                "The survey's vote counters are behind its answers: ask an administrator to run “manage.py wikisurvey_recount --survey %(survey)d”, then clear the sheet again."
            )
            % {"survey": sheet.survey_id}
        ) from error
    sheet.entered_at = None
    sheet.entered_by = None
    sheet.save(update_fields=["entered_at", "entered_by"])

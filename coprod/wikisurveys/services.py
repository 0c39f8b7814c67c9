"""Writes of wiki surveys: surveys and their items, pairs shown, votes and skips, carrying."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

import coprod_engine
from coprod.accounts.models import User
from coprod.processes.models import Idea, IdeaOrigin, IdeaStatus, Need, Participant, Phase
from coprod.processes.selectors import accepts_paper
from coprod.processes.services import phase_method_attach
from coprod.wikisurveys.models import (
    Answer,
    Appearance,
    Item,
    ItemStatus,
    PaperSheet,
    SkipReason,
    Survey,
    SurveyResult,
    Voter,
)
from coprod.wikisurveys.selectors import (
    PairChoiceInputs,
    pair_choice_inputs,
    survey_has_votes,
    survey_ranking,
    survey_votes,
    unanswered_appearance,
    voter_seen_pairs,
)
from coprod.wikisurveys.tallies import (
    results_refresh_soon,
    results_snapshot_store,
    survey_refresh_soon,
    tally_skips,
    tally_votes,
)
from coprod_engine.pairwise import next_pair

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

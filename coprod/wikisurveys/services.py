"""Writes of wiki surveys: surveys and their items, pairs shown, votes and skips, carrying."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

import coprod_engine
from coprod.processes.models import Idea, IdeaOrigin, IdeaStatus, Need, Participant, Phase
from coprod.processes.services import phase_method_attach
from coprod.wikisurveys.models import (
    Answer,
    Appearance,
    Item,
    ItemStatus,
    SkipReason,
    Survey,
    SurveyResult,
    Voter,
)
from coprod.wikisurveys.selectors import survey_ranking, survey_votes, unanswered_appearance
from coprod_engine.pairwise import aoi_scores, next_pair, pair_counts

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
    items = [Item(survey=survey, text_fr=n.title_fr, text_en=n.title_en, need=n) for n in needs] + [
        Item(survey=survey, text_fr=i.title_fr, text_en=i.title_en, idea=i) for i in ideas
    ]
    if len(items) < 2:
        raise ValidationError(_("Choose at least two needs or ideas to compare."))
    if any(
        (item.need or item.idea).process_id != phase.process_id  # type: ignore[union-attr]
        for item in items
    ):
        raise ValidationError(_("Choose needs and ideas of this process."))
    for item in items:
        item.status = ItemStatus.ACTIVE
    Item.objects.bulk_create(items)
    return survey


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
    return voter


def voter_for_anonymous(*, survey: Survey, key: str) -> Voter:
    if not survey.allow_anonymous:
        raise ValidationError(_("This survey asks you to sign in to vote."))
    voter, _created = Voter.objects.get_or_create(survey=survey, anonymous_key=key)
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
    return Item.objects.create(survey=survey, added_by=author, status=status, **{field: text})


@transaction.atomic
def item_moderate(*, item: Item, status: str) -> Item:
    if status not in ItemStatus.values:
        raise ValidationError(_("Unknown moderation status."))
    item.status = status
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def appearance_next(*, voter: Voter, seed: int | None = None) -> Appearance | None:
    """The pair to show ``voter``: the one left unanswered, else a new draw by the engine.

    The draw is ``next_pair`` over the active items, with their vote counts, this voter's
    answered pairs (never shown again) and the votes per pair; its seed is stored with the
    appearance so the draw can be replayed. ``None`` when the voter has answered every pair.
    The voter's row is locked first, so two pages loaded at once show the same pair.
    """
    Voter.objects.select_for_update().filter(pk=voter.pk).first()
    waiting = unanswered_appearance(voter)
    if waiting is not None:
        return waiting
    votes = survey_votes(voter.survey)
    items = votes.items
    if len(items) < 2:
        return None
    index = {item.pk: i for i, item in enumerate(items)}
    seen = [
        (index[left], index[right])
        for left, right in voter.appearances.filter(answer__isnull=False).values_list(
            "left_id", "right_id"
        )
        if left in index and right in index
    ]
    scores = aoi_scores(votes.winners, votes.losers, len(items))
    seed = secrets.randbits(62) if seed is None else seed
    pair = next_pair(
        scores.comparisons,
        seed=seed,
        seen=seen or None,
        pair_counts=pair_counts(votes.winners, votes.losers, len(items)),
    )
    if pair is None:
        return None
    return Appearance.objects.create(
        survey=voter.survey,
        voter=voter,
        left=items[pair.left],
        right=items[pair.right],
        seed=seed,
    )


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
    answer, _created = Answer.objects.get_or_create(
        appearance=appearance, defaults={"winner_id": winner, "loser_id": loser}
    )
    return answer


@transaction.atomic
def answer_skip(*, appearance: Appearance, voter: Voter, reason: str) -> Answer:
    """A skip (I can't decide) is stored with its reason, once per appearance; scores do not move."""
    _check_answerable(appearance, voter)
    if reason not in SkipReason.values:
        raise ValidationError({"reason": _("Choose why you cannot decide.")})
    answer, _created = Answer.objects.get_or_create(
        appearance=appearance, defaults={"skip_reason": reason}
    )
    return answer


@transaction.atomic
def survey_carry(*, survey: Survey, top: int) -> SurveyResult:
    """Carry the ``top`` items into the next phase and keep the ranking that justified it.

    Needs get their rank as ``Need.priority_rank`` (1 = first); ideas are put under
    review, and a participant's own item becomes an idea of the process (origin: wiki
    survey), linked to its item. The snapshot holds the engine version, the votes' hash and
    every item's figures.
    """
    if top < 1:
        raise ValidationError({"top": _("Carry at least one item.")})
    ranking = survey_ranking(survey)
    if ranking.n_votes == 0:
        raise ValidationError(_("Nobody has voted yet."))
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

"""Reads of wiki surveys: the votes as engine arrays, the ranking and the ranking by group.

The scoring is the engine's (``coprod_engine.pairwise``); this module only loads the votes
from the database, numbers the active items ``0..K-1`` and maps the results back to items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coprod.wikisurveys.models import (
    Answer,
    Appearance,
    Item,
    ItemStatus,
    Survey,
    SurveyResult,
    Voter,
)
from coprod_engine.pairwise import aoi_scores, bradley_terry, scores_by_group

# A group smaller than this is not shown apart: with one or two voters, its scores would
# tell how those people voted.
MIN_GROUP_VOTERS = 3


@dataclass(frozen=True)
class SurveyVotes:
    """The answers of a survey as engine arrays over its active items."""

    items: list[Item]
    winners: np.ndarray
    losers: np.ndarray
    voters: np.ndarray
    skips: np.ndarray
    skip_voters: np.ndarray


def survey_has_votes(survey: Survey) -> bool:
    """Whether anyone (online or on a paper sheet) has answered a pair."""
    return Answer.objects.filter(appearance__survey=survey).exists()


def active_items(survey: Survey) -> list[Item]:
    return list(survey.items.filter(status=ItemStatus.ACTIVE).select_related("need", "idea"))


def survey_votes(survey: Survey) -> SurveyVotes:
    """Votes and skips between active items; answers about other items are left out."""
    items = active_items(survey)
    index = {item.pk: i for i, item in enumerate(items)}
    won: list[int] = []
    lost: list[int] = []
    who: list[int] = []
    skipped: list[tuple[int, int]] = []
    skip_who: list[int] = []
    answers = Answer.objects.filter(appearance__survey=survey).values_list(
        "winner_id",
        "loser_id",
        "appearance__left_id",
        "appearance__right_id",
        "appearance__voter_id",
    )
    for winner, loser, left, right, voter in answers.order_by("id"):
        if winner is not None and winner in index and loser in index:
            won.append(index[winner])
            lost.append(index[loser])
            who.append(voter)
        elif winner is None and left in index and right in index:
            skipped.append((index[left], index[right]))
            skip_who.append(voter)
    return SurveyVotes(
        items=items,
        winners=np.asarray(won, dtype=np.int64),
        losers=np.asarray(lost, dtype=np.int64),
        voters=np.asarray(who, dtype=np.int64),
        skips=np.asarray(skipped, dtype=np.int64).reshape(-1, 2),
        skip_voters=np.asarray(skip_who, dtype=np.int64),
    )


@dataclass(frozen=True)
class RankedItem:
    item: Item
    rank: int
    score: float
    probability: float
    lower: float
    upper: float
    comparisons: int
    wins: int
    losses: int
    cant_decide: int


@dataclass(frozen=True)
class Ranking:
    rows: list[RankedItem]
    n_votes: int
    n_skips: int
    input_hash: str


def survey_ranking(survey: Survey, votes: SurveyVotes | None = None) -> Ranking:
    """Active items by All Our Ideas' score, with the Bradley-Terry probability and interval."""
    votes = votes or survey_votes(survey)
    k = len(votes.items)
    if k < 2:
        return Ranking(rows=[], n_votes=0, n_skips=0, input_hash="")
    aoi = aoi_scores(votes.winners, votes.losers, k, skips=votes.skips)
    fit = bradley_terry(votes.winners, votes.losers, k, skips=votes.skips)
    order = sorted(range(k), key=lambda i: (-aoi.scores[i], -fit.win_probability[i], i))
    rows = [
        RankedItem(
            item=votes.items[i],
            rank=rank,
            score=float(aoi.scores[i]),
            probability=float(fit.win_probability[i]),
            lower=float(fit.lower[i]),
            upper=float(fit.upper[i]),
            comparisons=int(aoi.comparisons[i]),
            wins=int(aoi.wins[i]),
            losses=int(aoi.losses[i]),
            cant_decide=int(aoi.cant_decide[i]),
        )
        for rank, i in enumerate(order, start=1)
    ]
    return Ranking(
        rows=rows,
        n_votes=int(votes.winners.size),
        n_skips=int(votes.skips.shape[0]),
        input_hash=aoi.input_hash,
    )


@dataclass(frozen=True)
class GroupColumn:
    label: str
    voters: int
    shown: bool


@dataclass(frozen=True)
class GroupTable:
    columns: list[GroupColumn]
    rows: list[tuple[Item, list[float | None]]]


def ranking_by_group(
    survey: Survey, attribute: str, choices: Sequence[tuple[str, Any]], votes: SurveyVotes
) -> GroupTable:
    """AOI scores per group of voters (``attribute`` of the voter: knowledge type or role).

    Groups with fewer than :data:`MIN_GROUP_VOTERS` voters are listed without their scores.
    """
    k = len(votes.items)
    labels = dict(
        Voter.objects.filter(survey=survey).exclude(**{attribute: ""}).values_list("pk", attribute)
    )
    if k < 2:
        return GroupTable(columns=[], rows=[])
    groups = scores_by_group(
        votes.winners,
        votes.losers,
        votes.voters,
        labels,
        k,
        skips=votes.skips,
        skip_voters=votes.skip_voters,
    )
    names = dict(choices)
    columns = [
        GroupColumn(
            label=str(names.get(name, name)),
            voters=groups.voters[name],
            shown=groups.voters[name] >= MIN_GROUP_VOTERS,
        )
        for name in groups.labels
    ]
    rows = [
        (
            item,
            [
                float(groups.results[name].scores[i]) if column.shown else None
                for name, column in zip(groups.labels, columns, strict=True)
            ],
        )
        for i, item in enumerate(votes.items)
    ]
    return GroupTable(columns=columns, rows=rows)


def unanswered_appearance(voter: Voter) -> Appearance | None:
    """The voter's first pair shown but not answered, if both items are still active."""
    return (
        voter.appearances.filter(
            answer__isnull=True, left__status=ItemStatus.ACTIVE, right__status=ItemStatus.ACTIVE
        )
        .select_related("left", "right")
        .first()
    )


def latest_result(survey: Survey) -> SurveyResult | None:
    return survey.results.order_by("-computed_at", "-id").first()

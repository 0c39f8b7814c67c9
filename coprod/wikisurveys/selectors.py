"""Reads of wiki surveys: the votes as engine arrays, the ranking and the ranking by group.

The scoring is the engine's (``coprod_engine.pairwise``); this module only loads the votes
from the database, numbers the active items ``0..K-1`` (by id) and maps the results back to
items. No page reads every answer: the voting page reads the vote counters
(:func:`pair_choice_inputs`), the results page the stored results (:func:`results_page`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from scipy import sparse

from coprod.processes.models import KnowledgeType, StakeholderRole
from coprod.wikisurveys.models import (
    Answer,
    Appearance,
    Item,
    ItemStatus,
    PairTally,
    ResultsSnapshot,
    Survey,
    SurveyResult,
    Voter,
)
from coprod_engine.pairwise import aoi_scores, bradley_terry, scores_by_group
from coprod_engine.pairwise.selection import PAIR_CAP

# A group smaller than this is not shown apart: with one or two voters, its scores would
# tell how those people voted.
MIN_GROUP_VOTERS = 3

# ``next_pair`` weighs a pair with v votes by min(1 / (v + 1), PAIR_CAP) / PAIR_CAP: exactly 1
# up to 1 / PAIR_CAP - 1 votes, the same as a pair nobody voted on. Only pairs with at least
# this many votes are held back, so only they need to be read for the draw.
HELD_BACK_VOTES = round(1 / PAIR_CAP)


@dataclass(frozen=True)
class AnswerSet:
    """How many answers a survey has (about any item) and the largest answer id.

    Answer ids only grow, so two equal answer sets of one survey hold the same answers.
    """

    answers: int
    last_answer_id: int


@dataclass(frozen=True)
class SurveyVotes:
    """The answers of a survey as engine arrays over its active items."""

    items: list[Item]
    winners: np.ndarray
    losers: np.ndarray
    voters: np.ndarray
    skips: np.ndarray
    skip_voters: np.ndarray
    # Every answer read, those about inactive items too: what results computed from these
    # votes stand for; when they were read, and the vote counters read just before them.
    read: AnswerSet = AnswerSet(0, 0)
    read_at: dt.datetime | None = None
    tallied_votes: int = 0
    tallied_skips: int = 0


def survey_has_votes(survey: Survey) -> bool:
    """Whether anyone (online or on a paper sheet) has answered a pair."""
    return Answer.objects.filter(appearance__survey=survey).exists()


def active_items(survey: Survey) -> list[Item]:
    return list(survey.items.filter(status=ItemStatus.ACTIVE).select_related("need", "idea"))


def survey_votes(survey: Survey) -> SurveyVotes:
    """Votes and skips between active items; answers about other items are left out."""
    # Before the answers: a vote counted after them only makes the results look older.
    read_at, tallied = timezone.now(), survey_vote_count(survey)
    tallied_skips = survey_skip_count(survey)
    items = active_items(survey)
    index = {item.pk: i for i, item in enumerate(items)}
    won: list[int] = []
    lost: list[int] = []
    who: list[int] = []
    skipped: list[tuple[int, int]] = []
    skip_who: list[int] = []
    answers = Answer.objects.filter(appearance__survey=survey).values_list(
        "id",
        "winner_id",
        "loser_id",
        "appearance__left_id",
        "appearance__right_id",
        "appearance__voter_id",
    )
    read, last = 0, 0
    for pk, winner, loser, left, right, voter in answers.order_by("id"):
        read, last = read + 1, pk
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
        read=AnswerSet(read, last),
        read_at=read_at,
        tallied_votes=tallied,
        tallied_skips=tallied_skips,
    )


def answer_set(survey: Survey) -> AnswerSet:
    """The survey's answers now, counted in the database (one aggregate, no row read)."""
    counted = Answer.objects.filter(appearance__survey=survey).aggregate(
        answers=Count("id"), last=Max("id")
    )
    return AnswerSet(counted["answers"], counted["last"] or 0)


@dataclass(frozen=True)
class PairChoiceInputs:
    """What ``next_pair`` needs about a survey, over its active items numbered by id."""

    item_ids: list[int]
    comparisons: np.ndarray
    pair_counts: sparse.csr_array
    strengths: np.ndarray | None

    @property
    def index(self) -> dict[int, int]:
        return {pk: i for i, pk in enumerate(self.item_ids)}


def pair_choice_inputs(survey: Survey) -> PairChoiceInputs:
    """The counts, held-back pairs and stored strengths behind the next pair, from counters.

    The same arrays as counting ``survey_votes`` (votes between active items only), read in
    O(K) rows plus the pairs that ``next_pair`` holds back, plus the pairs of items that are
    no longer active (their votes are taken off their partners' counts). Never the answers.
    """
    rows = list(
        Item.objects.filter(survey=survey).order_by("id").values_list("pk", "status", "votes")
    )
    item_ids = [pk for pk, status, _votes in rows if status == ItemStatus.ACTIVE]
    index = {pk: i for i, pk in enumerate(item_ids)}
    comparisons = np.array(
        [votes for _pk, status, votes in rows if status == ItemStatus.ACTIVE], dtype=np.int64
    )
    inactive = [pk for pk, status, votes in rows if status != ItemStatus.ACTIVE and votes]
    if inactive:
        with_inactive = PairTally.objects.filter(
            Q(low__in=inactive) | Q(high__in=inactive), votes__gt=0
        ).values_list("low_id", "high_id", "votes")
        for low, high, votes in with_inactive:
            for pk in (low, high):
                if pk in index:
                    comparisons[index[pk]] -= votes
    return PairChoiceInputs(
        item_ids=item_ids,
        comparisons=comparisons,
        pair_counts=_held_back_pairs(survey, index),
        strengths=_stored_strengths(survey, item_ids),
    )


def _held_back_pairs(survey: Survey, index: dict[int, int]) -> sparse.csr_array:
    """Votes per pair of active items, symmetric, for the pairs with HELD_BACK_VOTES or more."""
    rows, columns, counts = [], [], []
    held_back = PairTally.objects.filter(survey=survey, votes__gte=HELD_BACK_VOTES)
    for low, high, votes in held_back.values_list("low_id", "high_id", "votes"):
        if low in index and high in index:
            rows += [index[low], index[high]]
            columns += [index[high], index[low]]
            counts += [votes, votes]
    k = len(index)
    matrix = sparse.csr_array(
        (
            np.asarray(counts, dtype=np.float64),
            (np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)),
        ),
        shape=(k, k),
    )
    matrix.sum_duplicates()
    return matrix


def _stored_strengths(survey: Survey, item_ids: list[int]) -> np.ndarray | None:
    """The last fitted log-strengths; an item added since has the prior's 0 (an even contest).

    Read from the database, not from ``survey``, which may predate the last background fit.
    """
    stored = Survey.objects.filter(pk=survey.pk).values_list("strengths", flat=True).get()
    if not stored:
        return None
    return np.array([stored.get(str(pk), 0.0) for pk in item_ids], dtype=np.float64)


def survey_vote_count(survey: Survey) -> int:
    """Votes (not skips) recorded in the survey, about any items: the counters' sum."""
    total = Item.objects.filter(survey=survey).aggregate(total=Sum("votes"))["total"]
    return (total or 0) // 2


def survey_skip_count(survey: Survey) -> int:
    """Skips recorded in the survey: its counter, read from the database (not ``survey``)."""
    return Survey.objects.filter(pk=survey.pk).values_list("skips", flat=True).get()


def survey_answer_count(survey: Survey) -> int:
    """Votes and skips recorded, from the counters: what a refresh stands for. Skips count
    too, so that "can't decide" figures do not go stale on a survey where people skip."""
    return survey_vote_count(survey) + survey_skip_count(survey)


def voter_seen_pairs(voter: Voter, index: dict[int, int]) -> list[tuple[int, int]]:
    """The pairs of active items (engine indices) this voter answered: never shown again."""
    answered = voter.appearances.filter(answer__isnull=False).values_list("left_id", "right_id")
    return [
        (index[left], index[right]) for left, right in answered if left in index and right in index
    ]


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
    group: str = ""  # the stored value (``experiential``, ``resident``...), not translated


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
            group=str(name),
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


# The group tables of the results: (the voter's attribute, its choices, the content's key).
RESULT_GROUPS = (
    ("knowledge_type", KnowledgeType.choices, "by_knowledge_type"),
    ("stakeholder_role", StakeholderRole.choices, "by_stakeholder_role"),
)
RANKING_FIELDS = (
    "score",
    "probability",
    "lower",
    "upper",
    "comparisons",
    "wins",
    "losses",
    "cant_decide",
)


def results_content(survey: Survey, votes: SurveyVotes, ranking: Ranking) -> dict[str, Any]:
    """What the results page shows, as JSON: the ranking and the group tables by item id.

    Items are ids (their texts are read when shown, in the reader's language), groups are
    stored values (translated when shown); a group too small to show has no scores.
    """
    content: dict[str, Any] = {
        "items": [item.pk for item in votes.items],
        "ranking": [
            {"item": row.item.pk} | {name: getattr(row, name) for name in RANKING_FIELDS}
            for row in ranking.rows
        ],
    }
    for attribute, choices, key in RESULT_GROUPS:
        table = ranking_by_group(survey, attribute, choices, votes)
        content[key] = [
            {
                "group": column.group,
                "voters": column.voters,
                "scores": [scores[j] for _item, scores in table.rows] if column.shown else None,
            }
            for j, column in enumerate(table.columns)
        ]
    return content


def results_snapshot(survey: Survey) -> ResultsSnapshot | None:
    return ResultsSnapshot.objects.filter(survey=survey).first()


def snapshot_answers(snapshot: ResultsSnapshot) -> AnswerSet:
    """The answers the snapshot was computed from."""
    return AnswerSet(snapshot.answers, snapshot.last_answer_id)


@dataclass(frozen=True)
class ResultsPage:
    """The results page's figures, from a snapshot, over the items active now.

    ``lags`` when votes or skips came or went (by the counters: no answer is counted), or items
    were added, rejected or put back, since the snapshot was computed; items no longer active
    are left out at once (ranks close up).
    """

    ranking: Ranking
    by_knowledge: GroupTable
    by_role: GroupTable
    voters: int
    computed_at: dt.datetime
    lags: bool
    # The votes the snapshot counts, and those counted now (the counters, any items).
    votes: int
    live_votes: int
    # Names what the tables show (the snapshot, the items shown and their texts): the key of
    # their rendered HTML in the cache.
    fingerprint: str


def results_page(
    snapshot: ResultsSnapshot, items: Sequence[Item], live_skips: int | None = None
) -> ResultsPage:
    """The page's figures from ``snapshot``; ``items`` are all the survey's items now, with
    their vote counters, and ``live_skips`` the survey's skip counter now (None: as stored)."""
    shown = {item.pk: item for item in items if item.status == ItemStatus.ACTIVE}
    content = snapshot.content
    rows = [
        RankedItem(item=shown[row["item"]], rank=rank, **{n: row[n] for n in RANKING_FIELDS})
        for rank, row in enumerate((r for r in content["ranking"] if r["item"] in shown), 1)
    ]
    ranking = Ranking(
        rows=rows, n_votes=snapshot.votes, n_skips=snapshot.skips, input_hash=snapshot.input_hash
    )
    tables = [
        _group_table(content[key], content["items"], shown, choices)
        for _attribute, choices, key in RESULT_GROUPS
    ]
    live_votes = sum(item.votes for item in items) // 2  # as survey_vote_count
    return ResultsPage(
        ranking=ranking,
        by_knowledge=tables[0],
        by_role=tables[1],
        voters=snapshot.voters,
        computed_at=snapshot.computed_at,
        lags=snapshot.tallied_votes != live_votes
        or (live_skips is not None and snapshot.tallied_skips != live_skips)
        or set(content["items"]) != set(shown),
        votes=snapshot.tallied_votes,
        live_votes=live_votes,
        fingerprint=_shown_fingerprint(snapshot, shown.values()),
    )


def _shown_fingerprint(snapshot: ResultsSnapshot, shown: Iterable[Item]) -> str:
    digest = hashlib.sha256(f"{snapshot.pk}|{snapshot.computed_at.isoformat()}".encode())
    for item in shown:
        digest.update(f"|{item.pk}|{item.text_fr}|{item.text_en}".encode())
    return digest.hexdigest()


def _group_table(
    columns: list[dict[str, Any]],
    item_ids: list[int],
    shown: dict[int, Item],
    choices: Sequence[tuple[str, Any]],
) -> GroupTable:
    names = dict(choices)
    header = [
        GroupColumn(
            label=str(names.get(c["group"], c["group"])),
            voters=c["voters"],
            shown=c["scores"] is not None,
            group=c["group"],
        )
        for c in columns
    ]
    rows = [
        (shown[pk], [None if c["scores"] is None else c["scores"][i] for c in columns])
        for i, pk in enumerate(item_ids)
        if pk in shown
    ]
    return GroupTable(columns=header, rows=rows)

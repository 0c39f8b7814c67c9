"""Scores per subgroup of voters, to compare kinds of knowledge or stakeholder roles.

The caller labels voters (lived experience, practice, research; resident, official...);
each group's votes are scored on their own, with All Our Ideas' score or a Bradley-Terry
fit, and the groups' rankings are compared pairwise with Kendall's tau-b over the items
both groups voted on. Unlabelled voters' votes are left out (and counted).

References
----------
.. [1] M. G. Kendall, "The treatment of ties in ranking problems", Biometrika 33(3),
   239-251, 1945.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import kendalltau

from coprod_engine.exceptions import EngineError, InputFormatError
from coprod_engine.pairwise._votes import as_items, as_pairs, as_votes
from coprod_engine.pairwise.aoi_score import AOIScores, aoi_scores
from coprod_engine.pairwise.bt_fit import BTFit, bradley_terry


@dataclass(frozen=True, slots=True)
class GroupScores:
    """Scores of each group of voters.

    Attributes
    ----------
    labels : tuple of str
        The groups, sorted.
    results : dict
        ``label -> AOIScores`` (method "aoi") or ``label -> BTFit`` ("bradley_terry").
    voters, votes : dict
        ``label -> number`` of labelled voters who voted, and of their votes.
    agreement : ndarray of float, shape (G, G)
        Kendall's tau-b between the groups' scores over the items both voted on
        (``nan`` when fewer than two such items).
    unlabelled_votes : int
        Votes of voters without a label, left out.
    """

    labels: tuple[str, ...]
    results: dict[str, AOIScores | BTFit]
    voters: dict[str, int]
    votes: dict[str, int]
    agreement: NDArray[np.float64]
    unlabelled_votes: int


def scores_by_group(
    winners: ArrayLike,
    losers: ArrayLike,
    voters: ArrayLike,
    labels: Mapping[int, Hashable] | Sequence[Hashable | None],
    n_items: int,
    *,
    skips: ArrayLike | None = None,
    skip_voters: ArrayLike | None = None,
    method: Literal["aoi", "bradley_terry"] = "aoi",
    alpha: float = 1.0,
) -> GroupScores:
    """Score each group of voters separately and compare their rankings.

    Parameters
    ----------
    winners, losers : array_like of int, shape (V,)
        The votes, as for :func:`aoi_scores`.
    voters : array_like of int, shape (V,)
        Who cast each vote (any non-negative voter index).
    labels : mapping or sequence
        ``voter -> label`` (a dict, or a sequence indexed by voter); ``None`` or a missing
        voter means unlabelled.
    n_items : int
        Number of items.
    skips, skip_voters : array_like, optional
        Skipped pairs and who skipped them; counted per group, never scored.
    method : {"aoi", "bradley_terry"}, default "aoi"
        All Our Ideas' score or a Bradley-Terry fit (prior precision ``alpha``).

    Returns
    -------
    GroupScores
    """
    if method not in ("aoi", "bradley_terry"):
        raise EngineError(f"unknown method {method!r}")
    won, lost = as_votes(winners, losers, n_items)
    who = _voters(voters, won.size, "voters")
    skipped = as_pairs(skips, n_items, "skips")
    skip_who = _voters(skip_voters, skipped.shape[0], "skip_voters")
    vote_labels = _labels_of(who, labels)
    skip_labels = _labels_of(skip_who, labels)
    names = tuple(sorted({str(label) for label in vote_labels if label is not None}))
    results: dict[str, AOIScores | BTFit] = {}
    voter_count: dict[str, int] = {}
    vote_count: dict[str, int] = {}
    for name in names:
        mine = np.array([label is not None and str(label) == name for label in vote_labels])
        my_skips = np.array(
            [label is not None and str(label) == name for label in skip_labels], dtype=bool
        )
        if method == "aoi":
            results[name] = aoi_scores(won[mine], lost[mine], n_items, skips=skipped[my_skips])
        else:
            results[name] = bradley_terry(
                won[mine], lost[mine], n_items, skips=skipped[my_skips], alpha=alpha
            )
        voter_count[name] = int(np.unique(who[mine]).size)
        vote_count[name] = int(mine.sum())
    unlabelled = sum(label is None for label in vote_labels)
    return GroupScores(
        labels=names,
        results=results,
        voters=voter_count,
        votes=vote_count,
        agreement=_agreement([results[name] for name in names]),
        unlabelled_votes=int(unlabelled),
    )


def _voters(values: ArrayLike | None, size: int, name: str) -> NDArray[np.int64]:
    if values is None:
        if size:
            raise InputFormatError(f"{name} must be given, one per vote or skip")
        return np.zeros(0, dtype=np.int64)
    array = as_items(values, np.iinfo(np.int64).max, name)
    if array.size != size:
        raise InputFormatError(f"{name} must hold one voter per vote or skip")
    return array


def _labels_of(
    who: NDArray[np.int64], labels: Mapping[int, Hashable] | Sequence[Hashable | None]
) -> list[Hashable | None]:
    if isinstance(labels, Mapping):
        return [labels.get(int(v)) for v in who]
    return [labels[int(v)] if int(v) < len(labels) else None for v in who]


def _agreement(results: list[AOIScores | BTFit]) -> NDArray[np.float64]:
    size = len(results)
    tau = np.eye(size)
    for a in range(size):
        for b in range(a + 1, size):
            both = (results[a].comparisons > 0) & (results[b].comparisons > 0)
            value = np.nan
            if both.sum() >= 2:
                value = kendalltau(results[a].scores[both], results[b].scores[both])[0]
            tau[a, b] = tau[b, a] = value
    return tau

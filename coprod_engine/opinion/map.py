"""The opinion map of a conversation: the Polis computation, with state between updates.

:func:`opinion_map` takes votes as plain arrays and returns an :class:`OpinionMap` (a
dataclass that serialises to the keys of Polis' math blob, plus ours) and the
:class:`OpinionState` the next update starts from. :func:`opinion_map_update` folds a batch
of new votes into that state without rebuilding the matrix from scratch.

References
----------
Small, C., Bjorkegren, M., Erkkilä, T., Shaw, L., & Megill, C. (2021). Polis: Scaling
deliberation by mapping high dimensional opinion spaces. *Recerca*, 26(2).
compdemocracy/polis, ``math/src/polismath/math/conversation.clj``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coprod_engine import __version__
from coprod_engine.opinion.clustering import (
    BASE_ITERS,
    BASE_K,
    GroupChoice,
    KMeansBounds,
    KSmoother,
    choose_groups,
    kmeans_with_bounds,
)
from coprod_engine.opinion.knowledge import LabelView, label_view
from coprod_engine.opinion.matrix import VoteMatrix, _dense_codes, vote_matrix
from coprod_engine.opinion.pca import Projection, project
from coprod_engine.opinion.statistics import (
    ConsensusStatement,
    RepStatement,
    Tallies,
    comment_priorities,
    consensus_statements,
    group_aware_consensus,
    representative_statements,
    tallies_from_counts,
    tally,
    tally_counts,
)

__all__ = [
    "GroupStatistics",
    "OpinionMap",
    "OpinionState",
    "group_statistics",
    "in_conversation",
    "opinion_map",
    "opinion_map_update",
    "replayed_in_conv",
]

MIN_VOTES = 7
GREEDY_N = 15

Progress = Callable[[str], None]


@dataclass
class OpinionState:
    """What an update carries to the next one so the map evolves smoothly.

    Attributes
    ----------
    matrix : VoteMatrix
        The latest votes, so new votes can be folded in (:func:`opinion_map_update`).
    statement_ids : ndarray
        Columns of ``components``.
    components : ndarray, shape (2, n_statements)
        Start vectors (and sign reference) of the next PCA.
    in_conv : ndarray of int64
        Participant ids clustered so far (membership is sticky).
    base_centres : ndarray, shape (≤100, 2)
    group_centres : dict of int to ndarray
        Previous group clustering for every candidate k.
    smoother : KSmoother
    mod_out, meta : tuple of int
        Moderation used for this state.
    seed : int
    basis : ndarray, shape (n_statements, b), optional
        The last Ritz block of the block iteration (large conversations): the next PCA starts
        from the whole block, not only from the two components.
    base_ids, base_points : ndarray, optional
        Participant ids (ascending) of the points of the base k-means and their positions.
    base_bounds : KMeansBounds, optional
        Hamerly's bounds of those points against ``base_centres`` (large conversations), in
        ``base_ids`` order: the next base k-means widens them by how far each point moved
        instead of measuring every point again.
    groups : ndarray of int64, optional
        Group of every row of ``matrix`` (−1 = not clustered).
    group_counts : ndarray, shape (k, n_statements, 3), optional
        Disagree/pass/agree tallies of each group: the next update patches them at the rows
        whose votes or group changed.
    """

    matrix: VoteMatrix
    statement_ids: NDArray[np.int64]
    components: NDArray[np.float64]
    in_conv: NDArray[np.int64]
    base_centres: NDArray[np.float64]
    group_centres: dict[int, NDArray[np.float64]]
    smoother: KSmoother
    mod_out: tuple[int, ...] = ()
    meta: tuple[int, ...] = ()
    seed: int = 0
    basis: NDArray[np.float64] | None = None
    base_ids: NDArray[np.int64] | None = None
    base_points: NDArray[np.float64] | None = None
    base_bounds: KMeansBounds | None = None
    groups: NDArray[np.int64] | None = None
    group_counts: NDArray[np.int64] | None = None


@dataclass
class OpinionMap:
    """One update of the opinion map (see the module docstring and ``docs/engine-opinion.md``).

    Participant-indexed arrays follow ``participant_ids``; statement-indexed arrays follow
    ``statement_ids`` (Polis ``tids``).
    """

    participant_ids: NDArray[np.int64]
    statement_ids: NDArray[np.int64]
    projection: Projection
    user_vote_counts: NDArray[np.int64]
    in_conv: NDArray[np.bool_]
    base_labels: NDArray[np.int64]
    base_centres: NDArray[np.float64]
    base_counts: NDArray[np.int64]
    group_of_base: NDArray[np.int64]
    group_centres: NDArray[np.float64]
    groups: NDArray[np.int64]
    silhouettes: dict[int, float]
    repness: list[list[RepStatement]]
    consensus: dict[str, list[ConsensusStatement]]
    group_aware_consensus: NDArray[np.float64]
    group_aware_consensus_disagree: NDArray[np.float64]
    group_votes: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]
    comment_priorities: NDArray[np.float64]
    mod_out: tuple[int, ...]
    meta: tuple[int, ...]
    input_hash: str
    state: OpinionState
    knowledge_types: LabelView | None = None
    stakeholder_roles: LabelView | None = None
    engine_version: str = field(default=__version__)

    @property
    def k(self) -> int:
        return len(self.group_centres)

    def group_members(self) -> list[NDArray[np.int64]]:
        """Participant ids of each group."""
        return [self.participant_ids[self.groups == g] for g in range(self.k)]

    def as_dict(self) -> dict[str, object]:
        """The Polis math-blob keys (``pca``, ``base-clusters``, ...) plus ours, JSON-ready."""
        tids = [int(t) for t in self.statement_ids]
        pids = self.participant_ids
        proj = self.projection
        members = [pids[self.base_labels == b].tolist() for b in range(len(self.base_centres))]
        agree, disagree, seen = self.group_votes
        blob: dict[str, object] = {
            "n": int(len(pids)),
            "n-cmts": int(len(tids)),
            "tids": tids,
            "mod-out": list(self.mod_out),
            "meta-tids": list(self.meta),
            "user-vote-counts": {
                str(int(p)): int(c) for p, c in zip(pids, self.user_vote_counts, strict=True)
            },
            "in-conv": pids[self.in_conv].tolist(),
            "pca": {
                "center": proj.center.tolist(),
                "comps": proj.components.tolist(),
                "comment-projection": proj.statements.T.tolist(),
                "comment-extremity": proj.extremity.tolist(),
            },
            "base-clusters": {
                "id": list(range(len(self.base_centres))),
                "members": members,
                "x": self.base_centres[:, 0].tolist(),
                "y": self.base_centres[:, 1].tolist(),
                "count": self.base_counts.tolist(),
            },
            "group-clusters": [
                {
                    "id": g,
                    "members": np.flatnonzero(self.group_of_base == g).tolist(),
                    "center": self.group_centres[g].tolist(),
                }
                for g in range(self.k)
            ],
            "repness": {str(g): [r.as_dict() for r in reps] for g, reps in enumerate(self.repness)},
            "consensus": {k: [c.as_dict() for c in v] for k, v in self.consensus.items()},
            "group-aware-consensus": dict(
                zip(map(str, tids), self.group_aware_consensus.tolist(), strict=True)
            ),
            "group-votes": {
                str(g): {
                    "n-members": int((self.groups == g).sum()),
                    "votes": {
                        str(t): {
                            "A": int(agree[g, c]),
                            "D": int(disagree[g, c]),
                            "S": int(seen[g, c]),
                        }
                        for c, t in enumerate(tids)
                    },
                }
                for g in range(self.k)
            },
            "comment-priorities": dict(
                zip(map(str, tids), self.comment_priorities.tolist(), strict=True)
            ),
            # Ours, beyond the Polis blob:
            "coprod": {
                "engine-version": self.engine_version,
                "input-hash": self.input_hash,
                "seed": self.state.seed,
                "k": self.k,
                "silhouettes": {str(k): v for k, v in self.silhouettes.items()},
                "participant-groups": dict(
                    zip(map(str, pids.tolist()), self.groups.tolist(), strict=True)
                ),
                "participant-xy": proj.participants.tolist(),
                "group-aware-consensus-disagree": dict(
                    zip(map(str, tids), self.group_aware_consensus_disagree.tolist(), strict=True)
                ),
                "pca-iterations": proj.iterations,
            },
        }
        coprod = blob["coprod"]
        assert isinstance(coprod, dict)
        if self.knowledge_types is not None:
            coprod["knowledge-types"] = self.knowledge_types.as_dict(self.statement_ids)
        if self.stakeholder_roles is not None:
            coprod["stakeholder-roles"] = self.stakeholder_roles.as_dict(self.statement_ids)
        return blob

    to_json = as_dict


def in_conversation(
    vote_counts: NDArray[np.int64],
    n_statements: int,
    previous: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    """Polis ``in-conv``: sticky, at least min(7, n_statements) votes, topped up to 15.

    The top-up takes the remaining participants with the most votes (ties by row order).
    """
    inside = vote_counts >= min(MIN_VOTES, n_statements)
    if previous is not None:
        inside |= previous
    missing = GREEDY_N - int(inside.sum())
    if missing > 0:
        outside = np.flatnonzero(~inside & (vote_counts > 0))
        top = outside[np.argsort(-vote_counts[outside], kind="stable")][:missing]
        inside[top] = True
    return inside


def _members(ids: NDArray[np.int64], chosen: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``np.isin`` for an ascending ``ids`` and an ascending ``chosen``: binary searches."""
    chosen = np.asarray(chosen, dtype=np.int64)
    if len(chosen) == 0 or len(ids) == 0:
        return np.zeros(len(ids), dtype=bool)
    if len(chosen) > 1 and bool(np.any(chosen[1:] < chosen[:-1])):
        chosen = np.sort(chosen)
    pos = np.minimum(np.searchsorted(chosen, ids), len(chosen) - 1)
    return chosen[pos] == ids


def _statement_mask(ids: NDArray[np.int64], chosen: Iterable[int]) -> NDArray[np.bool_]:
    return np.isin(ids, np.fromiter((int(c) for c in chosen), dtype=np.int64))


def _hash(matrix: VoteMatrix, mod_out: tuple[int, ...], meta: tuple[int, ...]) -> str:
    """:func:`coprod_engine._random.input_hash` of the matrix, reading the arrays in place.

    Same bytes, same digest as ``input_hash(arr.tobytes(), ...)``, without copying ~50 MB.
    """
    digest = hashlib.sha256()
    chunks: list[bytes | memoryview] = [
        memoryview(np.ascontiguousarray(a)).cast("B")
        for a in (
            matrix.participant_ids,
            matrix.statement_ids,
            matrix.indptr,
            matrix.indices,
            matrix.values,
        )
    ]
    chunks += [repr(mod_out).encode(), repr(meta).encode()]
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return digest.hexdigest()


def opinion_map(
    participant_ids: ArrayLike,
    statement_ids: ArrayLike,
    votes: ArrayLike,
    *,
    timestamps: ArrayLike | None = None,
    mod_out: Iterable[int] = (),
    meta: Iterable[int] = (),
    state: OpinionState | None = None,
    knowledge_types: Mapping[int, str] | None = None,
    stakeholder_roles: Mapping[int, str] | None = None,
    replay: bool = False,
    seed: int = 0,
    progress: Progress | None = None,
) -> OpinionMap:
    """Compute the Polis opinion map of a conversation.

    Parameters
    ----------
    participant_ids, statement_ids, votes : array_like of int
        One entry per vote event; votes +1 agree, −1 disagree, 0 pass.
    timestamps : array_like of int, optional
        Vote times; the latest vote of a participant on a statement counts.
    mod_out : iterable of int
        Statements moderated out (Polis ``mod = -1``); treated as passed by everyone.
    meta : iterable of int
        Meta statements: zeroed like ``mod_out`` and given the fixed routing priority 49.
    state : OpinionState, optional
        The previous update's state (PCA start, clusters, k-smoother, in-conv).
    knowledge_types, stakeholder_roles : mapping of participant id to label, optional
        Adds per-label statistics and the cross-label consensus to the result.
    replay : bool
        Without ``state``, recover Polis' sticky ``in-conv`` from the vote history
        (:func:`replayed_in_conv`; needs ``timestamps``), as if Polis had updated after every vote.
    seed : int
        Seeds the random start block of the iterative PCA (large conversations only).
    progress : callable, optional
        Called with the name of each stage (the CLI drives a progress bar with it).

    Returns
    -------
    OpinionMap
        With ``.state`` for the next update.

    Examples
    --------
    >>> m = opinion_map([0, 0, 1, 1], [0, 1, 0, 1], [1, -1, -1, 1])
    >>> m.statement_ids.tolist(), int(m.in_conv.sum())
    ([0, 1], 2)
    """
    matrix = vote_matrix(participant_ids, statement_ids, votes, timestamps=timestamps)
    history = None
    if replay and state is None and timestamps is not None:
        history = replayed_in_conv(participant_ids, statement_ids, timestamps)
    return compute_map(
        matrix,
        history=history,
        mod_out=mod_out,
        meta=meta,
        state=state,
        knowledge_types=knowledge_types,
        stakeholder_roles=stakeholder_roles,
        seed=seed,
        progress=progress,
    )


def compute_map(
    matrix: VoteMatrix,
    *,
    mod_out: Iterable[int] = (),
    meta: Iterable[int] = (),
    state: OpinionState | None = None,
    knowledge_types: Mapping[int, str] | None = None,
    stakeholder_roles: Mapping[int, str] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    history: NDArray[np.int64] | None = None,
    touched: NDArray[np.int64] | None = None,
) -> OpinionMap:
    """:func:`opinion_map` on an already built :class:`VoteMatrix`.

    ``history``: participant ids clustered by earlier updates (sticky ``in-conv``), when there
    is no ``state`` to carry them. ``touched``: ids of the participants whose votes changed
    since ``state.matrix`` (known to :func:`opinion_map_update`); with it the group tallies
    are patched instead of recounted.
    """
    step = progress or (lambda _stage: None)
    meta_t = tuple(sorted({int(m) for m in meta}))
    mod_out_t = tuple(sorted({int(m) for m in mod_out} | set(meta_t)))
    tids = matrix.statement_ids
    zeroed = _statement_mask(tids, mod_out_t)
    is_meta = _statement_mask(tids, meta_t)

    step("projection")
    start = _previous_components(state, tids)
    basis = _previous_basis(state, tids)
    projection = project(matrix, zeroed, start=start, basis=basis, seed=seed)

    step("clusters")
    counts = matrix.vote_counts()
    previous_in = None
    if state is not None:
        previous_in = _members(matrix.participant_ids, state.in_conv)
    elif history is not None:
        previous_in = _members(matrix.participant_ids, history)
    in_conv = in_conversation(counts, len(tids), previous_in)
    # Polis keeps rows in order of arrival; its k-means starts from the first distinct rows.
    clustered = np.flatnonzero(in_conv)
    clustered = clustered[np.argsort(matrix.first_seen[clustered], kind="stable")]
    points = projection.participants[clustered]
    base_start = state.base_centres if state is not None and len(state.base_centres) else None
    point_ids = matrix.participant_ids[clustered]
    base_centres, base_labels_in, bounds = kmeans_with_bounds(
        points,
        BASE_K,
        start=base_start,
        max_iter=BASE_ITERS,
        bounds=_carried_bounds(state, point_ids, points) if base_start is not None else None,
    )
    base_counts = np.bincount(base_labels_in, minlength=len(base_centres)).astype(np.int64)
    smoother = KSmoother(**state.smoother.__dict__) if state is not None else KSmoother()
    choice: GroupChoice = choose_groups(
        base_centres,
        base_counts.astype(np.float64),
        previous=state.group_centres if state is not None else None,
        smoother=smoother,
    )
    group_of_base = choice.labels[choice.k]
    group_centres = _group_centres(base_centres, base_counts, group_of_base)
    base_labels = np.full(len(counts), -1, dtype=np.int64)
    base_labels[clustered] = base_labels_in
    groups = np.where(base_labels >= 0, group_of_base[np.maximum(base_labels, 0)], -1)

    step("statistics")
    counts3 = _patched_group_counts(state, matrix, groups, len(group_centres), touched)
    stats = group_statistics(
        matrix, groups, len(group_centres), zeroed, is_meta, projection.extremity, counts3
    )

    step("labels")
    kt = label_view(matrix, knowledge_types, zeroed) if knowledge_types is not None else None
    roles = label_view(matrix, stakeholder_roles, zeroed) if stakeholder_roles is not None else None

    by_id = np.argsort(point_ids, kind="stable")
    new_state = OpinionState(
        matrix=matrix,
        statement_ids=tids,
        components=projection.components,
        in_conv=matrix.participant_ids[in_conv],
        base_centres=base_centres,
        group_centres=choice.centres,
        smoother=choice.smoother,
        mod_out=mod_out_t,
        meta=meta_t,
        seed=seed,
        basis=projection.basis,
        base_ids=None if bounds is None else point_ids[by_id],
        base_points=None if bounds is None else points[by_id],
        base_bounds=None
        if bounds is None
        else KMeansBounds(bounds.labels[by_id], bounds.upper[by_id], bounds.lower[by_id]),
        groups=groups,
        group_counts=stats.counts,
    )
    return OpinionMap(
        participant_ids=matrix.participant_ids,
        statement_ids=tids,
        projection=projection,
        user_vote_counts=counts,
        in_conv=in_conv,
        base_labels=base_labels,
        base_centres=base_centres,
        base_counts=base_counts,
        group_of_base=group_of_base,
        group_centres=group_centres,
        groups=groups,
        silhouettes=choice.silhouettes,
        repness=stats.repness,
        consensus=stats.consensus,
        group_aware_consensus=stats.group_aware_consensus,
        group_aware_consensus_disagree=stats.group_aware_consensus_disagree,
        group_votes=(stats.tallies.agree, stats.tallies.disagree, stats.tallies.seen),
        comment_priorities=stats.comment_priorities,
        mod_out=mod_out_t,
        meta=meta_t,
        input_hash=_hash(matrix, mod_out_t, meta_t),
        state=new_state,
        knowledge_types=kt,
        stakeholder_roles=roles,
    )


@dataclass(frozen=True)
class GroupStatistics:
    """Everything Polis derives from the groups: repness, consensus, bridging, priorities."""

    tallies: Tallies
    counts: NDArray[np.int64]
    repness: list[list[RepStatement]]
    consensus: dict[str, list[ConsensusStatement]]
    group_aware_consensus: NDArray[np.float64]
    group_aware_consensus_disagree: NDArray[np.float64]
    comment_priorities: NDArray[np.float64]


def group_statistics(
    matrix: VoteMatrix,
    groups: NDArray[np.int64],
    k: int,
    mod_out: NDArray[np.bool_],
    is_meta: NDArray[np.bool_],
    extremity: NDArray[np.float64],
    counts: NDArray[np.int64] | None = None,
) -> GroupStatistics:
    """Statement statistics for given groups (−1 = not clustered).

    Repness, group-aware consensus and priorities count clustered participants only, from the
    raw matrix; consensus counts everyone. Mod-out statements are never selected.
    ``counts``: the groups' tallies (:func:`tally_counts`) when already known.
    """
    if counts is None:
        counts = tally_counts(matrix, groups, k)
    group_tallies = tallies_from_counts(counts)
    everyone = tally(matrix, np.zeros(matrix.shape[0], dtype=np.int64), 1)
    return GroupStatistics(
        tallies=group_tallies,
        counts=counts,
        repness=representative_statements(group_tallies, matrix.statement_ids, mod_out),
        consensus=consensus_statements(everyone, matrix.statement_ids, mod_out),
        group_aware_consensus=group_aware_consensus(group_tallies),
        group_aware_consensus_disagree=group_aware_consensus(group_tallies, disagree=True),
        comment_priorities=comment_priorities(group_tallies, extremity, is_meta),
    )


def replayed_in_conv(
    participant_ids: ArrayLike, statement_ids: ArrayLike, timestamps: ArrayLike
) -> NDArray[np.int64]:
    """Participants Polis would have clustered at some point had it updated after every vote.

    ``in-conv`` is sticky, and early in a conversation the bar ``min(7, n_statements)`` is low
    and the first 15 voters are taken greedily, so some participants with one or two votes stay
    clustered for ever. Replaying the history recovers them: a participant qualifies at one of
    its own votes when its count of distinct statements voted reaches ``min(7, statements
    voted on so far)``; the greedy top-up is simulated until 15 participants are in.
    """
    pids = np.asarray(participant_ids, dtype=np.int64).ravel()
    tids = np.asarray(statement_ids, dtype=np.int64).ravel()
    order = np.argsort(np.asarray(timestamps, dtype=np.int64).ravel(), kind="stable")
    pids, tids = pids[order], tids[order]
    n = len(pids)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    _, p_codes = _dense_codes(pids)
    t_distinct, t_codes = _dense_codes(tids)
    cells = np.unique(p_codes * len(t_distinct) + t_codes, return_index=True)[1]
    first_cell = np.zeros(n, dtype=bool)
    first_cell[cells] = True
    first_tid = np.zeros(n, dtype=bool)
    first_tid[np.unique(t_codes, return_index=True)[1]] = True
    n_statements = np.cumsum(first_tid)
    # Running count of distinct statements per participant: rank of each first-cell event
    # within its participant, in time order.
    by_ptpt = np.lexsort((np.arange(n), p_codes))
    fc = first_cell[by_ptpt].astype(np.int64)
    running = np.cumsum(fc)
    starts = np.r_[True, p_codes[by_ptpt][1:] != p_codes[by_ptpt][:-1]]
    offset = np.maximum.accumulate(np.where(starts, running - fc, 0))
    count = np.empty(n, dtype=np.int64)
    count[by_ptpt] = running - offset
    qualified = count >= np.minimum(MIN_VOTES, n_statements)
    inside: set[int] = set()
    counts: dict[int, int] = {}
    # The greedy top-up only matters until 15 participants are in: a short loop.
    for i in range(n):
        if len(inside) >= GREEDY_N:
            break
        counts[int(pids[i])] = int(count[i])
        if qualified[i]:
            inside.add(int(pids[i]))
        if len(inside) < GREEDY_N:
            rest = sorted((p for p in counts if p not in inside), key=lambda p: -counts[p])
            inside.update(rest[: GREEDY_N - len(inside)])
    inside.update(np.unique(pids[qualified]).tolist())
    return np.array(sorted(inside), dtype=np.int64)


def _group_centres(
    base_centres: NDArray[np.float64],
    base_counts: NDArray[np.int64],
    group_of_base: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Participant-weighted centre of each group."""
    k = int(group_of_base.max()) + 1 if len(group_of_base) else 0
    w = base_counts.astype(np.float64)
    mass = np.bincount(group_of_base, weights=w, minlength=k)
    x = np.bincount(group_of_base, weights=w * base_centres[:, 0], minlength=k)
    y = np.bincount(group_of_base, weights=w * base_centres[:, 1], minlength=k)
    return np.column_stack([x, y]) / np.maximum(mass, 1e-300)[:, None]


def _previous_components(
    state: OpinionState | None, tids: NDArray[np.int64]
) -> NDArray[np.float64] | None:
    """Previous components re-indexed on the current statements (new statements start at 0)."""
    if state is None or state.components.size == 0:
        return None
    start = np.zeros((2, len(tids)))
    pos = np.searchsorted(state.statement_ids, tids)
    pos = np.minimum(pos, len(state.statement_ids) - 1)
    known = state.statement_ids[pos] == tids
    start[:, known] = state.components[:, pos[known]]
    return start


def _previous_basis(
    state: OpinionState | None, tids: NDArray[np.int64]
) -> NDArray[np.float64] | None:
    """The previous Ritz block re-indexed on the current statements (new ones start at 0)."""
    if state is None or state.basis is None or len(state.basis) != len(state.statement_ids):
        return None
    if np.array_equal(state.statement_ids, tids):
        return state.basis
    block = np.zeros((len(tids), state.basis.shape[1]))
    pos = np.minimum(np.searchsorted(state.statement_ids, tids), len(state.statement_ids) - 1)
    known = state.statement_ids[pos] == tids
    block[known] = state.basis[pos[known]]
    return block


def _carried_bounds(
    state: OpinionState | None, point_ids: NDArray[np.int64], points: NDArray[np.float64]
) -> KMeansBounds | None:
    """The previous base k-means bounds, widened by how far each point moved since.

    A newcomer gets bounds that force its assignment to be measured (upper ∞, lower 0).
    """
    if (
        state is None
        or state.base_bounds is None
        or state.base_ids is None
        or state.base_points is None
        or len(state.base_ids) == 0
    ):
        return None
    ids = state.base_ids
    pos = np.minimum(np.searchsorted(ids, point_ids), len(ids) - 1)
    known = ids[pos] == point_ids
    labels = np.zeros(len(point_ids), dtype=np.int64)
    upper = np.full(len(point_ids), np.inf)
    lower = np.zeros(len(point_ids))
    at = pos[known]
    shift = points[known] - state.base_points[at]
    moved = np.sqrt(shift[:, 0] * shift[:, 0] + shift[:, 1] * shift[:, 1])
    labels[known] = state.base_bounds.labels[at]
    upper[known] = state.base_bounds.upper[at] + moved
    lower[known] = state.base_bounds.lower[at] - moved
    return KMeansBounds(labels, upper, lower)


def _row_counts(
    matrix: VoteMatrix,
    rows: NDArray[np.int64],
    labels: NDArray[np.int64],
    columns: NDArray[np.int64],
    k: int,
    n_cols: int,
) -> NDArray[np.int64]:
    """Tallies (k, n_cols, 3) of the given rows of ``matrix`` under ``labels`` (one per row).

    ``columns`` maps the matrix's columns to the output's. Rows labelled −1 count nothing.
    """
    keep = labels >= 0
    rows, labels = rows[keep], labels[keep]
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros((k, n_cols, 3), dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    cells = np.arange(total, dtype=np.int64) + offsets
    key = np.repeat(labels, lengths) * (n_cols * 3)
    key += columns[matrix.indices[cells]] * 3 + matrix.values[cells] + 1
    return np.bincount(key, minlength=k * n_cols * 3).reshape(k, n_cols, 3)


def _patched_group_counts(
    state: OpinionState | None,
    matrix: VoteMatrix,
    groups: NDArray[np.int64],
    k: int,
    touched: NDArray[np.int64] | None,
) -> NDArray[np.int64] | None:
    """The groups' tallies, patched from the state's at the rows whose votes or group changed.

    ``None`` (count from scratch) without a usable state, or when so many rows changed that
    counting everything is as cheap.
    """
    if (
        state is None
        or touched is None
        or state.groups is None
        or state.group_counts is None
        or len(state.groups) != state.matrix.shape[0]
    ):
        return None
    old = state.matrix
    old_rows = matrix.row_positions(old.participant_ids)
    if np.any(old_rows < 0):
        return None
    previous = np.full(matrix.shape[0], -1, dtype=np.int64)
    previous[old_rows] = state.groups
    changed = previous != groups
    touched_rows = matrix.row_positions(touched)
    changed[touched_rows[touched_rows >= 0]] = True
    rows = np.flatnonzero(changed)
    votes_changed = int((matrix.indptr[rows + 1] - matrix.indptr[rows]).sum())
    if votes_changed * 4 > matrix.nnz:
        return None
    n_cols = matrix.shape[1]
    k_old = state.group_counts.shape[0]
    width = max(k, k_old, int(previous.max(initial=-1)) + 1)
    old_columns = matrix.column_positions(old.statement_ids)
    counts = np.zeros((width, n_cols, 3), dtype=np.int64)
    counts[:k_old, old_columns] = state.group_counts
    on_old = matrix.row_positions(old.participant_ids)  # new row of each old row
    old_index = np.full(matrix.shape[0], -1, dtype=np.int64)
    old_index[on_old] = np.arange(old.shape[0])
    was = old_index[rows]
    had = was >= 0
    counts -= _row_counts(old, was[had], previous[rows][had], old_columns, width, n_cols)
    counts += _row_counts(
        matrix, rows, groups[rows], np.arange(n_cols, dtype=np.int64), width, n_cols
    )
    if np.any(counts[k:]):  # pragma: no cover - a group beyond k would have members
        return None
    return counts[:k]


def opinion_map_update(
    state: OpinionState,
    participant_ids: ArrayLike,
    statement_ids: ArrayLike,
    votes: ArrayLike,
    *,
    timestamps: ArrayLike | None = None,
    mod_out: Iterable[int] | None = None,
    meta: Iterable[int] | None = None,
    knowledge_types: Mapping[int, str] | None = None,
    stakeholder_roles: Mapping[int, str] | None = None,
    progress: Progress | None = None,
) -> OpinionMap:
    """Fold new vote events into ``state`` and recompute the map from there.

    The new votes override the cells they touch; the matrix is merged in O(votes) without a
    global sort, and every stage warm-starts from ``state``. Moderation defaults to the state's.
    """
    new = vote_matrix(participant_ids, statement_ids, votes, timestamps=timestamps)
    merged = merge_votes(state.matrix, new)
    return compute_map(
        merged,
        touched=new.participant_ids,
        mod_out=state.mod_out if mod_out is None else mod_out,
        meta=state.meta if meta is None else meta,
        state=state,
        knowledge_types=knowledge_types,
        stakeholder_roles=stakeholder_roles,
        seed=state.seed,
        progress=progress,
    )


def merge_votes(old: VoteMatrix, new: VoteMatrix) -> VoteMatrix:
    """``old`` with the cells of ``new`` written over it (``new`` is the more recent).

    When the newcomers' ids all come after the existing ones (Polis ids grow), rows and columns
    keep their positions: each new vote is located by a binary search inside its row, and the
    arrays are copied once for the insertions. Otherwise everything is re-indexed (O(votes)).
    """
    known_p = np.isin(new.participant_ids, old.participant_ids)
    known_t = np.isin(new.statement_ids, old.statement_ids)
    appended = (
        len(old.participant_ids) == 0
        or bool(np.all(new.participant_ids[~known_p] > old.participant_ids[-1]))
    ) and (
        len(old.statement_ids) == 0
        or bool(np.all(new.statement_ids[~known_t] > old.statement_ids[-1]))
    )
    if not appended:
        return _merge_reindexed(old, new)
    pids = np.concatenate([old.participant_ids, new.participant_ids[~known_p]])
    tids = np.concatenate([old.statement_ids, new.statement_ids[~known_t]])
    rows = np.searchsorted(pids, new.participant_ids)[new.rows()]
    cols = np.searchsorted(tids, new.statement_ids)[new.indices]
    n_old_rows = len(old.participant_ids)
    indptr = np.concatenate([old.indptr, np.full(len(pids) - n_old_rows, old.indptr[-1])])
    # Position of each new cell inside its row of the old arrays (few votes: a short loop).
    positions = np.empty(len(rows), dtype=np.int64)
    exists = np.zeros(len(rows), dtype=bool)
    for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        lo, hi = int(indptr[r]), int(indptr[r + 1])
        at = lo + int(np.searchsorted(old.indices[lo:hi], c))
        positions[i] = at
        exists[i] = at < hi and old.indices[at] == c
    replaced = positions[exists]
    fresh = ~exists
    # Insert first, then overwrite the replaced cells where they moved to: one copy per array.
    inserted_at = positions[fresh]
    moved_to = replaced + np.searchsorted(np.sort(inserted_at), replaced, side="right")
    indices = np.insert(old.indices, inserted_at, cols[fresh].astype(np.int32))
    values = np.insert(old.values, inserted_at, new.values[fresh])
    values[moved_to] = new.values[exists]
    added = np.bincount(rows[fresh], minlength=len(pids))
    indptr = indptr + np.concatenate([[0], np.cumsum(added)])
    first_seen = np.concatenate(
        [
            old.first_seen,
            new.first_seen[np.flatnonzero(~known_p)] + int(old.first_seen.max(initial=0)) + 1,
        ]
    )
    merged = VoteMatrix(pids, tids, indptr, indices, values, first_seen)
    if "cell_keys" in old.__dict__ and len(tids) * 3 < 2**31:
        # Carry the cached keys and per-statement tallies over, patched at the changed cells
        # only, instead of recomputing them over every vote.
        new_keys = (cols * 3 + new.values + 1).astype(np.int32)
        old_keys = old.cell_keys
        gone = old_keys[replaced]
        keys = np.insert(old_keys, inserted_at, new_keys[fresh])
        keys[moved_to] = new_keys[exists]
        merged.__dict__["cell_keys"] = keys
        if "column_tallies" in old.__dict__:
            size = 3 * len(tids)
            delta = np.bincount(new_keys, minlength=size) - np.bincount(gone, minlength=size)
            tallies = np.zeros(size, dtype=np.int64)
            tallies[: old.column_tallies.size] = old.column_tallies.ravel()
            merged.__dict__["column_tallies"] = (tallies + delta).reshape(len(tids), 3)
    return merged


def _merge_reindexed(old: VoteMatrix, new: VoteMatrix) -> VoteMatrix:
    """:func:`merge_votes` when newcomers' ids interleave with existing ones."""
    pids = np.union1d(old.participant_ids, new.participant_ids)
    tids = np.union1d(old.statement_ids, new.statement_ids)
    n_cols = len(tids)
    old_rows = np.searchsorted(pids, old.participant_ids)[old.rows()]
    old_cols = np.searchsorted(tids, old.statement_ids)[old.indices]
    old_keys = old_rows.astype(np.int64) * n_cols + old_cols
    new_rows = np.searchsorted(pids, new.participant_ids)[new.rows()]
    new_cols = np.searchsorted(tids, new.statement_ids)[new.indices]
    new_keys = new_rows.astype(np.int64) * n_cols + new_cols  # sorted: rows then columns
    pos = np.searchsorted(old_keys, new_keys)
    exists = (pos < len(old_keys)) & (old_keys[np.minimum(pos, len(old_keys) - 1)] == new_keys)
    values = old.values.copy()
    values[pos[exists]] = new.values[exists]
    fresh = ~exists
    keys = np.insert(old_keys, pos[fresh], new_keys[fresh])
    values = np.insert(values, pos[fresh], new.values[fresh])
    rows = keys // n_cols
    indptr = np.zeros(len(pids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(pids)), out=indptr[1:])
    indices = (keys - rows * n_cols).astype(np.int32)
    first_seen = np.full(len(pids), -1, dtype=np.int64)
    # Newcomers arrive after everyone already there, in their own order.
    first_seen[np.searchsorted(pids, new.participant_ids)] = (
        new.first_seen + int(old.first_seen.max(initial=0)) + 1
    )
    first_seen[np.searchsorted(pids, old.participant_ids)] = old.first_seen
    return VoteMatrix(
        pids.astype(np.int64), tids.astype(np.int64), indptr, indices, values, first_seen
    )

"""Continue a conversation from the Polis server's own math blob (``/api/v3/math/pca2``).

Polis' groups depend on its update history: every update starts the base k-means (k = 100)
and the group k-means from the previous update's clusters, keeps in-conv sticky and smooths
k. A batch computation cannot know that history, but the blob carries its result: the PCA
axes, the base clusters (in Polis' order), the group centres, in-conv and the published k.
:func:`polis_state` turns a blob plus the conversation's votes into an :class:`OpinionState`,
so that ``opinion_map(..., state=state)`` and :func:`opinion_map_update` continue a
conversation migrated from Polis without its groups jumping.

Given the votes Polis had, the continued map reproduces the blob's groups (same members,
same group ids), k and in-conv on the modern fixtures (``docs/engine-opinion.md``).

References
----------
Polis math, ``conversation.clj`` and ``clusters.clj`` (compdemocracy/polis), the math blob
keys ``pca``, ``base-clusters``, ``group-clusters``, ``in-conv``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coprod_engine.exceptions import InputFormatError
from coprod_engine.opinion.clustering import K_BUFFER, KSmoother
from coprod_engine.opinion.map import OpinionState
from coprod_engine.opinion.matrix import vote_matrix

__all__ = ["PolisMath", "parse_polis_math", "polis_state", "read_polis_math"]


@dataclass(frozen=True)
class PolisMath:
    """What the next update needs from a Polis math blob, checked, in Polis' own frame.

    Attributes
    ----------
    tids : ndarray of int64
        Statements of the blob, ascending (columns of ``components``).
    components : ndarray, shape (2, n_tids)
        The axes in the export sign (agree = +1): Polis' ``pca.comps`` negated (Polis stores
        agree as −1, see :func:`polis_state`), a coprod-engine map's as they are.
    in_conv : ndarray of int64
        Polis participant ids (pids) clustered so far, ascending.
    base_ids : ndarray of int64
        Polis' base-cluster ids, in the blob's order.
    base_centres : ndarray, shape (n_base, 2)
        Base-cluster centres (``x``, ``y``), in the same order.
    base_members : tuple of ndarray of int64
        Polis pids of each base cluster, in the same order.
    group_centres : ndarray, shape (k, 2)
        Group centres by ascending group id; ``k`` is the group count Polis published.
    group_of_base : ndarray of int64
        Index (into ``group_centres``) of the group of each base cluster.
    mod_out : tuple of int
    meta : tuple of int, optional
        ``None`` when the blob predates ``meta-tids`` (2017).
    math_tick : int, optional
        Polis' update counter.
    """

    tids: NDArray[np.int64]
    components: NDArray[np.float64]
    in_conv: NDArray[np.int64]
    base_ids: NDArray[np.int64]
    base_centres: NDArray[np.float64]
    base_members: tuple[NDArray[np.int64], ...]
    group_centres: NDArray[np.float64]
    group_of_base: NDArray[np.int64]
    mod_out: tuple[int, ...]
    meta: tuple[int, ...] | None
    math_tick: int | None

    @property
    def k(self) -> int:
        return len(self.group_centres)

    def groups(
        self, participant_ids: ArrayLike, participant_of: Mapping[int, int] | None = None
    ) -> NDArray[np.int64]:
        """Polis' group of each participant (−1 when not clustered), in the given order.

        ``participant_of``: Polis pid → participant id, as for :func:`polis_state`.
        """
        ids = np.asarray(participant_ids, dtype=np.int64)
        members = np.concatenate([np.empty(0, dtype=np.int64), *self.base_members])
        labels = np.repeat(self.group_of_base, [len(m) for m in self.base_members])
        if participant_of is not None:
            known = np.array([int(p) in participant_of for p in members.tolist()], dtype=bool)
            members = np.array(
                [participant_of[int(p)] for p in members[known].tolist()], dtype=np.int64
            )
            labels = labels[known]
        group = dict(zip(members.tolist(), labels.tolist(), strict=True))
        return np.array([group.get(int(p), -1) for p in ids.tolist()], dtype=np.int64)


def read_polis_math(path: str | Path) -> PolisMath:
    """Read and check a ``math-pca2.json`` file (:func:`parse_polis_math`).

    Raises
    ------
    InputFormatError
        When the file cannot be read, is not JSON, or is not a Polis math blob.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFormatError(f"{path}: cannot read the Polis math blob ({error})") from error
    try:
        blob = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFormatError(f"{path}: the Polis math blob is not JSON ({error})") from error
    try:
        return parse_polis_math(blob)
    except InputFormatError as error:
        raise InputFormatError(f"{path}: {error}") from error


def parse_polis_math(blob: Any) -> PolisMath:
    """Check a Polis math blob (the decoded JSON) and keep what the next update starts from.

    Raises
    ------
    InputFormatError
        Naming the first key that is missing or malformed.
    """
    if not isinstance(blob, Mapping):
        raise InputFormatError("a Polis math blob is a JSON object (as /api/v3/math/pca2 gives)")
    tids = _ids(_key(blob, "tids"), "tids")
    if len(np.unique(tids)) != len(tids):
        raise InputFormatError("'tids' repeats a statement id")
    order = np.argsort(tids, kind="stable")
    pca = _key(blob, "pca")
    if not isinstance(pca, Mapping):
        raise InputFormatError("'pca' must be an object with 'comps'")
    comps = _numbers(_key(pca, "comps", "pca"), "pca.comps", ndim=2)
    if comps.shape[1:] != (len(tids),) and comps.size:
        raise InputFormatError(
            f"'pca.comps' has {comps.shape[1]} loadings per axis for {len(tids)} 'tids'"
        )
    if len(comps) > 2:
        raise InputFormatError(f"'pca.comps' has {len(comps)} axes, the map has 2")
    # A coprod-engine map (``coprod`` key) has Polis' keys in the export sign already.
    sign = 1.0 if "coprod" in blob else -1.0
    components = np.zeros((2, len(tids)))
    components[: len(comps)] = sign * comps.reshape(len(comps), len(tids))[:, order]
    base_ids, base_centres, base_members = _base_clusters(_key(blob, "base-clusters"))
    group_centres, group_of_base = _group_clusters(_key(blob, "group-clusters"), base_ids)
    in_conv = np.unique(_ids(_key(blob, "in-conv"), "in-conv"))
    meta = blob.get("meta-tids")
    tick = blob.get("math_tick")
    return PolisMath(
        tids=tids[order],
        components=components,
        in_conv=in_conv,
        base_ids=base_ids,
        base_centres=base_centres,
        base_members=base_members,
        group_centres=group_centres,
        group_of_base=group_of_base,
        mod_out=tuple(_ids(blob.get("mod-out", []), "mod-out").tolist()),
        meta=None if meta is None else tuple(_ids(meta, "meta-tids").tolist()),
        math_tick=tick if isinstance(tick, int) and not isinstance(tick, bool) else None,
    )


def _key(blob: Mapping[str, Any], key: str, parent: str | None = None) -> Any:
    if key not in blob:
        where = f"'{parent}'" if parent else "the blob"
        raise InputFormatError(f"{where} has no '{key}': not a Polis math blob (math/pca2)")
    return blob[key]


def _ids(value: Any, name: str) -> NDArray[np.int64]:
    """A list of integer ids (participants, statements or clusters)."""
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise InputFormatError(f"'{name}' must be a list of integer ids")
    return np.array(value, dtype=np.int64)


def _numbers(value: Any, name: str, *, ndim: int) -> NDArray[np.float64]:
    """Finite numbers, as a (possibly empty) array of ``ndim`` dimensions."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InputFormatError(f"'{name}' must hold numbers ({error})") from error
    if array.size == 0:
        return array.reshape((0,) * ndim)
    if array.ndim != ndim:
        raise InputFormatError(f"'{name}' must be a {'list of lists' if ndim == 2 else 'list'}")
    if not np.all(np.isfinite(array)):
        raise InputFormatError(f"'{name}' holds a value that is not a finite number")
    return array


def _base_clusters(
    value: Any,
) -> tuple[NDArray[np.int64], NDArray[np.float64], tuple[NDArray[np.int64], ...]]:
    """Ids, centres and members of the base clusters (Polis' layout: one list per field)."""
    if not isinstance(value, Mapping):
        raise InputFormatError(
            "'base-clusters' must be an object with 'id', 'members', 'x' and 'y' lists"
        )
    ids = _ids(_key(value, "id", "base-clusters"), "base-clusters.id")
    x = _numbers(_key(value, "x", "base-clusters"), "base-clusters.x", ndim=1)
    y = _numbers(_key(value, "y", "base-clusters"), "base-clusters.y", ndim=1)
    members = _key(value, "members", "base-clusters")
    if not isinstance(members, list):
        raise InputFormatError("'base-clusters.members' must be a list of lists of pids")
    if not len(ids) == len(x) == len(y) == len(members):
        raise InputFormatError(
            f"'base-clusters' has {len(ids)} ids for {len(members)} member lists, "
            f"{len(x)} x and {len(y)} y values"
        )
    if len(np.unique(ids)) != len(ids):
        raise InputFormatError("'base-clusters.id' repeats a cluster id")
    member_ids = tuple(_ids(m, "base-clusters.members") for m in members)
    everyone = np.concatenate([np.empty(0, dtype=np.int64), *member_ids])
    if len(np.unique(everyone)) != len(everyone):
        raise InputFormatError("a participant is in two base clusters")
    return ids, np.column_stack([x, y]).reshape(len(ids), 2), member_ids


def _group_clusters(
    value: Any, base_ids: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Group centres by ascending group id, and the group index of every base cluster."""
    if not isinstance(value, list) or not all(isinstance(g, Mapping) for g in value):
        raise InputFormatError("'group-clusters' must be a list of {id, members, center} objects")
    groups = sorted(value, key=_group_id)
    if len({_group_id(g) for g in groups}) != len(groups):
        raise InputFormatError("'group-clusters' repeats a group id")
    centres = np.zeros((len(groups), 2))
    group_of_base = np.full(len(base_ids), -1, dtype=np.int64)
    position = {int(b): i for i, b in enumerate(base_ids)}
    for index, group in enumerate(groups):
        name = f"group-clusters[id={_group_id(group)}]"
        centre = _numbers(_key(group, "center", name), f"{name}.center", ndim=1)
        if centre.shape != (2,):
            raise InputFormatError(f"'{name}.center' must be an [x, y] pair")
        centres[index] = centre
        for member in _ids(_key(group, "members", name), f"{name}.members").tolist():
            if member not in position:
                raise InputFormatError(
                    f"'{name}' names base cluster {member}, absent from the blob"
                )
            if group_of_base[position[member]] >= 0:
                raise InputFormatError(f"base cluster {member} is in two groups")
            group_of_base[position[member]] = index
    if len(groups) and np.any(group_of_base < 0):
        missing = int(base_ids[np.flatnonzero(group_of_base < 0)[0]])
        raise InputFormatError(f"base cluster {missing} is in no group of 'group-clusters'")
    return centres, group_of_base


def _group_id(group: Mapping[str, Any]) -> int:
    gid = group.get("id")
    if not isinstance(gid, int) or isinstance(gid, bool):
        raise InputFormatError("every entry of 'group-clusters' needs an integer 'id'")
    return gid


def polis_state(
    blob: PolisMath | Mapping[str, Any],
    participant_ids: ArrayLike,
    statement_ids: ArrayLike,
    votes: ArrayLike,
    *,
    timestamps: ArrayLike | None = None,
    mod_out: Iterable[int] | None = None,
    meta: Iterable[int] | None = None,
    participant_of: Mapping[int, int] | None = None,
    statement_of: Mapping[int, int] | None = None,
    seed: int = 0,
) -> OpinionState:
    """The :class:`OpinionState` of a conversation whose last update was Polis' ``blob``.

    Parameters
    ----------
    blob : PolisMath or mapping
        The Polis math blob (decoded JSON, or :func:`parse_polis_math`'s result); the JSON of
        a coprod-engine map (``OpinionMap.as_dict()``) is read the same way.
    participant_ids, statement_ids, votes, timestamps : array_like
        The conversation's votes, as for :func:`~coprod_engine.opinion.opinion_map` (export
        sign, agree = +1); the state's matrix, so :func:`opinion_map_update` can fold new
        votes in.
    mod_out, meta : sequence of int, optional
        The conversation's moderation; the blob's ``mod-out`` and ``meta-tids`` by default.
    participant_of : mapping of int to int, optional
        Polis pid → the id of that participant in ``participant_ids`` (the blob names pids);
        the identity by default. Blob participants absent from it are dropped.
    statement_of : mapping of int to int, optional
        Polis tid → the id of that statement in ``statement_ids`` (the blob names tids; its
        axes, ``mod-out`` and ``meta-tids`` are translated); the identity by default. Blob
        statements absent from it are dropped.
    seed : int

    Returns
    -------
    OpinionState
        PCA start vectors (Polis' ``pca.comps`` negated), base centres in Polis' order,
        group centres for the blob's k (other k start cold), sticky in-conv, and the
        k-smoother settled on the blob's k. ``opinion_map`` takes its moderation from its
        arguments: pass ``state.mod_out`` and ``state.meta`` with the state.

    Raises
    ------
    InputFormatError
        When the blob is malformed, or shares no statement or no clustered participant with
        the votes (another conversation, or a missing ``participant_of``).

    Notes
    -----
    Polis stores agree as −1, so its centred matrix is ours negated and its positions are
    ``−X·c`` for its axes ``c``: with ``−c`` as our start vectors, our PCA keeps that sign and
    every participant lands where Polis put it, in the frame of the blob's base and group
    centres. Polis' base k-means starts from the first distinct positions *in its row order*
    and its group k-means from the first base centres *in its base-cluster order*; both orders
    come from the update history, which is why the base centres are taken in the blob's order.
    The blob publishes only the smoothed k: the smoother is taken as settled there (a new best
    k must then win four updates in a row before the published k changes).
    """
    polis = blob if isinstance(blob, PolisMath) else parse_polis_math(blob)
    if statement_of is not None:
        polis = _with_statements(polis, statement_of)
    matrix = vote_matrix(participant_ids, statement_ids, votes, timestamps=timestamps)
    tids = matrix.statement_ids
    pos = np.minimum(np.searchsorted(polis.tids, tids), max(len(polis.tids) - 1, 0))
    known = polis.tids[pos] == tids if len(polis.tids) else np.zeros(len(tids), dtype=bool)
    if len(tids) and not known.any():
        raise InputFormatError("the Polis math blob shares no statement id with these votes")
    components = np.zeros((2, len(tids)))
    components[:, known] = polis.components[:, pos[known]]
    in_conv = _mapped(polis.in_conv, participant_of)
    if len(polis.in_conv) and not np.isin(in_conv, matrix.participant_ids).any():
        raise InputFormatError(
            "none of the participants the Polis math blob clusters voted here "
            "(another conversation, or Polis pids not mapped onto participant ids?)"
        )
    if meta is None:
        meta = polis.meta or ()
    if mod_out is None:
        mod_out = polis.mod_out
    meta_t = tuple(sorted({int(t) for t in meta}))
    k = polis.k
    return OpinionState(
        matrix=matrix,
        statement_ids=tids,
        components=components,
        in_conv=in_conv,
        base_centres=polis.base_centres.copy(),
        group_centres={k: polis.group_centres.copy()} if k else {},
        smoother=KSmoother(last_k=k, last_k_count=K_BUFFER, smoothed_k=k) if k else KSmoother(),
        mod_out=tuple(sorted({int(t) for t in mod_out} | set(meta_t))),
        meta=meta_t,
        seed=seed,
    )


def _with_statements(polis: PolisMath, statement_of: Mapping[int, int]) -> PolisMath:
    """The blob with the caller's statement ids for Polis' tids, unmapped ones dropped.

    The ids need not follow the tids' order: the axes' columns are re-sorted with them.
    """
    kept = np.array([t in statement_of for t in polis.tids.tolist()], dtype=bool)
    ids = np.array([statement_of[t] for t in polis.tids[kept].tolist()], dtype=np.int64)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("statement_of maps two Polis tids onto one statement id")
    order = np.argsort(ids, kind="stable")

    def mapped(tids: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(statement_of[t] for t in tids if t in statement_of))

    return replace(
        polis,
        tids=ids[order],
        components=polis.components[:, kept][:, order],
        mod_out=mapped(polis.mod_out),
        meta=None if polis.meta is None else mapped(polis.meta),
    )


def _mapped(pids: NDArray[np.int64], participant_of: Mapping[int, int] | None) -> NDArray[np.int64]:
    """Polis pids as the caller's participant ids (ascending), unmapped ones dropped."""
    if participant_of is None:
        return pids
    ids = [participant_of[p] for p in pids.tolist() if p in participant_of]
    return np.unique(np.array(ids, dtype=np.int64))

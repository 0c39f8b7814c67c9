"""Seat workshop participants at tables, for one or several rounds (world café).

The objective of a round is the maximally diverse grouping objective on a categorical
distance (a weighted Hamming, i.e. Gower's distance for nominal attributes),

    d_ij = sum_a w_a [x_ia != x_ja],

minus ``repeat_weight`` for each pair that already met in an earlier round. Summed over a
table, ``sum_{i<j} [x_ia != x_ja] = (s^2 / 2) * Blau_a`` where ``Blau_a = 1 - sum_v p_v^2``,
so with fixed table sizes the search maximises the tables' Blau indices (Blau 1977). In
``peer`` mode the sign of the peer attribute is flipped: tables are homogeneous in it.

Hard rules (table sizes, cannot-link, coverage, caps) enter the objective with a weight
larger than the whole diversity objective, so the search meets them whenever it can and
otherwise minimises the number of people short or in excess. Pins, languages and must-link
are never broken: must-link components move as one unit, and a unit only visits tables it
may use. Rules no seating can meet are detected before the search, with the smallest
possible violation (:class:`~coprod_engine.grouping.rules.RuleReport`).

Rounds are planned one after another (Triska & Musliu 2012 do the same greedy round by
round for the social golfer problem); each round is an iterated local search over moves
of a unit to another table and swaps of two units, with the gains of all moves and swaps
of a unit computed at once with numpy.

References
----------
Blau P. M. (1977). *Inequality and Heterogeneity*. Free Press.
Gower J. C. (1971). A general coefficient of similarity and some of its properties.
*Biometrics* 27, 857-871.
Lai X., Hao J.-K. (2016). Iterated maxima search for the maximally diverse grouping problem.
*Eur. J. Oper. Res.* 254, 780-800.
Triska M., Musliu N. (2012). An effective greedy heuristic for the social golfer problem.
*Ann. Oper. Res.* 194, 413-425.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coprod_engine import __version__
from coprod_engine._random import input_hash, rng
from coprod_engine.exceptions import Infeasible, InputFormatError
from coprod_engine.grouping.rules import RuleReport, Rules, Violation

People = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class TableSeating:
    """One table in one round: its members and how diverse they are (Blau per attribute)."""

    table: int
    language: str | None
    members: tuple[str, ...]
    diversity: float
    blau: Mapping[str, float]


@dataclass(frozen=True)
class Grouping:
    """A seating plan: per round, the tables and their members, with its metrics.

    ``repeated_pairs`` lists ``(a, b, times)`` for pairs seated together more than once;
    ``people_met`` counts the distinct people each person sat with over all rounds, and
    ``round_repeats[r]`` the pairs of round ``r`` that had already met in earlier rounds.
    """

    rounds: tuple[tuple[TableSeating, ...], ...]
    repeated_pairs: tuple[tuple[str, str, int], ...]
    people_met: Mapping[str, int]
    report: RuleReport
    seed: int
    input_hash: str
    engine_version: str = __version__
    stopped_by: str = "effort"
    round_repeats: tuple[int, ...] = ()

    @property
    def repeats(self) -> int:
        """Extra meetings: a pair seated together k times counts k - 1."""
        return sum(times - 1 for _, _, times in self.repeated_pairs)

    def table_of(self, round: int) -> dict[str, int]:
        """Person id -> table index in ``round`` (absent people are not listed)."""
        return {p: t.table for t in self.rounds[round] for p in t.members}

    def as_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (the ``groups form --json`` output)."""
        return {
            "engine_version": self.engine_version,
            "seed": self.seed,
            "input_hash": self.input_hash,
            "stopped_by": self.stopped_by,
            "rounds": [
                [
                    {
                        "table": t.table,
                        "language": t.language,
                        "members": list(t.members),
                        "diversity": round(t.diversity, 4),
                        "blau": {a: round(b, 4) for a, b in t.blau.items()},
                    }
                    for t in tables
                ]
                for tables in self.rounds
            ],
            "round_repeats": list(self.round_repeats),
            "repeated_pairs": [list(p) for p in self.repeated_pairs],
            "repeats": self.repeats,
            "people_met": dict(self.people_met),
            "report": self.report.as_dict(),
        }


@dataclass
class _Problem:
    """The inputs as arrays: people are rows, tables are columns."""

    ids: list[str]
    attrs: Sequence[Mapping[str, str]]
    lo: NDArray[np.int64]
    hi: NDArray[np.int64]
    languages: list[str | None]
    rules: Rules
    weights: dict[str, float]
    allowed: NDArray[np.bool_]
    features: NDArray[np.float64]
    feature_lo: NDArray[np.float64]
    feature_hi: NDArray[np.float64]
    feature_names: list[str]
    base: NDArray[np.float64] = field(repr=False)
    peer_mix: NDArray[np.float64] | None = field(repr=False)
    peer_weight: float
    index: dict[str, int] = field(default_factory=dict)

    @property
    def tables(self) -> int:
        return int(self.lo.size)


def _codes(values: list[str]) -> NDArray[np.int64]:
    """Integer codes of categorical values, -1 for a missing (empty) value."""
    order = sorted({v for v in values if v})
    code = {v: k for k, v in enumerate(order)}
    return np.array([code.get(v, -1) for v in values], dtype=np.int64)


def _mismatch(codes: NDArray[np.int64]) -> NDArray[np.float64]:
    known = codes >= 0
    differ = (codes[:, None] != codes[None, :]) & known[:, None] & known[None, :]
    return differ.astype(np.float64)


def _spoken(value: str) -> list[str]:
    return [lang.strip() for lang in value.split(";") if lang.strip()]


def _problem(
    people: People,
    *,
    tables: int,
    size_min: int | Sequence[int] | None,
    size_max: int | Sequence[int] | None,
    table_languages: Sequence[str | None] | None,
    rules: Rules,
) -> _Problem:
    ids = [str(p) for p in people]
    if len(set(ids)) != len(ids) or not ids:
        raise InputFormatError("people must have distinct ids, and at least one person")
    if tables < 1:
        raise InputFormatError("there must be at least one table")
    attrs = [dict(people[p]) for p in people]
    n = len(ids)
    lo = np.broadcast_to(np.asarray(n // tables if size_min is None else size_min), (tables,))
    hi = np.broadcast_to(np.asarray(-(-n // tables) if size_max is None else size_max), (tables,))
    lo, hi = lo.astype(np.int64).copy(), hi.astype(np.int64).copy()
    if np.any(lo > hi) or np.any(lo < 0):
        raise InputFormatError("table size bounds must satisfy 0 <= size_min <= size_max")
    languages: list[str | None] = (
        list(table_languages) if table_languages is not None else [None] * tables
    )
    if len(languages) != tables:
        raise InputFormatError(f"{len(languages)} table languages for {tables} tables")
    names = sorted({a for person in attrs for a in person})
    skip = {rules.language_attribute}
    weights = {a: float(rules.weights.get(a, 1.0)) for a in names if a not in skip}
    weights = {a: w for a, w in weights.items() if w > 0}
    codes = {a: _codes([person.get(a, "") for person in attrs]) for a in weights}
    if rules.mode == "peer":
        others = {a: w for a, w in weights.items() if a != rules.peer_attribute}
        peer = _codes([person.get(rules.peer_attribute, "") for person in attrs])
        base = sum((w * _mismatch(codes[a]) for a, w in others.items()), np.zeros((n, n)))
        peer_mix: NDArray[np.float64] | None = _mismatch(peer)
        peer_weight = 1.0 + sum(others.values())
    else:
        base = sum((w * _mismatch(codes[a]) for a, w in weights.items()), np.zeros((n, n)))
        peer_mix, peer_weight = None, 0.0
    allowed = np.ones((n, tables), dtype=bool)
    for i, person in enumerate(attrs):
        spoken = _spoken(person.get(rules.language_attribute, ""))
        if spoken:
            allowed[i] = [lang is None or lang in spoken for lang in languages]
    limits = [(c.attribute, c.value, float(c.min), np.inf) for c in rules.coverage]
    limits += [(c.attribute, c.value, 0.0, float(c.max)) for c in rules.caps]
    features = np.array(
        [[person.get(a, "") == v for a, v, _, _ in limits] for person in attrs], dtype=np.float64
    ).reshape(n, len(limits))
    return _Problem(
        ids=ids,
        attrs=attrs,
        lo=lo,
        hi=hi,
        languages=languages,
        rules=rules,
        weights=weights,
        allowed=allowed,
        features=features,
        feature_lo=np.array([x[2] for x in limits], dtype=np.float64),
        feature_hi=np.array([x[3] for x in limits], dtype=np.float64),
        feature_names=[f"{a}={v}" for a, v, _, _ in limits],
        base=np.asarray(base, dtype=np.float64),
        peer_mix=peer_mix,
        peer_weight=peer_weight,
        index={p: i for i, p in enumerate(ids)},
    )


def _member_ids(
    problem: _Problem, pairs: Sequence[tuple[str, str]], rule: str
) -> list[tuple[int, int]]:
    out = []
    for a, b in pairs:
        if a not in problem.index or b not in problem.index:
            raise InputFormatError(f"{rule}: unknown person in pair ({a}, {b})")
        out.append((problem.index[a], problem.index[b]))
    return out


def _units(n: int, links: list[tuple[int, int]], present: NDArray[np.bool_]) -> list[list[int]]:
    """Must-link components among the people present (union-find), in first-member order."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        if present[a] and present[b]:
            parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        if present[i]:
            groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda members: members[0])


def _impossible(
    problem: _Problem, units: list[list[int]], pins: dict[int, int], present: NDArray[np.bool_]
) -> list[Violation]:
    """Rules no seating can meet, each with the smallest amount by which it must fail."""
    found: list[Violation] = []
    n, tables = int(present.sum()), problem.tables
    if problem.lo.sum() > n:
        found.append(
            Violation(
                "size",
                f"{n} people cannot fill the minimum of {problem.lo.sum()} seats",
                int(problem.lo.sum()) - n,
            )
        )
    if problem.hi.sum() < n:
        found.append(
            Violation(
                "size", f"{n} people for only {problem.hi.sum()} seats", n - int(problem.hi.sum())
            )
        )
    pinned_count = np.bincount([t for i, t in pins.items() if present[i]], minlength=tables)
    for t in np.flatnonzero(pinned_count > problem.hi):
        found.append(
            Violation(
                "pin",
                f"{pinned_count[t]} people pinned to table {t} of at most {problem.hi[t]}",
                int(pinned_count[t] - problem.hi[t]),
                table=int(t),
            )
        )
    cannot = _member_ids(problem, problem.rules.cannot_link, "cannot_link")
    for members in units:
        names = ", ".join(problem.ids[i] for i in members)
        tables_pinned = sorted({pins[i] for i in members if i in pins})
        if len(tables_pinned) > 1:
            found.append(
                Violation(
                    "must_link", f"linked people {names} are pinned to tables {tables_pinned}", 1
                )
            )
        if len(members) > problem.hi.max():
            found.append(
                Violation(
                    "must_link",
                    f"linked people {names} outnumber the largest table",
                    len(members) - int(problem.hi.max()),
                )
            )
        inside = set(members)
        for a, b in cannot:
            if a in inside and b in inside:
                found.append(
                    Violation(
                        "cannot_link",
                        f"{problem.ids[a]} and {problem.ids[b]} are both linked and kept apart",
                        1,
                    )
                )
        if not problem.allowed[members].all(axis=0).any():
            found.append(
                Violation(
                    "language", f"no table language is spoken by all of {names}", len(members)
                )
            )
    found += _language_capacity(problem, units)
    counts = problem.features[present].sum(axis=0)
    for k, name in enumerate(problem.feature_names):
        need = problem.feature_lo[k] * tables
        if counts[k] < need:
            found.append(
                Violation(
                    "coverage",
                    f"{name}: {int(counts[k])} people for {int(need)} seats ({int(problem.feature_lo[k])} at each of {tables} tables)",
                    int(need - counts[k]),
                )
            )
        room = problem.feature_hi[k] * tables
        if counts[k] > room:
            found.append(
                Violation(
                    "cap",
                    f"{name}: {int(counts[k])} people for {int(room)} places ({int(problem.feature_hi[k])} at each of {tables} tables)",
                    int(counts[k] - room),
                )
            )
    return found


def _language_capacity(problem: _Problem, units: list[list[int]]) -> list[Violation]:
    """Seats by language: who can fill the tables of a language, and who must fit in them."""
    found = []
    may = np.array([problem.allowed[m].all(axis=0) for m in units]).reshape(len(units), -1)
    size = np.array([len(m) for m in units])
    for lang in sorted({x for x in problem.languages if x is not None}):
        these = np.array([x == lang for x in problem.languages])
        able = int(size[may[:, these].any(axis=1)].sum())
        need = int(problem.lo[these].sum())
        if able < need:
            found.append(
                Violation(
                    "language",
                    f"{able} people speak {lang} for the {need} seats of its tables",
                    need - able,
                )
            )
        bound = int(size[~may[:, ~these].any(axis=1)].sum())
        room = int(problem.hi[these].sum())
        if bound > room:
            found.append(
                Violation(
                    "language",
                    f"{bound} people can only sit at {lang} tables, which seat {room}",
                    bound - room,
                )
            )
    return found


class _RoundSearch:
    """Iterated local search for one round, over units (must-link components).

    ``S[u, t]`` is the weight between unit ``u`` and the members of table ``t``, and
    ``C[t, k]`` the number of people with feature ``k`` at table ``t``; penalties of size,
    coverage and cap rules are ``hard`` per person short or in excess.
    """

    def __init__(
        self,
        weights: NDArray[np.float64],
        units: list[list[int]],
        problem: _Problem,
        fixed: dict[int, int],
        hard: float,
        gen: np.random.Generator,
    ) -> None:
        n_units, self.tables = len(units), problem.tables
        member = np.zeros((weights.shape[0], n_units))
        for u, members in enumerate(units):
            member[members, u] = 1.0
        self.W = member.T @ weights @ member
        np.fill_diagonal(self.W, 0.0)
        self.size = member.sum(axis=0)
        self.F = member.T @ problem.features
        self.allowed = np.array([problem.allowed[m].all(axis=0) for m in units]).reshape(
            n_units, -1
        )
        self.fixed = np.zeros(n_units, dtype=bool)
        for u, t in fixed.items():
            self.fixed[u] = True
            self.allowed[u] = np.arange(self.tables) == t
        self.lo, self.hi = problem.lo.astype(float), problem.hi.astype(float)
        self.klo, self.khi = problem.feature_lo, problem.feature_hi
        self.hard, self.gen, self.n = hard, gen, n_units
        self.rows = np.arange(n_units)
        self.unit_people = bool(np.all(self.size == 1))

    def size_penalty(self, sizes: Any, t: Any) -> Any:
        over = np.maximum(self.lo[t] - sizes, 0) + np.maximum(sizes - self.hi[t], 0)
        return self.hard * over

    def count_penalty(self, counts: Any) -> Any:
        over = np.maximum(self.klo - counts, 0) + np.maximum(counts - self.khi, 0)
        return self.hard * over.sum(axis=-1)

    def start(self, labels: NDArray[np.int64]) -> None:
        self.labels = labels.copy()
        onehot = np.zeros((self.n, self.tables))
        onehot[self.rows, labels] = 1.0
        self.S = self.W @ onehot
        self.sizes = self.size @ onehot
        self.C = onehot.T @ self.F
        self.value = (
            0.5 * float(self.S[self.rows, labels].sum())
            - float(self.size_penalty(self.sizes, slice(None)).sum())
            - float(self.count_penalty(self.C).sum())
        )

    def construct(self) -> NDArray[np.int64]:
        """Fixed units at their table; the others, largest first, where most room is left."""
        labels = np.full(self.n, -1, dtype=np.int64)
        sizes = np.zeros(self.tables)
        order = sorted(
            self.gen.permutation(self.n).tolist(), key=lambda u: (not self.fixed[u], -self.size[u])
        )
        for u in order:
            room = np.where(
                self.allowed[u], self.hi - sizes + self.gen.random(self.tables) * 0.5, -np.inf
            )
            labels[u] = int(np.argmax(room))
            sizes[labels[u]] += self.size[u]
        return labels

    def _relabel(self, u: int, t: int) -> None:
        a = int(self.labels[u])
        self.S[:, a] -= self.W[:, u]
        self.S[:, t] += self.W[:, u]
        self.sizes[a] -= self.size[u]
        self.sizes[t] += self.size[u]
        self.C[a] -= self.F[u]
        self.C[t] += self.F[u]
        self.labels[u] = t

    def _table_change(
        self, u_size: Any, u_feat: Any, v_size: Any, v_feat: Any, table: Any, sizes: bool = True
    ) -> Any:
        """Change of penalty at ``table`` when unit u leaves it and unit v (if any) joins."""
        change: Any = 0.0
        if sizes:
            size = self.sizes[table]
            change = self.size_penalty(size - u_size + v_size, table)
            change = change - self.size_penalty(size, table)
        if self.F.shape[1]:
            counts = self.C[table]
            change = change + self.count_penalty(counts - u_feat + v_feat)
            change = change - self.count_penalty(counts)
        return change

    def _best_move(self, own: Any) -> Any:
        """Gain of moving each unit to each table (``-inf`` where not allowed)."""
        lab = self.labels
        move = self.S - own[:, None]
        move -= self._table_change(self.size, self.F, 0.0, 0.0, lab)[:, None]
        gain_in = self.size_penalty(self.sizes[None, :] + self.size[:, None], slice(None))
        gain_in = gain_in - self.size_penalty(self.sizes, slice(None))[None, :]
        if self.F.shape[1]:
            joined = self.C[None, :, :] + self.F[:, None, :]
            gain_in = gain_in + self.count_penalty(joined) - self.count_penalty(self.C)[None, :]
        move -= gain_in
        move[~self.allowed | self.fixed[:, None]] = -np.inf
        move[self.rows, lab] = -np.inf
        return move

    def best_step(self) -> tuple[float, int, int, int]:
        """Best move (unit to table) or swap (two units) over all units at once.

        Returns ``(gain, u, t, v)``: a move of ``u`` to ``t`` when ``v < 0``, else a swap.
        """
        lab = self.labels
        own = self.S[self.rows, lab]
        # With fixed table sizes met and units of one person, a move always breaks a size
        # bound, so only swaps can improve (the common world café case: skip the moves).
        moves_useless = self.unit_people and bool(np.all(self.sizes == self.lo))
        moves_useless = moves_useless and bool(np.all(self.lo == self.hi))
        move = np.full((self.n, self.tables), -np.inf) if moves_useless else self._best_move(own)
        # Swaps: u takes v's table and v takes u's; half[u, v] is the change at u's table.
        half = self.S[:, lab] - own[:, None]
        swap = half + half.T - 2.0 * self.W
        sizes_vary = not self.unit_people
        if sizes_vary or self.F.shape[1]:
            at_u = self._table_change(
                self.size[:, None], self.F[:, None, :], self.size[None, :], self.F[None, :, :],
                lab[:, None], sizes=sizes_vary,
            )  # fmt: skip
            swap -= at_u + at_u.T
        may = self.allowed[:, lab]
        blocked = (lab[:, None] == lab[None, :]) | ~(may & may.T)
        blocked |= self.fixed[:, None] | self.fixed[None, :]
        swap[blocked] = -np.inf
        t, k = int(np.argmax(move)), int(np.argmax(swap))
        if move.flat[t] >= swap.flat[k]:
            return float(move.flat[t]), t // self.tables, t % self.tables, -1
        return float(swap.flat[k]), k // self.n, -1, k % self.n

    def descend(self, deadline: float) -> None:
        """Best-improvement steps until no move or swap improves."""
        while time.perf_counter() < deadline:
            gain, u, t, v = self.best_step()
            if gain <= 1e-9:
                return
            if v < 0:
                self._relabel(u, t)
            else:
                a, b = int(self.labels[u]), int(self.labels[v])
                self._relabel(u, b)
                self._relabel(v, a)
            self.value += gain

    def kick(self, strength: int) -> None:
        """Random swaps of free units between tables both may use."""
        free = np.flatnonzero(~self.fixed)
        if free.size < 2:
            return
        for _ in range(strength):
            u, v = (int(x) for x in self.gen.choice(free, size=2, replace=False))
            a, b = int(self.labels[u]), int(self.labels[v])
            if a != b and self.allowed[u, b] and self.allowed[v, a]:
                self._relabel(u, b)
                self._relabel(v, a)
        self.start(self.labels)

    def solve(self, effort: int, deadline: float) -> tuple[NDArray[np.int64], bool]:
        """Best labels after ``effort`` kicks; ``True`` if the deadline cut the search."""
        self.start(self.construct())
        self.descend(deadline)
        best, best_labels = self.value, self.labels.copy()
        strength = max(2, self.n // 10)
        for _ in range(effort):
            if time.perf_counter() >= deadline:
                return best_labels, True
            self.kick(strength)
            self.descend(deadline)
            if self.value > best + 1e-9:
                best, best_labels = self.value, self.labels.copy()
            else:
                self.start(best_labels)
        return best_labels, time.perf_counter() >= deadline


def _blau(values: list[str]) -> float:
    """Blau's index 1 - sum_v p_v^2 over the known values (0 for fewer than one value)."""
    known = [v for v in values if v]
    if not known:
        return 0.0
    _, counts = np.unique(known, return_counts=True)
    p = counts / counts.sum()
    return float(1.0 - (p**2).sum())


def _seating(problem: _Problem, labels: NDArray[np.int64]) -> tuple[TableSeating, ...]:
    out = []
    total = sum(problem.weights.values())
    for t in range(problem.tables):
        members = np.flatnonzero(labels == t).tolist()
        blau = {a: _blau([problem.attrs[i].get(a, "") for i in members]) for a in problem.weights}
        diversity = sum(problem.weights[a] * b for a, b in blau.items()) / total if total else 0.0
        out.append(
            TableSeating(
                t, problem.languages[t], tuple(problem.ids[i] for i in members), diversity, blau
            )
        )
    return tuple(out)


def _violations(problem: _Problem, labels: NDArray[np.int64], r: int) -> list[Violation]:
    """Rules the seating of round ``r`` breaks, table by table."""
    found = []
    seated = labels >= 0
    sizes = np.bincount(labels[seated], minlength=problem.tables)
    counts = np.zeros((problem.tables, problem.features.shape[1]))
    np.add.at(counts, labels[seated], problem.features[seated])
    for t in range(problem.tables):
        if sizes[t] < problem.lo[t] or sizes[t] > problem.hi[t]:
            amount = int(max(problem.lo[t] - sizes[t], sizes[t] - problem.hi[t]))
            found.append(
                Violation(
                    "size",
                    f"table {t} has {sizes[t]} people, bounds [{problem.lo[t]}, {problem.hi[t]}]",
                    amount,
                    r,
                    t,
                )
            )
        for k, name in enumerate(problem.feature_names):
            if counts[t, k] < problem.feature_lo[k]:
                found.append(
                    Violation(
                        "coverage",
                        f"table {t} has {int(counts[t, k])} of {name}, needs {int(problem.feature_lo[k])}",
                        int(problem.feature_lo[k] - counts[t, k]),
                        r,
                        t,
                    )
                )
            if counts[t, k] > problem.feature_hi[k]:
                found.append(
                    Violation(
                        "cap",
                        f"table {t} has {int(counts[t, k])} of {name}, at most {int(problem.feature_hi[k])}",
                        int(counts[t, k] - problem.feature_hi[k]),
                        r,
                        t,
                    )
                )
    for a, b in _member_ids(problem, problem.rules.cannot_link, "cannot_link"):
        if labels[a] >= 0 and labels[a] == labels[b]:
            found.append(
                Violation(
                    "cannot_link",
                    f"{problem.ids[a]} and {problem.ids[b]} sit together",
                    1,
                    r,
                    int(labels[a]),
                )
            )
    return found


def _plan(
    problem: _Problem,
    *,
    rounds: int,
    history: list[NDArray[np.int64]],
    present: NDArray[np.bool_],
    seated: dict[int, int],
    seed: int,
    effort: int,
    seconds: float,
) -> tuple[list[NDArray[np.int64]], list[Violation], bool]:
    """Plan rounds ``len(history)`` .. ``rounds - 1``; ``seated`` holds in the first of them."""
    n = len(problem.ids)
    rules = problem.rules
    pins = {problem.index[p]: int(t) for p, t in rules.pins.items() if p in problem.index}
    unknown = sorted(set(rules.pins) - set(problem.index))
    if unknown or any(not 0 <= t < problem.tables for t in pins.values()):
        raise InputFormatError(f"pins: unknown people {unknown} or table out of range")
    links = _member_ids(problem, rules.must_link, "must_link")
    cannot = _member_ids(problem, rules.cannot_link, "cannot_link")
    met = np.zeros((n, n))
    for labels in history:
        met += (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0)
    np.fill_diagonal(met, 0)
    total_weight = max(sum(problem.weights.values()), 1.0)
    repeat = rules.repeat_weight
    if repeat is None:
        repeat = total_weight * float(problem.hi.max())
    gen = rng(seed)
    deadline = time.perf_counter() + seconds
    planned, impossible, cut = [], [], False
    for r in range(len(history), rounds):
        round_pins = {**pins, **(seated if r == len(history) else {})}
        units = _units(n, links, present)
        if r == len(history):
            impossible = _impossible(problem, units, round_pins, present)
        weights = problem.base - repeat * met
        if problem.peer_mix is not None:
            # Peer groups first: mixing two knowledge types costs more than the repeats
            # and the diversity a whole table could gain from it.
            mix_cost = (problem.peer_weight + repeat) * float(problem.hi.max())
            weights -= mix_cost * problem.peer_mix
        hard = 1.0 + float(np.abs(np.triu(weights, 1)).sum())
        for a, b in cannot:
            weights[a, b] = weights[b, a] = -hard
        fixed = {u: round_pins[i] for u, m in enumerate(units) for i in m if i in round_pins}
        search = _RoundSearch(weights, units, problem, fixed, hard, gen)
        round_deadline = time.perf_counter() + (deadline - time.perf_counter()) / (rounds - r)
        unit_labels, stopped = search.solve(effort, round_deadline)
        cut = cut or stopped
        labels = np.full(n, -1, dtype=np.int64)
        for u, members in enumerate(units):
            labels[members] = unit_labels[u]
        planned.append(labels)
        met += (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0)
        np.fill_diagonal(met, 0)
    return planned, impossible, cut


def _grouping(
    problem: _Problem,
    all_labels: list[NDArray[np.int64]],
    impossible: list[Violation],
    *,
    seed: int,
    digest: str,
    cut: bool,
    strict: bool,
) -> Grouping:
    n = len(problem.ids)
    met = np.zeros((n, n), dtype=np.int64)
    round_repeats = []
    for labels in all_labels:
        together = (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0)
        np.fill_diagonal(together, False)
        round_repeats.append(int(np.triu(together & (met > 0), 1).sum()))
        met += together
    i, j = np.nonzero(np.triu(met > 1, 1))
    repeated = tuple(
        (problem.ids[a], problem.ids[b], int(met[a, b])) for a, b in zip(i, j, strict=True)
    )
    violations = [v for r, labels in enumerate(all_labels) for v in _violations(problem, labels, r)]
    grouping = Grouping(
        rounds=tuple(_seating(problem, labels) for labels in all_labels),
        repeated_pairs=repeated,
        people_met={p: int((met[k] > 0).sum()) for k, p in enumerate(problem.ids)},
        report=RuleReport(tuple(impossible), tuple(violations)),
        seed=seed,
        input_hash=digest,
        stopped_by="seconds" if cut else "effort",
        round_repeats=tuple(round_repeats),
    )
    if strict and not grouping.report.feasible:
        report = RuleReport(tuple(impossible), tuple(violations), best_effort=grouping)
        first = (impossible or violations)[0]
        raise Infeasible(f"the rules cannot all be met: {first.detail}", report=report)
    return grouping


def _digest(people: People, **inputs: Any) -> str:
    def plain(value: Any) -> Any:
        if hasattr(value, "__dataclass_fields__"):
            return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    # People stay a list: their order sets the row order, hence the plan for a given seed.
    rows = [[p, dict(a)] for p, a in people.items()]
    return input_hash(json.dumps(plain({"people": rows, **inputs}), sort_keys=True, default=str))


def form_groups(
    people: People,
    *,
    tables: int,
    size_min: int | Sequence[int] | None = None,
    size_max: int | Sequence[int] | None = None,
    table_languages: Sequence[str | None] | None = None,
    rounds: int = 1,
    rules: Rules | None = None,
    seed: int,
    effort: int = 20,
    seconds: float = 5.0,
    strict: bool = True,
) -> Grouping:
    """Seat ``people`` at ``tables`` tables for ``rounds`` rounds.

    Parameters
    ----------
    people : mapping of person id -> {attribute: value}
        Categorical attributes (role, knowledge type, organisation, age band, ...); the
        language attribute holds ``;``-separated languages. Empty values are missing.
    tables : int
        Number of tables.
    size_min, size_max : int or sequence of int, optional
        Size bounds per table (default: as even as possible).
    table_languages : sequence of str or None, optional
        Language of each table (``None``: any).
    rounds : int
        Number of rounds; later rounds avoid pairs that already met.
    rules : Rules, optional
        Pins, must/cannot-link, coverage, caps, weights and the mode (diverse or peer).
    seed : int
        Seed of every random draw: same seed and input, same plan, in any process.
    effort : int
        Kicks of the iterated local search per round (the reproducible budget).
    seconds : float
        Safety limit on the wall time; a plan cut by it has ``stopped_by == "seconds"``
        and is reproducible only on a machine as fast.
    strict : bool
        Raise :class:`Infeasible` when a rule cannot be met (the report carries the
        violations and the best-effort plan); otherwise return the plan with its report.

    Returns
    -------
    Grouping

    Raises
    ------
    Infeasible
        If ``strict`` and a rule is impossible or left broken.
    InputFormatError
        On unknown ids in the rules, a table index out of range, or malformed sizes.
    """
    rules = rules or Rules()
    problem = _problem(
        people, tables=tables, size_min=size_min, size_max=size_max,
        table_languages=table_languages, rules=rules,
    )  # fmt: skip
    present = np.ones(len(problem.ids), dtype=bool)
    planned, impossible, cut = _plan(
        problem, rounds=rounds, history=[], present=present, seated={}, seed=seed,
        effort=effort, seconds=seconds,
    )  # fmt: skip
    digest = _digest(
        people, tables=tables, size_min=size_min, size_max=size_max,
        table_languages=table_languages, rounds=rounds, rules=rules, effort=effort,
    )  # fmt: skip
    return _grouping(problem, planned, impossible, seed=seed, digest=digest, cut=cut, strict=strict)


def reseat(
    previous: Grouping,
    people: People,
    *,
    round: int,
    absent: Sequence[str] = (),
    seated: Sequence[str] | None = None,
    tables: int,
    size_min: int | Sequence[int] | None = None,
    size_max: int | Sequence[int] | None = None,
    table_languages: Sequence[str | None] | None = None,
    rules: Rules | None = None,
    seed: int,
    effort: int = 20,
    seconds: float = 5.0,
    strict: bool = True,
) -> Grouping:
    """Re-plan from ``round`` on after no-shows, keeping seated people where they sit.

    Rounds before ``round`` are kept as they were (their pairs count as met). In ``round``,
    the people in ``seated`` (default: every present person the previous plan seated in
    that round) keep their table; the others present, including people absent from the
    previous plan (late arrivals), are placed; ``absent`` people are left out of ``round``
    and of every later round, which are planned afresh. Other parameters as in
    :func:`form_groups`, which must receive the same people and rules as before.
    """
    rules = rules or Rules()
    problem = _problem(
        people, tables=tables, size_min=size_min, size_max=size_max,
        table_languages=table_languages, rules=rules,
    )  # fmt: skip
    if not 0 <= round < len(previous.rounds):
        raise InputFormatError(f"round {round} is not in the previous plan")
    missing = sorted(set(absent) - set(problem.index))
    if missing:
        raise InputFormatError(f"absent: unknown people {missing}")
    history = []
    for r in range(round):
        labels = np.full(len(problem.ids), -1, dtype=np.int64)
        for p, t in previous.table_of(r).items():
            if p in problem.index:
                labels[problem.index[p]] = t
        history.append(labels)
    present = np.ones(len(problem.ids), dtype=bool)
    present[[problem.index[p] for p in absent]] = False
    before = previous.table_of(round)
    keep = [p for p in before if p not in set(absent)] if seated is None else list(seated)
    stay = {problem.index[p]: before[p] for p in keep if p in before and p in problem.index}
    planned, impossible, cut = _plan(
        problem, rounds=len(previous.rounds), history=history, present=present, seated=stay,
        seed=seed, effort=effort, seconds=seconds,
    )  # fmt: skip
    digest = _digest(
        people, previous=previous.input_hash, round=round, absent=sorted(absent),
        seated=sorted(stay), tables=tables, size_min=size_min, size_max=size_max,
        table_languages=table_languages, rules=rules, effort=effort,
    )  # fmt: skip
    return _grouping(
        problem, history + planned, impossible, seed=seed, digest=digest, cut=cut, strict=strict
    )

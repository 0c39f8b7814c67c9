"""Per-group statement statistics: representative statements, consensus, bridging, priority.

Every figure derives from three tallies per (group, statement): agrees ``A``, disagrees ``D``
and votes seen ``S`` (a pass counts as seen). The tallies are one ``bincount`` over the stored
votes, so they cost O(votes) whatever the number of groups.

References
----------
Polis math, ``repness.clj``, ``stats.clj`` and ``conversation.clj`` (compdemocracy/polis);
Small, C. et al. (2021). *Recerca*, 26(2), section on representative comments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coprod_engine.opinion import kernels
from coprod_engine.opinion.matrix import VoteMatrix

__all__ = [
    "Tallies",
    "tally",
    "tally_counts",
    "tallies_from_counts",
    "RepStatement",
    "ConsensusStatement",
    "representative_statements",
    "consensus_statements",
    "group_aware_consensus",
    "comment_priorities",
    "prop_test",
    "two_prop_test",
]

Z_90 = 1.2816
PICK_MAX = 5
META_PRIORITY = 7.0


@dataclass(frozen=True)
class Tallies:
    """Agree, disagree and seen counts, each of shape (n_labels, n_statements)."""

    agree: NDArray[np.int64]
    disagree: NDArray[np.int64]
    seen: NDArray[np.int64]


def tally(matrix: VoteMatrix, labels: NDArray[np.int64], n_labels: int) -> Tallies:
    """Count votes per (label, statement); rows labelled −1 are left out.

    Parameters
    ----------
    matrix : VoteMatrix
        The raw matrix (each cell the latest vote).
    labels : ndarray of int, shape (n_participants,)
        A label in ``0..n_labels-1`` per row, or −1.
    n_labels : int
    """
    return tallies_from_counts(tally_counts(matrix, labels, n_labels))


def tally_counts(matrix: VoteMatrix, labels: NDArray[np.int64], n_labels: int) -> NDArray[np.int64]:
    """Disagrees, passes and agrees per (label, statement), shape (n_labels, n_statements, 3)."""
    n_cols = matrix.shape[1]
    if n_labels == 1 and bool(np.all(labels == 0)):
        # Everyone in one group: the matrix's own per-statement tallies.
        return matrix.column_tallies.reshape(1, n_cols, 3)
    counts = kernels.label_tallies(
        np.ascontiguousarray(matrix.indptr, dtype=np.int64),
        matrix.cell_keys,
        np.ascontiguousarray(labels, dtype=np.int64),
        n_labels,
        3 * n_cols,
    )
    return counts.reshape(n_labels, n_cols, 3)


def tallies_from_counts(counts: NDArray[np.int64]) -> Tallies:
    """:class:`Tallies` from :func:`tally_counts`' array."""
    disagree, passed, agree = counts[..., 0], counts[..., 1], counts[..., 2]
    return Tallies(
        agree.astype(np.int64),
        disagree.astype(np.int64),
        (agree + disagree + passed).astype(np.int64),
    )


def prop_test(successes: ArrayLike, trials: ArrayLike) -> NDArray[np.float64]:
    """Polis one-proportion z: ``2·sqrt(n + 1)·((s + 1)/(n + 1) − 0.5)``."""
    s = np.asarray(successes, dtype=np.float64) + 1
    n = np.asarray(trials, dtype=np.float64) + 1
    return 2 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(
    s1: ArrayLike, s2: ArrayLike, n1: ArrayLike, n2: ArrayLike
) -> NDArray[np.float64]:
    """Polis two-proportion z with add-one smoothing on all four counts; 0 when p̂ = 1."""
    a, b = np.asarray(s1, dtype=np.float64) + 1, np.asarray(s2, dtype=np.float64) + 1
    m, n = np.asarray(n1, dtype=np.float64) + 1, np.asarray(n2, dtype=np.float64) + 1
    pooled = (a + b) / (m + n)
    denom = np.sqrt(pooled * (1 - pooled) * (1 / m + 1 / n))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (a / m - b / n) / denom
    return np.where(pooled == 1, 0.0, z)


@dataclass(frozen=True)
class RepStatement:
    """One representative statement of a group (Polis ``repness`` entry)."""

    tid: int
    repful_for: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False
    n_agree: int | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "tid": self.tid,
            "n-success": self.n_success,
            "n-trials": self.n_trials,
            "p-success": self.p_success,
            "p-test": self.p_test,
            "repness": self.repness,
            "repness-test": self.repness_test,
            "repful-for": self.repful_for,
        }
        if self.best_agree:
            out["n-agree"] = self.n_agree
            out["best-agree"] = True
        return out


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most of the conversation agrees (or disagrees) with."""

    tid: int
    n_success: int
    n_trials: int
    p_success: float
    p_test: float

    def as_dict(self) -> dict[str, object]:
        return {
            "tid": self.tid,
            "n-success": self.n_success,
            "n-trials": self.n_trials,
            "p-success": self.p_success,
            "p-test": self.p_test,
        }


def _group_stats(t: Tallies) -> dict[str, NDArray[np.float64]]:
    """na, nd, ns, pa, pd, pat, pdt, ra, rd, rat, rdt for every (group, statement)."""
    na, nd, ns = (
        t.agree.astype(np.float64),
        t.disagree.astype(np.float64),
        t.seen.astype(np.float64),
    )
    rest_a, rest_d, rest_s = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    return {
        "na": na,
        "nd": nd,
        "ns": ns,
        "pa": pa,
        "pd": pd,
        "pat": prop_test(na, ns),
        "pdt": prop_test(nd, ns),
        "ra": pa / ((rest_a + 1) / (rest_s + 2)),
        "rd": pd / ((rest_d + 1) / (rest_s + 2)),
        "rat": two_prop_test(na, rest_a, ns, rest_s),
        "rdt": two_prop_test(nd, rest_d, ns, rest_s),
    }


def _finalize(st: dict[str, NDArray[np.float64]], g: int, c: int, tid: int) -> RepStatement:
    agree = st["rat"][g, c] > st["rdt"][g, c]
    a, b = ("a", "agree") if agree else ("d", "disagree")
    n_key = "na" if agree else "nd"
    return RepStatement(
        tid=tid,
        repful_for=b,
        n_success=int(st[n_key][g, c]),
        n_trials=int(st["ns"][g, c]),
        p_success=float(st[f"p{a}"][g, c]),
        p_test=float(st[f"p{a}t"][g, c]),
        repness=float(st[f"r{a}"][g, c]),
        repness_test=float(st[f"r{a}t"][g, c]),
    )


def _best_agree(
    st: dict[str, NDArray[np.float64]], g: int, candidates: NDArray[np.int64]
) -> int | None:
    """Polis ``best-agree``: a sequential scan, so the rule is kept as written (compiled)."""
    rows = (np.ascontiguousarray(st[k][g]) for k in ("na", "nd", "pa", "pat", "ra", "rat"))
    best = kernels.best_agree(*rows, np.ascontiguousarray(candidates, dtype=np.int64), Z_90)
    return None if best < 0 else int(best)


def representative_statements(
    t: Tallies, statement_ids: NDArray[np.int64], mod_out: NDArray[np.bool_]
) -> list[list[RepStatement]]:
    """Polis ``select-rep-comments`` for every group (rows of the tallies).

    Returns, per group, up to five statements: the best-agree one first, then the significant
    ones by ``repness · repness-test · p-success · p-test``, agrees before disagrees.
    """
    st = _group_stats(t)
    candidates = np.flatnonzero(~mod_out)
    out: list[list[RepStatement]] = []
    for g in range(t.agree.shape[0]):
        pat, pdt, rat, rdt = st["pat"][g], st["pdt"][g], st["rat"][g], st["rdt"][g]
        sufficient_mask = ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90))
        sufficient = candidates[sufficient_mask[candidates]]
        best_agree = _best_agree(st, g, candidates)
        head: list[RepStatement] = []
        if best_agree is not None:
            fin = _finalize(st, g, best_agree, int(statement_ids[best_agree]))
            head = [
                RepStatement(
                    **{**fin.__dict__, "best_agree": True, "n_agree": int(st["na"][g, best_agree])}
                )
            ]
        if len(sufficient) == 0:
            if head:
                out.append(head)
                continue
            if len(candidates) == 0:
                out.append([])
                continue
            best = candidates[np.argmax(np.maximum(rat, rdt)[candidates])]
            out.append([_finalize(st, g, int(best), int(statement_ids[best]))])
            continue
        # Rank by repness · repness-test · p-success · p-test of each statement's stronger side,
        # then finalize only the few that can be shown.
        others = sufficient[sufficient != best_agree] if best_agree is not None else sufficient
        agree_side = rat[others] > rdt[others]
        metric = np.where(
            agree_side,
            st["ra"][g, others] * rat[others] * st["pa"][g, others] * pat[others],
            st["rd"][g, others] * rdt[others] * st["pd"][g, others] * pdt[others],
        )
        top = others[np.argsort(-metric, kind="stable")][: PICK_MAX - len(head)]
        chosen = head + [_finalize(st, g, int(c), int(statement_ids[c])) for c in top]
        chosen.sort(key=lambda r: r.repful_for != "agree")
        out.append(chosen)
    return out


def consensus_statements(
    t: Tallies, statement_ids: NDArray[np.int64], mod_out: NDArray[np.bool_]
) -> dict[str, list[ConsensusStatement]]:
    """Polis consensus over everyone (a single-row tally): top 5 agreed and top 5 disagreed."""
    na, nd, ns = t.agree.sum(0), t.disagree.sum(0), t.seen.sum(0)
    out: dict[str, list[ConsensusStatement]] = {}
    for name, n in (("agree", na), ("disagree", nd)):
        p = (n + 1) / (ns + 2)
        z = prop_test(n, ns)
        ok = np.flatnonzero((p > 0.5) & (z > Z_90) & ~mod_out)
        order = ok[np.argsort(-(p[ok] * z[ok]), kind="stable")][:PICK_MAX]
        out[name] = [
            ConsensusStatement(
                int(statement_ids[c]), int(n[c]), int(ns[c]), float(p[c]), float(z[c])
            )
            for c in order
        ]
    return out


def group_aware_consensus(t: Tallies, *, disagree: bool = False) -> NDArray[np.float64]:
    """Π over groups of (A_g + 1)/(S_g + 2) (or D_g for the disagree analogue)."""
    n = t.disagree if disagree else t.agree
    return np.prod((n + 1) / (t.seen + 2), axis=0)


def comment_priorities(
    t: Tallies, extremity: NDArray[np.float64], is_meta: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Polis routing priority: ``(importance · (1 + 8·2^(−S/5)))²``, meta statements 49."""
    a, d, s = t.agree.sum(0), t.disagree.sum(0), t.seen.sum(0)
    p_agree = (a + 1) / (s + 2)
    p_pass = (s - a - d + 1) / (s + 2)
    importance = (1 - p_pass) * (extremity + 1) * p_agree
    priority = importance * (1 + 8 * np.power(2.0, -s / 5))
    priority = np.where(is_meta, META_PRIORITY, priority)
    return priority**2

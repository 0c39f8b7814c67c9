"""Beyond Polis: where lived experience, practice and research meet.

The caller gives any participant → label mapping (knowledge type, stakeholder role, ...). For
each label we compute the very statistics Polis computes per opinion group (agree and disagree
shares, their one-proportion tests, and which statements set the label apart from everyone
else), and a **cross-knowledge consensus**: the statements that *every* label agrees with (or
disagrees with). The test is an intersection–union test: "all labels agree" is accepted at
level α only if each label's own one-sided test rejects at level α, so the confidence of the
joint claim is at least that of its weakest part (Berger 1982). Statements are ranked by that
weakest z.

References
----------
Berger, R. L. (1982). Multiparameter hypothesis testing and acceptance sampling.
*Technometrics*, 24(4), 295–300.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from coprod_engine.exceptions import InputFormatError
from coprod_engine.opinion.matrix import VoteMatrix
from coprod_engine.opinion.statistics import (
    RepStatement,
    Tallies,
    prop_test,
    representative_statements,
    tally,
)

__all__ = ["LabelView", "CrossConsensus", "label_view", "cross_consensus", "label_codes"]


@dataclass(frozen=True)
class CrossConsensus:
    """A statement every label agrees (or disagrees) with, with the weakest label's evidence."""

    tid: int
    direction: str
    min_p: float
    min_z: float
    weakest_label: str
    confidence: float

    def as_dict(self) -> dict[str, object]:
        return {
            "tid": self.tid,
            "cons-for": self.direction,
            "min-p-success": self.min_p,
            "min-p-test": self.min_z,
            "weakest": self.weakest_label,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class LabelView:
    """Statement statistics for each label of one participant → label mapping."""

    labels: tuple[str, ...]
    n_members: NDArray[np.int64]
    tallies: Tallies
    repness: list[list[RepStatement]]
    cross_consensus: dict[str, list[CrossConsensus]]

    def as_dict(self, statement_ids: NDArray[np.int64]) -> dict[str, object]:
        t = self.tallies
        per_label = {}
        for i, name in enumerate(self.labels):
            per_label[name] = {
                "n-members": int(self.n_members[i]),
                "votes": {
                    str(int(tid)): {
                        "A": int(t.agree[i, c]),
                        "D": int(t.disagree[i, c]),
                        "S": int(t.seen[i, c]),
                    }
                    for c, tid in enumerate(statement_ids)
                },
                "repness": [r.as_dict() for r in self.repness[i]],
            }
        return {
            "labels": list(self.labels),
            "by-label": per_label,
            "cross-consensus": {
                k: [c.as_dict() for c in v] for k, v in self.cross_consensus.items()
            },
        }


def label_codes(
    participant_ids: NDArray[np.int64], mapping: Mapping[int, str]
) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    """Row code of each participant's label (−1 when unlabelled) and the sorted label names."""
    names = tuple(sorted({str(v) for v in mapping.values()}))
    index = {name: i for i, name in enumerate(names)}
    if not mapping:
        return np.full(len(participant_ids), -1, dtype=np.int64), names
    keys = np.fromiter((int(k) for k in mapping), dtype=np.int64, count=len(mapping))
    codes = np.fromiter(
        (index[str(v)] for v in mapping.values()), dtype=np.int64, count=len(mapping)
    )
    order = np.argsort(keys)
    keys, codes = keys[order], codes[order]
    pos = np.minimum(np.searchsorted(keys, participant_ids), len(keys) - 1)
    found = keys[pos] == participant_ids
    return np.where(found, codes[pos], -1), names


def cross_consensus(
    t: Tallies,
    statement_ids: NDArray[np.int64],
    labels: tuple[str, ...],
    mod_out: NDArray[np.bool_],
    *,
    confidence: float = 0.9,
    pick_max: int = 5,
) -> dict[str, list[CrossConsensus]]:
    """Statements that every label agrees (disagrees) with, by an intersection–union test.

    A statement qualifies for "agree" when, in every label, the smoothed agree share exceeds
    one half and the one-sided proportion test exceeds the ``confidence`` quantile. Ranked by
    the weakest label's z, at most ``pick_max`` per direction.
    """
    if not 0.5 < confidence < 1:
        raise InputFormatError("confidence must lie strictly between 0.5 and 1")
    critical = float(norm.ppf(confidence))
    out: dict[str, list[CrossConsensus]] = {}
    if len(labels) == 0:
        return {"agree": [], "disagree": []}
    for name, n in (("agree", t.agree), ("disagree", t.disagree)):
        p = (n + 1) / (t.seen + 2)
        z = prop_test(n, t.seen)
        weakest = np.argmin(z, axis=0)
        min_z = z.min(axis=0)
        min_p = p.min(axis=0)
        ok = np.flatnonzero((min_p > 0.5) & (min_z > critical) & ~mod_out)
        order = ok[np.argsort(-min_z[ok], kind="stable")][:pick_max]
        out[name] = [
            CrossConsensus(
                int(statement_ids[c]),
                name,
                float(min_p[c]),
                float(min_z[c]),
                labels[int(weakest[c])],
                float(norm.cdf(min_z[c])),
            )
            for c in order
        ]
    return out


def label_view(
    matrix: VoteMatrix,
    mapping: Mapping[int, str],
    mod_out: NDArray[np.bool_],
    *,
    confidence: float = 0.9,
) -> LabelView:
    """Polis' group statistics, but for caller-given labels instead of opinion groups.

    Every labelled participant who voted counts (not only the clustered ones): a label is a
    fact about the person, not an output of the map.
    """
    codes, names = label_codes(matrix.participant_ids, mapping)
    t = tally(matrix, codes, len(names))
    members = np.bincount(codes[codes >= 0], minlength=len(names)).astype(np.int64)
    rep = (
        representative_statements(t, matrix.statement_ids, mod_out)
        if len(names) > 1
        else [[] for _ in names]
    )
    cross = cross_consensus(t, matrix.statement_ids, names, mod_out, confidence=confidence)
    return LabelView(names, members, t, rep, cross)

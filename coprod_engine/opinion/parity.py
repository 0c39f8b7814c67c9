"""Compare an opinion map with a Polis math blob (``/api/v3/math/pca2``).

Used by the parity tests and the benchmark: it reads Polis' own groups out of the blob so the
statistics (repness, consensus, group-aware consensus, priorities) can be checked on exactly
the groups Polis had, separately from the clustering, which depends on Polis' history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import comb

__all__ = ["blob_groups", "adjusted_rand_index", "repness_tids"]


def blob_groups(blob: Mapping[str, Any], participant_ids: NDArray[np.int64]) -> NDArray[np.int64]:
    """Polis' group of each participant (−1 when not clustered), in ``participant_ids`` order."""
    base = blob["base-clusters"]
    group_of_base = {b: g["id"] for g in blob["group-clusters"] for b in g["members"]}
    group = {
        int(p): group_of_base[b]
        for b, members in zip(base["id"], base["members"], strict=True)
        for p in members
    }
    return np.array([group.get(int(p), -1) for p in participant_ids], dtype=np.int64)


def adjusted_rand_index(a: NDArray[np.int64], b: NDArray[np.int64]) -> float:
    """Hubert & Arabie's adjusted Rand index of two labelings of the same items."""
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max(initial=0) + 1, bi.max(initial=0) + 1))
    np.add.at(table, (ai, bi), 1)
    pairs = comb(table, 2).sum()
    rows, cols = comb(table.sum(1), 2).sum(), comb(table.sum(0), 2).sum()
    total = comb(len(a), 2)
    if total == 0:
        return 1.0
    expected = rows * cols / total
    top = 0.5 * (rows + cols) - expected
    return 1.0 if top == 0 else float((pairs - expected) / top)


def repness_tids(
    repness: Mapping[str, list[Mapping[str, Any]]],
) -> dict[str, list[tuple[int, str]]]:
    """(tid, repful-for) per group, the part of repness that must match exactly."""
    return {g: [(int(r["tid"]), str(r["repful-for"])) for r in reps] for g, reps in repness.items()}

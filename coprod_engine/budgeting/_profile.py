"""The shared input checks and the grouped-ballot view every rule works on.

Identical ballots are merged into one group with a weight: identical voters keep identical
budgets (MES) and loads (Phragmén) throughout, so grouping changes no outcome, and it cuts
the work by the ratio of voters to distinct ballots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from coprod_engine._random import input_hash
from coprod_engine.exceptions import InputFormatError

TieBreaking = Literal["project_id", "index"]


@dataclass(frozen=True)
class GroupedProfile:
    """Ballots as groups of identical voters, per project.

    ``supporters[p]`` holds the groups with positive utility for ``p`` and ``utility[p]``
    their per-voter utility; ``weight[g]`` is the number of voters in group ``g`` and
    ``group_of[i]`` the group of voter ``i``.
    """

    costs: NDArray[np.float64]
    exact_costs: list[Fraction]
    budget: Fraction
    weight: NDArray[np.float64]
    group_of: NDArray[np.int64]
    supporters: list[NDArray[np.int64]]
    utility: list[NDArray[np.float64]]
    total_utility: NDArray[np.float64]
    exact_total_utility: list[Fraction]
    support: NDArray[np.float64]
    tie_rank: NDArray[np.int64]
    tie_breaking: str
    input_hash: str
    integral: bool  # every utility and weight is an integer below 2**52

    @property
    def num_voters(self) -> int:
        return int(self.group_of.size)

    @property
    def num_projects(self) -> int:
        return int(self.costs.size)


def _as_exact(values: NDArray[np.float64]) -> list[Fraction]:
    # Fraction(float) is exact: the integer costs of real elections stay integers.
    return [Fraction(float(v)) for v in values]


def tie_ranks(
    num_projects: int, project_ids: Sequence[str] | None, tie_breaking: TieBreaking
) -> NDArray[np.int64]:
    """Rank of each project in tie-breaking order: the smaller rank wins a tie.

    ``project_id`` (the default, as pabutools) orders by the id *string*, so "10" comes
    before "9"; without ids, ids are the indices written as strings. ``index`` orders by
    position in the input.
    """
    if tie_breaking == "index":
        return np.arange(num_projects, dtype=np.int64)
    if tie_breaking != "project_id":
        raise ValueError(f"unknown tie_breaking {tie_breaking!r}")
    ids = list(project_ids) if project_ids is not None else [str(j) for j in range(num_projects)]
    if len(ids) != num_projects:
        raise InputFormatError("project_ids must have one id per project")
    rank = np.empty(num_projects, dtype=np.int64)
    rank[sorted(range(num_projects), key=ids.__getitem__)] = np.arange(num_projects)
    return rank


def _group_rows(matrix: sparse.csr_array) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(representative row of each group, group of each row) for identical rows.

    Rows are bucketed by two random projections, then every row is compared with its
    bucket's representative exactly, so a hash collision can never merge different ballots.
    """
    n, m = matrix.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    probe = np.random.default_rng(0).random((m, 2))  # fixed: only buckets, never outcomes
    keys = np.round(matrix @ probe, 9)
    _, first, group_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    group_of = group_of.ravel().astype(np.int64)
    first = first.astype(np.int64)
    differs = abs(matrix - matrix[first[group_of]]).sum(axis=1) > 0
    if np.any(differs):
        # A collision (never seen in practice): give each differing row its own group.
        extra = np.flatnonzero(differs)
        group_of[extra] = first.size + np.arange(extra.size)
        first = np.concatenate([first, extra])
    return first, group_of


def _exact_totals(
    supporters: list[NDArray[np.int64]],
    utility: list[NDArray[np.float64]],
    weight: NDArray[np.float64],
) -> list[Fraction]:
    """Σ weight × utility per project, exactly (integer fast path for integer utilities)."""
    totals = []
    for groups, values in zip(supporters, utility, strict=True):
        if np.all(values == np.round(values)) and np.all(np.abs(values) < 2**52):
            counts = weight[groups].astype(np.int64)
            totals.append(Fraction(int(np.dot(values.astype(np.int64).astype(object), counts))))
        else:
            totals.append(
                sum(
                    (
                        Fraction(float(u)) * int(weight[g])
                        for g, u in zip(groups, values, strict=True)
                    ),
                    Fraction(0),
                )
            )
    return totals


def grouped_profile(
    costs: ArrayLike,
    utilities: sparse.sparray | sparse.spmatrix | ArrayLike,
    budget: float | Fraction,
    *,
    support: NDArray[np.float64] | None = None,
    project_ids: Sequence[str] | None = None,
    tie_breaking: TieBreaking = "project_id",
) -> GroupedProfile:
    """Check the inputs and build the grouped view (utilities: voters × projects, ≥ 0)."""
    cost_array = np.asarray(costs, dtype=np.float64)
    if cost_array.ndim != 1:
        raise InputFormatError("costs must be a one-dimensional array")
    if np.any(~np.isfinite(cost_array)) or np.any(cost_array < 0):
        raise InputFormatError("costs must be finite and non-negative")
    matrix = sparse.csr_array(utilities, dtype=np.float64)
    matrix.eliminate_zeros()
    if matrix.shape[1] != cost_array.size:
        raise InputFormatError(
            f"the ballots have {matrix.shape[1]} project columns but there are "
            f"{cost_array.size} costs"
        )
    if matrix.nnz and (np.any(matrix.data < 0) or np.any(~np.isfinite(matrix.data))):
        raise InputFormatError("utilities and points must be finite and non-negative")
    exact_budget = Fraction(budget)
    if exact_budget < 0:
        raise InputFormatError("the budget must be non-negative")
    first, group_of = _group_rows(matrix)
    weight = np.bincount(group_of, minlength=first.size).astype(np.float64)
    by_project = sparse.csc_array(matrix[first])
    by_project.sort_indices()
    supporters = []
    utility = []
    for p in range(cost_array.size):
        lo, hi = by_project.indptr[p], by_project.indptr[p + 1]
        supporters.append(by_project.indices[lo:hi].astype(np.int64))
        utility.append(by_project.data[lo:hi].copy())
    total = np.array([float(utility[p] @ weight[supporters[p]]) for p in range(cost_array.size)])
    exact_total = _exact_totals(supporters, utility, weight)
    digest = input_hash(
        cost_array.tobytes(),
        matrix.indptr.astype(np.int64).tobytes(),
        matrix.indices.astype(np.int64).tobytes(),
        matrix.data.tobytes(),
        str(exact_budget),
    )
    return GroupedProfile(
        costs=cost_array,
        exact_costs=_as_exact(cost_array),
        budget=exact_budget,
        weight=weight,
        group_of=group_of,
        supporters=supporters,
        utility=utility,
        total_utility=total,
        exact_total_utility=exact_total,
        support=total if support is None else np.asarray(support, dtype=np.float64),
        tie_rank=tie_ranks(cost_array.size, project_ids, tie_breaking),
        tie_breaking=tie_breaking,
        input_hash=digest,
        integral=bool(
            np.all(matrix.data == np.round(matrix.data)) and np.all(np.abs(matrix.data) < 2**52)
        ),
    )


def exact_price(profile: GroupedProfile, project: int, zero_utility: float) -> Fraction | None:
    """ρ = cost / (total utility − utility of the emptied supporters), exactly, if known.

    The float sum of integer utilities is exact below 2**53; otherwise there is no
    certificate and the caller falls back to exact arithmetic.
    """
    if not profile.integral or zero_utility >= 2**53:
        return None
    return profile.exact_costs[project] / (profile.exact_total_utility[project] - int(zero_utility))


def voter_amounts(
    profile: GroupedProfile, project: int, per_supporter: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Expand per-group amounts for ``project`` to (voter indices, amounts > 0)."""
    per_group = np.zeros(profile.weight.size)
    per_group[profile.supporters[project]] = per_supporter
    per_voter = per_group[profile.group_of]
    voters = np.flatnonzero(per_voter > 0)
    return voters.astype(np.int64), per_voter[voters]

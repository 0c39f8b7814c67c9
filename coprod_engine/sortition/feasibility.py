"""Are the quotas satisfiable, and if not, what is the smallest change that makes them so?

Fast enough to run "as you type" in a quota editor: every integer program here is over
types of volunteers (see :mod:`coprod_engine.sortition.pool`), not over people.

References
----------
The relaxation follows the Sortition Foundation's ``sortition-algorithms`` (``common.py``,
``_relax_infeasible_quotas``): minimise the weighted quota changes, a cut of a lower quota
``m`` weighing ``1 + 2/m`` and a raise of an upper quota weighing 1, within
``min_flex``/``max_flex``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from coprod_engine.sortition import _highs
from coprod_engine.sortition.oracle import PanelOracle
from coprod_engine.sortition.pool import Pool, QuotaLike, build_pool


@dataclass(frozen=True)
class QuotaChange:
    """One quota the smallest relaxation changes: ``[min, max]`` becomes ``[new_min, new_max]``."""

    feature: str
    value: str
    min: int
    max: int
    new_min: int
    new_max: int


@dataclass(frozen=True)
class FeasibilityReport:
    """Whether a quota-compliant panel exists, and why not.

    Attributes
    ----------
    feasible : bool
    problems : list of str
        Plain-language reasons found by counting alone (a feature whose minimums add up to
        more than the panel, a minimum above the number of volunteers with that value...).
    conflicting : list of (feature, value)
        The quotas the smallest relaxation has to change: together they are what conflicts.
    relaxation : list of QuotaChange
        The smallest relaxation (weighted as in sortition-algorithms); empty when feasible
        or when even the flex bounds allow no panel (then ``problems`` says why).
    """

    feasible: bool
    problems: list[str] = field(default_factory=list)
    conflicting: list[tuple[str, str]] = field(default_factory=list)
    relaxation: list[QuotaChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON (what :class:`~coprod_engine.exceptions.Infeasible` carries)."""
        return asdict(self)


def check_quotas(
    ids: Sequence[str],
    features: Mapping[str, Sequence[str]],
    quotas: Sequence[QuotaLike],
    k: int,
) -> FeasibilityReport:
    """Check that some panel of ``k`` people meets every quota; explain if none does.

    Parameters
    ----------
    ids, features, quotas, k
        As in :func:`coprod_engine.sortition.select_panel`.

    Returns
    -------
    FeasibilityReport

    Examples
    --------
    >>> check_quotas(["a", "b"], {"g": ["f", "m"]}, [("g", "f", 2, 2), ("g", "m", 0, 2)], 2).feasible
    False
    """
    return feasibility_report(build_pool(ids, features, quotas, k))


def feasibility_report(pool: Pool, oracle: PanelOracle | None = None) -> FeasibilityReport:
    """:func:`check_quotas` on an already reduced pool."""
    oracle = oracle or PanelOracle(pool)
    if oracle.best(np.zeros(len(pool.sizes))) is not None:
        return FeasibilityReport(True)
    problems = _counting_problems(pool)
    relaxation = _smallest_relaxation(pool)
    conflicting = [(change.feature, change.value) for change in relaxation]
    return FeasibilityReport(False, problems, conflicting, relaxation)


def _counting_problems(pool: Pool) -> list[str]:
    problems = []
    if pool.k > pool.n:
        problems.append(f"the panel ({pool.k}) is larger than the pool ({pool.n})")
    available = pool.membership @ pool.sizes
    for name in pool.features:
        rows = [q for q, quota in enumerate(pool.quotas) if quota.feature == name]
        low = sum(pool.quotas[q].min for q in rows)
        high = sum(min(pool.quotas[q].max, int(available[q])) for q in rows)
        if low > pool.k:
            problems.append(
                f"{name}: the minimums add up to {low}, more than the panel size {pool.k}"
            )
        if high < pool.k:
            problems.append(
                f"{name}: at most {high} people can be selected (maximums and volunteers), fewer than {pool.k}"
            )
    for q, quota in enumerate(pool.quotas):
        if quota.min > available[q]:
            problems.append(
                f"{quota.feature}={quota.value}: minimum {quota.min} but only {int(available[q])} volunteers"
            )
    return problems


def _smallest_relaxation(pool: Pool) -> list[QuotaChange]:
    """Solve the weighted minimum-relaxation integer program (empty list if none exists)."""
    types, count = len(pool.sizes), len(pool.quotas)
    lower, upper = pool.lower, pool.upper
    min_flex = np.array([q.min_flex if q.min_flex is not None else 0 for q in pool.quotas])
    max_flex = np.array(
        [q.max_flex if q.max_flex is not None else max(pool.k, q.max) for q in pool.quotas]
    )
    cut_room = np.maximum(lower - np.minimum(min_flex, lower), 0)
    raise_room = np.maximum(np.maximum(max_flex, upper) - upper, 0)
    # Columns: c_t (types), cut_q (lower quota lowered by), raise_q (upper quota raised by).
    membership = pool.membership.astype(np.float64)
    eye = np.eye(count)
    zeros = np.zeros((count, count))
    matrix = np.vstack(
        [
            np.concatenate([np.ones(types), np.zeros(2 * count)])[None, :],
            np.hstack([membership, eye, zeros]),  # A c + cut >= min
            np.hstack([membership, zeros, -eye]),  # A c - raise <= max
        ]
    )
    cut_weight = 1.0 + 2.0 / np.maximum(lower, 1)
    highs = _highs.solver(mip_rel_gap=1e-9)
    _highs.pass_model(
        highs,
        cost=np.concatenate([np.zeros(types), cut_weight, np.ones(count)]),
        col_lower=np.zeros(types + 2 * count),
        col_upper=np.concatenate([pool.sizes, cut_room, raise_room]).astype(np.float64),
        matrix=matrix,
        row_lower=np.concatenate([[pool.k], lower, np.full(count, -_highs.INF)]).astype(np.float64),
        row_upper=np.concatenate([[pool.k], np.full(count, _highs.INF), upper]).astype(np.float64),
        integer=np.ones(types + 2 * count, dtype=bool),
    )
    _highs.run(highs)
    if not _highs.optimal(highs):
        return []
    solution = np.rint(_highs.primal(highs)).astype(np.int64)
    cut, raised = solution[types : types + count], solution[types + count :]
    return [
        QuotaChange(
            quota.feature,
            quota.value,
            quota.min,
            quota.max,
            quota.min - int(cut[q]),
            quota.max + int(raised[q]),
        )
        for q, quota in enumerate(pool.quotas)
        if cut[q] or raised[q]
    ]

"""What every budgeting rule returns: the :class:`Allocation`, which explains itself.

The explanations are plain structured data (numbers and short reason codes), so the web
layer can phrase them in any language: for a selected project, who paid how much; for a
rejected project, how much its supporters still held and what it lacked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Reason = Literal[
    "bought_by_supporters",  # MES / Phragmén: the supporters paid for it
    "zero_cost",  # MES: costs nothing and has support, so it is always in
    "utilitarian_completion",  # selected by the greedy pass after MES
    "top_by_votes",  # greedy: its turn came and it fitted
    "did_not_fit",  # greedy / completion: not enough budget left at its turn
    "supporters_lacked_money",  # MES: its supporters could not pay its cost
    "outbid",  # MES: affordable at the end, but never the cheapest per unit of utility
    "no_support",  # nobody voted for it
    "not_reached",  # Phragmén stopped before its turn
]


@dataclass(frozen=True)
class ProjectExplanation:
    """Why one project was selected or not.

    Attributes
    ----------
    project : int
        The project's index (column of the ballot matrix).
    selected : bool
    reason : Reason
        A short code the web layer translates (see :data:`Reason`).
    cost : float
    support : float
        Number of supporters (approval, weighted) or total points (cardinal).
    order : int or None
        Position in the selection sequence (0 = first), for selected projects.
    price : float or None
        MES: the price per unit of utility ρ (for approval with cost utilities, each
        supporter who could afford it paid ``price * cost``). Phragmén: the new load.
    payers, payments : ndarray
        Voter indices and what each paid for it (MES, Phragmén); empty otherwise.
    supporters_money_left : float or None
        MES: the money the project's supporters still held when the rule stopped.
    shortfall : float or None
        MES: ``cost - supporters_money_left`` when positive (what it lacked), else 0.
    budget_left : float or None
        Greedy and completion: the budget remaining when its turn came.
    """

    project: int
    selected: bool
    reason: Reason
    cost: float
    support: float
    order: int | None = None
    price: float | None = None
    payers: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    payments: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    supporters_money_left: float | None = None
    shortfall: float | None = None
    budget_left: float | None = None

    def summary(self) -> dict[str, Any]:
        """The explanation without per-voter arrays: counts, totals and extremes."""
        paid = self.payments
        return {
            "project": self.project,
            "selected": self.selected,
            "reason": self.reason,
            "cost": self.cost,
            "support": self.support,
            "order": self.order,
            "price": self.price,
            "payers": int(paid.size),
            "total_paid": float(paid.sum()) if paid.size else 0.0,
            "min_payment": float(paid.min()) if paid.size else None,
            "max_payment": float(paid.max()) if paid.size else None,
            "supporters_money_left": self.supporters_money_left,
            "shortfall": self.shortfall,
            "budget_left": self.budget_left,
        }


@dataclass(frozen=True)
class Allocation:
    """The outcome of a budgeting rule.

    Attributes
    ----------
    rule : str
        ``greedy``, ``mes`` or ``phragmen``.
    selected : ndarray of int
        Selected project indices, in the order the rule chose them.
    total_cost : float
    budget : float
    explanations : list[ProjectExplanation]
        One per project, indexed by project.
    tie_breaking : str
        How ties were broken (recorded with the result, see the docs).
    parameters : dict
        The rule's options and run facts (completion, exhaustive stop, final endowment,
        number of MES runs, whether the exact-arithmetic path was needed).
    input_hash : str
        SHA-256 of costs, ballots and budget, so an audit can check a replay.
    """

    rule: str
    selected: NDArray[np.int64]
    total_cost: float
    budget: float
    explanations: list[ProjectExplanation]
    tie_breaking: str
    parameters: dict[str, Any]
    input_hash: str

    def to_dict(
        self, *, project_ids: list[str] | None = None, voter_ids: list[str] | None = None
    ) -> dict[str, Any]:
        """JSON-ready: ids instead of indices when given, and per-voter payments."""

        def pid(j: int) -> str | int:
            return project_ids[j] if project_ids is not None else j

        def vid(i: int) -> str | int:
            return voter_ids[i] if voter_ids is not None else int(i)

        projects = []
        for ex in self.explanations:
            item = ex.summary()
            item["project"] = pid(ex.project)
            item["payments"] = {
                str(vid(int(i))): float(a) for i, a in zip(ex.payers, ex.payments, strict=True)
            }
            projects.append(item)
        return {
            "rule": self.rule,
            "selected": [pid(int(j)) for j in self.selected],
            "total_cost": self.total_cost,
            "budget": self.budget,
            "tie_breaking": self.tie_breaking,
            "parameters": self.parameters,
            "input_hash": self.input_hash,
            "projects": projects,
        }

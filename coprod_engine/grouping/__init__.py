"""Small groups for workshops: diverse tables, rules and rotations.

- :func:`max_diverse_grouping` solves the Maximally Diverse Grouping Problem (MDGP) on a
  distance matrix (iterated tabu search; checked against MDGPLIB).
- :func:`form_groups` seats people at tables for one or several rounds (world café) from
  their attributes, under hard rules (pins, must/cannot-link, languages, coverage, caps),
  in a diverse or a peer-group mode; :func:`reseat` re-plans after no-shows.

Names are imported on first use, so ``coprod-engine --help`` (which imports this package's
``cli``) does not load numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coprod_engine.grouping.mdgp import (
        DiverseGrouping,
        grouping_objective,
        max_diverse_grouping,
    )
    from coprod_engine.grouping.rules import Cap, Coverage, RuleReport, Rules, Violation
    from coprod_engine.grouping.workshop import Grouping, TableSeating, form_groups, reseat

_HOME = {
    "DiverseGrouping": "mdgp",
    "grouping_objective": "mdgp",
    "max_diverse_grouping": "mdgp",
    "Cap": "rules",
    "Coverage": "rules",
    "RuleReport": "rules",
    "Rules": "rules",
    "Violation": "rules",
    "Grouping": "workshop",
    "TableSeating": "workshop",
    "form_groups": "workshop",
    "reseat": "workshop",
}

__all__ = [
    "Cap",
    "Coverage",
    "DiverseGrouping",
    "Grouping",
    "RuleReport",
    "Rules",
    "TableSeating",
    "Violation",
    "form_groups",
    "grouping_objective",
    "max_diverse_grouping",
    "reseat",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"coprod_engine.grouping.{_HOME[name]}"), name)

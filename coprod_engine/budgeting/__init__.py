"""Participatory budgeting rules: greedy by votes, Method of Equal Shares, sequential Phragmén.

Each rule takes plain arrays (costs, a sparse voters × projects matrix, the budget) and
keyword options, and returns an :class:`Allocation` that explains itself. Pabulib ``.pb``
files are read and written by :mod:`coprod_engine.io.pabulib`.
"""

from coprod_engine.budgeting.allocation import Allocation, ProjectExplanation
from coprod_engine.budgeting.equal_shares import Completion, equal_shares, equal_shares_cardinal
from coprod_engine.budgeting.greedy import greedy
from coprod_engine.budgeting.phragmen import sequential_phragmen

__all__ = [
    "Allocation",
    "Completion",
    "ProjectExplanation",
    "equal_shares",
    "equal_shares_cardinal",
    "greedy",
    "sequential_phragmen",
]

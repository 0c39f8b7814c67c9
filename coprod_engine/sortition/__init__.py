"""Fair citizen panels: select k volunteers meeting quotas, as equally likely as possible.

The public API for the web layer:

* :func:`select_panel` - LEXIMIN lottery (or LEGACY) and the panel drawn with a seed;
* :func:`check_quotas` - fast feasibility check with the conflicting quotas and the
  smallest relaxation;
* :func:`replacement_draw` - newcomers who restore the quotas around members who stay;
* :func:`replay_panel` - audit a recorded draw.
"""

from coprod_engine.sortition.feasibility import FeasibilityReport, QuotaChange, check_quotas
from coprod_engine.sortition.pool import Quota
from coprod_engine.sortition.select import (
    ALGORITHMS,
    PanelSelection,
    PoolType,
    PortfolioPanel,
    replacement_draw,
    replay_panel,
    select_panel,
)

__all__ = [
    "ALGORITHMS",
    "FeasibilityReport",
    "PanelSelection",
    "PoolType",
    "PortfolioPanel",
    "Quota",
    "QuotaChange",
    "check_quotas",
    "replacement_draw",
    "replay_panel",
    "select_panel",
]

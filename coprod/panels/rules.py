"""Who may do what with a citizen panel: volunteer, run it, see its audit record."""

from __future__ import annotations

from typing import Any

import rules

from coprod.panels.models import Panel, PanelStatus
from coprod.processes.models import ProcessRole, ProcessStatus
from coprod.processes.roles import process_role_of


@rules.predicate
def runs_panel(user: Any, panel: Panel) -> bool:
    return (
        bool(getattr(user, "is_staff", False))
        or process_role_of(user, panel.process) == ProcessRole.FACILITATOR
    )


@rules.predicate
def is_recruiting(user: Any, panel: Panel) -> bool:
    return (
        panel.status == PanelStatus.RECRUITING and panel.process.status == ProcessStatus.PUBLISHED
    )


# Anyone who may see the process may volunteer while recruitment is open (no account needed).
rules.add_perm("panels.volunteer", is_recruiting)
rules.add_perm("panels.run", runs_panel)

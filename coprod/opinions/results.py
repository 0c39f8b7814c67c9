"""The opinion map's results in plain words, read from a stored map (Polis' math blob + ours).

Only aggregates are shown: groups, labels of knowledge or role with at least
:data:`MIN_CELL` people, and base clusters (never one person's position or vote).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coprod.opinions.models import Statement
from coprod.opinions.services import POLIS_LINEAGE

MIN_CELL = 5  # smaller groups of a knowledge type or role are not shown, to protect privacy
GROUP_NAMES = "ABCDEFGHIJ"


@dataclass(frozen=True)
class Share:
    """How a set of people voted on one statement."""

    agree: int
    disagree: int
    seen: int

    @property
    def agree_pct(self) -> int:
        return round(100 * self.agree / self.seen) if self.seen else 0

    @property
    def disagree_pct(self) -> int:
        return round(100 * self.disagree / self.seen) if self.seen else 0


@dataclass(frozen=True)
class Representative:
    statement: Statement
    direction: str  # "agree" or "disagree"
    inside: Share
    outside: Share


@dataclass(frozen=True)
class Group:
    name: str
    size: int
    representative: list[Representative]


@dataclass(frozen=True)
class LabelComparison:
    """Agreement on each statement by knowledge type (or role), and where they all meet."""

    labels: list[str]
    rows: list[tuple[Statement, list[Share]]]
    meeting: list[tuple[Statement, str]]


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    r: float
    group: str


@dataclass
class MapResults:
    groups: list[Group] = field(default_factory=list)
    consensus: list[tuple[Statement, str, Share]] = field(default_factory=list)
    bridging: list[tuple[Statement, float]] = field(default_factory=list)
    knowledge: LabelComparison | None = None
    roles: LabelComparison | None = None
    points: list[MapPoint] = field(default_factory=list)
    continued_from_polis: bool = False  # the groups descend from an imported Polis state


def _share(counts: dict[str, Any] | None) -> Share:
    counts = counts or {}
    return Share(int(counts.get("A", 0)), int(counts.get("D", 0)), int(counts.get("S", 0)))


def _sum(shares: list[Share]) -> Share:
    return Share(
        sum(s.agree for s in shares), sum(s.disagree for s in shares), sum(s.seen for s in shares)
    )


def _groups(blob: dict[str, Any], statements: dict[int, Statement]) -> list[Group]:
    votes = blob.get("group-votes", {})
    groups = []
    for g in sorted(votes, key=int):
        reps = []
        for rep in blob.get("repness", {}).get(g, []):
            tid = str(rep["tid"])
            if int(tid) not in statements:
                continue
            inside = _share(votes[g]["votes"].get(tid))
            outside = _sum([_share(votes[o]["votes"].get(tid)) for o in votes if o != g])
            reps.append(
                Representative(statements[int(tid)], str(rep["repful-for"]), inside, outside)
            )
        groups.append(
            Group(GROUP_NAMES[int(g) % len(GROUP_NAMES)], int(votes[g]["n-members"]), reps)
        )
    return groups


def _everyone(blob: dict[str, Any], tid: str) -> Share:
    return _sum([_share(group["votes"].get(tid)) for group in blob.get("group-votes", {}).values()])


def _labels(
    view: dict[str, Any] | None, statements: dict[int, Statement], names: dict[str, str]
) -> LabelComparison | None:
    if not view:
        return None
    kept = [label for label in view["labels"] if view["by-label"][label]["n-members"] >= MIN_CELL]
    if len(kept) < 2:
        return None
    rows = [
        (statement, [_share(view["by-label"][label]["votes"].get(str(tid))) for label in kept])
        for tid, statement in statements.items()
    ]
    meeting = [
        (statements[int(c["tid"])], str(c["cons-for"]))
        for direction in ("agree", "disagree")
        for c in view.get("cross-consensus", {}).get(direction, [])
        if int(c["tid"]) in statements
    ]
    return LabelComparison([names.get(label, label) for label in kept], rows, meeting)


def _points(blob: dict[str, Any]) -> list[MapPoint]:
    base = blob.get("base-clusters", {})
    xs, ys, counts = base.get("x", []), base.get("y", []), base.get("count", [])
    if not xs:
        return []
    group_of = {
        b: GROUP_NAMES[g["id"] % len(GROUP_NAMES)]
        for g in blob.get("group-clusters", [])
        for b in g["members"]
    }
    span = max(max(map(abs, xs)), max(map(abs, ys)), 1e-9)
    top = max(counts)
    return [
        MapPoint(
            x=round(50 + 45 * x / span, 2),
            y=round(50 - 45 * y / span, 2),
            r=round(0.8 + 2.2 * (c / top) ** 0.5, 2),
            group=group_of.get(b, "?"),
        )
        for b, (x, y, c) in enumerate(zip(xs, ys, counts, strict=True))
    ]


def map_results(
    blob: dict[str, Any],
    statements: dict[int, Statement],
    *,
    knowledge_names: dict[str, str],
    role_names: dict[str, str],
) -> MapResults:
    """Plain-language results from a stored map; ``statements`` are the ones that may be shown."""
    consensus = [
        (statements[int(c["tid"])], direction, _everyone(blob, str(c["tid"])))
        for direction in ("agree", "disagree")
        for c in blob.get("consensus", {}).get(direction, [])
        if int(c["tid"]) in statements
    ]
    gac = blob.get("group-aware-consensus", {})
    bridging = sorted(
        ((statements[int(t)], float(v)) for t, v in gac.items() if int(t) in statements),
        key=lambda pair: -pair[1],
    )[:5]
    coprod = blob.get("coprod", {})
    return MapResults(
        groups=_groups(blob, statements),
        consensus=consensus,
        bridging=bridging if len(blob.get("group-votes", {})) > 1 else [],
        knowledge=_labels(coprod.get("knowledge-types"), statements, knowledge_names),
        roles=_labels(coprod.get("stakeholder-roles"), statements, role_names),
        points=_points(blob),
        continued_from_polis=POLIS_LINEAGE in coprod,
    )

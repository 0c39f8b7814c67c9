"""Reads of citizen panels: the engine's input, the pool composition, the quota check."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from coprod.panels.models import SEATED, Category, Draw, Feature, Member, Panel, Volunteer
from coprod_engine.sortition import FeasibilityReport, Quota, check_quotas
from coprod_engine.sortition.pool import build_pool

Bounds = Mapping[int, tuple[int, int | None]]


@dataclass(frozen=True)
class EngineInput:
    """A panel as the engine takes it: pseudonymous ids, category keys, quotas, size."""

    ids: list[str]
    features: dict[str, list[str]]
    quotas: list[Quota]
    k: int
    volunteers: list[Volunteer] = field(default_factory=list)

    @property
    def input_hash(self) -> str:
        return build_pool(self.ids, self.features, self.quotas, self.k).digest


def pool_of(panel: Panel) -> list[Volunteer]:
    """The volunteers in the pool (not withdrawn), in arrival order, with their values."""
    return list(
        panel.volunteers.filter(withdrawn_at__isnull=True)
        .prefetch_related("values__category", "values__feature")
        .order_by("id")
    )


def pool_rows(panel: Panel) -> list[tuple[Volunteer, list[str]]]:
    """Each volunteer with their category labels, in the order of the panel's features."""
    keys = [f.key for f in panel.features.all()]
    rows = []
    for volunteer in pool_of(panel):
        held = {value.feature.key: str(value.category.label) for value in volunteer.values.all()}
        rows.append((volunteer, [held.get(key, "") for key in keys]))
    return rows


def features_of(panel: Panel) -> list[Feature]:
    return list(panel.features.prefetch_related("categories"))


def engine_input(panel: Panel, bounds: Bounds | None = None) -> EngineInput:
    """The engine's input for ``panel``, with the stored quotas or the ``bounds`` being typed."""
    features = features_of(panel)
    volunteers = pool_of(panel)
    columns: dict[str, list[str]] = {f.key: [] for f in features}
    for volunteer in volunteers:
        held = {value.feature.key: value.category.key for value in volunteer.values.all()}
        for feature in features:
            columns[feature.key].append(held.get(feature.key, ""))
    quotas = []
    for feature in features:
        for category in feature.categories.all():
            low, high = (bounds or {}).get(category.pk, (category.quota_min, category.quota_max))
            quotas.append(
                Quota(feature.key, category.key, low, panel.size if high is None else high)
            )
    ids = [v.pseudonym for v in volunteers]
    return EngineInput(ids, columns, quotas, panel.size, volunteers)


def quotas_check(panel: Panel, bounds: Bounds | None = None) -> FeasibilityReport:
    """Whether a panel meeting the quotas (stored, or being typed) can be drawn from the pool."""
    data = engine_input(panel, bounds)
    return check_quotas(data.ids, data.features, data.quotas, data.k)


def quotas_explained(panel: Panel, bounds: Bounds | None = None) -> Feasibility:
    """:func:`quotas_check`, explained in the visitor's language."""
    return feasibility_explained(panel, quotas_check(panel, bounds))


# The engine explains infeasible quotas in English; these say the same in the visitor's language.
_PROBLEMS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (
        re.compile(r"the panel \((?P<k>\d+)\) is larger than the pool \((?P<n>\d+)\)"),
        lambda m, names: _("The panel (%(k)s) is larger than the pool (%(n)s).") % m,
    ),
    (
        re.compile(
            r"(?P<f>[^:]+): the minimums add up to (?P<low>\d+), more than the panel size (?P<k>\d+)"
        ),
        lambda m, names: (
            _("%(f)s: the minimums add up to %(low)s, more than the %(k)s seats.")
            % {**m, "f": names.get(m["f"], m["f"])}
        ),
    ),
    (
        re.compile(
            r"(?P<f>[^:]+): at most (?P<high>\d+) people can be selected .*, fewer than (?P<k>\d+)"
        ),
        lambda m, names: (
            _(
                "%(f)s: at most %(high)s people can be selected (maximums and volunteers), "
                "fewer than the %(k)s seats."
            )
            % {**m, "f": names.get(m["f"], m["f"])}
        ),
    ),
    (
        re.compile(
            r"(?P<f>[^=]+)=(?P<v>[^:]+): minimum (?P<min>\d+) but only (?P<n>\d+) volunteers"
        ),
        lambda m, names: (
            _("%(c)s: at least %(min)s wanted, but only %(n)s volunteers.")
            % {**m, "c": names.get((m["f"], m["v"]), m["v"])}
        ),
    ),
)


@dataclass(frozen=True)
class QuotaChangeRow:
    feature: str
    category: str
    now: str
    suggested: str


@dataclass(frozen=True)
class Feasibility:
    """A feasibility report in the visitor's language, with labels instead of keys."""

    feasible: bool
    problems: list[str]
    relaxation: list[QuotaChangeRow]


def feasibility_explained(panel: Panel, report: FeasibilityReport) -> Feasibility:
    names: dict[Any, str] = {}
    for feature in features_of(panel):
        names[feature.key] = str(feature.label)
        for category in feature.categories.all():
            names[(feature.key, category.key)] = str(category.label)
    problems = []
    for problem in report.problems:
        for pattern, say in _PROBLEMS:
            if match := pattern.fullmatch(problem):
                problems.append(say(match.groupdict(), names))
                break
        else:
            problems.append(problem)
    relaxation = [
        QuotaChangeRow(
            names.get(change.feature, change.feature),
            names.get((change.feature, change.value), change.value),
            f"{change.min}–{change.max}",
            f"{change.new_min}–{change.new_max}",
        )
        for change in report.relaxation
    ]
    return Feasibility(report.feasible, problems, relaxation)


@dataclass(frozen=True)
class CompositionRow:
    category: Category
    in_pool: int
    share_percent: float
    selected: int


def composition(panel: Panel) -> list[tuple[Feature, list[CompositionRow]]]:
    """Per feature, each category's volunteers in the pool (and seated members, once drawn)."""
    seated = Q(values__volunteer__memberships__status__in=SEATED)
    categories = Category.objects.filter(feature__panel=panel).annotate(
        in_pool=Count("values", filter=Q(values__volunteer__withdrawn_at__isnull=True)),
        selected=Count("values", filter=seated),
    )
    counts = {c.pk: c for c in categories}
    total = panel.volunteers.filter(withdrawn_at__isnull=True).count()
    rows = []
    for feature in features_of(panel):
        rows.append(
            (
                feature,
                [
                    CompositionRow(
                        category,
                        counts[category.pk].in_pool,  # type: ignore[attr-defined]
                        100 * counts[category.pk].in_pool / total if total else 0.0,  # type: ignore[attr-defined]
                        counts[category.pk].selected,  # type: ignore[attr-defined]
                    )
                    for category in feature.categories.all()
                ],
            )
        )
    return rows


def gini(values: list[float]) -> float:
    """Gini coefficient of the selection probabilities: 0 when everyone has the same chance."""
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((2 * (i + 1) - n - 1) * x for i, x in enumerate(ordered))
    return weighted / (n * total)


def draw_of(panel: Panel) -> Draw | None:
    return Draw.objects.filter(panel=panel).first()


def members_of(draw: Draw) -> list[Member]:
    return list(draw.members.select_related("volunteer", "replaces__volunteer"))


def volunteering_of(panel: Panel, user: Any) -> Volunteer | None:
    """The signed-in person's volunteering in this panel's pool, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return panel.volunteers.filter(user=user, withdrawn_at__isnull=True).first()

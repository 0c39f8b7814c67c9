"""Workshop rules: what a seating must respect, and the report of what it could not.

Plain frozen dataclasses, so the web layer can build them from its models and the CLI from
a JSON file (:func:`rules_from_dict`, schema in ``docs/engine-grouping.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from coprod_engine.exceptions import InputFormatError

if TYPE_CHECKING:
    from coprod_engine.grouping.workshop import Grouping

Mode = Literal["diverse", "peer"]


@dataclass(frozen=True)
class Coverage:
    """At least ``min`` people with ``attribute == value`` at every table."""

    attribute: str
    value: str
    min: int


@dataclass(frozen=True)
class Cap:
    """At most ``max`` people with ``attribute == value`` at any table (e.g. elected officials)."""

    attribute: str
    value: str
    max: int


@dataclass(frozen=True)
class Rules:
    """Hard rules and objective settings of a workshop seating.

    Attributes
    ----------
    weights : attribute -> weight of its diversity; attributes not named get weight 1
        (the language attribute and attributes given weight 0 are not diversified).
    pins : person id -> table index, for every round (world café hosts stay).
    must_link : pairs always at the same table (an interpreter and the person they help).
    cannot_link : pairs never at the same table (a resident and their own case worker).
    coverage, caps : per-table minimum and maximum counts of an attribute value.
    mode : ``"diverse"`` (heterogeneous tables) or ``"peer"`` (tables homogeneous in
        ``peer_attribute``, for the peer-group sessions of the merging-of-knowledge method).
    language_attribute : attribute listing the languages a person speaks, ``;``-separated;
        a person sits only at tables whose language they speak (empty: any table).
    repeat_weight : cost of a pair meeting again in a later round; default: more than
        the diversity any one person brings to a table, so repeats are avoided first.
    """

    weights: Mapping[str, float] = field(default_factory=dict)
    pins: Mapping[str, int] = field(default_factory=dict)
    must_link: Sequence[tuple[str, str]] = ()
    cannot_link: Sequence[tuple[str, str]] = ()
    coverage: Sequence[Coverage] = ()
    caps: Sequence[Cap] = ()
    mode: Mode = "diverse"
    peer_attribute: str = "knowledge"
    language_attribute: str = "languages"
    repeat_weight: float | None = None


@dataclass(frozen=True)
class Violation:
    """One rule a seating breaks (or must break): ``amount`` people short or in excess."""

    rule: str
    detail: str
    amount: int
    round: int | None = None
    table: int | None = None


@dataclass(frozen=True)
class RuleReport:
    """What the rules allow: violations found before solving (impossible whatever the
    seating, with the smallest possible amount) and violations left in the seating."""

    impossible: tuple[Violation, ...] = ()
    violations: tuple[Violation, ...] = ()
    best_effort: Grouping | None = None

    @property
    def feasible(self) -> bool:
        return not self.impossible and not self.violations

    def as_dict(self) -> dict[str, Any]:
        def rows(items: tuple[Violation, ...]) -> list[dict[str, Any]]:
            return [vars(v).copy() for v in items]

        return {
            "feasible": self.feasible,
            "impossible": rows(self.impossible),
            "violations": rows(self.violations),
        }


def _pairs(raw: Any, name: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not all(
        isinstance(p, list | tuple) and len(p) == 2 for p in raw
    ):
        raise InputFormatError(f"rules: {name} must be a list of [id, id] pairs")
    return tuple((str(a), str(b)) for a, b in raw)


def rules_from_dict(data: Mapping[str, Any]) -> Rules:
    """Build :class:`Rules` from the rules JSON (see ``docs/engine-grouping.md``)."""
    known = {
        "weights", "pins", "must_link", "cannot_link", "coverage", "caps", "mode",
        "peer_attribute", "language_attribute", "repeat_weight",
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputFormatError(f"rules: unknown keys {unknown}")
    try:
        coverage = tuple(
            Coverage(str(c["attribute"]), str(c["value"]), int(c["min"]))
            for c in data.get("coverage", [])
        )
        caps = tuple(
            Cap(str(c["attribute"]), str(c["value"]), int(c["max"])) for c in data.get("caps", [])
        )
        weights = {str(k): float(v) for k, v in data.get("weights", {}).items()}
        pins = {str(k): int(v) for k, v in data.get("pins", {}).items()}
        repeat = data.get("repeat_weight")
    except (KeyError, TypeError, ValueError) as error:
        raise InputFormatError(f"rules: malformed entry ({error})") from error
    mode = data.get("mode", "diverse")
    if mode not in ("diverse", "peer"):
        raise InputFormatError("rules: mode must be 'diverse' or 'peer'")
    return Rules(
        weights=weights,
        pins=pins,
        must_link=_pairs(data.get("must_link", []), "must_link"),
        cannot_link=_pairs(data.get("cannot_link", []), "cannot_link"),
        coverage=coverage,
        caps=caps,
        mode=mode,
        peer_attribute=str(data.get("peer_attribute", "knowledge")),
        language_attribute=str(data.get("language_attribute", "languages")),
        repeat_weight=None if repeat is None else float(repeat),
    )

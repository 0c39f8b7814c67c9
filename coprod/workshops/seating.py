"""From the people present to the grouping engine and back: attributes, rules, history.

The engine (``coprod_engine.grouping``) takes plain data; this module builds it from the
ORM (the stakeholder role, knowledge types, organisation and language of each participant,
and the age band and languages spoken only from a profile given under consent), turns a
facilitator's settings into engine ``Rules``, and gives the earlier rounds as history so a
new round avoids pairs that already met.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coprod.processes.models import KnowledgeType, Participant, StakeholderRole
from coprod_engine.grouping import Cap, Coverage, Grouping, Rules, TableSeating, reseat
from coprod_engine.grouping.rules import RuleReport, Violation

# The attributes a facilitator may diversify, with the weight each gets when chosen.
ATTRIBUTES: dict[str, float] = {
    "role": 2.0,
    "knowledge": 2.0,
    "organisation": 1.0,
    "language": 1.0,
    "age_band": 1.0,
}
LANGUAGES = "languages"
ENGLISH = "en"
FRENCH = "fr"
EFFORT = 20
SECONDS = 5.0


def _has(kind: str) -> str:
    return f"has_{kind}"


@dataclass(frozen=True)
class RoundSettings:
    """What the facilitator chose for a round; stored with the round as its rules."""

    tables: int | None = None
    table_size: int | None = None
    diversify: Sequence[str] = tuple(ATTRIBUTES)
    hosts: Sequence[int] = ()
    at_least: Mapping[str, int] = field(default_factory=dict)
    elected_at_most: int | None = None
    must_link: Sequence[tuple[int, int]] = ()
    cannot_link: Sequence[tuple[int, int]] = ()
    english_tables: int = 0
    peer_groups: bool = False
    seed: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "table_size": self.table_size,
            "diversify": list(self.diversify),
            "hosts": list(self.hosts),
            "at_least": dict(self.at_least),
            "elected_at_most": self.elected_at_most,
            "must_link": [list(p) for p in self.must_link],
            "cannot_link": [list(p) for p in self.cannot_link],
            "english_tables": self.english_tables,
            "peer_groups": self.peer_groups,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **changes: Any) -> RoundSettings:
        values = {
            **data,
            "must_link": [tuple(p) for p in data.get("must_link", [])],
            "cannot_link": [tuple(p) for p in data.get("cannot_link", [])],
            **changes,
        }
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})

    def table_count(self, people: int) -> int:
        if self.tables:
            return self.tables
        return max(1, math.ceil(people / (self.table_size or 6)))


def _spoken(participant: Participant) -> str:
    """Languages a person speaks, from their consented profile only (empty: any table)."""
    profile = getattr(participant.user, "profile", None)
    if profile is None:
        return ""
    text = (profile.languages_spoken or "").lower()
    spoken = {FRENCH if participant.user.preferred_language.startswith("fr") else ENGLISH}
    if any(word in text for word in ("fran", "french")):
        spoken.add(FRENCH)
    if any(word in text for word in ("engl", "angl")):
        spoken.add(ENGLISH)
    return ";".join(sorted(spoken))


def person_attributes(participant: Participant) -> dict[str, str]:
    profile = getattr(participant.user, "profile", None)
    kinds = participant.knowledge_types
    attributes = {
        "role": participant.stakeholder_role,
        "knowledge": "+".join(kinds),
        "organisation": str(participant.organisation_id or ""),
        "language": participant.user.preferred_language,
        "age_band": profile.age_band if profile is not None else "",
        LANGUAGES: _spoken(participant),
    }
    for kind in KnowledgeType.values:
        attributes[_has(kind)] = "1" if kind in kinds else ""
    return attributes


def engine_rules(settings: RoundSettings, present: Iterable[str], pins: Mapping[str, int]) -> Rules:
    """The engine's rules for the people present (pairs with someone absent are dropped)."""
    here = set(present)
    weights = {a: (w if a in settings.diversify else 0.0) for a, w in ATTRIBUTES.items()}
    weights |= {_has(kind): 0.0 for kind in KnowledgeType.values}

    def pairs(raw: Sequence[tuple[int, int]]) -> list[tuple[str, str]]:
        ids = [(person_id(a), person_id(b)) for a, b in raw]
        return [(a, b) for a, b in ids if a in here and b in here]

    coverage = [
        Coverage(_has(kind), "1", int(n)) for kind, n in settings.at_least.items() if int(n) > 0
    ]
    caps = []
    if settings.elected_at_most is not None:
        caps.append(Cap("role", StakeholderRole.ELECTED_OFFICIAL, settings.elected_at_most))
    return Rules(
        weights=weights,
        pins={p: t for p, t in pins.items() if p in here},
        must_link=pairs(settings.must_link),
        cannot_link=pairs(settings.cannot_link),
        coverage=coverage,
        caps=caps,
        mode="peer" if settings.peer_groups else "diverse",
        peer_attribute="knowledge",
        language_attribute=LANGUAGES,
    )


def table_languages(settings: RoundSettings, tables: int) -> list[str | None]:
    """With English tables the others are French ones; without, any language goes."""
    english = min(settings.english_tables, tables)
    if not english:
        return [None] * tables
    languages: list[str | None] = [FRENCH] * (tables - english)
    return languages + [ENGLISH] * english


def history_plan(history: Sequence[Mapping[str, int]], tables: int) -> Grouping:
    """Earlier rounds as an engine plan, followed by the empty round to plan next."""
    rounds = [
        tuple(
            TableSeating(t, None, tuple(p for p, at in seating.items() if at == t), 0.0, {})
            for t in range(max([tables, *[at + 1 for at in seating.values()]]))
        )
        for seating in history
    ]
    empty = tuple(TableSeating(t, None, (), 0.0, {}) for t in range(tables))
    return Grouping(
        rounds=(*rounds, empty),
        repeated_pairs=(),
        people_met={},
        report=RuleReport(),
        seed=0,
        input_hash="",
    )


PERSON = re.compile(r"\bp\d+\b")


def person_id(participant_pk: int) -> str:
    return f"p{participant_pk}"


class RulesCannotBeMet(Exception):
    """The rules admit no seating of the people present: the report says by how much."""

    def __init__(self, problems: Sequence[Violation]) -> None:
        super().__init__("; ".join(v.detail for v in problems))
        self.problems = tuple(problems)


def plan_round(
    people: Mapping[str, Mapping[str, str]],
    *,
    history: Sequence[Mapping[str, int]],
    seated: Mapping[str, int] | None = None,
    tables: int,
    size_min: int | None = None,
    size_max: int | None = None,
    languages: Sequence[str | None],
    rules: Rules,
    seed: int,
) -> Grouping:
    """Plan the round after ``history``; ``seated`` people keep their table (re-seating).

    Returns the engine's plan; raises :class:`RulesCannotBeMet` when a rule is impossible
    or broken in this round (nothing is stored then).
    """
    previous = history_plan([*history, dict(seated or {})], tables)
    target = len(history)
    plan = reseat(
        previous,
        people,
        round=target,
        seated=list(seated or {}),
        tables=tables,
        size_min=size_min,
        size_max=size_max,
        table_languages=languages,
        rules=rules,
        seed=seed,
        effort=EFFORT,
        seconds=SECONDS,
        strict=False,
    )
    problems = [*plan.report.impossible, *(v for v in plan.report.violations if v.round == target)]
    if problems:
        raise RulesCannotBeMet(problems)
    return plan


RULE_NAMES = {
    "size": gettext_lazy("table sizes"),
    "pin": gettext_lazy("table hosts"),
    "must_link": gettext_lazy("people kept together"),
    "cannot_link": gettext_lazy("people kept apart"),
    "language": gettext_lazy("table language"),
    "coverage": gettext_lazy("at least so many per table"),
    "cap": gettext_lazy("at most so many per table"),
}


def explain(problem: Violation, names: Mapping[str, str]) -> str:
    """A problem of the engine's report in plain words, with people's names."""
    detail = problem.detail
    detail = PERSON.sub(lambda match: names.get(match.group(0), match.group(0)), detail)
    for kind in KnowledgeType:
        detail = detail.replace(f"{_has(kind.value)}=1", str(kind.label))
    detail = detail.replace(f"role={StakeholderRole.ELECTED_OFFICIAL}", _("elected officials"))
    rule = RULE_NAMES.get(problem.rule, problem.rule)
    return _("%(rule)s: %(detail)s (short or in excess by %(amount)s)") % {
        "rule": rule,
        "detail": detail,
        "amount": problem.amount,
    }

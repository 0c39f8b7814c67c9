"""The demo's world café loads on top of the demo scenario, with its rules met, and only once."""

from __future__ import annotations

from collections import Counter

import pytest

from coprod.processes.demo import PROCESS_SLUG, demo_load
from coprod.processes.models import Process
from coprod.workshops.demo import APART, HOSTS, workshops_demo_load
from coprod.workshops.models import Registration, Seat, SeatRole, TableContribution, TableNote

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Registration.objects.count(),
        Seat.objects.count(),
        TableNote.objects.count(),
        TableContribution.objects.count(),
    )


def test_it_loads_the_world_cafe_with_its_rules_met_once() -> None:
    demo_load()
    process = Process.objects.get(slug=PROCESS_SLUG)
    workshop = workshops_demo_load(process)
    first = _counts()
    assert workshops_demo_load(process).pk == workshop.pk and _counts() == first
    assert Registration.objects.filter(workshop=workshop, checked_in_at__isnull=False).count() == 48
    rounds = list(workshop.rounds.order_by("number"))
    assert len(rounds) == 3
    hosts_at: dict[int, set[int]] = {}
    for round_ in rounds:
        seated = Seat.objects.filter(round=round_).exclude(role=SeatRole.NOTE_TAKER)
        assert seated.count() == 48
        sizes = Counter(seated.values_list("table__number", flat=True))
        assert sorted(sizes) == list(range(8)) and set(sizes.values()) == {6}
        for table in round_.tables.all():
            people = [s.participant for s in table.seats.exclude(role=SeatRole.NOTE_TAKER)]
            assert sum(p.experiential for p in people) >= 2
            assert sum(p.stakeholder_role == "elected_official" for p in people) <= 1
            emails = {p.user.email.split("@")[0].split(".")[0] for p in people}
            assert not any(a in emails and b in emails for a, b in APART)
            assert table.seats.filter(role=SeatRole.NOTE_TAKER).count() == 1
        for seat in seated.filter(role=SeatRole.HOST).select_related("table"):
            hosts_at.setdefault(seat.participant_id, set()).add(seat.table.number)
        assert round_.tables.filter(language="en").count() == 1
    # The English table's six people (its host and the five seniors who speak only English)
    # meet again in every round: 15 pairs, and nobody else meets anyone twice.
    assert [r.repeated_pairs for r in rounds] == [0, 15, 15]
    assert len(hosts_at) == len(HOSTS) and all(len(t) == 1 for t in hosts_at.values())
    assert TableContribution.objects.filter(table__round=rounds[0]).count() >= 8

"""Workshop services: capacity and waiting list, check-in, rounds from the engine, tables'
contributions into the spine."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from coprod.processes.models import Idea, IdeaOrigin
from coprod.processes.selectors import chain_from
from coprod.workshops import services
from coprod.workshops.models import Registration, RegistrationStatus, Seat, SeatRole, Table
from coprod.workshops.seating import RoundSettings, RulesCannotBeMet, person_id
from coprod.workshops.selectors import blau, workshop_results

pytestmark = pytest.mark.django_db


def _seating(round_) -> dict[int, int]:
    return dict(round_.seats.values_list("participant_id", "table__number"))


def test_it_waitlists_beyond_capacity_and_promotes_on_cancellation(workshop, make_people) -> None:
    workshop.capacity = 2
    workshop.save()
    a, b, c, d = make_people(4)
    regs = [services.registration_create(workshop=workshop, participant=p) for p in (a, b, c, d)]
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted", "waitlisted"]
    promoted = services.registration_cancel(registration=regs[0])
    assert promoted is not None and promoted.participant == c
    assert promoted.status == RegistrationStatus.REGISTERED and promoted.place == 1
    assert Registration.objects.filter(workshop=workshop, status="registered").count() == 2


def test_it_registers_a_person_once(workshop, make_people) -> None:
    (a,) = make_people(1)
    first = services.registration_create(workshop=workshop, participant=a)
    again = services.registration_create(workshop=workshop, participant=a)
    assert first.pk == again.pk and Registration.objects.count() == 1


def test_it_refuses_to_check_in_a_waitlisted_person_when_full(workshop, make_people) -> None:
    workshop.capacity = 1
    workshop.save()
    a, b = make_people(2)
    services.registration_create(workshop=workshop, participant=a)
    waiting = services.registration_create(workshop=workshop, participant=b)
    with pytest.raises(ValidationError):
        services.registration_check_in(registration=waiting)
    walk = services.walk_in_check_in(workshop=workshop, participant=a)
    assert walk.checked_in_at is not None


def test_it_forms_two_rounds_that_avoid_repeats(workshop, present) -> None:
    settings = RoundSettings(tables=3, at_least={"experiential": 2}, seed=7)
    first = services.round_form(workshop=workshop, settings=settings)
    second = services.round_form(workshop=workshop, settings=settings)
    assert (first.number, second.number) == (1, 2)
    assert (
        Seat.objects.filter(round=first).count() == 18 == Seat.objects.filter(round=second).count()
    )
    # Six people drawn from three earlier tables: at least 2 + 2 + 2, so 3 pairs a table meet
    # again; the engine reaches that least possible number.
    assert first.repeated_pairs == 0 and second.repeated_pairs == 9
    for round_ in (first, second):
        for table in round_.tables.all():
            kinds = [s.participant.experiential for s in table.seats.all()]
            assert sum(kinds) >= 2 and len(kinds) == 6
    assert first.seed == 7 and first.engine_version


def test_it_gives_the_same_tables_for_the_same_seed(workshop, present) -> None:
    settings = RoundSettings(tables=3, seed=42)
    first = _seating(services.round_form(workshop=workshop, settings=settings))
    round_ = workshop.rounds.get()
    round_.delete()
    again = _seating(services.round_form(workshop=workshop, settings=settings))
    assert first == again


def test_it_keeps_hosts_at_their_table_across_rounds(workshop, present) -> None:
    hosts = (present[1].pk, present[7].pk, present[13].pk)
    settings = RoundSettings(tables=3, hosts=hosts, seed=3)
    one = services.round_form(workshop=workshop, settings=settings)
    two = services.round_form(workshop=workshop, settings=settings)
    for host in hosts:
        assert _seating(one)[host] == _seating(two)[host]
        assert Seat.objects.get(round=two, participant_id=host).role == SeatRole.HOST
    assert Table.objects.filter(round=two, host__isnull=False).count() == 3


def test_it_reports_impossible_rules_and_stores_nothing(workshop, present) -> None:
    # Three researchers cannot sit at each of three tables twice over.
    settings = RoundSettings(tables=3, at_least={"scientific": 2}, seed=1)
    with pytest.raises(RulesCannotBeMet) as raised:
        services.round_form(workshop=workshop, settings=settings)
    assert raised.value.problems[0].rule == "coverage"
    assert not workshop.rounds.exists() and not Seat.objects.exists()


def test_it_keeps_people_apart_and_together(workshop, present) -> None:
    a, b, c, d = (p.pk for p in present[:4])
    settings = RoundSettings(tables=3, must_link=((a, b),), cannot_link=((c, d),), seed=5)
    seats = _seating(services.round_form(workshop=workshop, settings=settings))
    assert seats[a] == seats[b] and seats[c] != seats[d]


def test_it_reseats_after_no_shows_keeping_seated_people(workshop, present, make_people) -> None:
    round_ = services.round_form(workshop=workshop, settings=RoundSettings(tables=3, seed=9))
    before = _seating(round_)
    (late,) = make_people(1)
    services.walk_in_check_in(workshop=workshop, participant=late)
    gone = present[0]
    services.registration_check_in(
        registration=Registration.objects.get(participant=gone), present=False
    )
    services.round_reseat(round_=round_, absent=[gone], seed=11)
    after = _seating(round_)
    assert gone.pk not in after and late.pk in after
    assert all(after[pk] == table for pk, table in before.items() if pk != gone.pk)


def test_it_creates_a_table_idea_in_the_spine_with_the_table_as_origin(workshop, present) -> None:
    round_ = services.round_form(workshop=workshop, settings=RoundSettings(tables=3, seed=2))
    table = round_.tables.get(number=1)
    idea = services.table_idea_create(table=table, title="Appels d'amitié pendant les alertes")
    assert idea.origin == IdeaOrigin.WORKSHOP and "Table 2" in idea.origin_note
    assert idea.knowledge_type == services.table_knowledge_types(table)[0]
    assert table.contributions.get().idea == idea
    need = services.table_need_create(table=table, title="Savoir qui vit seul")
    linked = services.table_idea_create(table=table, title="Une liste des voisins", needs=[need])
    assert need in chain_from(linked).needs
    results = workshop_results(workshop)
    produced = [c for r in results.rounds for t in r.tables for c in t.contributions]
    assert {c.idea or c.need for c in produced} == {Idea.objects.get(pk=idea.pk), need, linked}


def test_it_computes_blau_diversity() -> None:
    assert blau([]) == 0.0
    assert blau(["a", "a"]) == 0.0
    assert blau(["a", "b"]) == pytest.approx(0.5)
    assert blau(["a", "b", "c"]) == pytest.approx(2 / 3)


def test_it_names_people_in_the_plain_words_report(workshop, present) -> None:
    a, b = present[0], present[1]
    settings = RoundSettings(tables=3, must_link=((a.pk, b.pk),), cannot_link=((a.pk, b.pk),))
    with pytest.raises(RulesCannotBeMet) as raised:
        services.round_form(workshop=workshop, settings=settings)
    from coprod.workshops.seating import explain

    text = explain(raised.value.problems[0], {person_id(a.pk): "Alice", person_id(b.pk): "Bob"})
    assert "Alice" in text and "Bob" in text


def test_it_forms_peer_groups_of_one_knowledge_type(workshop, present) -> None:
    round_ = services.round_form(
        workshop=workshop, settings=RoundSettings(tables=3, peer_groups=True, seed=8)
    )
    kinds = {
        table.number: {s.participant.knowledge_types[0] for s in table.seats.all()}
        for table in round_.tables.all()
    }
    # Six people of each kind (one in six brings two): each table gathers one first kind.
    assert sum(len(k) == 1 for k in kinds.values()) >= 2

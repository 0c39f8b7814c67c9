"""Concurrent registrations never exceed the capacity (proved on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from coprod.processes.tests.test_concurrency import _race
from coprod.workshops import services
from coprod.workshops.models import Registration, RegistrationStatus

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_it_never_registers_more_people_than_places(workshop, make_people) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    workshop.capacity = 5
    workshop.save()
    people = iter(make_people(12))
    queue = [next(people) for _ in range(12)]

    def register() -> None:
        services.registration_create(workshop=workshop, participant=queue.pop())

    errors = _race(register)
    assert errors == []
    rows = Registration.objects.filter(workshop=workshop)
    assert rows.count() == 12
    assert rows.filter(status=RegistrationStatus.REGISTERED).count() == 5
    places = rows.exclude(place=None).values_list("place", flat=True)
    assert sorted(p for p in places if p is not None) == [1, 2, 3, 4, 5]


def test_it_registers_one_person_once_from_many_requests(workshop, make_people) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    (person,) = make_people(1)
    errors = _race(lambda: services.registration_create(workshop=workshop, participant=person))
    assert errors == []
    assert Registration.objects.filter(workshop=workshop).count() == 1

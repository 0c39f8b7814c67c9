"""Concurrent requests never double a row that must be unique (proved on PostgreSQL).

SQLite serialises writers and would hide a check-then-insert race, so these tests run only
where the race can happen: CI runs the suite on PostgreSQL too.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from coprod.processes import services
from coprod.processes.models import Participant, Process

THREADS = 12


def _race(target, count: int = THREADS) -> list[BaseException]:
    """Start ``count`` threads together and wait for them; return what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_joins_once_when_the_same_person_joins_from_many_requests(
    process: Process, personas
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run on PostgreSQL (CI does)")
    user = personas["signed_in"]

    def join() -> None:
        services.participant_join(
            process=process,
            user=user,
            stakeholder_role="resident",
            knowledge_types=["experiential"],
        )

    errors = _race(join)
    assert errors == []
    assert Participant.objects.filter(process=process, user=user).count() == 1

"""Server time of a wiki survey's voting pages on a large survey, on SQLite or PostgreSQL.

    uv run python bench/wikisurvey_web.py [--items 500] [--answers 50000] [--voters 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coprod_pairweb uv run python bench/wikisurvey_web.py

Without ``DATABASE_URL`` the survey lives in a throwaway SQLite file; with a PostgreSQL URL,
that database is DROPPED, created and migrated (give it a database of its own). The survey has
``--items`` items and ``--answers`` answers (5 % skips) of ``--voters`` voters on uniform
random pairs, won with Bradley-Terry probabilities, written with ``bulk_create`` (then the
vote counters are recounted, the strengths fitted once and, on PostgreSQL, ANALYZE run, as
the worker and autovacuum would).

Timed, ``--calls`` times each, for a voter who already answered some pairs:

1. the services: ``appearance_next`` (the pair shown) and ``answer_vote`` (the vote);
2. the pages through Django's test client, as an anonymous voter: GET the survey page (the
   pair) and POST the vote (the redirect);
3. the results page (``--results-calls`` times after a first view, the background task
   having stored its snapshot; then 5 times with an empty cache, as the first view of each
   snapshot in each language, which renders the tables; then closed, with paper sheets still
   to type, when the page counts the answers; then closed two days ago, when nothing can
   change and the page counts nothing) and the work of that task: the Bradley-Terry refit alone and the whole refresh
   (the answers read, the strengths and the results computed and stored).

Three voters in four bring a knowledge type and a stakeholder role (in turn), so the results
page has its tables by knowledge type and by role (3 and 11 columns).

Median, p95 and max of wall and CPU time (``time.process_time``): the machine is shared,
CPU time is the steadier figure. The table starts with the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--voters", type=int, default=2_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--results-calls", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in ``url``: the benchmark starts from nothing."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> tuple[str, str | None]:
    """Django on ``DATABASE_URL`` or on a throwaway SQLite file (its folder is returned)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coprod.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = os.environ.get("DATABASE_URL")
    folder = None
    if url is None:
        folder = tempfile.mkdtemp(prefix="coprod-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    elif url.startswith("postgres"):
        recreate_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return f"{connection.vendor} {connection.settings_dict['NAME']}", folder


def build_survey(n_items: int, n_answers: int, n_voters: int, seed: int) -> Any:
    """A published process with an open survey, its items, voters, appearances and answers."""
    from django.utils import timezone

    from coprod.accounts.models import Organisation, OrganisationKind, User
    from coprod.processes.models import CoType, KnowledgeType, Phase, ProcessStatus, StakeholderRole
    from coprod.processes.services import phase_method_attach, process_create
    from coprod.wikisurveys.models import Answer, Appearance, Item, Survey, Voter

    owner = User.objects.create_user(email="bench@example.org", password="x")
    organisation = Organisation.objects.create(name_fr="Banc", kind=OrganisationKind.BOROUGH)
    process = process_create(
        created_by=owner,
        lead_organisation=organisation,
        fields={"slug": "bench", "title_fr": "Banc", "status": ProcessStatus.PUBLISHED},
    )
    today = timezone.localdate()
    phase = Phase.objects.create(
        process=process,
        seq=1,
        co_type=CoType.CO_COMMISSIONING,
        title_fr="Besoins",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
    )
    survey = Survey.objects.create(
        phase_method=phase_method_attach(phase=phase, method_key="wiki_survey", config={}),
        question_fr="Laquelle ?",
        allow_anonymous=True,
    )
    items = Item.objects.bulk_create(
        Item(survey=survey, text_fr=f"Idée {i}", status="active") for i in range(n_items)
    )
    kinds, roles = KnowledgeType.values, StakeholderRole.values
    voters = Voter.objects.bulk_create(
        Voter(
            survey=survey,
            anonymous_key=f"bench-{i}",
            knowledge_type=kinds[i % len(kinds)] if i % 4 else "",
            stakeholder_role=roles[i % len(roles)] if i % 4 else "",
        )
        for i in range(n_voters)
    )
    generator = np.random.default_rng(seed)
    truth = generator.normal(0.0, 1.0, n_items)
    left = generator.integers(0, n_items, n_answers)
    right = generator.integers(0, n_items - 1, n_answers)
    right[right >= left] += 1
    who = generator.integers(0, n_voters, n_answers)
    left_wins = generator.random(n_answers) < expit(truth[left] - truth[right])
    skipped = generator.random(n_answers) < 0.05
    appearances = Appearance.objects.bulk_create(
        (
            Appearance(
                survey=survey,
                voter=voters[who[k]],
                left=items[left[k]],
                right=items[right[k]],
                seed=k,
            )
            for k in range(n_answers)
        ),
        batch_size=5_000,
    )
    Answer.objects.bulk_create(
        (
            _answer(a, skip=bool(skipped[k]), left_wins=bool(left_wins[k]))
            for k, a in enumerate(appearances)
        ),
        batch_size=5_000,
    )
    _after_bulk_create(survey)
    _analyze()
    return survey


def _analyze() -> None:
    """Fresh planner statistics on PostgreSQL, as autovacuum gives them after a bulk load.

    Without them the planner guesses the voter's answers by a hash join over every answer.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _answer(appearance: Any, *, skip: bool, left_wins: bool) -> Any:
    from coprod.wikisurveys.models import Answer

    if skip:
        return Answer(appearance=appearance, skip_reason="dont_know")
    winner, loser = (
        (appearance.left_id, appearance.right_id)
        if left_wins
        else (appearance.right_id, appearance.left_id)
    )
    return Answer(appearance=appearance, winner_id=winner, loser_id=loser)


def _upkeep() -> Any:
    """The module keeping counters, strengths and results (``services`` before ``tallies``)."""
    try:
        from coprod.wikisurveys import tallies

        return tallies
    except ImportError:
        from coprod.wikisurveys import services

        return services


def _after_bulk_create(survey: Any) -> None:
    """Count the bulk-created votes, fit the strengths and store the results once, as the
    worker would (each step skipped for code that predates it).
    """
    upkeep = _upkeep()
    if hasattr(upkeep, "survey_refresh"):
        upkeep.survey_tallies_rebuild(survey=survey)
        upkeep.survey_refresh(survey=survey)
    elif hasattr(upkeep, "survey_tallies_rebuild"):
        upkeep.survey_tallies_rebuild(survey=survey)
        upkeep.strengths_refit(survey=survey)


def summary(label: str, walls: list[float], cpus: list[float]) -> str:
    def ms(values: list[float], q: float) -> str:
        return f"{np.percentile(values, q) * 1e3:7.1f}"

    return (
        f"{label:<34} wall median {ms(walls, 50)} p95 {ms(walls, 95)} max {ms(walls, 100)} ms"
        f" | CPU median {ms(cpus, 50)} p95 {ms(cpus, 95)} max {ms(cpus, 100)} ms"
    )


class Clock:
    """Wall and CPU times of the calls made through :meth:`time`."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def time(self, function: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        self.walls.append(time.perf_counter() - wall)
        self.cpus.append(time.process_time() - cpu)
        return result


def bench_services(survey: Any, calls: int) -> list[str]:
    from coprod.wikisurveys import services
    from coprod.wikisurveys.models import Voter

    voter = Voter.objects.get(survey=survey, anonymous_key="bench-0")
    shown, voted = Clock(), Clock()
    for _ in range(calls):
        appearance = shown.time(lambda: services.appearance_next(voter=voter))
        assert appearance is not None
        voted.time(
            lambda a=appearance: services.answer_vote(
                appearance=a, voter=voter, winner_id=a.left_id
            )
        )
    return [
        summary("service appearance_next", shown.walls, shown.cpus),
        summary("service answer_vote", voted.walls, voted.cpus),
    ]


def bench_pages(survey: Any, calls: int) -> list[str]:
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="localhost")
    page = reverse("wikisurveys:survey", args=[survey.pk])
    vote = reverse("wikisurveys:vote", args=[survey.pk])
    shown, voted = Clock(), Clock()
    for _ in range(calls):
        response = shown.time(lambda: client.get(page))
        assert response.status_code == 200, response.status_code
        appearance, left = _shown_pair(response.content.decode())
        response = voted.time(
            lambda a=appearance, w=left: client.post(vote, {"appearance": a, "choice": w})
        )
        assert response.status_code == 302, response.status_code
    return [
        summary("page GET survey (pair shown)", shown.walls, shown.cpus),
        summary("page POST vote", voted.walls, voted.cpus),
    ]


def _shown_pair(html: str) -> tuple[int, int]:
    """The appearance id and the left item id in the voting form of the page."""
    appearance = re.search(r'name="appearance" value="(\d+)"', html)
    choice = re.search(r'name="choice" value="(\d+)"', html)
    assert appearance is not None and choice is not None, "no pair on the page"
    return int(appearance.group(1)), int(choice.group(1))


def bench_results(survey: Any, calls: int) -> list[str]:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from coprod.wikisurveys.selectors import survey_votes
    from coprod_engine.pairwise import bradley_terry

    upkeep = _upkeep()

    client = Client(HTTP_HOST="localhost")
    url = reverse("wikisurveys:results", args=[survey.pk])
    page, cold = Clock(), Clock()
    client.get(url)  # the first view renders the tables: timed apart below
    for _ in range(calls):
        assert page.time(lambda: client.get(url)).status_code == 200
    for _ in range(5):  # the first view of a snapshot in a language renders its tables
        cache.clear()
        assert cold.time(lambda: client.get(url)).status_code == 200
    lines = [
        summary("page GET results", page.walls, page.cpus),
        summary("page GET results, tables rendered", cold.walls, cold.cpus),
    ]
    if hasattr(upkeep, "results_for_page"):
        lines.append(_closed_results(survey, client, url, calls))
        lines.append(_settled_results(survey, client, url, calls))
    votes = survey_votes(survey)
    fit = Clock()
    for _ in range(3):
        fit.time(lambda: bradley_terry(votes.winners, votes.losers, len(votes.items)))
    lines.append(summary("refit (bradley_terry alone)", fit.walls, fit.cpus))
    if hasattr(upkeep, "results_snapshot_store"):
        task = Clock()
        for _ in range(3):
            task.time(lambda: upkeep.results_snapshot_store(survey=survey))
        lines.append(summary("task: results computed, stored", task.walls, task.cpus))
    return lines


def _closed_results(survey: Any, client: Any, url: str, calls: int) -> str:
    """The results page of the survey closed, with paper still to type: answers counted."""
    from coprod.wikisurveys import services

    services.survey_update(survey=survey, fields={"paper_grace_days": 7})
    services.survey_close(survey=survey)
    client.get(url)  # the first view after the close computes the exact results
    page = Clock()
    for _ in range(calls):
        assert page.time(lambda: client.get(url)).status_code == 200
    services.survey_open(survey=survey)
    return summary("page GET results, closed (grace)", page.walls, page.cpus)


def _settled_results(survey: Any, client: Any, url: str, calls: int) -> str:
    """The results page of a survey closed two days ago (no grace days), whose snapshot the
    close task stored at the close: the real flow, where nothing can change any more."""
    from django.db.models import F

    from coprod.wikisurveys import services
    from coprod.wikisurveys.models import ResultsSnapshot, Survey

    services.survey_update(survey=survey, fields={"paper_grace_days": 0})
    services.survey_close(survey=survey)
    _upkeep().results_refresh(survey=survey)  # what the close task does, at the close
    two_days = dt.timedelta(days=2)
    Survey.objects.filter(pk=survey.pk).update(closed_at=F("closed_at") - two_days)
    ResultsSnapshot.objects.filter(survey=survey).update(computed_at=F("computed_at") - two_days)
    survey.refresh_from_db()
    client.get(url)  # the first view after the deadline (it stamps the snapshot final)
    page = Clock()
    for _ in range(calls):
        assert page.time(lambda: client.get(url)).status_code == 200
    services.survey_open(survey=survey)
    return summary("page GET results, closed 2 days ago", page.walls, page.cpus)


def main() -> None:
    args = parse_args()
    database, folder = setup_django()
    try:
        run(args, database)
    finally:
        if folder is not None:
            shutil.rmtree(folder)


def run(args: argparse.Namespace, database: str) -> None:
    start = time.perf_counter()
    survey = build_survey(args.items, args.answers, args.voters, args.seed)
    built = time.perf_counter() - start
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} · {database}")
    print(
        f"survey of {args.items} items, {args.answers:,} answers, {args.voters:,} voters"
        f" (built in {built:.1f} s); {args.calls} calls each"
    )
    for line in (
        bench_services(survey, args.calls)
        + bench_pages(survey, args.calls)
        + bench_results(survey, args.results_calls)
    ):
        print(line)


if __name__ == "__main__":
    main()

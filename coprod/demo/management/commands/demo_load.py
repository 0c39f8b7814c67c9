"""``python manage.py demo_load``: load the demo scenario, again and again, to the same state.

It lives in its own app because it spans the spine and the participation methods.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from coprod.budgets.demo import budgets_demo_load
from coprod.budgets.models import Ballot
from coprod.opinions.demo import opinions_demo_load
from coprod.opinions.models import Vote
from coprod.panels.demo import panels_demo_load
from coprod.processes.demo import demo_load
from coprod.processes.models import Process
from coprod.wikisurveys.demo import wikisurveys_demo_load
from coprod.wikisurveys.models import Answer
from coprod.workshops.demo import workshops_demo_load
from coprod.workshops.models import Seat


class Command(BaseCommand):
    help = "Load the demo scenario (extreme heat and isolated seniors, MHM 2026); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        summary = demo_load()
        # The participation methods' parts of the scenario, on top of the spine's.
        process = Process.objects.get(slug=summary.process_slug)
        # The panel first: its members join the process in its first phase, so the methods
        # loaded after it see the same participants on every load.
        panel = panels_demo_load(process)
        conversation = opinions_demo_load(process)
        survey = wikisurveys_demo_load(process)
        budget = budgets_demo_load(process)
        workshop = workshops_demo_load(process)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Demo process “{summary.process_slug}” loaded in {elapsed:.1f} s.")
        )
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>4}")
        votes = Vote.objects.filter(statement__conversation=conversation).count()
        self.stdout.write(f"  {'opinion votes':<{width}}  {votes:>4}")
        answers = Answer.objects.filter(appearance__survey=survey).count()
        self.stdout.write(f"  {'survey answers':<{width}}  {answers:>4}")
        ballots = Ballot.objects.filter(budget=budget).count()
        self.stdout.write(f"  {'budget ballots':<{width}}  {ballots:>4}")
        seats = Seat.objects.filter(round__workshop=workshop).count()
        self.stdout.write(f"  {'workshop seats':<{width}}  {seats:>4}")
        volunteers = panel.volunteers.count()
        self.stdout.write(f"  {'panel volunteers':<{width}}  {volunteers:>4}")
        self.stdout.write(f"\nSign in with one of these (password: {summary.password}):")
        for role, email in summary.logins:
            self.stdout.write(f"  {email:<28}  {role}")

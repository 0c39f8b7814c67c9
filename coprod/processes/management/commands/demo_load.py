"""``python manage.py demo_load``: load the demo scenario, again and again, to the same state."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from coprod.processes.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo scenario (extreme heat and isolated seniors, MHM 2026); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        summary = demo_load()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Demo process “{summary.process_slug}” loaded in {elapsed:.1f} s.")
        )
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>4}")
        self.stdout.write(f"\nSign in with one of these (password: {summary.password}):")
        for role, email in summary.logins:
            self.stdout.write(f"  {email:<28}  {role}")

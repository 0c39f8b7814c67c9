"""Settings come from the environment and fail loudly on a bad value in production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import coprod.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_it_runs_on_sqlite_by_default_for_development() -> None:
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_it_uses_postgresql_when_database_url_says_so() -> None:
    result = load_settings(DATABASE_URL="postgres://someone@db.example.org:5432/coprod")
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_it_refuses_to_start_in_production_without_a_secret_key() -> None:
    result = load_settings(DEBUG="false", ALLOWED_HOSTS="coprod.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_a_short_secret_key_and_missing_hosts_in_production() -> None:
    assert (
        "SECRET_KEY"
        in load_settings(DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="x.org").stderr
    )
    assert "ALLOWED_HOSTS" in load_settings(DEBUG="false", SECRET_KEY="k" * 60).stderr


def test_it_refuses_a_boolean_it_cannot_read() -> None:
    result = load_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr

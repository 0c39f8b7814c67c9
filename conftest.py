"""Fixtures shared by every test: where the shared real-world data sets live."""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("COPROD_SHARED_DATA", Path(__file__).resolve().parent.parent / "shared" / "data")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip on a fresh clone, where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (a fresh clone has no ../shared)")
    return SHARED_DATA


# The platform's personas (one user per role) and a ready process, for every Django test.
pytest_plugins = ("coprod.testing",)

"""The one place the engine sets numba up: where compiled kernels are cached, and the decorator.

Kernels are compiled on first use and cached on disk (``cache=True``), next to their source
when the package directory is writable. A read-only install caches in ``NUMBA_CACHE_DIR``,
which :func:`cache_dir_fallback` points to a per-user temporary directory when it is unset,
so such an install compiles once per machine instead of at every start. If numba still finds
nowhere to cache, :func:`jit` compiles in memory rather than failing at import.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba


def cache_dir_fallback(package_dir: Path, environ: dict[str, str] | os._Environ[str]) -> None:
    """Point ``NUMBA_CACHE_DIR`` to a writable directory when ``package_dir`` is read-only."""
    if environ.get("NUMBA_CACHE_DIR") or os.access(package_dir, os.W_OK):
        return
    uid = os.getuid() if hasattr(os, "getuid") else 0
    environ["NUMBA_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / f"coprod-numba-{uid}")


def settle_cache_dir(package_dir: Path) -> None:
    """Choose the cache directory for the kernels of ``package_dir`` (before decorating them)."""
    cache_dir_fallback(package_dir, os.environ)
    if os.environ.get("NUMBA_CACHE_DIR"):  # numba reads it at import, which may be done already
        setattr(numba.config, "CACHE_DIR", os.environ["NUMBA_CACHE_DIR"])  # noqa: B010


def jit(function: Callable[..., Any]) -> Any:
    """``numba.njit(cache=True)``, or compiled in memory if the cache has nowhere to write."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", numba.NumbaWarning)
            return numba.njit(cache=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(cache=False)(function)

"""Where the compiled kernels are cached, also on a read-only install."""

from pathlib import Path

import pytest

from coprod_engine import _compiled as kernels


def test_it_moves_the_numba_cache_to_a_temporary_directory_on_a_read_only_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kernels.os, "access", lambda _path, _mode: False)
    environ: dict[str, str] = {}
    kernels.cache_dir_fallback(tmp_path, environ)
    assert Path(environ["NUMBA_CACHE_DIR"]).name.startswith("coprod-numba-")


def test_it_keeps_the_cache_next_to_the_code_or_where_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ: dict[str, str] = {}
    kernels.cache_dir_fallback(tmp_path, environ)  # writable: numba's own in-tree cache
    assert environ == {}
    monkeypatch.setattr(kernels.os, "access", lambda _path, _mode: False)
    chosen = {"NUMBA_CACHE_DIR": str(tmp_path / "mine")}
    kernels.cache_dir_fallback(tmp_path, chosen)
    assert chosen == {"NUMBA_CACHE_DIR": str(tmp_path / "mine")}

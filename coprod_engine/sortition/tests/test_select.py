"""The draw: reproducible across processes, quota-compliant, auditable; replacements."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coprod_engine._random import rng
from coprod_engine.exceptions import EngineError, InputFormatError
from coprod_engine.sortition import replacement_draw, replay_panel, select_panel
from coprod_engine.sortition.legacy import legacy_probabilities
from coprod_engine.sortition.pool import build_pool
from coprod_engine.sortition.tests.pools import synthetic_pool as _synthetic_pool

_CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from coprod_engine.sortition.tests.pools import synthetic_pool
from coprod_engine.sortition import select_panel
ids, features, quotas = synthetic_pool()
r = select_panel(ids, features, quotas, 12, seed=2026)
print(json.dumps([r.panel, r.input_hash, r.portfolio[0].counts]))
"""


def test_it_draws_the_same_panel_in_processes_with_different_hash_seeds() -> None:
    root = str(Path(__file__).resolve().parents[3])
    outputs = []
    for hash_seed in ("1", "987"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", _CHILD.format(root=root)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert outputs[0] == outputs[1]


def test_it_draws_panels_that_meet_every_quota_and_follow_the_seed() -> None:
    ids, features, quotas = _synthetic_pool()
    first = select_panel(ids, features, quotas, 12, seed=7)
    again = select_panel(ids, features, quotas, 12, seed=7)
    other = select_panel(ids, features, quotas, 12, seed=8)
    assert first.panel == again.panel and first.panel != other.panel
    for panel in (first.panel, other.panel):
        for name, value, lo, hi in quotas:
            assert lo <= sum(features[name][ids.index(i)] == value for i in panel) <= hi
    assert sum(first.probabilities.values()) == pytest.approx(12, abs=1e-6)
    assert first.engine_version and len(first.input_hash) == 64


def test_it_realises_the_lottery_probabilities_when_drawn_many_times() -> None:
    ids, features, quotas = _synthetic_pool(30)
    quotas = [(f, v, 0, hi) for f, v, _, hi in quotas]
    result = select_panel(ids, features, quotas, 6, seed=0)
    counts = dict.fromkeys(ids, 0)
    draws = 600
    for seed in range(draws):
        pool = select_panel(ids, features, quotas, 6, seed=seed) if seed < 3 else None
        if pool is not None:
            assert pool.portfolio == result.portfolio  # the lottery depends on the input only
    from coprod_engine.sortition.select import _draw

    reduced = build_pool(ids, features, quotas, 6)
    compositions = np.array([p.counts for p in result.portfolio])
    weights = np.array([p.probability for p in result.portfolio])
    generator = rng(99)
    for _ in range(draws):
        for i in _draw(reduced, compositions, weights, generator):
            counts[ids[i]] += 1
    for pid in ids:
        # 4.5 standard errors of a binomial proportion at p <= 0.5.
        assert counts[pid] / draws == pytest.approx(
            result.probabilities[pid], abs=4.5 * 0.5 / np.sqrt(draws)
        )


def test_it_replays_a_recorded_draw_and_rejects_a_tampered_one() -> None:
    ids, features, quotas = _synthetic_pool()
    record = select_panel(ids, features, quotas, 12, seed=31)
    replay_panel(
        ids,
        features,
        quotas,
        12,
        recorded_panel=record.panel,
        seed=31,
        input_hash=record.input_hash,
    )
    with pytest.raises(EngineError, match="differs"):
        replay_panel(
            ids,
            features,
            quotas,
            12,
            recorded_panel=record.panel[:-1] + ["id059"],
            seed=31,
            input_hash=record.input_hash,
        )
    changed = dict(features, gender=["m", *features["gender"][1:]])
    with pytest.raises(EngineError, match="inputs differ"):
        replay_panel(
            ids,
            changed,
            quotas,
            12,
            recorded_panel=record.panel,
            seed=31,
            input_hash=record.input_hash,
        )


def test_it_draws_replacements_that_restore_the_quotas() -> None:
    ids, features, quotas = _synthetic_pool()
    panel = select_panel(ids, features, quotas, 12, seed=5).panel
    leaving = panel[:3]
    staying = panel[3:]
    newcomers = replacement_draw(
        ids, features, quotas, 12, staying=staying, unavailable=leaving, seed=6
    ).panel
    assert len(newcomers) == 3 and not set(newcomers) & set(panel)
    final = staying + newcomers
    for name, value, lo, hi in quotas:
        assert lo <= sum(features[name][ids.index(i)] == value for i in final) <= hi


def test_it_rejects_malformed_input() -> None:
    with pytest.raises(InputFormatError, match="unique"):
        select_panel(["a", "a"], {"g": ["f", "m"]}, [("g", "f", 0, 1), ("g", "m", 0, 1)], 1, seed=0)
    with pytest.raises(InputFormatError, match="no quota row"):
        select_panel(["a", "b"], {"g": ["f", "z"]}, [("g", "f", 0, 1), ("g", "m", 0, 1)], 1, seed=0)
    with pytest.raises(InputFormatError, match="unknown algorithm"):
        select_panel(["a"], {"g": ["f"]}, [("g", "f", 0, 1)], 1, seed=0, algorithm="random")  # type: ignore[arg-type]


def test_it_shows_legacy_is_less_fair_than_leximin() -> None:
    # The paper's point (Fig. 2): LEGACY's least likely volunteers are far below LEXIMIN's floor.
    ids, features, quotas = _synthetic_pool()
    fair = select_panel(ids, features, quotas, 12, seed=0)
    pool = build_pool(ids, features, quotas, 12)
    estimated = legacy_probabilities(pool, rng(0), samples=400)
    assert estimated.sum() == pytest.approx(12)
    assert estimated.min() < fair.minimum_probability
    legacy = select_panel(ids, features, quotas, 12, seed=3, algorithm="legacy", legacy_samples=50)
    for name, value, lo, hi in quotas:
        assert lo <= sum(features[name][ids.index(i)] == value for i in legacy.panel) <= hi

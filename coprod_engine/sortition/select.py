"""Select a citizens' panel: the entry point the web layer and the CLI call.

Two steps, as Panelot presents them: compute a lottery over quota-compliant panels
("civic lottery"), then draw one panel from it with a seed announced beforehand. The
result carries the seed, the input hash and the engine version, so anyone holding the
same pool and quotas can replay the draw (:func:`replay_panel`).

References
----------
Flanigan, B., Gölz, P., Gupta, A., Hennig, B., Procaccia, A. D. (2021). Fair algorithms for
selecting citizens' assemblies. *Nature* 596, 548-552.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from coprod_engine import __version__
from coprod_engine._random import rng
from coprod_engine.exceptions import EngineError, Infeasible, InputFormatError
from coprod_engine.sortition.feasibility import feasibility_report
from coprod_engine.sortition.legacy import legacy_draw, legacy_probabilities
from coprod_engine.sortition.leximin import leximin
from coprod_engine.sortition.oracle import PanelOracle
from coprod_engine.sortition.pool import Pool, QuotaLike, as_quota, build_pool

Algorithm = Literal["leximin", "legacy"]
ALGORITHMS: tuple[Algorithm, ...] = ("leximin", "legacy")


@dataclass(frozen=True)
class PoolType:
    """Volunteers who are interchangeable for the quotas: same value on every quota feature."""

    values: dict[str, str]
    ids: list[str]


@dataclass(frozen=True)
class PortfolioPanel:
    """One quota-compliant panel composition and its probability in the lottery.

    ``counts[t]`` people of ``types[t]`` sit on the panel; which ones is drawn uniformly
    within each type, so every member of type ``t`` has the same chance.
    """

    probability: float
    counts: list[int]


@dataclass(frozen=True)
class PanelSelection:
    """A panel lottery and the panel drawn from it.

    Attributes
    ----------
    algorithm : {"leximin", "legacy"}
    probabilities : dict of str to float
        Each person's selection probability (exact for LEXIMIN, estimated for LEGACY).
    minimum_probability : float
    types : list of PoolType
    portfolio : list of PortfolioPanel
        The LEXIMIN lottery over compositions (empty for LEGACY, which has no closed form).
    panel : list of str
        The ids drawn, in pool order.
    seed : int
    input_hash : str
        SHA-256 of ids, quota-feature values, quotas and panel size.
    engine_version : str
    """

    algorithm: Algorithm
    probabilities: dict[str, float]
    minimum_probability: float
    types: list[PoolType]
    portfolio: list[PortfolioPanel]
    panel: list[str]
    seed: int
    input_hash: str
    engine_version: str


def select_panel(
    ids: Sequence[str],
    features: Mapping[str, Sequence[str]],
    quotas: Sequence[QuotaLike],
    k: int,
    *,
    seed: int,
    algorithm: Algorithm = "leximin",
    legacy_samples: int = 1000,
) -> PanelSelection:
    """Select a panel of ``k`` people meeting the quotas, as fairly as possible.

    Parameters
    ----------
    ids : sequence of str
        Unique person ids.
    features : mapping of str to sequence of str
        For each feature, every person's value (aligned with ``ids``).
    quotas : sequence of Quota or (feature, value, min, max)
        Bounds on the number of panel members per feature value.
    k : int
        Panel size.
    seed : int, keyword-only
        Seed of the draw, announced before it (see :func:`coprod_engine._random.new_seed`).
    algorithm : {"leximin", "legacy"}, keyword-only
        LEXIMIN (maximise the smallest selection probability, then the next...) or the
        Sortition Foundation's greedy LEGACY draw, kept for comparison.
    legacy_samples : int, keyword-only
        LEGACY draws used to estimate its probabilities.

    Returns
    -------
    PanelSelection

    Raises
    ------
    Infeasible
        No panel meets the quotas; ``report`` is a
        :class:`~coprod_engine.sortition.feasibility.FeasibilityReport` naming the
        conflicting quotas and the smallest relaxation.
    InputFormatError
        Malformed input (duplicate ids, values without quota rows, ...).

    References
    ----------
    Flanigan et al. (2021), *Nature* 596, 548-552.
    """
    if algorithm not in ALGORITHMS:
        raise InputFormatError(
            f"unknown algorithm {algorithm!r}; choose from {', '.join(ALGORITHMS)}"
        )
    pool = build_pool(ids, features, quotas, k)
    oracle = PanelOracle(pool)
    _require_feasible(pool, oracle)
    generator = rng(seed)
    if algorithm == "legacy":
        drawn = legacy_draw(pool, generator)
        per_person = legacy_probabilities(pool, rng(seed + 1), samples=legacy_samples)
        portfolio: list[PortfolioPanel] = []
    else:
        lottery = leximin(pool, oracle)
        drawn = _draw(pool, lottery.compositions, lottery.weights, generator)
        per_person = lottery.type_probabilities[pool.type_of]
        portfolio = [
            PortfolioPanel(float(w), [int(c) for c in row])
            for w, row in zip(lottery.weights, lottery.compositions, strict=True)
        ]
    return PanelSelection(
        algorithm=algorithm,
        probabilities={pid: float(p) for pid, p in zip(pool.ids, per_person, strict=True)},
        minimum_probability=float(per_person.min(initial=1.0)),
        types=_types(pool),
        portfolio=portfolio,
        panel=[pool.ids[i] for i in drawn],
        seed=seed,
        input_hash=pool.digest,
        engine_version=__version__,
    )


def replay_panel(
    ids: Sequence[str],
    features: Mapping[str, Sequence[str]],
    quotas: Sequence[QuotaLike],
    k: int,
    *,
    recorded_panel: Sequence[str],
    seed: int,
    input_hash: str,
    algorithm: Algorithm = "leximin",
) -> PanelSelection:
    """Audit: recompute a recorded draw and check it gives the same panel.

    Raises
    ------
    EngineError
        If the inputs hash differently (not the same pool or quotas) or the replayed panel
        differs from ``recorded_panel``.
    """
    digest = build_pool(ids, features, quotas, k).digest
    if digest != input_hash:
        raise EngineError(
            f"the inputs differ from the recorded ones (hash {digest[:12]} != {input_hash[:12]})"
        )
    again = select_panel(ids, features, quotas, k, seed=seed, algorithm=algorithm, legacy_samples=1)
    if sorted(again.panel) != sorted(recorded_panel):
        raise EngineError("the replayed panel differs from the recorded one")
    return again


def replacement_draw(
    ids: Sequence[str],
    features: Mapping[str, Sequence[str]],
    quotas: Sequence[QuotaLike],
    k: int,
    *,
    staying: Sequence[str],
    unavailable: Sequence[str] = (),
    seed: int,
    algorithm: Algorithm = "leximin",
) -> PanelSelection:
    """Draw replacements so that ``staying`` plus the newcomers is a panel meeting the quotas.

    The newcomers are drawn from the pool minus ``staying`` and ``unavailable`` (those who
    left, declined or were already asked), with each quota shifted by the members who stay.
    The returned ``panel`` lists the newcomers only.

    Raises
    ------
    Infeasible
        If no set of newcomers can restore the quotas (report as in :func:`select_panel`).
    """
    stay, gone = set(staying), set(unavailable)
    if unknown := sorted((stay | gone) - set(ids)):
        raise InputFormatError(f"unknown person ids: {unknown[:5]}")
    if len(stay) > k:
        raise InputFormatError(f"{len(stay)} members stay but the panel has {k} seats")
    keep = [i for i, pid in enumerate(ids) if pid not in stay and pid not in gone]
    kept = [i for i, pid in enumerate(ids) if pid in stay]
    shifted = []
    for quota in map(as_quota, quotas):
        column = features[quota.feature]
        present = sum(1 for i in kept if str(column[i]) == quota.value)
        shifted.append(
            (quota.feature, quota.value, max(quota.min - present, 0), quota.max - present)
        )
    if any(high < 0 for *_, high in shifted):
        over = [f"{f}={v}" for f, v, _, high in shifted if high < 0]
        raise Infeasible(f"the members who stay already exceed the maximum of {', '.join(over)}")
    return select_panel(
        [ids[i] for i in keep],
        {name: [column[i] for i in keep] for name, column in features.items()},
        shifted,
        k - len(stay),
        seed=seed,
        algorithm=algorithm,
    )


def _require_feasible(pool: Pool, oracle: PanelOracle) -> None:
    report = feasibility_report(pool, oracle)
    if not report.feasible:
        summary = "; ".join(report.problems) or "the quotas admit no panel together"
        raise Infeasible(f"no panel meets the quotas: {summary}", report=report)


def _draw(
    pool: Pool,
    compositions: NDArray[np.int64],
    weights: NDArray[np.float64],
    generator: np.random.Generator,
) -> NDArray[np.int64]:
    """Draw a composition by its weight, then its members uniformly within each type."""
    cumulative = np.cumsum(weights)
    row = min(
        int(np.searchsorted(cumulative, generator.random() * cumulative[-1], side="right")),
        len(weights) - 1,
    )
    chosen = [
        generator.choice(pool.members(t), size=int(count), replace=False)
        for t, count in enumerate(compositions[row])
        if count
    ]
    if not chosen:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.concatenate(chosen))


def _types(pool: Pool) -> list[PoolType]:
    return [
        PoolType(
            dict(zip(pool.features, values, strict=True)), [pool.ids[i] for i in pool.members(t)]
        )
        for t, values in enumerate(pool.type_values)
    ]

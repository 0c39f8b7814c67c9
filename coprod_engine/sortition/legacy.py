"""LEGACY: the Sortition Foundation's greedy stratified draw, for comparison.

Repeatedly take the quota whose unmet minimum is largest relative to the volunteers left
with that value, ``(min - selected) / remaining``, draw one of those volunteers uniformly
at random, and, when a quota reaches its maximum, remove everyone else with that value. An
attempt that runs out of people is retried. It meets the quotas but gives some volunteers
far lower chances than others (Flanigan et al. 2021, Fig. 2).

References
----------
Flanigan, B., Gölz, P., Gupta, A., Hennig, B., Procaccia, A. D. (2021). Fair algorithms for
selecting citizens' assemblies. *Nature* 596, 548-552 (LEGACY). Sortition Foundation,
``sortition-algorithms``, ``committee_generation/legacy.py``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from coprod_engine.exceptions import EngineError
from coprod_engine.sortition.pool import Pool


def legacy_draw(
    pool: Pool, generator: np.random.Generator, *, attempts: int = 100
) -> NDArray[np.int64]:
    """One LEGACY panel (indices into ``pool.ids``, sorted).

    Raises
    ------
    EngineError
        If ``attempts`` attempts all fail (the greedy can dead-end on tight quotas).
    """
    for _ in range(attempts):
        panel = _attempt(pool, generator)
        if panel is not None:
            return panel
    raise EngineError(
        f"the LEGACY draw failed {attempts} times in a row; the quotas are too tight for it"
    )


def legacy_probabilities(
    pool: Pool, generator: np.random.Generator, *, samples: int
) -> NDArray[np.float64]:
    """Selection probability of each person under LEGACY, estimated from ``samples`` draws.

    LEGACY defines no distribution in closed form, so its probabilities can only be
    estimated (the paper uses 10,000 draws); the standard error is at most
    ``0.5 / sqrt(samples)``.
    """
    counts = np.zeros(pool.n)
    for _ in range(samples):
        counts[legacy_draw(pool, generator)] += 1
    return counts / samples


def _attempt(pool: Pool, generator: np.random.Generator) -> NDArray[np.int64] | None:
    membership = pool.membership.astype(bool)
    # Each type's members in random order: drawing "a random member" is popping the next.
    queues = [generator.permutation(pool.members(t)).tolist() for t in range(len(pool.sizes))]
    alive = pool.sizes.copy()
    selected = np.zeros(len(pool.quotas), dtype=np.int64)
    lower, upper = pool.lower, pool.upper
    # Upstream first removes everyone in a value whose maximum is 0.
    alive[(membership & (upper == 0)[:, None]).any(axis=0)] = 0
    panel: list[int] = []
    for _ in range(pool.k):
        remaining = membership @ alive
        needed = lower - selected
        if (remaining < needed).any():
            return None
        open_quotas = (remaining > 0) & (upper > 0)
        if not open_quotas.any():
            return None
        ratio = np.where(open_quotas, needed / np.maximum(remaining, 1), -np.inf)
        quota = int(np.argmax(ratio))  # first maximum, as upstream's strict ">" scan
        in_quota = membership[quota] * alive
        t = int(generator.choice(len(alive), p=in_quota / in_quota.sum()))
        panel.append(queues[t].pop())
        alive[t] -= 1
        selected += membership[:, t]
        full = membership[:, t] & (selected >= upper)
        if full.any():
            alive[membership[full].any(axis=0)] = 0
    if (selected < lower).any():
        return None
    return np.sort(np.array(panel, dtype=np.int64))

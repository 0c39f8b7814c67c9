"""A deterministic synthetic pool for the tests (numpy only, cheap to import in a child)."""

import numpy as np


def synthetic_pool(
    n: int = 60,
) -> tuple[list[str], dict[str, list[str]], list[tuple[str, str, int, int]]]:
    generator = np.random.default_rng(12345)
    features = {
        "gender": [str(v) for v in generator.choice(["f", "m", "x"], size=n, p=[0.45, 0.45, 0.1])],
        "age": [str(v) for v in generator.choice(["young", "mid", "old"], size=n)],
        "area": [str(v) for v in generator.choice(["north", "south", "east", "west"], size=n)],
    }
    quotas = [("gender", "f", 4, 6), ("gender", "m", 4, 6), ("gender", "x", 0, 2)]
    quotas += [("age", a, 3, 5) for a in ("young", "mid", "old")]
    quotas += [("area", a, 2, 4) for a in ("north", "south", "east", "west")]
    return [f"id{i:03d}" for i in range(n)], features, quotas

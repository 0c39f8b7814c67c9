"""The one seed helper: every random draw in the engine goes through here.

A result is reproducible only if the seed is stored with it, so callers always pass an
explicit integer seed (the web layer draws one and records it before calling).
"""

import hashlib
import secrets

import numpy as np

SEED_BITS = 63


def new_seed() -> int:
    """A fresh seed to announce and store before a draw is made."""
    return secrets.randbits(SEED_BITS)


def rng(seed: int) -> np.random.Generator:
    """The generator for ``seed``: same seed, same draws, in any process."""
    if seed < 0:
        raise ValueError("a seed is a non-negative integer")
    return np.random.default_rng(seed)


def input_hash(*chunks: bytes | str) -> str:
    """SHA-256 of the inputs, in order, so an audit can check a replay used the same data."""
    digest = hashlib.sha256()
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()

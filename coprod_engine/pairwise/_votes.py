"""Checking and aggregating vote arrays, shared by every pairwise algorithm."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coprod_engine._random import input_hash
from coprod_engine.exceptions import InputFormatError

IntArray = NDArray[np.int64]

# Up to this many items the fit works on dense K x K tables (32 MB each at the limit);
# beyond, on votes aggregated per compared pair.
DENSE_ITEMS = 2048


def as_items(values: ArrayLike | None, n_items: int, name: str) -> IntArray:
    """``values`` as a 1-D array of item indices in ``[0, n_items)``."""
    if values is None:
        return np.zeros(0, dtype=np.int64)
    array = np.asarray(values)
    if array.ndim != 1:
        raise InputFormatError(f"{name} must be a 1-D array of item indices")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise InputFormatError(f"{name} must hold integer item indices, not {array.dtype}")
    array = array.astype(np.int64, copy=False)
    if array.size and (array.min() < 0 or array.max() >= n_items):
        raise InputFormatError(f"{name} holds an index outside [0, {n_items})")
    return array


def as_votes(winners: ArrayLike, losers: ArrayLike, n_items: int) -> tuple[IntArray, IntArray]:
    """Check that ``winners[k]`` beat ``losers[k]`` are valid, distinct item indices."""
    if n_items < 2:
        raise InputFormatError("a pairwise survey needs at least two items")
    won = as_items(winners, n_items, "winners")
    lost = as_items(losers, n_items, "losers")
    if won.shape != lost.shape:
        raise InputFormatError(f"{won.size} winners but {lost.size} losers")
    if np.any(won == lost):
        raise InputFormatError("an item cannot win against itself")
    return won, lost


def as_pairs(pairs: ArrayLike | None, n_items: int, name: str) -> IntArray:
    """``pairs`` as an ``(m, 2)`` array of item indices (skips, pairs already seen)."""
    if pairs is None:
        return np.zeros((0, 2), dtype=np.int64)
    array = np.asarray(pairs)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise InputFormatError(f"{name} must be an (m, 2) array of item pairs")
    flat = as_items(array.reshape(-1), n_items, name)
    return flat.reshape(-1, 2)


def involvement(pairs: IntArray, n_items: int) -> IntArray:
    """How many of ``pairs`` each item appears in (AOI's "Times involved in Cant Decide")."""
    return np.bincount(pairs.reshape(-1), minlength=n_items).astype(np.int64)


def votes_hash(won: IntArray, lost: IntArray, skips: IntArray, n_items: int) -> str:
    """SHA-256 of the votes, skips and number of items, to audit a replay."""
    # Little-endian int32 halves the bytes to hash (a tenth of the 10^6-vote fit time).
    width = "<i4" if n_items < 2**31 else "<i8"
    return input_hash(
        f"pairwise-votes/{n_items}",
        np.ascontiguousarray(won, dtype=width).tobytes(),
        np.ascontiguousarray(lost, dtype=width).tobytes(),
        np.ascontiguousarray(skips, dtype=width).tobytes(),
    )


@dataclass(frozen=True, slots=True)
class PairTable:
    """Votes aggregated per unordered pair ``first < second``.

    ``first_wins[k]`` of the ``total[k]`` votes on pair ``k`` went to ``first[k]``.
    """

    first: IntArray
    second: IntArray
    first_wins: NDArray[np.float64]
    total: NDArray[np.float64]


def pair_table(won: IntArray, lost: IntArray, n_items: int) -> PairTable:
    """Aggregate votes per unordered pair: a fit then costs O(pairs), not O(votes)."""
    low = np.minimum(won, lost)
    high = np.maximum(won, lost)
    key, inverse, total = np.unique(low * n_items + high, return_inverse=True, return_counts=True)
    first_wins = np.bincount(inverse, weights=(won < lost), minlength=key.size)
    return PairTable(
        first=(key // n_items).astype(np.int64),
        second=(key % n_items).astype(np.int64),
        first_wins=first_wins.astype(np.float64),
        total=total.astype(np.float64),
    )

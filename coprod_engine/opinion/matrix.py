"""The vote matrix: one cell per (participant, statement), the latest vote wins.

Polis keeps every vote *event*; the map uses the latest vote of each participant on each
statement (``raw-rating-mat``). Moderated-out and meta statements are then treated as if
everyone had passed on them (``zero-out-columns``): they carry no opinion but still count
as "voted" in the sparsity scaling of the projection.

The matrix is held as CSR arrays (rows grouped, columns sorted) built in linear time by a
compiled kernel (two counting sorts on small integer keys, then one scan), so a conversation
of 100 000 participants and 9.4 million votes is assembled in well under a second.

References
----------
Small, C., Bjorkegren, M., Erkkilä, T., Shaw, L., & Megill, C. (2021). Polis: Scaling
deliberation by mapping high dimensional opinion spaces. *Recerca*, 26(2).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from coprod_engine.exceptions import InputFormatError
from coprod_engine.opinion import kernels

__all__ = ["VoteMatrix", "vote_matrix"]

# Polis' caps ("customs"): votes of newcomers beyond them are ignored.
MAX_PARTICIPANTS = 100_000
MAX_STATEMENTS = 10_000


@dataclass(frozen=True)
class VoteMatrix:
    """Latest votes as a participant × statement sparse matrix (agree +1, disagree −1, pass 0).

    Attributes
    ----------
    participant_ids, statement_ids : ndarray of int64
        The id behind each row and each column, both ascending.
    indptr, indices, values : ndarray
        CSR arrays of the raw matrix: only cells that hold a vote are stored, so a stored
        0 is a pass and an absent cell is "not seen".
    first_seen : ndarray of int64
        A key that sorts the rows in order of arrival (each row's first vote event, by time
        then position): only its order is meaningful, not its values.
    """

    participant_ids: NDArray[np.int64]
    statement_ids: NDArray[np.int64]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    values: NDArray[np.int8]
    first_seen: NDArray[np.int64]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.participant_ids), len(self.statement_ids))

    @property
    def nnz(self) -> int:
        return len(self.values)

    def rows(self) -> NDArray[np.int32]:
        """Row index of every stored vote (the CSR ``indptr`` expanded)."""
        counts = np.diff(self.indptr)
        return np.repeat(np.arange(self.shape[0], dtype=np.int32), counts)

    def to_csr(self, dtype: type = np.float64) -> sparse.csr_array:
        """The raw matrix as a scipy CSR array of ``dtype``."""
        return sparse.csr_array(
            (self.values.astype(dtype), self.indices, self.indptr), shape=self.shape
        )

    @cached_property
    def cell_keys(self) -> NDArray[np.int32]:
        """``3·column + vote + 1`` of every stored vote (int32), the key of all tallies.

        Computed once per matrix and shared by the column means, the tallies and the centred
        values (a lookup in a table of ``3·n_statements`` entries).
        """
        if self.shape[1] * 3 >= 2**31:  # pragma: no cover - beyond Polis' caps
            raise ValueError("too many statements for int32 keys")
        keys = self.indices.astype(np.int32)
        keys *= 3
        keys += self.values
        keys += 1
        return keys

    @cached_property
    def column_tallies(self) -> NDArray[np.int64]:
        """Disagrees, passes and agrees of every statement over everyone, shape (n, 3)."""
        counts = np.bincount(self.cell_keys, minlength=3 * self.shape[1])
        return counts.reshape(self.shape[1], 3).astype(np.int64)

    def vote_counts(self) -> NDArray[np.int64]:
        """Votes per participant in the raw matrix (a pass counts), ``user-vote-counts``."""
        return np.diff(self.indptr).astype(np.int64)

    def column_positions(self, statement_ids: ArrayLike) -> NDArray[np.int64]:
        """Column of each given statement id, or −1 when it has no column."""
        wanted = np.asarray(statement_ids, dtype=np.int64).ravel()
        pos = np.searchsorted(self.statement_ids, wanted)
        pos = np.minimum(pos, max(len(self.statement_ids) - 1, 0))
        found = (len(self.statement_ids) > 0) & (self.statement_ids[pos] == wanted)
        return np.where(found, pos, -1)

    def row_positions(self, participant_ids: ArrayLike) -> NDArray[np.int64]:
        """Row of each given participant id, or −1 when it has no row."""
        wanted = np.asarray(participant_ids, dtype=np.int64).ravel()
        pos = np.searchsorted(self.participant_ids, wanted)
        pos = np.minimum(pos, max(len(self.participant_ids) - 1, 0))
        found = (len(self.participant_ids) > 0) & (self.participant_ids[pos] == wanted)
        return np.where(found, pos, -1)


def _dense_codes(ids: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Ascending distinct ids and the code of each element, in linear time when ids are compact."""
    if len(ids) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    low, high = int(ids.min()), int(ids.max())
    if low >= 0 and high <= 4 * len(ids) + 1_000_000:
        # Polis ids are small consecutive integers: a lookup table beats sorting 10^7 ids.
        distinct, codes = kernels.compact_codes(np.ascontiguousarray(ids), high)
        return distinct, codes
    distinct, codes = np.unique(ids, return_inverse=True)
    return distinct.astype(np.int64), codes.astype(np.int64)


def vote_matrix(
    participant_ids: ArrayLike,
    statement_ids: ArrayLike,
    votes: ArrayLike,
    *,
    timestamps: ArrayLike | None = None,
) -> VoteMatrix:
    """Build the raw vote matrix from vote events, keeping each cell's latest vote.

    Parameters
    ----------
    participant_ids, statement_ids : array_like of int
        Who voted on what, one entry per vote event.
    votes : array_like of int
        +1 agree, −1 disagree, 0 pass (the openData export sign).
    timestamps : array_like of int, optional
        When each vote was cast. Without them the order of the arrays is the time order.

    Returns
    -------
    VoteMatrix

    Raises
    ------
    InputFormatError
        Arrays of different lengths, or a vote outside {−1, 0, 1}.
    """
    pids = np.asarray(participant_ids, dtype=np.int64).ravel()
    tids = np.asarray(statement_ids, dtype=np.int64).ravel()
    vals = np.asarray(votes).ravel()
    if not (len(pids) == len(tids) == len(vals)):
        raise InputFormatError("participant ids, statement ids and votes differ in length")
    if len(vals) and (
        vals.min() < -1
        or vals.max() > 1
        or (vals.dtype.kind == "f" and not np.all(vals == np.round(vals)))
    ):
        raise InputFormatError("a vote must be -1 (disagree), 0 (pass) or 1 (agree)")
    vals = vals.astype(np.int8, copy=False)
    times = np.empty(0, dtype=np.int64)  # none: the array order is the time order
    if timestamps is not None:
        times = np.asarray(timestamps, dtype=np.int64).ravel()
        if len(times) != len(vals):
            raise InputFormatError("timestamps and votes differ in length")
        if len(times) < 2 or not np.any(times[1:] < times[:-1]):
            times = np.empty(0, dtype=np.int64)  # already in time order: positions suffice

    participants, rows = _dense_codes(pids)
    statements, cols = _dense_codes(tids)
    participants, rows, statements, cols, keep = _apply_caps(participants, rows, statements, cols)
    if keep is not None:
        vals = vals[keep]
        if len(times):
            times = times[keep]
    indptr, indices, values, keys, tallies, first = kernels.latest_votes(
        rows, cols, vals, times, len(participants), len(statements)
    )
    first_seen = _arrival_order(first, times, len(vals))
    matrix = VoteMatrix(participants, statements, indptr, indices, values, first_seen)
    # Made by the kernel in the same pass: the cached properties start filled.
    matrix.__dict__["cell_keys"] = keys
    matrix.__dict__["column_tallies"] = tallies.reshape(len(statements), 3)
    return matrix


def _arrival_order(
    first: NDArray[np.int64], times: NDArray[np.int64], n_events: int
) -> NDArray[np.int64]:
    """``first_seen``: a key that sorts rows by their first event, in (time, position) order.

    Without times, the first event's position is such a key. With them, each row's rank in
    that order (a sort of the rows only, not of every event). Rows without events (dropped by
    the caps) come last.
    """
    position = np.where(first >= 0, first, n_events)
    if len(times) == 0 or len(first) == 0:
        return position
    when = times[np.maximum(first, 0)]
    low = int(when.min())
    when_bits = (int(when.max()) - low + 1).bit_length()
    position_bits = max(n_events.bit_length(), 1)
    if when_bits + position_bits <= 62:
        # (time, position) packed in one int64: one argsort instead of a lexsort; the keys are
        # distinct, and "stable" picks timsort, fast on ids that mostly follow arrival.
        key = np.where(first >= 0, when - low, (1 << when_bits) - 1)
        key <<= position_bits
        key |= position
        order = np.argsort(key, kind="stable")
    else:  # pragma: no cover - times spanning ~2^40 with millions of events
        order = np.lexsort((position, np.where(first >= 0, when, np.iinfo(np.int64).max)))
    rank = np.empty(len(first), dtype=np.int64)
    rank[order] = np.arange(len(first))
    return rank


def _apply_caps(
    participants: NDArray[np.int64],
    rows: NDArray[np.int64],
    statements: NDArray[np.int64],
    cols: NDArray[np.int64],
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.bool_] | None,
]:
    """Drop votes of participants and statements beyond Polis' caps (lowest ids are kept)."""
    if len(participants) <= MAX_PARTICIPANTS and len(statements) <= MAX_STATEMENTS:
        return participants, rows, statements, cols, None
    keep = (rows < MAX_PARTICIPANTS) & (cols < MAX_STATEMENTS)
    return (
        participants[:MAX_PARTICIPANTS],
        rows[keep],
        statements[:MAX_STATEMENTS],
        cols[keep],
        keep,
    )

"""Reader and writer for MDGPLIB instances (Maximally Diverse Grouping Problem).

The format of the benchmark library of Gallego, Laguna, Martí & Duarte (2013): the first
line is ``M G type L1 U1 L2 U2 ... LG UG`` (elements, groups, ``ss`` for equal sizes or
``ds`` for sizes within bounds, then the size bounds of each group), followed by one line
``i j d_ij`` per pair ``i < j`` (0-based). Missing pairs are read as distance 0.

References
----------
Gallego M., Laguna M., Martí R., Duarte A. (2013). Tabu search with strategic oscillation
for the maximally diverse grouping problem. *J. Oper. Res. Soc.* 64, 724-734.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coprod_engine.exceptions import InputFormatError


@dataclass(frozen=True)
class MdgpInstance:
    """An MDGP instance: a symmetric distance matrix and size bounds per group."""

    name: str
    distances: NDArray[np.float64]
    lower: NDArray[np.int64]
    upper: NDArray[np.int64]
    kind: str

    @property
    def n(self) -> int:
        return int(self.distances.shape[0])

    @property
    def groups(self) -> int:
        return int(self.lower.shape[0])


def _header(line: str, path: Path) -> tuple[int, int, str, NDArray[np.int64], NDArray[np.int64]]:
    fields = line.split()
    if len(fields) < 3:
        raise InputFormatError(f"{path}: header must be 'M G ss|ds L1 U1 ...', got {line!r}")
    try:
        m, g = int(fields[0]), int(fields[1])
        bounds = [int(x) for x in fields[3:]]
    except ValueError as error:
        raise InputFormatError(f"{path}: non-integer value in header {line!r}") from error
    kind = fields[2]
    if kind not in ("ss", "ds"):
        raise InputFormatError(f"{path}: group type must be 'ss' or 'ds', got {kind!r}")
    # The library's files carry 2*G bounds; a few ss files repeat them, so read only G pairs.
    if m <= 0 or g <= 0 or len(bounds) < 2 * g:
        raise InputFormatError(f"{path}: expected {2 * g} size bounds for {g} groups")
    pairs = np.array(bounds[: 2 * g], dtype=np.int64).reshape(g, 2)
    lower, upper = pairs[:, 0].copy(), pairs[:, 1].copy()
    if np.any(lower > upper) or np.any(lower < 0):
        raise InputFormatError(f"{path}: a lower size bound exceeds its upper bound")
    return m, g, kind, lower, upper


def read_mdgplib(path: str | Path) -> MdgpInstance:
    """Read an MDGPLIB file into a full symmetric distance matrix.

    Raises
    ------
    InputFormatError
        On a malformed header, an index out of range or a non-numeric distance.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        m, _g, kind, lower, upper = _header(handle.readline(), path)
        try:
            rows = np.loadtxt(handle, dtype=np.float64, ndmin=2)
        except ValueError as error:
            raise InputFormatError(f"{path}: pair lines must be 'i j d_ij'") from error
    distances = np.zeros((m, m), dtype=np.float64)
    if rows.size:
        if rows.shape[1] != 3:
            raise InputFormatError(f"{path}: pair lines must have 3 fields")
        i, j = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
        if i.min() < 0 or j.min() < 0 or max(i.max(), j.max()) >= m or np.any(i == j):
            raise InputFormatError(f"{path}: pair index out of range 0..{m - 1} or i == j")
        distances[i, j] = rows[:, 2]
        distances[j, i] = rows[:, 2]
    return MdgpInstance(path.stem, distances, lower, upper, kind)


def write_mdgplib(instance: MdgpInstance, path: str | Path) -> None:
    """Write ``instance`` in the MDGPLIB format (the upper triangle, one pair a line)."""
    bounds = " ".join(f"{lo} {hi}" for lo, hi in zip(instance.lower, instance.upper, strict=True))
    i, j = np.triu_indices(instance.n, k=1)
    lines = [f"{instance.n} {instance.groups} {instance.kind} {bounds}"]
    lines += [f"{a} {b} {d:.10g}" for a, b, d in zip(i, j, instance.distances[i, j], strict=True)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

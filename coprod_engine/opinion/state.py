"""Serialise an :class:`OpinionState` so the next map, in another process, continues from it.

The web platform stores the state with each map and hands it back to
:func:`~coprod_engine.opinion.opinion_map_update` when new votes arrive: the vote matrix, the
PCA components and Ritz block, the base and group clusters, the k-smoother's memory, sticky
in-conv, the base k-means bounds and the groups' tallies. The bytes are a NumPy ``.npz``
archive (no pickle) whose header records the engine version and the state format: a state
written by another engine version (or another format) is not loaded, since its meaning may
differ; the caller then computes the map from scratch.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coprod_engine import __version__
from coprod_engine.opinion.clustering import KMeansBounds, KSmoother
from coprod_engine.opinion.map import OpinionState
from coprod_engine.opinion.matrix import VoteMatrix

__all__ = ["STATE_FORMAT", "state_from_bytes", "state_to_bytes"]

# Bump when the arrays or their meaning change.
STATE_FORMAT = 1

_MATRIX = ("participant_ids", "statement_ids", "indptr", "indices", "values", "first_seen")
_OPTIONAL = ("basis", "base_ids", "base_points", "groups", "group_counts")


def state_to_bytes(state: OpinionState) -> bytes:
    """The state as compressed ``.npz`` bytes with a JSON header (engine version, format).

    Examples
    --------
    >>> from coprod_engine.opinion import opinion_map
    >>> m = opinion_map([0, 0, 1, 1], [0, 1, 0, 1], [1, -1, -1, 1])
    >>> state_from_bytes(state_to_bytes(m.state)).in_conv.tolist()
    [0, 1]
    """
    arrays: dict[str, NDArray[Any]] = {
        f"matrix_{name}": getattr(state.matrix, name) for name in _MATRIX
    }
    arrays["statement_ids"] = state.statement_ids
    arrays["components"] = state.components
    arrays["in_conv"] = state.in_conv
    arrays["base_centres"] = state.base_centres
    for k, centres in state.group_centres.items():
        arrays[f"group_centres_{int(k)}"] = centres
    for name in _OPTIONAL:
        value = getattr(state, name)
        if value is not None:
            arrays[name] = value
    if state.base_bounds is not None:
        arrays["bounds_labels"] = state.base_bounds.labels
        arrays["bounds_upper"] = state.base_bounds.upper
        arrays["bounds_lower"] = state.base_bounds.lower
    header = {
        "engine-version": __version__,
        "format": STATE_FORMAT,
        "mod-out": list(state.mod_out),
        "meta": list(state.meta),
        "seed": state.seed,
        "smoother": {
            "last-k": state.smoother.last_k,
            "last-k-count": state.smoother.last_k_count,
            "smoothed-k": state.smoother.smoothed_k,
        },
    }
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def state_header(data: bytes) -> dict[str, Any] | None:
    """The JSON header of serialised state, or ``None`` when the bytes are not a state."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            header = json.loads(archive["header"].tobytes().decode())
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def state_from_bytes(data: bytes | memoryview | None) -> OpinionState | None:
    """The state written by :func:`state_to_bytes`, or ``None`` when it cannot be used.

    ``None`` for empty or unreadable bytes, and for a state written by another engine version
    or state format (the caller then starts from scratch).
    """
    if not data:
        return None
    raw = bytes(data)
    header = state_header(raw)
    if (
        header is None
        or header.get("engine-version") != __version__
        or header.get("format") != STATE_FORMAT
    ):
        return None
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            a = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile):
        return None
    smoother = header["smoother"]
    bounds = None
    if "bounds_labels" in a:
        bounds = KMeansBounds(a["bounds_labels"], a["bounds_upper"], a["bounds_lower"])
    return OpinionState(
        matrix=VoteMatrix(*(a[f"matrix_{name}"] for name in _MATRIX)),
        statement_ids=a["statement_ids"],
        components=a["components"],
        in_conv=a["in_conv"],
        base_centres=a["base_centres"],
        group_centres={
            int(name.rsplit("_", 1)[1]): a[name] for name in a if name.startswith("group_centres_")
        },
        smoother=KSmoother(
            last_k=smoother["last-k"],
            last_k_count=int(smoother["last-k-count"]),
            smoothed_k=smoother["smoothed-k"],
        ),
        mod_out=tuple(int(t) for t in header["mod-out"]),
        meta=tuple(int(t) for t in header["meta"]),
        seed=int(header["seed"]),
        basis=a.get("basis"),
        base_ids=a.get("base_ids"),
        base_points=a.get("base_points"),
        base_bounds=bounds,
        groups=a.get("groups"),
        group_counts=a.get("group_counts"),
    )

"""Thin helpers around HiGHS (through ``highspy``): build a model from dense arrays."""

from __future__ import annotations

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

INF = highspy.kHighsInf


def solver(**options: bool | float | str) -> highspy.Highs:
    """A silent HiGHS instance with ``options`` set.

    ``threads`` is left alone on purpose: HiGHS fixes its thread pool at the first solve in
    a process, and a later instance asking for another count fails to run.
    """
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    for name, value in options.items():
        highs.setOptionValue(name, value)
    return highs


def pass_model(
    highs: highspy.Highs,
    *,
    cost: NDArray[np.float64],
    col_lower: NDArray[np.float64],
    col_upper: NDArray[np.float64],
    matrix: NDArray[np.float64] | sparse.csc_array,
    row_lower: NDArray[np.float64],
    row_upper: NDArray[np.float64],
    maximize: bool = False,
    integer: NDArray[np.bool_] | None = None,
) -> None:
    """Load ``min/max cost·x s.t. row_lower <= matrix x <= row_upper, col bounds``."""
    csc = sparse.csc_array(matrix)
    csc.sort_indices()
    count = len(cost)
    kinds = np.zeros(count, dtype=np.int32) if integer is None else integer.astype(np.int32)
    # The flat-array overload of passModel: ten times faster than filling a HighsLp.
    status = highs.passModel(
        int(count),
        int(csc.shape[0]),
        int(csc.nnz),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize),
        0.0,
        np.asarray(cost, dtype=np.float64),
        np.asarray(col_lower, dtype=np.float64),
        np.asarray(col_upper, dtype=np.float64),
        np.asarray(row_lower, dtype=np.float64),
        np.asarray(row_upper, dtype=np.float64),
        csc.indptr.astype(np.int32),
        csc.indices.astype(np.int32),
        csc.data.astype(np.float64),
        kinds,
    )
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError(f"HiGHS refused the model: {status}")


def run(highs: highspy.Highs) -> None:
    """Solve on one thread if this process allows it, else on HiGHS' existing thread pool.

    One thread is faster for these small models on a shared machine, but HiGHS fixes its
    thread pool at the first solve of a process: if someone else started it with another
    count, asking for one thread fails, so run again with the default.
    """
    highs.setOptionValue("threads", 1)
    if highs.run() == highspy.HighsStatus.kError:
        highs.setOptionValue("threads", 0)
        highs.run()


def optimal(highs: highspy.Highs) -> bool:
    return bool(highs.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def status_text(highs: highspy.Highs) -> str:
    return str(highs.modelStatusToString(highs.getModelStatus()))


def primal(highs: highspy.Highs) -> NDArray[np.float64]:
    return np.asarray(highs.getSolution().col_value, dtype=np.float64)

"""The one adapter to HiGHS (``highspy``): a linear or convex quadratic program, solved quietly.

``minimize cost'x + x'Hx/2  subject to  A x = b,  x >= lower`` with ``H`` diagonal on the first
columns (the Normal part of a prior) or absent (a linear program: dual simplex). HiGHS's
answers sit on a face of the feasible set (variables at their bound exactly 0), which is what
:mod:`priorfit.inference.kinked_mode` reads the mode's face from.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from priorfit.errors import InputError


def _quiet_highs():
    """A ``highspy.Highs`` with its output off. The first one in a process prints HiGHS's banner
    to the C-level standard output before any option can be set; that would end up inside
    ``priorfit predict``'s CSV on stdout, so file descriptor 1 points to /dev/null meanwhile."""
    import highspy

    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    highs.setOptionValue("output_flag", False)
    return highs


def solve(cost: np.ndarray, A, b: np.ndarray, lower: np.ndarray, hessian: np.ndarray | None = None) -> np.ndarray:
    """The optimal ``x`` (see the module docstring); ``A`` a scipy.sparse CSC matrix, ``hessian`` the
    diagonal of ``H`` on the first ``len(hessian)`` columns."""
    import highspy

    highs = _quiet_highs()  # at HiGHS's own tolerances: the face it ends on is all the caller reads
    rows, columns = A.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = columns, rows
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.where(np.isfinite(lower), lower, -highspy.kHighsInf)
    lp.col_upper_ = np.full(columns, highspy.kHighsInf)
    lp.row_lower_ = lp.row_upper_ = np.asarray(b, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    model = highspy.HighsModel()
    model.lp_ = lp
    if hessian is not None:
        k = len(hessian)
        model.hessian_.dim_ = columns
        model.hessian_.format_ = highspy.HessianFormat.kTriangular
        model.hessian_.start_ = np.concatenate([np.arange(k + 1), np.full(columns - k, k)]).astype(np.int32)
        model.hessian_.index_ = np.arange(k, dtype=np.int32)
        model.hessian_.value_ = np.asarray(hessian, dtype=float)
    highs.passModel(model)
    highs.run()
    status = highs.getModelStatus()
    solution = highs.getSolution()
    # HiGHS's QP solver may end "claiming optimality, but with primal infeasibilities" above its
    # tolerance (1e-7) on a nearly flat quadratic (a wide Normal prior: curvature 1e-5), then says
    # "Solve error"; its point still names the face, and the caller's exact solve and certificate decide
    if status != highspy.HighsModelStatus.kOptimal and not (status == highspy.HighsModelStatus.kSolveError
                                                          and solution.value_valid):
        raise InputError(f"HiGHS found no optimum of the mode's program ({highs.modelStatusToString(status)}).")
    return np.asarray(solution.col_value, dtype=float)


def box_maxima(A: np.ndarray, low: np.ndarray, high: np.ndarray, costs) -> np.ndarray:
    """``max c'x subject to A x = 0, low <= x <= high`` for each cost vector ``c`` of ``costs``, one
    after another on one program whose costs alone change (each solve starts from the last one's
    basis). The dual of a least-absolute-deviations fit: its value is the smallest total loss."""
    import highspy
    import scipy.sparse as sparse

    highs = _quiet_highs()
    A = sparse.csc_matrix(A)
    rows, columns = A.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = columns, rows
    lp.col_cost_ = np.zeros(columns)
    lp.col_lower_, lp.col_upper_ = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    lp.row_lower_ = lp.row_upper_ = np.zeros(rows)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    lp.sense_ = highspy.ObjSense.kMaximize
    highs.passModel(lp)
    everything = np.arange(columns, dtype=np.int32)
    values = []
    for cost in costs:
        highs.changeColsCost(columns, everything, np.asarray(cost, dtype=float))
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise InputError(f"HiGHS found no optimum of a least-absolute-deviations program "
                             f"({highs.modelStatusToString(highs.getModelStatus())}).")
        values.append(highs.getInfo().objective_function_value)
    return np.array(values)

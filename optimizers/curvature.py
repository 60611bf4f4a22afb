"""The exact Hessian diagonal, for the methods that estimate it (Sophia, AdaHessian).

On a network those methods estimate diag ∇²f with Hutchinson's trick (a random
Hessian-vector product); on a 2D surface the surface's own Hessian gives it exactly,
so the path is deterministic. Both refresh the estimate every ``update_period``
steps: at steps t = 1, 1 + k, 1 + 2k, ... (Sophia's "t mod k = 1"; step index
k_step = t - 1 a multiple of k).
"""

from landscapes._jit import jit_inline
from optimizers._spec import scratch_rows

# The rows of the scratch array T that receive the Hessian's entries.
T_ROWS = scratch_rows("hxx", "hxy", "hyy")


@jit_inline
def due(k, period):
    """Whether step k (0, 1, ...) refreshes an estimate made every `period` steps."""
    return k % period == 0.0


@jit_inline
def diagonal_if_due(k, H, period_row, m, xs, ys, hessian, lp, T):
    """When some run refreshes at step k (its H[period_row] divides k), the Hessian
    at every run's iterate into T's rows hxx, hxy, hyy (one call for the chunk)."""
    for i in range(m):
        if due(k, H[period_row, i]):
            hessian(lp, xs, ys, m, T[T_ROWS.hxx], T[T_ROWS.hxy], T[T_ROWS.hyy])
            return

"""Helpers of the tensor-wise steps (LAMB, LARS, NovoGrad): sums per parameter tensor.

A step gets ``groups``, the tensor of each run (docs/adding-an-optimizer.md): on a
plane ``0..m-1`` (each point (x, y) is its own tensor), in network training each pair
of a network's tensor (``optimizers.train.paired``). A tensor-wise step adds each
run's part of a sum into its tensor's column of a scratch row (``T[row, groups[i]]
+= ...``, the row cleared first; a tensor's index is below m, the columns of T), then
applies the sums in a second loop.

When each run is its own tensor (`each_run_alone`: always on a plane), a tensor's
sum is its one run's part, and the step takes it in its one loop over the runs, as
before it had `groups`: no scatter or gather by `groups`, which kept LLVM from
vectorizing the loops (LAMB's plane took 3.9x Adam's time with them, NovoGrad's 2.5x)
and the paths are the per-run ones to the bit.
"""

import numpy as np

from landscapes._jit import jit_inline


@jit_inline
def each_run_alone(groups, m):
    """Each run is its own tensor (groups numbers tensors 0, 1, ... in order, so
    the last run's is m - 1 only then)."""
    return groups[m - 1] == m - 1


@jit_inline
def clear(T, row, m):
    """Zero the per-tensor sums of scratch row `row` (tensor indices are < m)."""
    for i in range(m):
        T[row, i] = 0.0


@jit_inline
def trust_ratio(param_sq, update_sq, trust_coefficient, eps):
    """optax.scale_by_trust_ratio's factor for the update u of the parameter tensor
    p, from their squared norms ‖p‖² and ‖u‖²: τ‖p‖/(‖u‖ + ε), and 1 where either
    norm is 0."""
    param_norm = np.sqrt(param_sq)
    update_norm = np.sqrt(update_sq)
    if param_norm == 0.0 or update_norm == 0.0:
        return 1.0
    return trust_coefficient * param_norm / (update_norm + eps)

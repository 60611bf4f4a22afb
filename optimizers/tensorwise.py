"""Helpers of the tensor-wise steps (LAMB, LARS, NovoGrad): norms per parameter tensor.

A step gets ``groups``, the tensor of each run (docs/adding-an-optimizer.md): on a
plane ``0..m-1`` (each point (x, y) is its own tensor), in network training each pair
of a network's tensor (``optimizers.train.paired``). A tensor-wise step sums its
runs' squares per tensor into scratch rows, indexed by the tensor (a tensor's index
is below m, the columns of T), then applies them in a second loop. On a plane each
sum is 0.0 plus one run's value, which is that value exactly: the paths are the
per-run ones to the bit.
"""

import numpy as np

from landscapes._jit import jit_inline


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

"""What the empirical-risk surfaces share: L(θ) = (1/|B|) Σ_{i∈B} ℓᵢ(θ) over a batch B.

A surface over a data set keeps the data in its kernel parameters, with the batch the
kernels sum over at the end, in one layout every such surface uses:

    p = [N, |B|, <the surface's own columns>, i₁, ..., i_N]

``p[0]`` is the number of examples N, ``p[1]`` the batch size |B|, and the last N
entries hold the batch's example indices in their first |B| places. The surface's
``kernel_params`` hold the full batch (|B| = N, indices 0..N-1), so ``value`` and
``grad`` are the full training loss. The run kernel minibatches any such surface the
same way: it writes each step's batch into a copy of p (``optimizers._driver``), so
every optimizer, line searches and SAM included, sees that step's batch loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape
from landscapes.datasets import Dataset

HEADER = 2  # p[0] = N, p[1] = |B|


def pack(columns) -> np.ndarray:
    """Kernel parameters for N examples given as equal-length columns (full batch)."""
    n = len(columns[0])
    return np.concatenate(
        [
            [float(n), float(n)],
            *[np.asarray(c, np.float64) for c in columns],
            np.arange(n),
        ]
    )


def with_batch(p: np.ndarray, indices) -> np.ndarray:
    """A copy of `p` whose batch is `indices` (example numbers in [0, N))."""
    n = int(p[0])
    indices = np.asarray(indices, dtype=np.int64)
    if indices.ndim != 1 or not 1 <= len(indices) <= n:
        raise ValueError(f"a batch holds 1 to {n} example indices; got {indices.shape}")
    if indices.min() < 0 or indices.max() >= n:
        raise ValueError(f"example indices must lie in [0, {n})")
    q = p.copy()
    q[1] = len(indices)
    q[q.size - n : q.size - n + len(indices)] = indices
    return q


@jit_inline
def batch_example(p, j):
    """The example number of the j-th member of p's batch."""
    return int(p[p.size - int(p[0]) + j])


@dataclass(frozen=True, eq=False)
class EmpiricalRisk(Landscape):
    """A Landscape that is the mean loss over a data set: ``data`` is the Dataset
    (with its held-out ``data.test``), ``n_examples`` N.

    ``examples(x, y)`` gives each example's loss and gradient at θ = (x, y), and
    ``batch_value_grad`` the mean over a chosen batch.
    """

    data: Dataset | None = None

    @property
    def n_examples(self) -> int:
        return int(self.kernel_params[0])

    @property
    def work_per_point(self) -> int:
        return self.n_examples

    def examples(self, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        """(ℓᵢ (N,), ∇ℓᵢ (N, 2)) at θ = (x, y): every example's loss and gradient."""
        from landscapes._dispatch import surface_kernel

        n = self.n_examples
        values, gx, gy = np.empty(n), np.empty(n), np.empty(n)
        kernel = surface_kernel(self.lid, "examples")
        kernel(self.kernel_params, float(x), float(y), values, gx, gy)
        return values, np.column_stack([gx, gy])

    def batch_values(self, x, y, indices) -> np.ndarray:
        """L_B at every point of the broadcast arrays x, y: the loss of one batch (for
        drawing a minibatch's own surface)."""
        from landscapes._dispatch import surface_kernel
        from landscapes.base import _flatten

        xs, ys, shape = _flatten(x, y)
        out = np.empty_like(xs)
        q = with_batch(self.kernel_params, indices)
        scratch = (np.empty_like(xs), np.empty_like(xs))
        work = xs.size * len(indices)
        surface_kernel(self.lid, "grid")(work, q, xs, ys, out, *scratch)
        return out.reshape(shape)

    def batch_value_grad(self, x: float, y: float, indices):
        """(L_B, ∂L_B/∂x, ∂L_B/∂y): the mean loss over the batch `indices`."""
        from landscapes._dispatch import point

        q = with_batch(self.kernel_params, indices)
        return tuple(float(v) for v in point(self.lid, q, x, y))

r"""Iterate averaging: an extra path of averaged iterates beside the optimizer's own.

SWA (uniform average from step s on):

.. math::  \bar\theta_t = \frac{1}{t - s + 1}\sum_{i=s}^{t} \theta_i \quad (t \ge s),
    \qquad \bar\theta_t = \theta_t \ (t < s)

Polynomial-decay averaging with γ ≥ 0 (γ = 0 is the uniform average of all iterates):

.. math::  \bar\theta_0 = \theta_0, \qquad
    \bar\theta_t = \Big(1 - \frac{\gamma+1}{t+\gamma+1}\Big)\bar\theta_{t-1}
                   + \frac{\gamma+1}{t+\gamma+1}\,\theta_t

References: P. Izmailov et al. (2018), Averaging weights leads to wider optima and
better generalization, UAI (SWA); O. Shamir and T. Zhang (2013), Stochastic gradient
descent for non-smooth optimization: convergence results and optimal averaging
schemes, ICML (polynomial-decay averaging, the lecture notes' γ = 3).
"""

from __future__ import annotations

import numpy as np

NAMES = ("swa", "polynomial")


def swa(path: np.ndarray, start: int = 0) -> np.ndarray:
    """Running uniform average of path[start:], path itself before `start`."""
    path = np.asarray(path, dtype=np.float64)
    out = path.copy()
    if start < len(path):
        tail = path[start:]
        counts = np.arange(1, len(tail) + 1, dtype=np.float64)[:, None]
        out[start:] = np.cumsum(tail, axis=0) / counts
    return out


def polynomial(path: np.ndarray, gamma: float = 3.0) -> np.ndarray:
    """Polynomial-decay average with parameter γ (a short loop: it is a recursion)."""
    path = np.asarray(path, dtype=np.float64)
    out = np.empty_like(path)
    if len(path) == 0:
        return out
    out[0] = path[0]
    for t in range(1, len(path)):
        weight = (gamma + 1.0) / (t + gamma + 1.0)
        out[t] = (1.0 - weight) * out[t - 1] + weight * path[t]
    return out

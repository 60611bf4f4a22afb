r"""Normalized steepest descent: a step of fixed length η along -∇f.

.. math::  \theta_{t+1} = \theta_t - \eta_t \frac{\nabla f(\theta_t)}{\lVert\nabla f(\theta_t)\rVert}

η = ``lr`` is the step length itself. Where the gradient is exactly zero no step is taken.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

SPEC = OptimizerSpec(
    name="normalized_gd",
    family="SGD family",
    title="Normalized steepest descent",
    hyperparameters=(Hyperparameter("lr", 1e-2, help="step length η"),),
    latex=r"\theta_{t+1} = \theta_t - \eta_t\,\nabla f(\theta_t)/\lVert\nabla f(\theta_t)\rVert",
    reference=(
        "M. J. Kochenderfer and T. A. Wheeler (2019), Algorithms for Optimization, "
        "MIT Press, §5.1 (normalized direction of steepest descent)."
    ),
)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        norm = np.sqrt(GX[i] * GX[i] + GY[i] * GY[i])
        scale = LR[i] / norm if norm > 0.0 else 0.0
        xs[i] -= scale * GX[i]
        ys[i] -= scale * GY[i]

r"""Sharpness-aware minimization (SAM) with a plain gradient step.

.. math::
    \epsilon_t = \rho\,\frac{\nabla f(\theta_t)}{\lVert\nabla f(\theta_t)\rVert + 10^{-12}},
    \qquad \theta_{t+1} = \theta_t - \eta_t\,\nabla f(\theta_t + \epsilon_t)

η = ``lr``, ρ = ``rho`` (radius of the neighbourhood whose worst case is descended).
The 1e-12 guard is the reference implementation's. Costs two gradients per step.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

SPEC = OptimizerSpec(
    name="sam",
    title="SAM (sharpness-aware)",
    hyperparameters=(
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        Hyperparameter("rho", 0.05, help="neighbourhood radius ρ"),
    ),
    latex=(
        r"\epsilon_t = \rho\,\frac{\nabla f(\theta_t)}{\lVert\nabla f(\theta_t)\rVert},"
        r"\ \theta_{t+1} = \theta_t - \eta_t\nabla f(\theta_t + \epsilon_t)"
    ),
    reference=(
        "P. Foret, A. Kleiner, H. Mobahi and B. Neyshabur (2021), Sharpness-aware "
        "minimization for efficiently improving generalization, ICLR."
    ),
)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T):
    for i in range(m):
        scale = H[1, i] / (np.sqrt(GX[i] * GX[i] + GY[i] * GY[i]) + 1e-12)
        T[0, i] = xs[i] + scale * GX[i]
        T[1, i] = ys[i] + scale * GY[i]
    evaluate(lp, T[0], T[1], m, T[2], T[3], T[4])
    for i in range(m):
        xs[i] -= LR[i] * T[3, i]
        ys[i] -= LR[i] * T[4, i]

r"""Sharpness-aware minimization (SAM) with a plain gradient step.

.. math::
    \epsilon_t = \rho\,\frac{\nabla f(\theta_t)}{\lVert\nabla f(\theta_t)\rVert + 10^{-12}},
    \qquad \theta_{t+1} = \theta_t - \eta_t\,\nabla f(\theta_t + \epsilon_t)

η = ``lr``, ρ = ``rho`` (radius of the neighbourhood whose worst case is descended).
The 1e-12 guard is the reference implementation's. Costs two gradients per step.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec, scratch_rows

SPEC = OptimizerSpec(
    name="sam",
    family="sharpness-aware",
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

# The rows of H by name, generated from SPEC (optimizers._spec); T's rows hold the
# perturbed point θ + ε, and f and its gradient there.
H_ROWS = SPEC.hyperparameter_rows()
T_ROWS = scratch_rows("ascent_x", "ascent_y", "ascent_f", "ascent_gx", "ascent_gy")


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T):
    for i in range(m):
        scale = H[H_ROWS.rho, i] / (np.sqrt(GX[i] * GX[i] + GY[i] * GY[i]) + 1e-12)
        T[T_ROWS.ascent_x, i] = xs[i] + scale * GX[i]
        T[T_ROWS.ascent_y, i] = ys[i] + scale * GY[i]
    evaluate(
        lp,
        T[T_ROWS.ascent_x],
        T[T_ROWS.ascent_y],
        m,
        T[T_ROWS.ascent_f],
        T[T_ROWS.ascent_gx],
        T[T_ROWS.ascent_gy],
    )
    for i in range(m):
        xs[i] -= LR[i] * T[T_ROWS.ascent_gx, i]
        ys[i] -= LR[i] * T[T_ROWS.ascent_gy, i]

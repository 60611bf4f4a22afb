r"""Damped Newton's method: the step that minimizes the local quadratic model.

.. math::  \theta_{t+1} = \theta_t - \eta_t\,\big(\nabla^2 f(\theta_t) + \lambda I\big)^{-1}\nabla f(\theta_t)

η = ``lr`` (1 = the full Newton step; on a quadratic it lands on the minimum in one
step), λ = ``damping`` (Levenberg's shift of the Hessian). Newton looks for ∇f = 0, not
for a minimum: where the Hessian is indefinite (a saddle) it walks *towards* the saddle
point. A singular Hessian gives a non-finite step, reported as divergence.
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec, scratch_rows

SPEC = OptimizerSpec(
    name="newton",
    family="second-order and quasi-Newton",
    title="Newton (damped)",
    hyperparameters=(
        Hyperparameter("lr", 1.0, help="step fraction η (1 = full Newton step)"),
        Hyperparameter("damping", 0.0, help="λ added to the Hessian's diagonal"),
    ),
    latex=(
        r"\theta_{t+1} = \theta_t - \eta_t\left(\nabla^2 f(\theta_t) + \lambda I"
        r"\right)^{-1}\nabla f(\theta_t)"
    ),
    reference=(
        "J. Nocedal and S. J. Wright (2006), Numerical Optimization, 2nd ed., "
        "Springer, §3.3-3.4; K. Levenberg (1944), Quart. Appl. Math. 2:164-168."
    ),
)

# The rows of H by name, generated from SPEC (optimizers._spec); T's rows hold the
# Hessian's entries.
H_ROWS = SPEC.hyperparameter_rows()
T_ROWS = scratch_rows("hxx", "hxy", "hyy")


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    hessian(lp, xs, ys, m, T[T_ROWS.hxx], T[T_ROWS.hxy], T[T_ROWS.hyy])
    for i in range(m):
        a = T[T_ROWS.hxx, i] + H[H_ROWS.damping, i]
        b = T[T_ROWS.hxy, i]
        c = T[T_ROWS.hyy, i] + H[H_ROWS.damping, i]
        det = a * c - b * b
        xs[i] -= LR[i] * (c * GX[i] - b * GY[i]) / det
        ys[i] -= LR[i] * (a * GY[i] - b * GX[i]) / det

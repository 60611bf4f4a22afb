r"""Plain (full-batch) gradient descent, the lecture notes' first update rule.

.. math::  \theta_{t+1} = \theta_t - \eta_t \nabla f(\theta_t)

η = ``lr``. On a quadratic it converges iff η < 2/λmax of the Hessian.
"""

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="gd",
    family="SGD family",
    title="Gradient descent",
    hyperparameters=(Hyperparameter("lr", 1e-3, help=LR_HELP),),
    latex=r"\theta_{t+1} = \theta_t - \eta_t \nabla f(\theta_t)",
    reference=(
        "A. Cauchy (1847), Méthode générale pour la résolution des systèmes "
        "d'équations simultanées, C. R. Acad. Sci. Paris 25:536-538."
    ),
)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        xs[i] -= LR[i] * GX[i]
        ys[i] -= LR[i] * GY[i]

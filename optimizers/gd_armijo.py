r"""Gradient descent with Armijo backtracking: shrink the step until it decreases f enough.

.. math::
    \alpha_t = \max\{\eta_t \rho^j : f(\theta_t - \eta_t\rho^j \nabla f) \le
      f(\theta_t) - c_1 \eta_t \rho^j \lVert\nabla f(\theta_t)\rVert^2\}, \qquad
    \theta_{t+1} = \theta_t - \alpha_t \nabla f(\theta_t)

η = ``lr`` (first trial step), ρ = ``rho`` (shrink factor), c₁ = ``c1``. The step
actually used, α_t, is what the result records as the lr.
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.line_search import armijo

# The step writes the step length its line search chose into LR (recorded as the lr).
STEP_SETS_LR = True

SPEC = OptimizerSpec(
    name="gd_armijo",
    family="line search and conjugate gradient",
    title="Gradient descent, Armijo backtracking",
    hyperparameters=(
        Hyperparameter("lr", 1.0, open_low=True, help="first trial step η"),
        Hyperparameter(
            "c1",
            1e-4,
            0.0,
            1.0,
            open_low=True,
            open_high=True,
            help="sufficient-decrease constant c₁",
        ),
        Hyperparameter(
            "rho",
            0.5,
            0.0,
            1.0,
            open_low=True,
            open_high=True,
            help="backtracking factor ρ",
        ),
    ),
    latex=(
        r"\alpha_t = \max_j \{\eta\rho^j : f(\theta_t - \eta\rho^j g_t) \le f(\theta_t)"
        r" - c_1\eta\rho^j\lVert g_t\rVert^2\},\ \theta_{t+1} = \theta_t - \alpha_t g_t"
    ),
    reference=(
        "L. Armijo (1966), Pacific J. Math. 16(1):1-3; J. Nocedal and S. J. Wright "
        "(2006), Numerical Optimization, Algorithm 3.1."
    ),
)

# The rows of H by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        c1 = H[H_ROWS.c1, i]
        rho = H[H_ROWS.rho, i]
        alpha = armijo(point, lp, xs[i], ys[i], GX[i], GY[i], F[i], LR[i], c1, rho)
        LR[i] = alpha
        xs[i] -= alpha * GX[i]
        ys[i] -= alpha * GY[i]

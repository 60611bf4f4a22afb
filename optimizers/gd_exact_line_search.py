r"""Steepest descent with an exact line search (Brent's method) along -∇f.

.. math::
    \alpha_t = \arg\min_{\alpha \ge 0} f(\theta_t - \alpha \nabla f(\theta_t)), \qquad
    \theta_{t+1} = \theta_t - \alpha_t \nabla f(\theta_t)

``lr`` is only the first trial step of the bracketing; the step actually used, α_t, is
what the result records as the lr. Successive directions are orthogonal: at the new
point the gradient is perpendicular to the old one (the zig-zag of the lecture notes).
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.line_search import brent

# The step writes the step length its line search chose into LR (recorded as the lr).
STEP_SETS_LR = True

SPEC = OptimizerSpec(
    name="gd_exact_line_search",
    family="line search and conjugate gradient",
    title="Steepest descent, exact line search",
    hyperparameters=(
        Hyperparameter("lr", 1e-2, open_low=True, help="first trial step α₀"),
    ),
    latex=(
        r"\alpha_t = \arg\min_{\alpha\ge 0} f(\theta_t - \alpha\nabla f(\theta_t)),\ "
        r"\theta_{t+1} = \theta_t - \alpha_t\nabla f(\theta_t)"
    ),
    reference=(
        "A. Cauchy (1847); R. P. Brent (1973), Algorithms for Minimization without "
        "Derivatives, Prentice-Hall, ch. 5."
    ),
)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        alpha = brent(point, lp, xs[i], ys[i], -GX[i], -GY[i], F[i], LR[i])
        LR[i] = alpha
        xs[i] -= alpha * GX[i]
        ys[i] -= alpha * GY[i]

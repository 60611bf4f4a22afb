r"""Nonlinear conjugate gradient, Fletcher–Reeves and Polak–Ribière, with Brent's exact
line search.

.. math::
    \begin{align*}
    d_0 &= -g_0, \qquad \alpha_t = \arg\min_{\alpha \ge 0} f(\theta_t + \alpha d_t),
    \qquad \theta_{t+1} = \theta_t + \alpha_t d_t \\
    \beta_t^{FR} &= \frac{g_t^\top g_t}{g_{t-1}^\top g_{t-1}}, \qquad
    \beta_t^{PR} = \max\left(0, \frac{g_t^\top (g_t - g_{t-1})}{g_{t-1}^\top g_{t-1}}\right) \\
    d_t &= -g_t + \beta_t d_{t-1}
    \end{align*}

``lr`` is the first trial step of the line search. Safeguard: if d_t is not a descent
direction (g_tᵀd_t ≥ 0, possible when the line search is inexact) it is reset to -g_t.
On a 2D quadratic with exact line searches both variants reach the minimum in two steps.
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.line_search import brent

# The step writes the step length its line search chose into LR (recorded as the lr).
STEP_SETS_LR = True

LATEX_COMMON = (
    r"d_t = -g_t + \beta_t d_{t-1},\ \alpha_t = \arg\min_\alpha f(\theta_t + \alpha d_t)"
    r",\ \theta_{t+1} = \theta_t + \alpha_t d_t"
)
HYPERPARAMETERS = (
    Hyperparameter(
        "lr", 1e-2, open_low=True, help="first trial step of the line search"
    ),
)
REFERENCE_BRENT = "line search: R. P. Brent (1973), ch. 5."
# The previous gradient, which β_t reads (not shown to users).
INTERNAL_STATE = {"previous_grad_x": 0, "previous_grad_y": 1}

SPEC_FR = OptimizerSpec(
    name="cg_fletcher_reeves",
    family="line search and conjugate gradient",
    title="Conjugate gradient (Fletcher–Reeves)",
    hyperparameters=HYPERPARAMETERS,
    latex=r"\beta_t = \frac{g_t^\top g_t}{g_{t-1}^\top g_{t-1}},\ " + LATEX_COMMON,
    reference=(
        "R. Fletcher and C. M. Reeves (1964), Function minimization by conjugate "
        "gradients, The Computer Journal 7(2):149-154; " + REFERENCE_BRENT
    ),
    state={"direction": (2, 3)},
    internal_state=INTERNAL_STATE,
)
SPEC_PR = OptimizerSpec(
    name="cg_polak_ribiere",
    family="line search and conjugate gradient",
    title="Conjugate gradient (Polak–Ribière)",
    hyperparameters=HYPERPARAMETERS,
    latex=(
        r"\beta_t = \max\!\left(0, \frac{g_t^\top(g_t - g_{t-1})}{g_{t-1}^\top "
        r"g_{t-1}}\right),\ " + LATEX_COMMON
    ),
    reference=(
        "E. Polak and G. Ribière (1969), Note sur la convergence de méthodes de "
        "directions conjuguées, ESAIM M2AN 3(R1):35-43; " + REFERENCE_BRENT
    ),
    state={"direction": (2, 3)},
    internal_state=INTERNAL_STATE,
)

# The rows of S by name, generated from the specs (optimizers._spec), which share
# them (tests/test_spec.py checks it).
S_ROWS = SPEC_FR.state_rows()


@jit_inline
def _step(k, S, m, xs, ys, F, GX, GY, LR, point, lp, polak_ribiere):
    for i in range(m):
        gx = GX[i]
        gy = GY[i]
        dx = -gx
        dy = -gy
        previous_x = S[S_ROWS.previous_grad_x, i]
        previous_y = S[S_ROWS.previous_grad_y, i]
        previous = previous_x * previous_x + previous_y * previous_y
        if k > 0 and previous > 0.0:
            if polak_ribiere:
                beta = (gx * (gx - previous_x) + gy * (gy - previous_y)) / previous
                beta = max(beta, 0.0)
            else:
                beta = (gx * gx + gy * gy) / previous
            dx += beta * S[S_ROWS.direction_x, i]
            dy += beta * S[S_ROWS.direction_y, i]
            if gx * dx + gy * dy >= 0.0:
                dx = -gx
                dy = -gy
        alpha = brent(point, lp, xs[i], ys[i], dx, dy, F[i], LR[i])
        LR[i] = alpha
        xs[i] += alpha * dx
        ys[i] += alpha * dy
        S[S_ROWS.previous_grad_x, i] = gx
        S[S_ROWS.previous_grad_y, i] = gy
        S[S_ROWS.direction_x, i] = dx
        S[S_ROWS.direction_y, i] = dy


@jit_inline
def step_fletcher_reeves(
    k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups
):
    _step(k, S, m, xs, ys, F, GX, GY, LR, point, lp, False)


@jit_inline
def step_polak_ribiere(
    k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups
):
    _step(k, S, m, xs, ys, F, GX, GY, LR, point, lp, True)

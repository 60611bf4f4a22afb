r"""Adadelta, exactly as torch.optim.Adadelta.

.. math::
    \begin{align*}
    g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
    v_t &= \rho v_{t-1} + (1-\rho) g_t^2 \\
    \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
    u_t &= \rho u_{t-1} + (1-\rho) \Delta_t^2 \\
    \theta_t &= \theta_{t-1} - \eta_t \Delta_t
    \end{align*}

η = ``lr`` (torch's default 1.0: Adadelta sets its own scale), ρ = ``rho``,
ε = ``eps``, λ = ``weight_decay``.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="adadelta",
    family="adaptive",
    title="Adadelta",
    hyperparameters=(
        Hyperparameter("lr", 1.0, help=LR_HELP),
        Hyperparameter("rho", 0.9, 0.0, 1.0, help="decay ρ of both averages"),
        Hyperparameter("eps", 1e-6, help="ε inside the roots"),
        Hyperparameter("weight_decay", 0.0, help="L2 penalty λ"),
    ),
    latex=(
        r"\begin{aligned} v_t &= \rho v_{t-1} + (1-\rho) g_t^2,\quad \Delta_t = "
        r"\frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}\,g_t\\ u_t &= \rho u_{t-1}"
        r" + (1-\rho)\Delta_t^2,\quad \theta_t = \theta_{t-1} - \eta_t\Delta_t"
        r"\end{aligned}"
    ),
    reference=(
        "M. D. Zeiler (2012), ADADELTA: an adaptive learning rate method, "
        "arXiv:1212.5701; torch.optim.Adadelta."
    ),
    state={"square_avg": (0, 1), "acc_delta": (2, 3)},
    torch_class="Adadelta",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        rho = H[H_ROWS.rho, i]
        eps = H[H_ROWS.eps, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        gx = GX[i] + weight_decay * xs[i]
        gy = GY[i] + weight_decay * ys[i]
        # v: square_avg, u: acc_delta.
        vx = rho * S[S_ROWS.square_avg_x, i] + (1.0 - rho) * gx * gx
        vy = rho * S[S_ROWS.square_avg_y, i] + (1.0 - rho) * gy * gy
        S[S_ROWS.square_avg_x, i] = vx
        S[S_ROWS.square_avg_y, i] = vy
        ux = S[S_ROWS.acc_delta_x, i]
        uy = S[S_ROWS.acc_delta_y, i]
        delta_x = np.sqrt(ux + eps) / np.sqrt(vx + eps) * gx
        delta_y = np.sqrt(uy + eps) / np.sqrt(vy + eps) * gy
        S[S_ROWS.acc_delta_x, i] = rho * ux + (1.0 - rho) * delta_x * delta_x
        S[S_ROWS.acc_delta_y, i] = rho * uy + (1.0 - rho) * delta_y * delta_y
        xs[i] -= LR[i] * delta_x
        ys[i] -= LR[i] * delta_y

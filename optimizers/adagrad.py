r"""Adagrad, exactly as torch.optim.Adagrad.

.. math::
    \begin{align*}
    g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
    \tilde\eta_t = \eta / (1 + (t-1)\,\delta) \\
    s_t &= s_{t-1} + g_t^2 \quad (s_0 = \text{initial\_accumulator\_value}) \\
    \theta_t &= \theta_{t-1} - \tilde\eta_t\, g_t / (\sqrt{s_t} + \epsilon)
    \end{align*}

η = ``lr``, δ = ``lr_decay``, λ = ``weight_decay``, ε = ``eps``; per coordinate.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="adagrad",
    family="adaptive",
    title="Adagrad",
    hyperparameters=(
        Hyperparameter("lr", 1e-2, help=LR_HELP),
        Hyperparameter("lr_decay", 0.0, help="inverse-time decay δ of the lr"),
        Hyperparameter("weight_decay", 0.0, help="L2 penalty λ"),
        Hyperparameter("initial_accumulator_value", 0.0, help="s₀"),
        Hyperparameter("eps", 1e-10, help="ε added to √s"),
    ),
    latex=(
        r"\begin{aligned} s_t &= s_{t-1} + g_t^2\\ \theta_t &= \theta_{t-1} - "
        r"\frac{\eta}{1+(t-1)\delta}\,\frac{g_t}{\sqrt{s_t}+\epsilon}\end{aligned}"
    ),
    reference=(
        "J. Duchi, E. Hazan and Y. Singer (2011), Adaptive subgradient methods for "
        "online learning and stochastic optimization, JMLR 12:2121-2159; torch.optim.Adagrad."
    ),
    state={"sum": (0, 1)},
    torch_class="Adagrad",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.sum_x, i] = H[H_ROWS.initial_accumulator_value, i]
        S[S_ROWS.sum_y, i] = H[H_ROWS.initial_accumulator_value, i]


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        weight_decay = H[H_ROWS.weight_decay, i]
        eps = H[H_ROWS.eps, i]
        gx = GX[i] + weight_decay * xs[i]
        gy = GY[i] + weight_decay * ys[i]
        clr = LR[i] / (1.0 + k * H[H_ROWS.lr_decay, i])
        S[S_ROWS.sum_x, i] += gx * gx
        S[S_ROWS.sum_y, i] += gy * gy
        xs[i] -= clr * (gx / (np.sqrt(S[S_ROWS.sum_x, i]) + eps))
        ys[i] -= clr * (gy / (np.sqrt(S[S_ROWS.sum_y, i]) + eps))

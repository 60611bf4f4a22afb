r"""Signum (sign of momentum), exactly as optax.signum.

.. math::
    \begin{align*}
    m_t &= \beta m_{t-1} + (1-\beta) g_t, \qquad m_0 = 0 \\
    \theta_t &= \theta_{t-1} - \eta_t\,\operatorname{sign}(m_t)
    \end{align*}

η = ``lr``, β = ``momentum`` (optax's ``beta``); g = ∇f(θₜ₋₁). With β = 0 it is
signSGD. Reference: J. Bernstein, Y.-X. Wang, K. Azizzadenesheli and A. Anandkumar
(2018), signSGD: compressed optimisation for non-convex problems, ICML (Algorithm 1).
optax chains ``ema(beta, debias=False)``, ``scale_by_sign`` and
``scale_by_learning_rate``, as here. Where libraries disagree: optax has no weight
decay, and no learning-rate default nor an example; ours is 0.01, a step of 0.01
along each coordinate. sign(0) = 0: no move along a
coordinate whose momentum is zero.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

LINES = (
    r"m_t &= \beta m_{t-1} + (1-\beta) g_t\\ "
    r"\theta_t &= \theta_{t-1} - \eta_t \operatorname{sign}(m_t)"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="signum",
    family="sign-based",
    title="Signum",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.01,
            help="learning rate η, each coordinate's step length; optax has no "
            "default, 0.01 is ours",
        ),
        Hyperparameter(
            "momentum",
            0.9,
            0.0,
            1.0,
            open_high=True,
            help="momentum β (optax's beta); 0 is signSGD",
        ),
    ),
    latex=LATEX,
    reference=(
        "J. Bernstein, Y.-X. Wang, K. Azizzadenesheli and A. Anandkumar (2018), "
        "signSGD: compressed optimisation for non-convex problems, ICML (Signum); "
        "optax.signum."
    ),
    state={"momentum_buffer": (0, 1)},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        beta = H[H_ROWS.momentum, i]
        mx = (1.0 - beta) * GX[i] + beta * S[S_ROWS.momentum_buffer_x, i]
        my = (1.0 - beta) * GY[i] + beta * S[S_ROWS.momentum_buffer_y, i]
        S[S_ROWS.momentum_buffer_x, i] = mx
        S[S_ROWS.momentum_buffer_y, i] = my
        xs[i] -= LR[i] * np.sign(mx)
        ys[i] -= LR[i] * np.sign(my)

r"""Lion (EvoLved Sign Momentum), exactly as optax.lion.

.. math::
    \begin{align*}
    u_t &= \operatorname{sign}\big(\beta_1 m_{t-1} + (1-\beta_1) g_t\big) \\
    \theta_t &= \theta_{t-1} - \eta_t\,(u_t + \lambda\theta_{t-1}) \\
    m_t &= \beta_2 m_{t-1} + (1-\beta_2) g_t
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, λ = ``weight_decay``, g = ∇f(θₜ₋₁), m₀ = 0.
Reference: X. Chen et al. (2023), Symbolic discovery of optimization algorithms
(Algorithm 2). optax (``scale_by_lion``, ``add_decayed_weights``,
``scale_by_learning_rate``) adds λθ to the sign before scaling by -η, as here; the
paper writes the same. Where libraries disagree: optax requires a learning rate (no
default); ours is the 0.003 of optax's own example. optax's default λ is 1e-3, the
paper's 0; sign(0) = 0 (no move along a coordinate with zero interpolation).
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

LINES = (
    r"u_t &= \operatorname{sign}(\beta_1 m_{t-1} + (1-\beta_1) g_t)\\ "
    r"\theta_t &= \theta_{t-1} - \eta_t (u_t + \lambda\theta_{t-1})\\ "
    r"m_t &= \beta_2 m_{t-1} + (1-\beta_2) g_t"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="lion",
    family="sign-based",
    title="Lion",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.003,
            help="learning rate (step size) η; optax has no default, 0.003 is its "
            "example's",
        ),
        Hyperparameter(
            "beta1", 0.9, 0.0, 1.0, help="β₁ (betas[0]): interpolation of the sign"
        ),
        Hyperparameter(
            "beta2", 0.99, 0.0, 1.0, help="β₂ (betas[1]): decay of the momentum"
        ),
        Hyperparameter("weight_decay", 1e-3, help="decoupled weight decay λ (optax)"),
    ),
    latex=LATEX,
    reference=(
        "X. Chen et al. (2023), Symbolic discovery of optimization algorithms, "
        "NeurIPS (Lion); optax.lion."
    ),
    state={"exp_avg": (0, 1)},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        gx = GX[i]
        gy = GY[i]
        mx = S[S_ROWS.exp_avg_x, i]
        my = S[S_ROWS.exp_avg_y, i]
        ux = np.sign((1.0 - beta1) * gx + beta1 * mx) + weight_decay * xs[i]
        uy = np.sign((1.0 - beta1) * gy + beta1 * my) + weight_decay * ys[i]
        S[S_ROWS.exp_avg_x, i] = (1.0 - beta2) * gx + beta2 * mx
        S[S_ROWS.exp_avg_y, i] = (1.0 - beta2) * gy + beta2 * my
        xs[i] -= lr * ux
        ys[i] -= lr * uy

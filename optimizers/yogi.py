r"""Yogi, exactly as optax.yogi (optax.scale_by_yogi, then the learning rate).

.. math::
    \begin{align*}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
    v_t &= v_{t-1} - (1-\beta_2)\,\operatorname{sign}(v_{t-1} - g_t^2)\,g_t^2 \\
    \theta_t &= \theta_{t-1} - \eta_t\,\frac{m_t/(1-\beta_1^t)}
        {\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, m₀ = v₀ =
``initial_accumulator_value``. Reference: M. Zaheer et al. (2018), Adaptive methods
for nonconvex optimization, NeurIPS (Algorithm 2). Where libraries disagree: the paper
has no bias correction and starts from v₀ given; optax bias-corrects both moments as
Adam does and starts m₀ and v₀ at 1e-6, as here. optax requires a learning rate (no
default); ours is the 0.002 of optax's own example. ε defaults to optax's 1e-3.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ v_t &= v_{t-1} - (1-\beta_2)"
    r"\,\mathrm{sign}(v_{t-1} - g_t^2)\,g_t^2\\ \theta_t &= \theta_{t-1} - "
    r"\eta_t\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)}+\epsilon}"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="yogi",
    family="adaptive",
    title="Yogi",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.002,
            help="learning rate (step size) η; optax has no default, 0.002 is its "
            "example's",
        ),
        Hyperparameter("beta1", 0.9, 0.0, 1.0, open_high=True, help="β₁ (betas[0])"),
        Hyperparameter("beta2", 0.999, 0.0, 1.0, open_high=True, help="β₂ (betas[1])"),
        Hyperparameter("eps", 1e-3, help="ε added to the root"),
        Hyperparameter(
            "initial_accumulator_value",
            1e-6,
            help="m₀ and v₀ (optax.scale_by_yogi)",
        ),
    ),
    latex=LATEX,
    reference=(
        "M. Zaheer, S. Reddi, D. Sachan, S. Kale and S. Kumar (2018), Adaptive "
        "methods for nonconvex optimization, NeurIPS (Yogi); optax.yogi."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3)},
    # Running powers β₁ᵗ and β₂ᵗ of the bias corrections.
    internal_state={"beta1_power": 4, "beta2_power": 5},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        initial = H[H_ROWS.initial_accumulator_value, i]
        S[S_ROWS.exp_avg_x, i] = initial
        S[S_ROWS.exp_avg_y, i] = initial
        S[S_ROWS.exp_avg_sq_x, i] = initial
        S[S_ROWS.exp_avg_sq_y, i] = initial
        S[S_ROWS.beta1_power, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        gx = GX[i]
        gy = GY[i]
        mx = (1.0 - beta1) * gx + beta1 * S[S_ROWS.exp_avg_x, i]
        my = (1.0 - beta1) * gy + beta1 * S[S_ROWS.exp_avg_y, i]
        gx2 = gx * gx
        gy2 = gy * gy
        vx = S[S_ROWS.exp_avg_sq_x, i]
        vy = S[S_ROWS.exp_avg_sq_y, i]
        vx = vx - (1.0 - beta2) * np.sign(vx - gx2) * gx2
        vy = vy - (1.0 - beta2) * np.sign(vy - gy2) * gy2
        S[S_ROWS.exp_avg_x, i] = mx
        S[S_ROWS.exp_avg_y, i] = my
        S[S_ROWS.exp_avg_sq_x, i] = vx
        S[S_ROWS.exp_avg_sq_y, i] = vy
        beta1_power = S[S_ROWS.beta1_power, i] * beta1
        beta2_power = S[S_ROWS.beta2_power, i] * beta2
        S[S_ROWS.beta1_power, i] = beta1_power
        S[S_ROWS.beta2_power, i] = beta2_power
        mx = mx / (1.0 - beta1_power)
        my = my / (1.0 - beta1_power)
        vx = vx / (1.0 - beta2_power)
        vy = vy / (1.0 - beta2_power)
        xs[i] -= lr * (mx / (np.sqrt(vx) + eps))
        ys[i] -= lr * (my / (np.sqrt(vy) + eps))

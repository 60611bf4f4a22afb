r"""AdaBelief, exactly as optax.adabelief.

.. math::
    \begin{align*}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
    s_t &= \beta_2 s_{t-1} + (1-\beta_2) (g_t - m_t)^2 + \epsilon_{root} \\
    \hat m_t &= \frac{m_t}{1-\beta_1^t} \quad \Big(\text{nesterov: }
        \beta_1\frac{m_t}{1-\beta_1^{t+1}} + (1-\beta_1)\frac{g_t}{1-\beta_1^t}\Big),
    \qquad \hat s_t = \frac{s_t}{1-\beta_2^t} \\
    \theta_t &= \theta_{t-1} - \eta_t\,\frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, ε_root = ``eps_root``, nesterov =
``nesterov``. Reference: J. Zhuang et al. (2020), AdaBelief optimizer: adapting
stepsizes by the belief in observed gradients (Algorithm 2). Where libraries disagree:
the paper adds ε to s inside the average and defaults to ε = 1e-8 (its note, and
optax's); optax's defaults are ε = ε_root = 1e-16, ours are optax's. optax requires a
learning rate (no default); ours is the 0.003 of optax's own example.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ s_t &= \beta_2 s_{t-1} + "
    r"(1-\beta_2)(g_t - m_t)^2 + \epsilon_{root}\\ \theta_t &= \theta_{t-1} - "
    r"\eta_t\,\frac{m_t/(1-\beta_1^t)}{\sqrt{s_t/(1-\beta_2^t)}+\epsilon}"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="adabelief",
    family="adaptive",
    title="AdaBelief",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.003,
            help="learning rate (step size) η; optax has no default, 0.003 is its "
            "example's",
        ),
        Hyperparameter("beta1", 0.9, 0.0, 1.0, open_high=True, help="β₁ (betas[0])"),
        Hyperparameter("beta2", 0.999, 0.0, 1.0, open_high=True, help="β₂ (betas[1])"),
        Hyperparameter("eps", 1e-16, help="ε added to the root"),
        Hyperparameter("eps_root", 1e-16, help="ε_root added to s (optax)"),
        Hyperparameter(
            "nesterov", False, kind="bool", help="Nesterov's look-ahead on m (optax)"
        ),
    ),
    latex=LATEX,
    reference=(
        "J. Zhuang et al. (2020), AdaBelief optimizer: adapting stepsizes by the "
        "belief in observed gradients, NeurIPS; optax.adabelief."
    ),
    state={"exp_avg": (0, 1), "exp_avg_var": (2, 3)},
    # Running powers β₁ᵗ and β₂ᵗ of the bias corrections.
    internal_state={"beta1_power": 4, "beta2_power": 5},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.beta1_power, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0


@jit_inline
def _loop(S, H, m, xs, ys, GX, GY, LR, nesterov, mixed):
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        eps_root = H[H_ROWS.eps_root, i]
        if mixed:
            nesterov = H[H_ROWS.nesterov, i] != 0.0
        gx = GX[i]
        gy = GY[i]
        mx = (1.0 - beta1) * gx + beta1 * S[S_ROWS.exp_avg_x, i]
        my = (1.0 - beta1) * gy + beta1 * S[S_ROWS.exp_avg_y, i]
        ex = gx - mx
        ey = gy - my
        sx = (1.0 - beta2) * (ex * ex) + beta2 * S[S_ROWS.exp_avg_var_x, i] + eps_root
        sy = (1.0 - beta2) * (ey * ey) + beta2 * S[S_ROWS.exp_avg_var_y, i] + eps_root
        S[S_ROWS.exp_avg_x, i] = mx
        S[S_ROWS.exp_avg_y, i] = my
        S[S_ROWS.exp_avg_var_x, i] = sx
        S[S_ROWS.exp_avg_var_y, i] = sy
        beta1_power = S[S_ROWS.beta1_power, i] * beta1
        beta2_power = S[S_ROWS.beta2_power, i] * beta2
        S[S_ROWS.beta1_power, i] = beta1_power
        S[S_ROWS.beta2_power, i] = beta2_power
        if nesterov:
            next_correction = 1.0 - beta1_power * beta1
            correction = 1.0 - beta1_power
            mx = beta1 * (mx / next_correction) + (1.0 - beta1) * (gx / correction)
            my = beta1 * (my / next_correction) + (1.0 - beta1) * (gy / correction)
        else:
            mx = mx / (1.0 - beta1_power)
            my = my / (1.0 - beta1_power)
        sx = sx / (1.0 - beta2_power)
        sy = sy / (1.0 - beta2_power)
        xs[i] -= lr * (mx / (np.sqrt(sx) + eps))
        ys[i] -= lr * (my / (np.sqrt(sy) + eps))


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    nesterov = H[H_ROWS.nesterov, 0] != 0.0
    mixed = False
    for i in range(m):
        mixed |= (H[H_ROWS.nesterov, i] != 0.0) != nesterov
    if mixed:
        _loop(S, H, m, xs, ys, GX, GY, LR, False, True)
    elif nesterov:
        _loop(S, H, m, xs, ys, GX, GY, LR, True, False)
    else:
        _loop(S, H, m, xs, ys, GX, GY, LR, False, False)

r"""NAdam (Adam with Nesterov momentum and momentum decay), exactly as torch.optim.NAdam.

.. math::
    \begin{align*}
    \mu_t &= \beta_1\left(1 - \tfrac12\, 0.96^{t\psi}\right), \quad
    \mu_{t+1} = \beta_1\left(1 - \tfrac12\, 0.96^{(t+1)\psi}\right), \quad
    \Pi_t = \textstyle\prod_{i \le t} \mu_i \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \qquad
    d_t = \sqrt{v_t / (1-\beta_2^t)} + \epsilon \\
    \theta_t &= \theta_{t-1} - \eta_t\frac{1-\mu_t}{1-\Pi_t}\frac{g_t}{d_t}
        - \eta_t\frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}}\frac{m_t}{d_t}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ψ = ``momentum_decay``, ε = ``eps``,
λ = ``weight_decay`` (added to g, or applied to θ when ``decoupled_weight_decay``).
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers import adam
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="nadam",
    family="adaptive",
    title="NAdam",
    hyperparameters=(
        Hyperparameter("lr", 2e-3, help=LR_HELP),
        adam.BETA1,
        adam.BETA2,
        adam.EPS,
        adam.WEIGHT_DECAY,
        Hyperparameter("momentum_decay", 4e-3, help="momentum decay ψ"),
        adam.DECOUPLED,
    ),
    latex=(
        r"\begin{aligned}\theta_t &= \theta_{t-1} - \eta_t\frac{1-\mu_t}{1-\Pi_t}"
        r"\frac{g_t}{d_t} - \eta_t\frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}}\frac{m_t}{d_t}\\"
        r"\mu_t &= \beta_1(1-\tfrac12 0.96^{t\psi})\end{aligned}"
    ),
    reference=(
        "T. Dozat (2016), Incorporating Nesterov momentum into Adam, ICLR workshop; "
        "torch.optim.NAdam."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3)},
    # The product Π of the μ's, β₂ᵗ, and μ_{t+1} of the last step (this step's μ_t).
    internal_state={"mu_product": 4, "beta2_power": 5, "mu_next": 6},
    tuples={"betas": ("beta1", "beta2")},
    torch_class="NAdam",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec); the moments'
# rows are adam's, which adam.update_moments writes (tests/test_spec.py checks it).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def decay_power(momentum_decay, t):
    """torch's 0.96^(tψ), the power in μ_t = β₁(1 - ½·0.96^(tψ))."""
    return 0.96 ** (t * momentum_decay)


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.mu_product, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0
        power = decay_power(H[H_ROWS.momentum_decay, i], 1.0)
        S[S_ROWS.mu_next, i] = H[H_ROWS.beta1, i] * (1.0 - 0.5 * power)


@jit_inline
def _loop(t, S, H, m, xs, ys, GX, GY, LR, decoupled, mixed, power_next):
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if mixed:
            decoupled = H[H_ROWS.decoupled_weight_decay, i] != 0.0
            power_next = decay_power(H[H_ROWS.momentum_decay, i], t + 1.0)
        S[S_ROWS.beta2_power, i] *= beta2
        bias_correction2 = 1.0 - S[S_ROWS.beta2_power, i]
        gx, gy = adam.decayed_gradient(xs, ys, GX, GY, i, lr, weight_decay, decoupled)
        # μ_t was the last step's μ_{t+1}: the same expression of the same t.
        mu = S[S_ROWS.mu_next, i]
        mu_next = beta1 * (1.0 - 0.5 * power_next)
        S[S_ROWS.mu_next, i] = mu_next
        S[S_ROWS.mu_product, i] *= mu
        mu_product = S[S_ROWS.mu_product, i]
        adam.update_moments(S, i, gx, gy, beta1, beta2)
        denom_x = np.sqrt(S[S_ROWS.exp_avg_sq_x, i] / bias_correction2) + eps
        denom_y = np.sqrt(S[S_ROWS.exp_avg_sq_y, i] / bias_correction2) + eps
        grad_coef = -lr * (1.0 - mu) / (1.0 - mu_product)
        avg_coef = (-lr * mu_next) / (1.0 - mu_product * mu_next)
        xs[i] += grad_coef * (gx / denom_x)
        ys[i] += grad_coef * (gy / denom_y)
        xs[i] += avg_coef * (S[S_ROWS.exp_avg_x, i] / denom_x)
        ys[i] += avg_coef * (S[S_ROWS.exp_avg_y, i] / denom_y)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    t = k + 1.0
    # When every run of the chunk shares ψ and the weight-decay flag, 0.96^((t+1)ψ) is
    # one pow per step instead of one per run (a pow costs more than the rest of the
    # step), and each call of _loop has a constant flag, so LLVM vectorizes it. Runs
    # of one chunk with different ψ or flags (a grid over them) take the per-run path.
    decoupled = H[H_ROWS.decoupled_weight_decay, 0] != 0.0
    momentum_decay = H[H_ROWS.momentum_decay, 0]
    mixed = False
    for i in range(m):  # | not `or`: a branch-free, vectorized loop
        mixed |= ((H[H_ROWS.decoupled_weight_decay, i] != 0.0) != decoupled) | (
            H[H_ROWS.momentum_decay, i] != momentum_decay
        )
    power_next = decay_power(momentum_decay, t + 1.0)
    if mixed:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, False, True, power_next)
    elif decoupled:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, True, False, power_next)
    else:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, False, False, power_next)

r"""RAdam (rectified Adam), exactly as torch.optim.RAdam.

.. math::
    \begin{align*}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
    \rho_\infty &= \frac{2}{1-\beta_2} - 1, \qquad
    \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t} \\
    \theta_t &= \theta_{t-1} - \eta_t \frac{m_t}{1-\beta_1^t} \cdot
    \begin{cases}
      r_t\, \dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}, &
      r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}
      \ \text{ if } \rho_t > 5 \\
      1 & \text{otherwise (plain momentum SGD while the variance is unreliable)}
    \end{cases}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, λ = ``weight_decay``.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers import adam
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="radam",
    family="adaptive",
    title="RAdam",
    hyperparameters=(
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        adam.BETA1,
        adam.BETA2,
        adam.EPS,
        adam.WEIGHT_DECAY,
        adam.DECOUPLED,
    ),
    latex=(
        r"\begin{aligned}\theta_t &= \theta_{t-1} - \eta_t\,\frac{m_t}{1-\beta_1^t}"
        r"\cdot s_t\\ s_t &= \begin{cases} r_t\sqrt{1-\beta_2^t}/(\sqrt{v_t}+\epsilon)"
        r" & \rho_t > 5\\ 1 & \text{otherwise}\end{cases}\end{aligned}"
    ),
    reference=(
        "L. Liu et al. (2020), On the variance of the adaptive learning rate and "
        "beyond, ICLR; torch.optim.RAdam."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3)},
    # Running powers β₁ᵗ and β₂ᵗ of the bias corrections; ρ∞ and the product
    # (ρ∞ - 4)(ρ∞ - 2) of the rectifier's denominator, which do not change with t.
    internal_state={
        "beta1_power": 4,
        "beta2_power": 5,
        "rho_inf": 6,
        "rho_inf_product": 7,
    },
    tuples={"betas": ("beta1", "beta2")},
    torch_class="RAdam",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec); the moments'
# rows are adam's, which adam.update_moments writes (tests/test_spec.py checks it).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.beta1_power, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0
        rho_inf = 2.0 / (1.0 - H[H_ROWS.beta2, i]) - 1.0
        S[S_ROWS.rho_inf, i] = rho_inf
        S[S_ROWS.rho_inf_product, i] = (rho_inf - 4.0) * (rho_inf - 2.0)


@jit_inline
def rectification(t, beta1_power, beta2_power, rho_inf, rho_inf_product):
    """(1 - β₁ᵗ, √(1 - β₂ᵗ), r_t, ρ_t) from β₁ᵗ, β₂ᵗ, ρ∞ and (ρ∞ - 4)(ρ∞ - 2). r_t is
    computed whatever ρ_t is (it may be NaN where ρ_t <= 5): the step uses it only
    where ρ_t > 5."""
    bias_correction1 = 1.0 - beta1_power
    bias_correction2 = 1.0 - beta2_power
    rho_t = rho_inf - 2.0 * t * beta2_power / bias_correction2
    rect = np.sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / (rho_inf_product * rho_t))
    return bias_correction1, np.sqrt(bias_correction2), rect, rho_t


@jit_inline
def _loop(t, S, H, m, xs, ys, GX, GY, LR, decoupled, mixed, shared, rectified):
    bias_correction1, root, rect, rho_t = rectified
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if mixed:
            decoupled = H[H_ROWS.decoupled_weight_decay, i] != 0.0
        gx, gy = adam.decayed_gradient(xs, ys, GX, GY, i, lr, weight_decay, decoupled)
        adam.update_moments(S, i, gx, gy, beta1, beta2)
        S[S_ROWS.beta1_power, i] *= beta1
        S[S_ROWS.beta2_power, i] *= beta2
        if not shared:
            bias_correction1, root, rect, rho_t = rectification(
                t,
                S[S_ROWS.beta1_power, i],
                S[S_ROWS.beta2_power, i],
                S[S_ROWS.rho_inf, i],
                S[S_ROWS.rho_inf_product, i],
            )
        mx = S[S_ROWS.exp_avg_x, i] / bias_correction1
        my = S[S_ROWS.exp_avg_y, i] / bias_correction1
        # Both cases are computed and one is chosen (a select, not a branch, so that
        # LLVM vectorizes the loop).
        step_x = mx * lr
        step_y = my * lr
        if rho_t > 5.0:
            step_x = step_x * (root / (np.sqrt(S[S_ROWS.exp_avg_sq_x, i]) + eps)) * rect
            step_y = step_y * (root / (np.sqrt(S[S_ROWS.exp_avg_sq_y, i]) + eps)) * rect
        xs[i] -= step_x
        ys[i] -= step_y


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    # As adam.step: each call of _loop has a constant flag, so LLVM vectorizes it;
    # runs of one chunk with different flags take the per-run branch. When every run
    # shares β₁ and β₂, the bias corrections and the rectifier are the same for all
    # (the same products of the same numbers): computed once, from run 0's rows.
    t = k + 1.0
    decoupled = H[H_ROWS.decoupled_weight_decay, 0] != 0.0
    beta1 = H[H_ROWS.beta1, 0]
    beta2 = H[H_ROWS.beta2, 0]
    mixed = False
    shared = True
    for i in range(m):  # | and & not `or`, `and`: branch-free, vectorized loops
        mixed |= (H[H_ROWS.decoupled_weight_decay, i] != 0.0) != decoupled
        shared &= (H[H_ROWS.beta1, i] == beta1) & (H[H_ROWS.beta2, i] == beta2)
    rectified = rectification(
        t,
        S[S_ROWS.beta1_power, 0] * beta1,
        S[S_ROWS.beta2_power, 0] * beta2,
        S[S_ROWS.rho_inf, 0],
        S[S_ROWS.rho_inf_product, 0],
    )
    if mixed:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, False, True, False, rectified)
    elif shared and decoupled:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, True, False, True, rectified)
    elif shared:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, False, False, True, rectified)
    elif decoupled:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, True, False, False, rectified)
    else:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, False, False, False, rectified)

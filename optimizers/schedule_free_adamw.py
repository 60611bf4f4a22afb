r"""Schedule-Free AdamW, exactly as optax.contrib.schedule_free_adamw (optax 0.2.8).

.. math::
    \begin{align*}
    g_t &= \nabla f(y_{t-1}), \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
    z_t &= z_{t-1} - \gamma_t \Big(\frac{g_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
        + \lambda y_{t-1}\Big) \\
    x_t &= (1 - c_t)\,x_{t-1} + c_t z_t, \qquad
    c_t = \frac{\gamma_{\max,t}^{\,r}}{\sum_{i \le t} \gamma_{\max,i}^{\,r}} \\
    y_t &= \beta_1 x_t + (1 - \beta_1) z_t
    \end{align*}

γ = ``lr`` (with ``warmup_steps``, optax's linear warm-up: see
optimizers.schedule_free), (β₁, β₂) = ``betas`` (optax's ``b1``, ``b2``), ε = ``eps``,
λ = ``weight_decay``, r = ``weight_lr_power``, γ_max,t the largest learning rate so far,
x₀ = z₀ = y₀ the start, v₀ = 0. The path is y, where the gradient is taken (optax's
parameters); ``x`` (the average the method would deploy, optax's
``schedule_free_eval_params``) and ``z`` (optax's state ``z``) are state.

Reference: A. Defazio et al. (2024), The road less scheduled, NeurIPS (Algorithm 1);
optax.contrib.schedule_free_adamw.

Where libraries disagree: the paper's Algorithm 1 puts the bias correction into the
learning rate, γ_t = γ√(1 − β₂ᵗ), so that ε is added to the uncorrected √v_t and the
averaging weights carry the correction too; optax bias-corrects v inside its RMS
scaling (ε added to √(v_t/(1 − β₂ᵗ))) and weighs by the learning rate alone, as here.
The paper weighs step t by γ_t², optax by (largest γ so far)^r. optax reads a schedule
one count later for the weight than for the step (see optimizers.schedule_free); with a
schedule from this app both read step t's rate, as in the paper. optax requires
β₁ > 0, where β₁ = 0 here is the paper's Polyak-Ruppert average (y = z).
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers import _chunk, schedule_free
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

LATEX = (
    r"\begin{aligned}v_t &= \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ g_t = \nabla "
    r"f(y_{t-1})\\ z_t &= z_{t-1} - \gamma_t\Big(\frac{g_t}{\sqrt{v_t/(1-\beta_2^t)}"
    r"+\epsilon} + \lambda y_{t-1}\Big)\\ "
    + schedule_free.LATEX_AVERAGE
    + r"\end{aligned}"
)

# Each coordinate's update reads only that coordinate's gradient and state (the
# weight c_t reads only the learning rate and the step count), so optimizers.train
# runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="schedule_free_adamw",
    family="schedule-free",
    title="Schedule-Free AdamW",
    hyperparameters=(
        Hyperparameter("lr", 0.0025, help=LR_HELP + " (optax's default 0.0025)"),
        schedule_free.WARMUP_STEPS,
        Hyperparameter(
            "beta1",
            0.9,
            0.0,
            1.0,
            help="β₁ (betas[0]): y interpolates the average x and z",
        ),
        Hyperparameter(
            "beta2", 0.999, 0.0, 1.0, open_high=True, help="β₂ (betas[1]): of g²"
        ),
        Hyperparameter("eps", 1e-8, help="ε added to the root"),
        Hyperparameter("weight_decay", 0.0, help="decoupled weight decay λ, at y"),
        schedule_free.WEIGHT_LR_POWER,
    ),
    latex=LATEX,
    reference=schedule_free.REFERENCE + "; optax.contrib.schedule_free_adamw.",
    state={"x": (0, 1), "z": (2, 3), "exp_avg_sq": (4, 5)},
    positions=("x", "z"),
    # The largest learning rate so far and the sum of the averaging weights.
    internal_state={"max_lr": 6, "weight_sum": 7},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


# The rows schedule_free.weighting reads, and those schedule_free.start sets.
WEIGHTING_ROWS = (
    S_ROWS.max_lr,
    S_ROWS.weight_sum,
    H_ROWS.warmup_steps,
    H_ROWS.weight_lr_power,
)
POSITION_ROWS = (S_ROWS.x_x, S_ROWS.x_y, S_ROWS.z_x, S_ROWS.z_y)


@jit_inline
def _loop(k, S, H, m, xs, ys, GX, GY, LR, mixed, weighting, correction):
    lr, c, max_lr, weight_sum = weighting
    t = k + 1  # an int: βᵗ by repeated squaring, as jax (and optax) compute it
    for i in range(m):
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if mixed:
            lr, c, max_lr, weight_sum = schedule_free.weighting(
                S, H, LR, i, k, WEIGHTING_ROWS
            )
            correction = 1.0 - beta2**t  # from the step count, as optax
        S[S_ROWS.max_lr, i] = max_lr
        S[S_ROWS.weight_sum, i] = weight_sum
        gx = GX[i]
        gy = GY[i]
        vx = (1.0 - beta2) * (gx * gx) + beta2 * S[S_ROWS.exp_avg_sq_x, i]
        vy = (1.0 - beta2) * (gy * gy) + beta2 * S[S_ROWS.exp_avg_sq_y, i]
        S[S_ROWS.exp_avg_sq_x, i] = vx
        S[S_ROWS.exp_avg_sq_y, i] = vy
        ux = (1.0 / (np.sqrt(vx / correction) + eps)) * gx + weight_decay * xs[i]
        uy = (1.0 / (np.sqrt(vy / correction) + eps)) * gy + weight_decay * ys[i]
        zx = S[S_ROWS.z_x, i] + -lr * ux
        zy = S[S_ROWS.z_y, i] + -lr * uy
        S[S_ROWS.z_x, i] = zx
        S[S_ROWS.z_y, i] = zy
        S[S_ROWS.x_x, i], xs[i] = schedule_free.average_and_interpolate(
            S[S_ROWS.x_x, i], zx, c, beta1
        )
        S[S_ROWS.x_y, i], ys[i] = schedule_free.average_and_interpolate(
            S[S_ROWS.x_y, i], zy, c, beta1
        )


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if k == 0:
        schedule_free.start(S, m, xs, ys, POSITION_ROWS)
    # When every run of the chunk has the same learning rate, warm-up, power, weights
    # so far and β₂ (a plane of starts), the weight c_t and β₂ᵗ (a pow and a loop of
    # squarings) are computed once per step, not once per run, and LLVM vectorizes the
    # loop; otherwise per run.
    mixed = schedule_free.weightings_differ(
        S, H, LR, m, WEIGHTING_ROWS
    ) | _chunk.row_differs(H, H_ROWS.beta2, m)
    if mixed:
        _loop(k, S, H, m, xs, ys, GX, GY, LR, True, (0.0, 0.0, 0.0, 0.0), 1.0)
    else:
        weighting = schedule_free.weighting(S, H, LR, 0, k, WEIGHTING_ROWS)
        correction = 1.0 - H[H_ROWS.beta2, 0] ** (k + 1)
        _loop(k, S, H, m, xs, ys, GX, GY, LR, False, weighting, correction)

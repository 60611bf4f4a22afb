r"""Schedule-Free SGD, exactly as optax.contrib.schedule_free_sgd (optax 0.2.8).

.. math::
    \begin{align*}
    z_t &= z_{t-1} - \gamma_t\,\big(\nabla f(y_{t-1}) + \lambda y_{t-1}\big) \\
    x_t &= (1 - c_t)\,x_{t-1} + c_t z_t, \qquad
    c_t = \frac{\gamma_{\max,t}^{\,r}}{\sum_{i \le t} \gamma_{\max,i}^{\,r}} \\
    y_t &= \beta_1 x_t + (1 - \beta_1) z_t
    \end{align*}

γ = ``lr`` (with ``warmup_steps``, optax's linear warm-up: see
optimizers.schedule_free), β₁ = ``momentum`` (optax's ``b1``; the name of the authors'
PyTorch SGDScheduleFree), λ = ``weight_decay``, r = ``weight_lr_power``, γ_max,t the
largest learning rate so far, x₀ = z₀ = y₀ the start. The path is y, where the
gradient is taken (optax's parameters); ``x`` (the average the method would deploy,
optax's ``schedule_free_eval_params``) and ``z`` (optax's state ``z``) are state.

Reference: A. Defazio et al. (2024), The road less scheduled, NeurIPS (SGD form;
Algorithm 1 for AdamW); optax.contrib.schedule_free_sgd.

Where libraries disagree: the paper weighs step t by γ_t²; optax (and
pytorch_optimizer's port of the authors' code) by the largest learning rate so far to
the power r (2 by default), as here. optax
reads a learning-rate schedule one count later for the weight than for the step (see
optimizers.schedule_free); with a schedule from this app both read step t's rate, as
in the paper. optax's weight_decay=None (the default) is 0 here; optax requires β₁ > 0,
where β₁ = 0 here is the paper's Polyak-Ruppert average (y = z).
"""

from landscapes._jit import jit_inline
from optimizers import schedule_free
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

LATEX = (
    r"\begin{aligned}z_t &= z_{t-1} - \gamma_t(\nabla f(y_{t-1}) + \lambda y_{t-1})"
    r"\\ " + schedule_free.LATEX_AVERAGE + r"\end{aligned}"
)

# Each coordinate's update reads only that coordinate's gradient and state (the
# weight c_t reads only the learning rate and the step count), so optimizers.train
# runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="schedule_free_sgd",
    family="schedule-free",
    title="Schedule-Free SGD",
    hyperparameters=(
        Hyperparameter("lr", 1.0, help=LR_HELP + " (optax's default 1)"),
        schedule_free.WARMUP_STEPS,
        Hyperparameter(
            "momentum",
            0.9,
            0.0,
            1.0,
            help="β₁ (optax's b1): y interpolates the average x and z",
        ),
        Hyperparameter("weight_decay", 0.0, help="weight decay λ, taken at y"),
        schedule_free.WEIGHT_LR_POWER,
    ),
    latex=LATEX,
    reference=schedule_free.REFERENCE + "; optax.contrib.schedule_free_sgd.",
    state={"x": (0, 1), "z": (2, 3)},
    positions=("x", "z"),
    # The largest learning rate so far and the sum of the averaging weights.
    internal_state={"max_lr": 4, "weight_sum": 5},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if k == 0:  # x and z start where y does
        for i in range(m):
            S[S_ROWS.x_x, i] = S[S_ROWS.z_x, i] = xs[i]
            S[S_ROWS.x_y, i] = S[S_ROWS.z_y, i] = ys[i]
    for i in range(m):
        warmup_steps = H[H_ROWS.warmup_steps, i]
        beta1 = H[H_ROWS.momentum, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        lr = schedule_free.warmed_up(LR[i], k, warmup_steps)
        c, S[S_ROWS.max_lr, i], S[S_ROWS.weight_sum, i] = (
            schedule_free.averaging_weight(
                S[S_ROWS.max_lr, i],
                S[S_ROWS.weight_sum, i],
                schedule_free.warmed_up(LR[i], k + 1.0, warmup_steps),
                H[H_ROWS.weight_lr_power, i],
            )
        )
        zx = S[S_ROWS.z_x, i] + -lr * (GX[i] + weight_decay * xs[i])
        zy = S[S_ROWS.z_y, i] + -lr * (GY[i] + weight_decay * ys[i])
        S[S_ROWS.z_x, i] = zx
        S[S_ROWS.z_y, i] = zy
        S[S_ROWS.x_x, i], xs[i] = schedule_free.average_and_interpolate(
            S[S_ROWS.x_x, i], zx, c, beta1
        )
        S[S_ROWS.x_y, i], ys[i] = schedule_free.average_and_interpolate(
            S[S_ROWS.x_y, i], zy, c, beta1
        )

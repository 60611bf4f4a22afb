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


# The rows schedule_free.weighting reads, and those schedule_free.start sets.
WEIGHTING_ROWS = (
    S_ROWS.max_lr,
    S_ROWS.weight_sum,
    H_ROWS.warmup_steps,
    H_ROWS.weight_lr_power,
)
POSITION_ROWS = (S_ROWS.x_x, S_ROWS.x_y, S_ROWS.z_x, S_ROWS.z_y)


@jit_inline
def _loop(k, S, H, m, xs, ys, GX, GY, LR, mixed, weighting):
    lr, c, max_lr, weight_sum = weighting
    for i in range(m):
        beta1 = H[H_ROWS.momentum, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if mixed:
            lr, c, max_lr, weight_sum = schedule_free.weighting(
                S, H, LR, i, k, WEIGHTING_ROWS
            )
        S[S_ROWS.max_lr, i] = max_lr
        S[S_ROWS.weight_sum, i] = weight_sum
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


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if k == 0:
        schedule_free.start(S, m, xs, ys, POSITION_ROWS)
    # When every run of the chunk has the same learning rate, warm-up, power and
    # weights so far (a plane of starts), the weight c_t, a pow, is computed once per
    # step, not once per run, and LLVM vectorizes the loop; otherwise per run.
    if schedule_free.weightings_differ(S, H, LR, m, WEIGHTING_ROWS):
        _loop(k, S, H, m, xs, ys, GX, GY, LR, True, (0.0, 0.0, 0.0, 0.0))
    else:
        weighting = schedule_free.weighting(S, H, LR, 0, k, WEIGHTING_ROWS)
        _loop(k, S, H, m, xs, ys, GX, GY, LR, False, weighting)

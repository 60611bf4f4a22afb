r"""What Schedule-Free SGD and AdamW share (Defazio et al. 2024, The Road Less
Scheduled), as optax.contrib.schedule_free computes it: the warm-up, the averaging
weight and the two averages.

Three sequences: z takes the base optimizer's steps, x is the weighted average of the
z's (what the method would deploy) and y, where the gradient is taken, interpolates
them. After the base step z_t = z_{t-1} + Δ_t (Δ from the gradient at y_{t-1}):

.. math::
    \begin{align*}
    x_t &= (1 - c_t)\,x_{t-1} + c_t z_t, \qquad
    c_t = \frac{w_t}{\sum_{i \le t} w_i}, \quad
    w_t = \big(\max_{i \le t} \gamma_i\big)^{r} \\
    y_t &= \beta_1 x_t + (1 - \beta_1) z_t
    \end{align*}

with x₀ = z₀ = y₀ the start, γ the learning rate and r = ``weight_lr_power``. The path
a run draws is y (optax's parameters); x and z are state (optax keeps z and recomputes
x = (y − (1 − β₁) z)/β₁, its ``schedule_free_eval_params``; here x is kept, which also
allows β₁ = 0, the paper's Polyak-Ruppert average, where optax divides by zero).

optax's ``warmup_steps`` makes the learning rate the linear warm-up
``warmup_constant_schedule(0, lr, warmup_steps)``, which the base optimizer reads at
its own step count (0, 1, ...) and the weight w at the wrapper's (1, 2, ...): step t
(from 1) moves z with the warm-up's value at t − 1 and weighs it with the value at t,
so the first step does not move (the paper's γ_t = γ min(1, t/T_warmup) serves both).
Ours does as optax, on top of the page's schedule.
With an int ``warmup_steps`` optax computes the warm-up in float32 (jax promotes its
int32 count over an int to float32), ~1e-8 from the float64 value; given a float
(which optax accepts) its warm-up is float64 and equals ours.
"""

from landscapes._jit import jit_inline
from optimizers import _chunk
from optimizers._spec import Hyperparameter

WARMUP_STEPS = Hyperparameter(
    "warmup_steps",
    0.0,
    kind="int",
    help="steps of optax's linear learning-rate warm-up from 0; 0: none (optax's None)",
)
WEIGHT_LR_POWER = Hyperparameter(
    "weight_lr_power",
    2.0,
    help="r: the average weighs each step by (largest lr so far)^r",
)
LATEX_AVERAGE = (
    r"x_t &= (1-c_t)x_{t-1} + c_t z_t,\ c_t = \frac{\gamma_{\max,t}^r}{\sum_{i\le t}"
    r"\gamma_{\max,i}^r}\\ y_t &= \beta_1 x_t + (1-\beta_1) z_t"
)
REFERENCE = (
    "A. Defazio, X. Yang, H. Mehta, K. Mishchenko, A. Khaled and A. Cutkosky (2024), "
    "The road less scheduled, NeurIPS"
)


@jit_inline
def warmed_up(lr, count, warmup_steps):
    """optax.warmup_constant_schedule(0, lr, warmup_steps) at step `count` (its
    arithmetic: (0 − lr)(1 − min(count, W)/W) + lr); `lr` without a warm-up."""
    if warmup_steps <= 0.0:
        return lr
    fraction = 1.0 - min(count, warmup_steps) / warmup_steps
    return (0.0 - lr) * fraction + lr


@jit_inline
def averaging_weight(max_lr, weight_sum, lr, power):
    """(c_t, new max_lr, new weight_sum) for a step weighed with learning rate `lr`.
    0/0 (no learning rate yet) gives c = 0, as optax's nan_to_num."""
    max_lr = max(max_lr, lr)
    weight = max_lr**power
    weight_sum = weight_sum + weight
    c = weight / weight_sum
    if c != c:
        c = 0.0
    return c, max_lr, weight_sum


@jit_inline
def average_and_interpolate(x, z, c, beta1):
    """(x_t, y_t) from x_{t-1} and the new z_t."""
    x = (1.0 - c) * x + c * z
    return x, beta1 * x + (1.0 - beta1) * z


@jit_inline
def weighting(S, H, LR, i, k, rows):
    """Run i's (γ, c_t, new max_lr, new weight_sum) at step k: the warmed-up learning
    rate of its step and its averaging weight. `rows` = (S's max_lr, S's weight_sum,
    H's warmup_steps, H's weight_lr_power) of the calling optimizer."""
    max_lr_row, weight_sum_row, warmup_row, power_row = rows
    warmup_steps = H[warmup_row, i]
    c, max_lr, weight_sum = averaging_weight(
        S[max_lr_row, i],
        S[weight_sum_row, i],
        warmed_up(LR[i], k + 1.0, warmup_steps),
        H[power_row, i],
    )
    return warmed_up(LR[i], k, warmup_steps), c, max_lr, weight_sum


@jit_inline
def weightings_differ(S, H, LR, m, rows):
    """Whether two runs of the chunk may weigh this step differently; if not, run 0's
    `weighting` is every run's, one pow per step instead of one per run."""
    max_lr_row, weight_sum_row, warmup_row, power_row = rows
    return (
        _chunk.differs(LR, m)
        | _chunk.row_differs(H, warmup_row, m)
        | _chunk.row_differs(H, power_row, m)
        | _chunk.row_differs(S, max_lr_row, m)
        | _chunk.row_differs(S, weight_sum_row, m)
    )


@jit_inline
def start(S, m, xs, ys, rows):
    """x and z start where y does; `rows` = (x_x, x_y, z_x, z_y)."""
    x_x, x_y, z_x, z_y = rows
    for i in range(m):
        S[x_x, i] = S[z_x, i] = xs[i]
        S[x_y, i] = S[z_y, i] = ys[i]

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

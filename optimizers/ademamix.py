r"""AdEMAMix (a mixture of a fast and a slow momentum), exactly as
optax.contrib.ademamix (optax 0.2.8) with constant α and β₃.

.. math::
    \begin{align*}
    m^{(1)}_t &= \beta_1 m^{(1)}_{t-1} + (1-\beta_1) g_t, \qquad
    m^{(2)}_t = \beta_3 m^{(2)}_{t-1} + (1-\beta_3) g_t \\
    \nu_t &= \beta_2 \nu_{t-1} + (1-\beta_2) g_t^2 \\
    \theta_t &= \theta_{t-1} - \eta_t\left(
        \frac{m^{(1)}_t/(1-\beta_1^t) + \alpha\, m^{(2)}_t}
        {\sqrt{\nu_t/(1-\beta_2^t) + \bar\epsilon} + \epsilon}
        + \lambda\theta_{t-1}\right)
    \end{align*}

η = ``lr``, (β₁, β₂, β₃) = ``betas``, α = ``alpha``, ε = ``eps``, ε̄ = ``eps_root``,
λ = ``weight_decay``, g = ∇f(θₜ₋₁), m⁽¹⁾₀ = m⁽²⁾₀ = ν₀ = 0. Reference: M. Pagliardini,
P. Ablin and D. Grangier (2024), The AdEMAMix optimizer: better, faster, older
(Algorithm 1); optax.contrib.ademamix.

Where libraries disagree: the paper warms α and β₃ up with schedulers over
T_{α,β₃} steps; optax accepts a schedule for each, read at its own step count. Here both
are constants (optax's constant form, and the paper's after its warm-up). The slow
average m⁽²⁾ is not bias-corrected (paper and optax). optax.contrib.ademamix's
default α is 5 (its scale_by_ademamix's is 6); optax requires a learning rate (no
default): ours is the 0.01 of optax's own example. The decay λθ is added before the
learning rate, as AdamW's (paper and optax).
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers import _chunk
from optimizers._spec import Hyperparameter, OptimizerSpec

LINES = (
    r"m^{(1)}_t &= \beta_1 m^{(1)}_{t-1} + (1-\beta_1) g_t\\ m^{(2)}_t &= \beta_3 "
    r"m^{(2)}_{t-1} + (1-\beta_3) g_t\\ \nu_t &= \beta_2 \nu_{t-1} + (1-\beta_2) "
    r"g_t^2\\ \theta_t &= \theta_{t-1} - \eta_t\Big(\frac{\hat m^{(1)}_t + \alpha "
    r"m^{(2)}_t}{\sqrt{\hat\nu_t + \bar\epsilon}+\epsilon} + \lambda\theta_{t-1}\Big)"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="ademamix",
    family="adaptive",
    title="AdEMAMix",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.01,
            help="learning rate (step size) η; optax has no default, 0.01 is its "
            "example's",
        ),
        Hyperparameter(
            "beta1", 0.9, 0.0, 1.0, open_high=True, help="β₁ (betas[0]): fast average"
        ),
        Hyperparameter(
            "beta2", 0.999, 0.0, 1.0, open_high=True, help="β₂ (betas[1]): of g²"
        ),
        Hyperparameter(
            "beta3", 0.9999, 0.0, 1.0, help="β₃ (betas[2]): slow average (constant)"
        ),
        Hyperparameter("alpha", 5.0, help="α: weight of the slow average (constant)"),
        Hyperparameter("eps", 1e-8, help="ε added to the root"),
        Hyperparameter("eps_root", 0.0, help="ε̄ added under the root (optax)"),
        Hyperparameter("weight_decay", 0.0, help="decoupled weight decay λ"),
    ),
    latex=LATEX,
    reference=(
        "M. Pagliardini, P. Ablin and D. Grangier (2024), The AdEMAMix optimizer: "
        "better, faster, older, arXiv:2409.03137; optax.contrib.ademamix."
    ),
    state={"exp_avg_fast": (0, 1), "exp_avg_slow": (2, 3), "exp_avg_sq": (4, 5)},
    tuples={"betas": ("beta1", "beta2", "beta3")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def bias_corrections(beta1, beta2, t):
    """1 - β₁ᵗ and 1 - β₂ᵗ as optax computes them, from the (int) step count."""
    return 1.0 - beta1**t, 1.0 - beta2**t


@jit_inline
def _loop(t, S, H, m, xs, ys, GX, GY, LR, mixed, corrections):
    correction1, correction2 = corrections
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        beta3 = H[H_ROWS.beta3, i]
        alpha = H[H_ROWS.alpha, i]
        eps = H[H_ROWS.eps, i]
        eps_root = H[H_ROWS.eps_root, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if mixed:
            correction1, correction2 = bias_corrections(beta1, beta2, t)
        gx = GX[i]
        gy = GY[i]
        # optax's update_moment: (1 - β) g + β · old.
        fast_x = (1.0 - beta1) * gx + beta1 * S[S_ROWS.exp_avg_fast_x, i]
        fast_y = (1.0 - beta1) * gy + beta1 * S[S_ROWS.exp_avg_fast_y, i]
        slow_x = (1.0 - beta3) * gx + beta3 * S[S_ROWS.exp_avg_slow_x, i]
        slow_y = (1.0 - beta3) * gy + beta3 * S[S_ROWS.exp_avg_slow_y, i]
        nu_x = (1.0 - beta2) * (gx * gx) + beta2 * S[S_ROWS.exp_avg_sq_x, i]
        nu_y = (1.0 - beta2) * (gy * gy) + beta2 * S[S_ROWS.exp_avg_sq_y, i]
        S[S_ROWS.exp_avg_fast_x, i] = fast_x
        S[S_ROWS.exp_avg_fast_y, i] = fast_y
        S[S_ROWS.exp_avg_slow_x, i] = slow_x
        S[S_ROWS.exp_avg_slow_y, i] = slow_y
        S[S_ROWS.exp_avg_sq_x, i] = nu_x
        S[S_ROWS.exp_avg_sq_y, i] = nu_y
        ux = (fast_x / correction1 + alpha * slow_x) / (
            np.sqrt(nu_x / correction2 + eps_root) + eps
        )
        uy = (fast_y / correction1 + alpha * slow_y) / (
            np.sqrt(nu_y / correction2 + eps_root) + eps
        )
        xs[i] += -lr * (ux + weight_decay * xs[i])
        ys[i] += -lr * (uy + weight_decay * ys[i])


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    t = k + 1  # an int: βᵗ by repeated squaring, as jax (and optax) compute it
    # When every run of the chunk shares β₁ and β₂, the powers βᵗ are computed once
    # per step, not once per run (each is a loop of squarings that keeps LLVM from
    # vectorizing the loop over the runs); a chunk of several (a grid over them)
    # takes them per run.
    mixed = _chunk.row_differs(H, H_ROWS.beta1, m) | _chunk.row_differs(
        H, H_ROWS.beta2, m
    )
    if mixed:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, True, (1.0, 1.0))
    else:
        corrections = bias_corrections(H[H_ROWS.beta1, 0], H[H_ROWS.beta2, 0], t)
        _loop(t, S, H, m, xs, ys, GX, GY, LR, False, corrections)

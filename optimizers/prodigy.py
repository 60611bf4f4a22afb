r"""Prodigy (learning-rate-free Adam with a distance estimate D), exactly as
optax.contrib.prodigy (optax 0.2.8).

.. math::
    \begin{align*}
    \eta'_t &= d_t\,\eta_t\,\sqrt{1-\beta_2^t}\,/\,(1-\beta_1^t) \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,d_t g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\,d_t^2 g_t^2 \\
    r_t &= \beta_3 r_{t-1} + \tfrac{d_t}{d_0}\,\eta'_t\,
        \langle g_t, \theta_0 - \theta_{t-1}\rangle, \qquad
    s_t = \beta_3 s_{t-1} + \tfrac{d_t}{d_0}\,\eta'_t\, g_t \\
    d_{t+1} &= \max\big(d_t,\ c\, r_t / \lVert s_t\rVert_1\big) \\
    \theta_t &= \theta_{t-1} - \eta'_t \Big(\frac{m_t}{\sqrt{v_t} + d_{t+1}\epsilon}
        + \lambda\theta_{t-1}\Big)
    \end{align*}

η = ``lr`` (a multiplier of the estimate, 1 by default), (β₁, β₂) = ``betas``, β₃ =
``beta3`` (a negative value, the default, means √β₂: optax's None), ε = ``eps``,
d₀ = ``estim_lr0``, c = ``estim_lr_coef``, λ = ``weight_decay``, g = ∇f(θₜ₋₁),
m₀ = v₀ = r₀ = s₀ = 0. With ``safeguard_warmup`` s drops the learning rate: s_t =
β₃s_{t-1} + (d_t²/d₀) g_t. d is optax's ``estim_lr`` (prodigyopt's ``d``), r its
``numerator_weighted`` and s its ``grad_sum``. The inner product and the norm are over
the whole model: on a 2D surface each run's (x, y); in network training
(``optimizers.train``) every parameter of the network, as optax's sums over all
leaves (d is one number for the network; each run holds it). The step tells the two
apart by its ``lp``, which is empty in training only (there is no surface): then all
runs of the call are one model.

Reference: K. Mishchenko and A. Defazio (2024), Prodigy: an expeditiously adaptive
parameter-free learner, ICML (the Adam version of its algorithm);
optax.contrib.prodigy.

Where libraries disagree: the paper's r and s carry a factor (1 − √β₂) and no 1/d₀,
which cancel in r/‖s‖₁. optax bias-corrects the step by √(1 − β₂ᵗ)/(1 − β₁ᵗ), as
here; the paper does not, and the authors' prodigyopt package (whose names are d0 and
d_coef) makes it an option, off by default. optax adds ε times the new estimate
d_{t+1} where the paper writes d_t. Weight decay is decoupled, scaled by η'. If the
gradient is zero at the start, r/‖s‖₁ is 0/0 and the estimate NaN, in optax as here
(the run stops as diverged); pytorch_optimizer's Prodigy skips such a step instead.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers import _chunk
from optimizers._spec import Hyperparameter, OptimizerSpec, scratch_rows

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) d_t g_t\\ v_t &= \beta_2 v_{t-1} + "
    r"(1-\beta_2) d_t^2 g_t^2\\ d_{t+1} &= \max\Big(d_t, c\frac{\sum_i \beta_3^{t-i}"
    r"\eta'_i d_i\langle g_i, \theta_0-\theta_{i-1}\rangle}{\lVert\sum_i "
    r"\beta_3^{t-i}\eta'_i d_i g_i\rVert_1}\Big)\\ \theta_t &= \theta_{t-1} - "
    r"\eta'_t\frac{m_t}{\sqrt{v_t}+d_{t+1}\epsilon},\ \eta'_t = d_t\eta_t"
    r"\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="prodigy",
    family="parameter-free",
    title="Prodigy",
    hyperparameters=(
        Hyperparameter(
            "lr", 1.0, help="η: multiplies the estimated learning rate d (optax's 1)"
        ),
        Hyperparameter("beta1", 0.9, 0.0, 1.0, open_high=True, help="β₁ (betas[0])"),
        Hyperparameter("beta2", 0.999, 0.0, 1.0, open_high=True, help="β₂ (betas[1])"),
        Hyperparameter(
            "beta3",
            -1.0,
            -1.0,
            1.0,
            help="β₃: decay of the estimate's sums; negative (default): √β₂, as "
            "optax's None",
        ),
        Hyperparameter("eps", 1e-8, help="ε, times the estimate d, added to the root"),
        Hyperparameter(
            "estim_lr0", 1e-6, open_low=True, help="d₀: the first (under-)estimate"
        ),
        Hyperparameter("estim_lr_coef", 1.0, help="c: multiplies each new estimate"),
        Hyperparameter("weight_decay", 0.0, help="decoupled weight decay λ"),
        Hyperparameter(
            "safeguard_warmup",
            False,
            kind="bool",
            help="leave the learning rate out of the estimate's denominator",
        ),
    ),
    latex=LATEX,
    reference=(
        "K. Mishchenko and A. Defazio (2024), Prodigy: an expeditiously adaptive "
        "parameter-free learner, ICML; optax.contrib.prodigy."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3), "grad_sum": (4, 5)},
    # θ₀ (the start), the estimate d and the weighted numerator r (optax's names).
    internal_state={
        "params0_x": 6,
        "params0_y": 7,
        "estim_lr": 8,
        "numerator_weighted": 9,
    },
    tuples={"betas": ("beta1", "beta2")},
    state_slots=10,
    # d, its estimate of the distance to the solution: the step size it learns.
    traced=("estim_lr",),
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
# Each run's ⟨g, θ₀ - θ⟩ over its two coordinates, computed in a loop of its own: the
# plane's loop then reads 8 rows of S, not 10, few enough for LLVM to vectorize it.
# In the two passes (a network, a chunk of mixed β's), each run's ‖s‖₁ and η' too.
T_ROWS = scratch_rows("inner", "grad_sum_l1", "step_lr")
# Its sums are over the whole network: optimizers.train runs it on networks.
TENSORWISE = True


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.estim_lr, i] = H[H_ROWS.estim_lr0, i]


@jit_inline
def shared(beta1, beta2, t):
    """optax's bias correction √(1 - β₂ᵗ)/(1 - β₁ᵗ), from the (int) step count, and
    √β₂, the default β₃."""
    return np.sqrt(1.0 - beta2**t) / (1.0 - beta1**t), np.sqrt(beta2)


@jit_inline
def _beta3(H, i, root):
    """Run i's β₃: `root`, its √β₂, where the argument is negative (optax's None)."""
    beta3 = H[H_ROWS.beta3, i]
    return root if beta3 < 0.0 else beta3


@jit_inline
def _factors(H, i, t, mixed, shared_values):
    """Run i's β₁, β₂, β₃ and bias correction: the chunk's `shared_values` unless
    its β's are `mixed`."""
    correction, root = shared_values
    beta1 = H[H_ROWS.beta1, i]
    beta2 = H[H_ROWS.beta2, i]
    if mixed:
        correction, root = shared(beta1, beta2, t)
    return beta1, beta2, _beta3(H, i, root), correction


@jit_inline
def _moments(S, H, i, GX, GY, LR, beta1, beta2, beta3, correction):
    """Run i's d and η', and its new m, v and s with ‖s‖₁ (loaded, not stored)."""
    d0 = H[H_ROWS.estim_lr0, i]
    d = S[S_ROWS.estim_lr, i]
    dlr = d * LR[i] * correction
    dgx = d * GX[i]
    dgy = d * GY[i]
    mx = beta1 * S[S_ROWS.exp_avg_x, i] + (1.0 - beta1) * dgx
    my = beta1 * S[S_ROWS.exp_avg_y, i] + (1.0 - beta1) * dgy
    vx = beta2 * S[S_ROWS.exp_avg_sq_x, i] + (1.0 - beta2) * dgx * dgx
    vy = beta2 * S[S_ROWS.exp_avg_sq_y, i] + (1.0 - beta2) * dgy * dgy
    weight = d if H[H_ROWS.safeguard_warmup, i] != 0.0 else dlr
    sx = beta3 * S[S_ROWS.grad_sum_x, i] + weight * dgx / d0
    sy = beta3 * S[S_ROWS.grad_sum_y, i] + weight * dgy / d0
    return d, dlr, mx, my, vx, vy, sx, sy, abs(sx) + abs(sy)


@jit_inline
def _store_moments(S, i, mx, my, vx, vy, sx, sy):
    S[S_ROWS.exp_avg_x, i] = mx
    S[S_ROWS.exp_avg_y, i] = my
    S[S_ROWS.exp_avg_sq_x, i] = vx
    S[S_ROWS.exp_avg_sq_y, i] = vy
    S[S_ROWS.grad_sum_x, i] = sx
    S[S_ROWS.grad_sum_y, i] = sy


@jit_inline
def _estimate(S, H, i, beta3, d, dlr, inner, l1):
    """Run i's new r and d from the model's ⟨g, θ₀ - θ⟩ and ‖s‖₁ (not stored)."""
    d0 = H[H_ROWS.estim_lr0, i]
    numerator = beta3 * S[S_ROWS.numerator_weighted, i] + (d / d0) * dlr * inner
    estimate = H[H_ROWS.estim_lr_coef, i] * numerator / l1
    # max(d, estimate) that, like jnp.maximum, passes a NaN estimate on.
    return numerator, d if estimate <= d else estimate


@jit_inline
def _move(H, i, xs, ys, dlr, mx, my, vx, vy, new_d):
    eps = H[H_ROWS.eps, i]
    weight_decay = H[H_ROWS.weight_decay, i]
    x = xs[i]
    y = ys[i]
    xs[i] = x + (-weight_decay * dlr * x - dlr * mx / (np.sqrt(vx) + new_d * eps))
    ys[i] = y + (-weight_decay * dlr * y - dlr * my / (np.sqrt(vy) + new_d * eps))


@jit_inline
def _each_run_a_model(t, S, H, m, xs, ys, GX, GY, LR, T, shared_values):
    """A plane's step: each run's estimate from its own sums, in one loop (its loads
    before its stores to S, which LLVM cannot tell apart from S's other rows)."""
    for i in range(m):
        beta1, beta2, beta3, correction = _factors(H, i, t, False, shared_values)
        d, dlr, mx, my, vx, vy, sx, sy, l1 = _moments(
            S, H, i, GX, GY, LR, beta1, beta2, beta3, correction
        )
        numerator, new_d = _estimate(S, H, i, beta3, d, dlr, T[T_ROWS.inner, i], l1)
        _store_moments(S, i, mx, my, vx, vy, sx, sy)
        S[S_ROWS.numerator_weighted, i] = numerator
        S[S_ROWS.estim_lr, i] = new_d
        _move(H, i, xs, ys, dlr, mx, my, vx, vy, new_d)


@jit_inline
def _two_passes(t, S, H, m, xs, ys, GX, GY, LR, T, one_model):
    """The moments, s and ‖s‖₁ of every run, then each run's estimate and step: from
    the sums over all runs of ⟨g, θ₀ - θ⟩ and ‖s‖₁ (in order) with `one_model` (a
    network), else from its own (a chunk whose runs differ in β₁ or β₂)."""
    for i in range(m):
        beta1, beta2, beta3, correction = _factors(H, i, t, True, (1.0, 1.0))
        _, dlr, mx, my, vx, vy, sx, sy, l1 = _moments(
            S, H, i, GX, GY, LR, beta1, beta2, beta3, correction
        )
        _store_moments(S, i, mx, my, vx, vy, sx, sy)
        T[T_ROWS.grad_sum_l1, i] = l1
        T[T_ROWS.step_lr, i] = dlr
    model_inner = 0.0
    model_l1 = 0.0
    if one_model:
        for i in range(m):
            model_inner += T[T_ROWS.inner, i]
            model_l1 += T[T_ROWS.grad_sum_l1, i]
    for i in range(m):
        beta3 = _beta3(H, i, np.sqrt(H[H_ROWS.beta2, i]))
        dlr = T[T_ROWS.step_lr, i]
        inner = model_inner if one_model else T[T_ROWS.inner, i]
        l1 = model_l1 if one_model else T[T_ROWS.grad_sum_l1, i]
        numerator, new_d = _estimate(
            S, H, i, beta3, S[S_ROWS.estim_lr, i], dlr, inner, l1
        )
        S[S_ROWS.numerator_weighted, i] = numerator
        S[S_ROWS.estim_lr, i] = new_d
        mx = S[S_ROWS.exp_avg_x, i]
        my = S[S_ROWS.exp_avg_y, i]
        vx = S[S_ROWS.exp_avg_sq_x, i]
        vy = S[S_ROWS.exp_avg_sq_y, i]
        _move(H, i, xs, ys, dlr, mx, my, vx, vy, new_d)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if k == 0:  # optax's init keeps the parameters it starts from
        for i in range(m):
            S[S_ROWS.params0_x, i] = xs[i]
            S[S_ROWS.params0_y, i] = ys[i]
    for i in range(m):  # ⟨g, θ₀ - θ⟩ over the parameter (x, y)
        T[T_ROWS.inner, i] = GX[i] * (S[S_ROWS.params0_x, i] - xs[i]) + GY[i] * (
            S[S_ROWS.params0_y, i] - ys[i]
        )
    t = k + 1  # an int: βᵗ by repeated squaring, as jax (and optax) compute it
    one_model = lp.size == 0  # training (no surface): the runs are one network's
    # When every run of a plane's chunk shares β₁ and β₂, the bias correction (two
    # loops of squarings, which keep LLVM from vectorizing the loop over the runs) and
    # √β₂ are computed once per step, not once per run, and each run's estimate and
    # step follow in the same loop. A chunk of several (a grid over the β's) and a
    # network take them per run, in two passes.
    mixed = _chunk.row_differs(H, H_ROWS.beta1, m) | _chunk.row_differs(
        H, H_ROWS.beta2, m
    )
    if one_model or mixed:
        _two_passes(t, S, H, m, xs, ys, GX, GY, LR, T, one_model)
    else:
        shared_values = shared(H[H_ROWS.beta1, 0], H[H_ROWS.beta2, 0], t)
        _each_run_a_model(t, S, H, m, xs, ys, GX, GY, LR, T, shared_values)

r"""Adam (and AMSGrad, and decoupled weight decay), exactly as torch.optim.Adam.

.. math::
    \begin{align*}
    g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}
        \quad (\text{decoupled: } \theta_{t-1} \leftarrow (1 - \eta_t\lambda)\theta_{t-1}) \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
    \hat v_t &= \max(\hat v_{t-1}, v_t) \ \text{(amsgrad; otherwise } \hat v_t = v_t) \\
    \theta_t &= \theta_{t-1} - \frac{\eta_t}{1-\beta_1^t}\,
        \frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, λ = ``weight_decay``. Where libraries
disagree: ε is added after the bias correction of √v (torch, optax) — Kingma & Ba's
Algorithm 1 writes the same; TensorFlow's "epsilon hat" adds it before.
The lecture notes' γ₁, γ₂ are β₁, β₂.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# One line per quantity: the pages show it in a narrow column.
LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ v_t &= \beta_2 v_{t-1} + "
    r"(1-\beta_2) g_t^2\\ \theta_t &= \theta_{t-1} - \frac{\eta_t}{1-\beta_1^t}"
    r"\,\frac{m_t}{\sqrt{v_t/(1-\beta_2^t)}+\epsilon}"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"


# Shared by the Adam family (adam, adamw, nadam, radam): torch's names and defaults.
BETA1 = Hyperparameter("beta1", 0.9, 0.0, 1.0, open_high=True, help="β₁ (betas[0])")
BETA2 = Hyperparameter("beta2", 0.999, 0.0, 1.0, open_high=True, help="β₂ (betas[1])")
EPS = Hyperparameter("eps", 1e-8, help="ε added to the root")
WEIGHT_DECAY = Hyperparameter("weight_decay", 0.0, help="weight decay λ")
DECOUPLED = Hyperparameter(
    "decoupled_weight_decay", False, kind="bool", help="AdamW-style decay of θ"
)


def hyperparameters(weight_decay: float, decoupled: bool, settable: bool):
    """Adam's hyperparameters; AdamW has the same with other defaults."""
    return (
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        BETA1,
        BETA2,
        EPS,
        Hyperparameter("weight_decay", weight_decay, help="weight decay λ"),
        Hyperparameter("amsgrad", False, kind="bool", help="use max of past v"),
        Hyperparameter(
            "decoupled_weight_decay",
            decoupled,
            kind="bool",
            settable=settable,
            help="decay θ directly (AdamW) instead of adding λθ to g",
        ),
    )


# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="adam",
    family="adaptive",
    title="Adam",
    hyperparameters=hyperparameters(0.0, False, settable=True),
    latex=LATEX,
    reference=(
        "D. P. Kingma and J. Ba (2015), Adam: a method for stochastic optimization, "
        "ICLR; S. J. Reddi et al. (2018), On the convergence of Adam and beyond, ICLR "
        "(AMSGrad); torch.optim.Adam."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3), "max_exp_avg_sq": (4, 5)},
    # Running powers β₁ᵗ and β₂ᵗ of the bias corrections.
    internal_state={"beta1_power": 6, "beta2_power": 7},
    tuples={"betas": ("beta1", "beta2")},
    torch_class="Adam",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.beta1_power, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0


@jit_inline
def decayed_gradient(xs, ys, GX, GY, i, lr, weight_decay, decoupled):
    """(gx, gy) with weight decay λ: added to the gradient as λθ, or (decoupled, as in
    AdamW) applied to θ itself first: θ ← (1 - ηλ)θ."""
    if decoupled:
        xs[i] *= 1.0 - lr * weight_decay
        ys[i] *= 1.0 - lr * weight_decay
        return GX[i], GY[i]
    return GX[i] + weight_decay * xs[i], GY[i] + weight_decay * ys[i]


@jit_inline
def update_moments(S, i, gx, gy, beta1, beta2):
    """The Adam family's moments of run i, in Adam's rows exp_avg (m) and exp_avg_sq
    (v), which NAdam and RAdam share: m ← m + (1-β₁)(g - m), v ← β₂v + (1-β₂)g²."""
    S[S_ROWS.exp_avg_x, i] += (1.0 - beta1) * (gx - S[S_ROWS.exp_avg_x, i])
    S[S_ROWS.exp_avg_y, i] += (1.0 - beta1) * (gy - S[S_ROWS.exp_avg_y, i])
    S[S_ROWS.exp_avg_sq_x, i] = (
        beta2 * S[S_ROWS.exp_avg_sq_x, i] + (1.0 - beta2) * gx * gx
    )
    S[S_ROWS.exp_avg_sq_y, i] = (
        beta2 * S[S_ROWS.exp_avg_sq_y, i] + (1.0 - beta2) * gy * gy
    )


@jit_inline
def _loop(S, H, m, xs, ys, GX, GY, LR, amsgrad, decoupled, mixed):
    # S is indexed in place, not through row views: each view costs an atomic
    # reference count, per step.
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        if mixed:
            amsgrad = H[H_ROWS.amsgrad, i] != 0.0
            decoupled = H[H_ROWS.decoupled_weight_decay, i] != 0.0
        weight_decay = H[H_ROWS.weight_decay, i]
        gx, gy = decayed_gradient(xs, ys, GX, GY, i, lr, weight_decay, decoupled)
        update_moments(S, i, gx, gy, beta1, beta2)
        S[S_ROWS.beta1_power, i] *= beta1
        S[S_ROWS.beta2_power, i] *= beta2
        if amsgrad:
            S[S_ROWS.max_exp_avg_sq_x, i] = max(
                S[S_ROWS.max_exp_avg_sq_x, i], S[S_ROWS.exp_avg_sq_x, i]
            )
            S[S_ROWS.max_exp_avg_sq_y, i] = max(
                S[S_ROWS.max_exp_avg_sq_y, i], S[S_ROWS.exp_avg_sq_y, i]
            )
            second_x = S[S_ROWS.max_exp_avg_sq_x, i]
            second_y = S[S_ROWS.max_exp_avg_sq_y, i]
        else:
            second_x = S[S_ROWS.exp_avg_sq_x, i]
            second_y = S[S_ROWS.exp_avg_sq_y, i]
        # torch's η/(1-β₁ᵗ) · m/(√v/√(1-β₂ᵗ) + ε) with numerator and denominator times
        # √(1-β₂ᵗ): three divisions per run and step instead of five (~15% of a sweep).
        root = np.sqrt(1.0 - S[S_ROWS.beta2_power, i])
        step_size = lr * root / (1.0 - S[S_ROWS.beta1_power, i])
        xs[i] -= step_size * (S[S_ROWS.exp_avg_x, i] / (np.sqrt(second_x) + eps * root))
        ys[i] -= step_size * (S[S_ROWS.exp_avg_y, i] / (np.sqrt(second_y) + eps * root))


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    # Each call of _loop has constant flags, so LLVM vectorizes it; runs of one chunk
    # with different flags (a grid over amsgrad) take the slower per-run branch.
    amsgrad = H[H_ROWS.amsgrad, 0] != 0.0
    decoupled = H[H_ROWS.decoupled_weight_decay, 0] != 0.0
    mixed = False
    for i in range(m):  # | not `or`: a branch-free, vectorized loop
        mixed |= ((H[H_ROWS.amsgrad, i] != 0.0) != amsgrad) | (
            (H[H_ROWS.decoupled_weight_decay, i] != 0.0) != decoupled
        )
    if mixed:
        _loop(S, H, m, xs, ys, GX, GY, LR, False, False, True)
    elif amsgrad and decoupled:
        _loop(S, H, m, xs, ys, GX, GY, LR, True, True, False)
    elif amsgrad:
        _loop(S, H, m, xs, ys, GX, GY, LR, True, False, False)
    elif decoupled:
        _loop(S, H, m, xs, ys, GX, GY, LR, False, True, False)
    else:
        _loop(S, H, m, xs, ys, GX, GY, LR, False, False, False)

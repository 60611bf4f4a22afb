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

LATEX = (
    r"\begin{aligned} m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 "
    r"v_{t-1} + (1-\beta_2) g_t^2\\ \theta_t &= \theta_{t-1} - \frac{\eta_t}{1-\beta_1^t}"
    r"\,\frac{m_t}{\sqrt{v_t/(1-\beta_2^t)}+\epsilon}\end{aligned}"
)


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


SPEC = OptimizerSpec(
    name="adam",
    title="Adam",
    hyperparameters=hyperparameters(0.0, False, settable=True),
    latex=LATEX,
    reference=(
        "D. P. Kingma and J. Ba (2015), Adam: a method for stochastic optimization, "
        "ICLR; S. J. Reddi et al. (2018), On the convergence of Adam and beyond, ICLR "
        "(AMSGrad); torch.optim.Adam."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3), "max_exp_avg_sq": (4, 5)},
    tuples={"betas": ("beta1", "beta2")},
    torch_class="Adam",
)


@jit_inline
def init(S, H, m):
    # Running powers β₁ᵗ and β₂ᵗ of the bias corrections.
    for i in range(m):
        S[6, i] = 1.0
        S[7, i] = 1.0


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
def _loop(S, H, m, xs, ys, GX, GY, LR, amsgrad, decoupled, mixed):
    mx, my, vx, vy, vmax_x, vmax_y, power1, power2 = (
        S[0],
        S[1],
        S[2],
        S[3],
        S[4],
        S[5],
        S[6],
        S[7],
    )
    beta1, beta2, eps, weight_decay = H[1], H[2], H[3], H[4]
    for i in range(m):
        lr = LR[i]
        if mixed:
            amsgrad = H[5, i] != 0.0
            decoupled = H[6, i] != 0.0
        gx, gy = decayed_gradient(xs, ys, GX, GY, i, lr, weight_decay[i], decoupled)
        mx[i] += (1.0 - beta1[i]) * (gx - mx[i])
        my[i] += (1.0 - beta1[i]) * (gy - my[i])
        vx[i] = beta2[i] * vx[i] + (1.0 - beta2[i]) * gx * gx
        vy[i] = beta2[i] * vy[i] + (1.0 - beta2[i]) * gy * gy
        power1[i] *= beta1[i]
        power2[i] *= beta2[i]
        if amsgrad:
            vmax_x[i] = max(vmax_x[i], vx[i])
            vmax_y[i] = max(vmax_y[i], vy[i])
            second_x = vmax_x[i]
            second_y = vmax_y[i]
        else:
            second_x = vx[i]
            second_y = vy[i]
        step_size = lr / (1.0 - power1[i])
        root = np.sqrt(1.0 - power2[i])
        xs[i] -= step_size * (mx[i] / (np.sqrt(second_x) / root + eps[i]))
        ys[i] -= step_size * (my[i] / (np.sqrt(second_y) / root + eps[i]))


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, lid, lp, T):
    # Each call of _loop has constant flags, so LLVM vectorizes it; runs of one chunk
    # with different flags (a grid over amsgrad) take the slower per-run branch.
    amsgrad = H[5, 0] != 0.0
    decoupled = H[6, 0] != 0.0
    mixed = False
    for i in range(m):
        mixed |= (H[5, i] != 0.0) != amsgrad or (H[6, i] != 0.0) != decoupled
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

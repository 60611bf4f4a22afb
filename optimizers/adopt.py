r"""ADOPT (adaptive gradient method with the optimal rate), exactly as
optax.contrib.adopt.

.. math::
    \begin{align*}
    v_0 &= g_0^2, \quad m_0 = 0 \quad (\text{the first step only sets } v) \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,
        \operatorname{clip}\Big(\frac{g_t}{\max(\sqrt{v_{t-1}}, \epsilon)},
        \ t^{1/4}\Big) \\
    \theta_t &= \theta_{t-1} - \eta_t m_t
        \quad \Big(\text{nesterov: } \beta_1 m_t + (1-\beta_1)\,
        \operatorname{clip}(\cdot)\Big) \\
    v_t &= \beta_2 v_{t-1} + (1-\beta_2) g_t^2
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, nesterov = ``nesterov``; clip(x, c)
limits x to [-c, c] when ``use_clipping`` (optax's default ``clip_value_fn``,
c = t^{1/4}), else is x. Steps count from t = 0: step 0 takes g₀ = ∇f(θ₀) at the
start θ₀ and only sets v₀ = g₀² (the path's first step stays put); step t ≥ 1 takes
gₜ = ∇f(θₜ₋₁), divides it by the root of the v before, then updates v. Reference: S. Taniguchi et al. (2024),
ADOPT: modified Adam can converge with any β₂ with the optimal rate, NeurIPS. optax
chains ``scale_by_adopt`` and ``scale_by_learning_rate``, as here. Where libraries
disagree: ε bounds the root from below (a max, not Adam's sum); there is no bias
correction; Nesterov is optax's addition. pytorch_optimizer's ADOPT counts the step
that only sets v as its step 1, so it clips the t-th update at (t + 1)^{1/4} (with its
clip shifted by one step it follows this path), and has a weight decay optax has
not. optax requires a learning rate (no default); ours is the 0.003 of optax's own
example.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,\mathrm{clip}\Big(\frac{g_t}"
    r"{\max(\sqrt{v_{t-1}},\epsilon)}, t^{1/4}\Big)\\ \theta_t &= \theta_{t-1} - "
    r"\eta_t m_t\\ v_t &= \beta_2 v_{t-1} + (1-\beta_2) g_t^2"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="adopt",
    family="adaptive",
    title="ADOPT",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.003,
            help="learning rate (step size) η; optax has no default, 0.003 is its "
            "example's",
        ),
        Hyperparameter("beta1", 0.9, 0.0, 1.0, open_high=True, help="β₁ (betas[0])"),
        Hyperparameter("beta2", 0.9999, 0.0, 1.0, help="β₂ (betas[1])"),
        Hyperparameter("eps", 1e-6, help="ε, the least root v is divided by"),
        Hyperparameter(
            "nesterov", False, kind="bool", help="Nesterov momentum (optax)"
        ),
        Hyperparameter(
            "use_clipping",
            True,
            kind="bool",
            help="clip g/max(√v, ε) to ±t^¼ (optax's default clip_value_fn)",
        ),
    ),
    latex=LATEX,
    reference=(
        "S. Taniguchi et al. (2024), ADOPT: modified Adam can converge with any β₂ "
        "with the optimal rate, NeurIPS; optax.contrib.adopt."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3)},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if k == 0:  # the first gradient only sets v₀ = g₀² (m₀ = 0: no move)
        for i in range(m):
            S[S_ROWS.exp_avg_sq_x, i] = GX[i] * GX[i]
            S[S_ROWS.exp_avg_sq_y, i] = GY[i] * GY[i]
        return
    clip = k**0.25
    # The flags select between values computed either way (no branch per flag), so
    # one loop serves every run and LLVM vectorizes it.
    for i in range(m):
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        # Without clipping the bound is ∞: min(max(u, -∞), ∞) is u.
        bound = clip if H[H_ROWS.use_clipping, i] != 0.0 else np.inf
        gx = GX[i]
        gy = GY[i]
        vx = S[S_ROWS.exp_avg_sq_x, i]
        vy = S[S_ROWS.exp_avg_sq_y, i]
        ux = min(max(gx / max(np.sqrt(vx), eps), -bound), bound)
        uy = min(max(gy / max(np.sqrt(vy), eps), -bound), bound)
        S[S_ROWS.exp_avg_sq_x, i] = (1.0 - beta2) * (gx * gx) + beta2 * vx
        S[S_ROWS.exp_avg_sq_y, i] = (1.0 - beta2) * (gy * gy) + beta2 * vy
        mx = (1.0 - beta1) * ux + beta1 * S[S_ROWS.exp_avg_x, i]
        my = (1.0 - beta1) * uy + beta1 * S[S_ROWS.exp_avg_y, i]
        S[S_ROWS.exp_avg_x, i] = mx
        S[S_ROWS.exp_avg_y, i] = my
        if H[H_ROWS.nesterov, i] != 0.0:
            mx = (1.0 - beta1) * ux + beta1 * mx
            my = (1.0 - beta1) * uy + beta1 * my
        xs[i] -= LR[i] * mx
        ys[i] -= LR[i] * my

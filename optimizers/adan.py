r"""Adan (adaptive Nesterov momentum), exactly as optax.adan (optax 0.2.8).

.. math::
    \begin{align*}
    \Delta_t &= g_t - g_{t-1} \quad (\Delta_1 = 0) \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) \Delta_t \\
    n_t &= \beta_3 n_{t-1} + (1-\beta_3)\,\big(g_t + (1-\beta_2)\Delta_t\big)^2 \\
    u_t &= \frac{m_t/(1-\beta_1^t) + (1-\beta_2)\,v_t/(1-\beta_2^t)}
        {\sqrt{n_t/(1-\beta_3^t) + \bar\epsilon} + \epsilon} \\
    \theta_t &= \theta_{t-1} - \eta_t\,(u_t + \lambda\theta_{t-1})
    \end{align*}

η = ``lr``, (β₁, β₂, β₃) = ``betas``, ε = ``eps``, ε̄ = ``eps_root``, λ =
``weight_decay``, g = ∇f(θₜ₋₁), m₀ = v₀ = n₀ = 0. Reference: X. Xie, P. Zhou, H. Li,
Z. Lin and S. Yan (2022/2024), Adan: adaptive Nesterov momentum algorithm for faster
optimizing deep models, IEEE TPAMI (Algorithm 1); optax.adan.

Where libraries disagree:

* The β's are decay rates, as in optax and the authors' PyTorch code: the paper's
  β₁ = 0.02, β₂ = 0.08, β₃ = 0.01 are 1 − ``betas``. The moments start at zero and are
  bias-corrected, and the first step's gradient difference is zero (optax and the
  authors' code); the paper's Algorithm 1 starts from m₀ = g₀, v₁ = g₁ − g₀ instead.
* optax 0.2.8 weights the gradient difference in n and u by 1 − β₂ (0.08 at the
  default); the paper (its 1 − β₂ in its own β's) and the authors' code weight it by
  β₂ (0.92). Ours is optax's; an open optax pull request (google-deepmind/optax#1715)
  changes optax to the paper's weight.
* Weight decay is optax's: λθ added to the update before the learning rate, i.e.
  θ ← (1 − ηλ)θ − ηu; the paper divides by 1 + ηλ instead (a proximal step).
* optax requires a learning rate (no default); ours is 0.01.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers import _chunk
from optimizers._spec import Hyperparameter, OptimizerSpec

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ v_t &= \beta_2 v_{t-1} + "
    r"(1-\beta_2)(g_t - g_{t-1})\\ n_t &= \beta_3 n_{t-1} + (1-\beta_3)"
    r"\big(g_t + (1-\beta_2)(g_t - g_{t-1})\big)^2\\ \theta_t &= \theta_{t-1} - "
    r"\eta_t\Big(\frac{\hat m_t + (1-\beta_2)\hat v_t}{\sqrt{\hat n_t + "
    r"\bar\epsilon}+\epsilon} + \lambda\theta_{t-1}\Big)"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True


def _beta(name: str, default: float, help: str) -> Hyperparameter:
    return Hyperparameter(name, default, 0.0, 1.0, open_high=True, help=help)


SPEC = OptimizerSpec(
    name="adan",
    family="adaptive",
    title="Adan",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.01,
            help="learning rate (step size) η; optax has no default",
        ),
        _beta("beta1", 0.98, "β₁ (betas[0]): decay of the gradient's average"),
        _beta("beta2", 0.92, "β₂ (betas[1]): decay of the gradient difference's"),
        _beta("beta3", 0.99, "β₃ (betas[2]): decay of the squared term's average"),
        Hyperparameter("eps", 1e-8, help="ε added to the root"),
        Hyperparameter("eps_root", 1e-8, help="ε̄ added under the root (optax)"),
        Hyperparameter("weight_decay", 0.0, help="weight decay λ (optax's, additive)"),
    ),
    latex=LATEX,
    reference=(
        "X. Xie, P. Zhou, H. Li, Z. Lin and S. Yan (2024), Adan: adaptive Nesterov "
        "momentum algorithm for faster optimizing deep models, IEEE TPAMI; optax.adan."
    ),
    state={"exp_avg": (0, 1), "exp_avg_diff": (2, 3), "exp_avg_sq": (4, 5)},
    # The last step's gradient, whose difference to this one v and n average.
    internal_state={"previous_grad_x": 6, "previous_grad_y": 7},
    tuples={"betas": ("beta1", "beta2", "beta3")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def _coordinate(g, difference, m, v, n, beta1, beta2, beta3):
    """One coordinate's moments (optax's update_moment: (1-β)x + β·old)."""
    m = (1.0 - beta1) * g + beta1 * m
    v = (1.0 - beta2) * difference + beta2 * v
    look_ahead = g + (1.0 - beta2) * difference
    n = (1.0 - beta3) * (look_ahead * look_ahead) + beta3 * n
    return m, v, n


@jit_inline
def bias_corrections(beta1, beta2, beta3, t):
    """1 - βᵗ of each β as optax computes them, from the (int) step count."""
    return 1.0 - beta1**t, 1.0 - beta2**t, 1.0 - beta3**t


@jit_inline
def _loop(t, first, S, H, m, xs, ys, GX, GY, LR, mixed, corrections):
    correction1, correction2, correction3 = corrections
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        beta3 = H[H_ROWS.beta3, i]
        eps = H[H_ROWS.eps, i]
        eps_root = H[H_ROWS.eps_root, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if mixed:
            correction1, correction2, correction3 = bias_corrections(
                beta1, beta2, beta3, t
            )
        gx = GX[i]
        gy = GY[i]
        # Loaded on every step, first or not: a load inside the branch keeps LLVM from
        # vectorizing the loop.
        previous_x = S[S_ROWS.previous_grad_x, i]
        previous_y = S[S_ROWS.previous_grad_y, i]
        dx = 0.0 if first else gx - previous_x
        dy = 0.0 if first else gy - previous_y
        mx, vx, nx = _coordinate(
            gx,
            dx,
            S[S_ROWS.exp_avg_x, i],
            S[S_ROWS.exp_avg_diff_x, i],
            S[S_ROWS.exp_avg_sq_x, i],
            beta1,
            beta2,
            beta3,
        )
        my, vy, ny = _coordinate(
            gy,
            dy,
            S[S_ROWS.exp_avg_y, i],
            S[S_ROWS.exp_avg_diff_y, i],
            S[S_ROWS.exp_avg_sq_y, i],
            beta1,
            beta2,
            beta3,
        )
        S[S_ROWS.exp_avg_x, i] = mx
        S[S_ROWS.exp_avg_y, i] = my
        S[S_ROWS.exp_avg_diff_x, i] = vx
        S[S_ROWS.exp_avg_diff_y, i] = vy
        S[S_ROWS.exp_avg_sq_x, i] = nx
        S[S_ROWS.exp_avg_sq_y, i] = ny
        S[S_ROWS.previous_grad_x, i] = gx
        S[S_ROWS.previous_grad_y, i] = gy
        ux = (mx / correction1 + (1.0 - beta2) * (vx / correction2)) / (
            np.sqrt(nx / correction3 + eps_root) + eps
        )
        uy = (my / correction1 + (1.0 - beta2) * (vy / correction2)) / (
            np.sqrt(ny / correction3 + eps_root) + eps
        )
        xs[i] += -lr * (ux + weight_decay * xs[i])
        ys[i] += -lr * (uy + weight_decay * ys[i])


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    t = k + 1  # an int: βᵗ by repeated squaring, as jax (and optax) compute it
    first = k == 0  # no previous gradient: the difference is zero (optax)
    # When every run of the chunk shares the β's, the three powers βᵗ are computed
    # once per step, not once per run (each is a loop of squarings that keeps LLVM
    # from vectorizing the loop over the runs); a chunk of several β's (a grid over
    # them) takes them per run.
    mixed = (
        _chunk.row_differs(H, H_ROWS.beta1, m)
        | _chunk.row_differs(H, H_ROWS.beta2, m)
        | _chunk.row_differs(H, H_ROWS.beta3, m)
    )
    if mixed:
        _loop(t, first, S, H, m, xs, ys, GX, GY, LR, True, (1.0, 1.0, 1.0))
    else:
        corrections = bias_corrections(
            H[H_ROWS.beta1, 0], H[H_ROWS.beta2, 0], H[H_ROWS.beta3, 0], t
        )
        _loop(t, first, S, H, m, xs, ys, GX, GY, LR, False, corrections)

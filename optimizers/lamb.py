r"""LAMB (layer-wise adaptive moments for batch training), exactly as optax.lamb.

.. math::
    \begin{align*}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
    u_t &= \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t) + \epsilon_{root}}
        + \epsilon} + \lambda\theta_{t-1} \\
    \theta_t &= \theta_{t-1} - \eta_t\,\frac{\lVert\theta_{t-1}\rVert}
        {\lVert u_t\rVert}\,u_t
        \quad (\text{ratio } 1 \text{ if } \lVert\theta_{t-1}\rVert = 0
        \text{ or } \lVert u_t\rVert = 0)
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, ε_root = ``eps_root``, λ =
``weight_decay``; g = ∇f(θₜ₋₁), m₀ = v₀ = 0. The norms are per parameter tensor (the
step's ``groups``): on a 2D surface the point (x, y) is the one tensor, both norms over
both coordinates; in network training (``optimizers.train``) each weight matrix and
bias vector, as optax's per-leaf norms. Reference: Y. You et al. (2020), Large batch optimization for deep learning:
training BERT in 76 minutes, ICLR (Algorithm 2). optax chains ``scale_by_adam``,
``add_decayed_weights``, ``scale_by_trust_ratio`` and ``scale_by_learning_rate``, as
here. Where libraries disagree: the paper scales by φ(‖θ‖)/‖u‖ with a clipping
function φ; optax takes φ(z) = z, so every step is η‖θₜ₋₁‖ long (short near θ = 0),
and sets the ratio to 1 where either norm is zero (at θ = 0 the step is the plain
-ηu). optax requires a learning rate (no default); ours is the 0.003 of optax's
own example.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec, scratch_rows
from optimizers.adam import BETA1, BETA2
from optimizers.tensorwise import clear, each_run_alone, trust_ratio

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ v_t &= \beta_2 v_{t-1} + "
    r"(1-\beta_2) g_t^2\\ u_t &= \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)"
    r"+\epsilon_{root}}+\epsilon} + \lambda\theta_{t-1}\\ \theta_t &= \theta_{t-1}"
    r" - \eta_t\,\frac{\lVert\theta_{t-1}\rVert}{\lVert u_t\rVert}\,u_t"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="lamb",
    family="adaptive",
    title="LAMB",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.003,
            help="learning rate (step size) η; optax has no default, 0.003 is its "
            "example's",
        ),
        BETA1,
        BETA2,
        Hyperparameter("eps", 1e-6, help="ε added to the root"),
        Hyperparameter("eps_root", 0.0, help="ε_root added under the root (optax)"),
        Hyperparameter("weight_decay", 0.0, help="weight decay λ, added to u"),
    ),
    latex=LATEX,
    reference=(
        "Y. You et al. (2020), Large batch optimization for deep learning: training "
        "BERT in 76 minutes, ICLR (LAMB); optax.lamb."
    ),
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3)},
    # Running powers β₁ᵗ and β₂ᵗ of the bias corrections.
    internal_state={"beta1_power": 4, "beta2_power": 5},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
# In training: each run's u, and per tensor (optimizers.tensorwise) ‖θ‖², ‖u‖².
T_ROWS = scratch_rows("update_x", "update_y", "param_sq", "update_sq")
# Its norms are per parameter tensor: optimizers.train runs it on networks.
TENSORWISE = True


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.beta1_power, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if each_run_alone(groups, m):  # a plane: each run's norms are its tensor's
        for i in range(m):
            ux, uy = _direction(S, H, i, xs, ys, GX, GY)
            param_sq = xs[i] * xs[i] + ys[i] * ys[i]
            _apply(i, xs, ys, LR, ux, uy, param_sq, ux * ux + uy * uy)
        return
    # u and ‖θ‖², ‖u‖² per tensor; then the updates.
    clear(T, T_ROWS.param_sq, m)
    clear(T, T_ROWS.update_sq, m)
    for i in range(m):
        ux, uy = _direction(S, H, i, xs, ys, GX, GY)
        T[T_ROWS.update_x, i] = ux
        T[T_ROWS.update_y, i] = uy
        T[T_ROWS.param_sq, groups[i]] += xs[i] * xs[i] + ys[i] * ys[i]
        T[T_ROWS.update_sq, groups[i]] += ux * ux + uy * uy
    for i in range(m):
        tensor = groups[i]
        _apply(
            i,
            xs,
            ys,
            LR,
            T[T_ROWS.update_x, i],
            T[T_ROWS.update_y, i],
            T[T_ROWS.param_sq, tensor],
            T[T_ROWS.update_sq, tensor],
        )


@jit_inline
def _direction(S, H, i, xs, ys, GX, GY):
    """Run i's moments (updated in S) and its u."""
    beta1 = H[H_ROWS.beta1, i]
    beta2 = H[H_ROWS.beta2, i]
    eps = H[H_ROWS.eps, i]
    eps_root = H[H_ROWS.eps_root, i]
    weight_decay = H[H_ROWS.weight_decay, i]
    gx = GX[i]
    gy = GY[i]
    mx = (1.0 - beta1) * gx + beta1 * S[S_ROWS.exp_avg_x, i]
    my = (1.0 - beta1) * gy + beta1 * S[S_ROWS.exp_avg_y, i]
    vx = (1.0 - beta2) * (gx * gx) + beta2 * S[S_ROWS.exp_avg_sq_x, i]
    vy = (1.0 - beta2) * (gy * gy) + beta2 * S[S_ROWS.exp_avg_sq_y, i]
    S[S_ROWS.exp_avg_x, i] = mx
    S[S_ROWS.exp_avg_y, i] = my
    S[S_ROWS.exp_avg_sq_x, i] = vx
    S[S_ROWS.exp_avg_sq_y, i] = vy
    beta1_power = S[S_ROWS.beta1_power, i] * beta1
    beta2_power = S[S_ROWS.beta2_power, i] * beta2
    S[S_ROWS.beta1_power, i] = beta1_power
    S[S_ROWS.beta2_power, i] = beta2_power
    # The bias corrections as products with 1/(1-βᵗ): one division each, and
    # how optax's XLA divides a tensor by a scalar, so the paths agree to the bit.
    correction1 = 1.0 / (1.0 - beta1_power)
    correction2 = 1.0 / (1.0 - beta2_power)
    mx = mx * correction1
    my = my * correction1
    vx = vx * correction2
    vy = vy * correction2
    ux = mx / (np.sqrt(vx + eps_root) + eps) + weight_decay * xs[i]
    uy = my / (np.sqrt(vy + eps_root) + eps) + weight_decay * ys[i]
    return ux, uy


@jit_inline
def _apply(i, xs, ys, LR, ux, uy, param_sq, update_sq):
    """Run i's step along u, scaled by its tensor's trust ratio."""
    ratio = trust_ratio(param_sq, update_sq, 1.0, 0.0)
    xs[i] -= LR[i] * (ux * ratio)
    ys[i] -= LR[i] * (uy * ratio)

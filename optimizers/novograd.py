r"""NovoGrad, exactly as optax.novograd.

.. math::
    \begin{align*}
    v_t &= \beta_2 v_{t-1} + (1-\beta_2)\lVert g_t\rVert^2, \qquad
        v_1 = \lVert g_1\rVert^2 \\
    m_t &= \beta_1 m_{t-1} + \frac{g_t}{\sqrt{v_t + \epsilon_{root}} + \epsilon}
        + \lambda\theta_{t-1}, \qquad m_0 = 0 \\
    \theta_t &= \theta_{t-1} - \eta_t m_t
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, ε_root = ``eps_root``, λ =
``weight_decay``; g = ∇f(θₜ₋₁). v is one number per parameter tensor (the step's
``groups``): on a 2D surface the point (x, y) is the one tensor, ‖g‖ over both
coordinates; in network training (``optimizers.train``) each weight matrix and bias
vector, as optax's per-leaf norms. Reference: B. Ginsburg et al. (2019), Stochastic gradient methods
with layer-wise adaptive moments for training of deep networks, arXiv:1905.11286
(Algorithm 1, which starts v₁ = ‖g₁‖² as here). optax.novograd is
``scale_by_novograd`` then ``scale_by_learning_rate``, as here. Where libraries
disagree: m has no (1-β₁) factor and no bias correction (the paper's and optax's
form; TensorFlow Addons' ``grad_averaging`` adds the factor); ε is added outside the
root and ε_root inside (optax), and the default β₂ is 0.25 (optax). optax requires a
learning rate (no default); ours is the 0.003 of optax's own example.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec, scratch_rows
from optimizers.tensorwise import clear, each_run_alone

LINES = (
    r"v_t &= \beta_2 v_{t-1} + (1-\beta_2)\lVert g_t\rVert^2\\ m_t &= \beta_1"
    r" m_{t-1} + \frac{g_t}{\sqrt{v_t+\epsilon_{root}}+\epsilon} + \lambda"
    r"\theta_{t-1}\\ \theta_t &= \theta_{t-1} - \eta_t m_t"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="novograd",
    family="adaptive",
    title="NovoGrad",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.003,
            help="learning rate (step size) η; optax has no default, 0.003 is its "
            "example's",
        ),
        Hyperparameter("beta1", 0.9, 0.0, 1.0, help="β₁ (betas[0]): decay of m"),
        Hyperparameter("beta2", 0.25, 0.0, 1.0, help="β₂ (betas[1]): decay of v"),
        Hyperparameter("eps", 1e-6, help="ε added to the root"),
        Hyperparameter("eps_root", 0.0, help="ε_root added under the root (optax)"),
        Hyperparameter("weight_decay", 0.0, help="weight decay λ, added to m"),
    ),
    latex=LATEX,
    reference=(
        "B. Ginsburg et al. (2019), Stochastic gradient methods with layer-wise "
        "adaptive moments for training of deep networks, arXiv:1905.11286 "
        "(NovoGrad); optax.novograd."
    ),
    state={"exp_avg": (0, 1)},
    # The tensor's second moment v: one number for both coordinates (in training,
    # each run holds its tensor's).
    internal_state={"exp_avg_sq": 2},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
# ‖g‖² per tensor (optimizers.tensorwise).
T_ROWS = scratch_rows("grad_sq")
# v is per parameter tensor: optimizers.train runs it on networks.
TENSORWISE = True


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    # Each call of _step has constant flags, so LLVM vectorizes its loop (as
    # adam.step). k == 0 is optax's count 1: v and m start from this gradient.
    alone = each_run_alone(groups, m)
    if k == 0 and alone:
        _step(S, H, m, xs, ys, GX, GY, LR, T, groups, True, True)
    elif k == 0:
        _step(S, H, m, xs, ys, GX, GY, LR, T, groups, True, False)
    elif alone:
        _step(S, H, m, xs, ys, GX, GY, LR, T, groups, False, True)
    else:
        _step(S, H, m, xs, ys, GX, GY, LR, T, groups, False, False)


@jit_inline
def _step(S, H, m, xs, ys, GX, GY, LR, T, groups, first, per_run):
    # ‖g‖² per tensor (each run's own in the loop, where it is its own tensor),
    # then the moments and the updates.
    if not per_run:
        clear(T, T_ROWS.grad_sq, m)
        for i in range(m):
            T[T_ROWS.grad_sq, groups[i]] += GX[i] * GX[i] + GY[i] * GY[i]
    for i in range(m):
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        eps_root = H[H_ROWS.eps_root, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        gx = GX[i]
        gy = GY[i]
        # optax squares jnp.linalg.norm, the root of the sum of squares.
        norm = np.sqrt(gx * gx + gy * gy if per_run else T[T_ROWS.grad_sq, groups[i]])
        if first:
            v = norm * norm
            mx = 0.0
            my = 0.0
        else:
            v = (1.0 - beta2) * (norm * norm) + beta2 * S[S_ROWS.exp_avg_sq, i]
            mx = beta1 * S[S_ROWS.exp_avg_x, i]
            my = beta1 * S[S_ROWS.exp_avg_y, i]
        # One division per run: g/r as g·(1/r), which is also how optax's XLA
        # divides a tensor by a scalar, so the paths agree to the bit.
        scale = 1.0 / (np.sqrt(v + eps_root) + eps)
        mx = mx + (gx * scale + weight_decay * xs[i])
        my = my + (gy * scale + weight_decay * ys[i])
        S[S_ROWS.exp_avg_sq, i] = v
        S[S_ROWS.exp_avg_x, i] = mx
        S[S_ROWS.exp_avg_y, i] = my
        xs[i] -= LR[i] * mx
        ys[i] -= LR[i] * my

r"""Adamax (Adam with the infinity norm), exactly as torch.optim.Adamax.

.. math::
    \begin{align*}
    g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
    u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
    \theta_t &= \theta_{t-1} - \frac{\eta_t}{1-\beta_1^t}\,\frac{m_t}{u_t}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, λ = ``weight_decay``; m is torch's
``exp_avg``, u its ``exp_inf``. Reference: Kingma & Ba (2015) §7.1. Where libraries
disagree: torch adds ε to |g_t| inside the max (so u_t ≥ ε and never 0); Kingma & Ba's
Algorithm 2 has no ε, and optax adds it to u_t in the denominator instead.
"""

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec
from optimizers.adam import BETA1, BETA2, WEIGHT_DECAY

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="adamax",
    family="adaptive",
    title="Adamax",
    hyperparameters=(
        Hyperparameter("lr", 2e-3, help=LR_HELP),
        BETA1,
        BETA2,
        Hyperparameter("eps", 1e-8, help="ε added to |g| in the max"),
        WEIGHT_DECAY,
    ),
    latex=(
        r"\begin{aligned}m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ u_t &= "
        r"\max(\beta_2 u_{t-1},\ |g_t|+\epsilon)\\ \theta_t &= \theta_{t-1} - "
        r"\frac{\eta_t}{1-\beta_1^t}\,\frac{m_t}{u_t}\end{aligned}"
    ),
    reference=(
        "D. P. Kingma and J. Ba (2015), Adam: a method for stochastic optimization, "
        "ICLR, §7.1 (AdaMax); torch.optim.Adamax."
    ),
    state={"exp_avg": (0, 1), "exp_inf": (2, 3)},
    tuples={"betas": ("beta1", "beta2")},
    torch_class="Adamax",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def lerp(start, end, weight):
    """torch.lerp's formula (aten's lerp: two forms, by the weight's size). Both
    forms are computed and one is chosen: a select, which LLVM vectorizes (as two
    returns it stored through masks and gathers, half the speed)."""
    forward = start + weight * (end - start)
    backward = end - (end - start) * (1.0 - weight)
    return forward if abs(weight) < 0.5 else backward


@jit_inline
def _loop(t, S, H, m, xs, ys, GX, GY, LR, mixed, beta1_power):
    for i in range(m):
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if mixed:
            beta1_power = beta1**t
        gx = GX[i] + weight_decay * xs[i]
        gy = GY[i] + weight_decay * ys[i]
        S[S_ROWS.exp_avg_x, i] = lerp(S[S_ROWS.exp_avg_x, i], gx, 1.0 - beta1)
        S[S_ROWS.exp_avg_y, i] = lerp(S[S_ROWS.exp_avg_y, i], gy, 1.0 - beta1)
        S[S_ROWS.exp_inf_x, i] = max(beta2 * S[S_ROWS.exp_inf_x, i], abs(gx) + eps)
        S[S_ROWS.exp_inf_y, i] = max(beta2 * S[S_ROWS.exp_inf_y, i], abs(gy) + eps)
        clr = LR[i] / (1.0 - beta1_power)
        xs[i] += -clr * (S[S_ROWS.exp_avg_x, i] / S[S_ROWS.exp_inf_x, i])
        ys[i] += -clr * (S[S_ROWS.exp_avg_y, i] / S[S_ROWS.exp_inf_y, i])


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    t = k + 1.0
    # torch: clr = lr / (1 - β₁ ** step), the power itself (not a running product).
    # When every run of the chunk shares β₁ that is one pow per step, not one per run
    # (a pow costs more than the rest of the step, and its call keeps LLVM from
    # vectorizing the loop); a chunk of several β₁ (a grid over it) takes a pow per run.
    beta1 = H[H_ROWS.beta1, 0]
    mixed = False
    for i in range(m):  # | not `or`: a branch-free, vectorized loop
        mixed |= H[H_ROWS.beta1, i] != beta1
    if mixed:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, True, 0.0)
    else:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, False, beta1**t)

r"""SGD with momentum, dampening, Nesterov and L2 weight decay, exactly as torch.optim.SGD.

.. math::
    \begin{align*}
    g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
    b_t &\leftarrow \mu b_{t-1} + (1 - \tau) g_t \quad (b_1 = g_1) \\
    g_t &\leftarrow g_t + \mu b_t \ \text{(nesterov) or } b_t \ \text{(otherwise; if } \mu \ne 0) \\
    \theta_t &\leftarrow \theta_{t-1} - \eta_t g_t
    \end{align*}

η = ``lr``, μ = ``momentum``, τ = ``dampening``, λ = ``weight_decay``. The buffer is the
gradient itself at the first step (no dampening then), as in torch. With dampening τ = μ
this is the lecture notes' EMA momentum Δθ ← μΔθ + (1 − μ)∇. Where libraries disagree:
torch scales the whole buffer by the *current* lr, so with a schedule this differs from
the heavy-ball form Δθ ← βΔθ − η∇ (see ``momentum``).
"""

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec


def nesterov_needs_momentum(values: dict) -> str | None:
    """torch.optim.SGD's own check, with its message."""
    if values["nesterov"] and (values["momentum"] <= 0 or values["dampening"] != 0):
        return "Nesterov momentum requires a momentum and zero dampening"
    return None


# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="sgd",
    family="SGD family",
    title="SGD (torch.optim.SGD)",
    hyperparameters=(
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        Hyperparameter("momentum", 0.0, help="momentum factor μ"),
        Hyperparameter("dampening", 0.0, 0.0, 1.0, help="dampening τ for momentum"),
        Hyperparameter("weight_decay", 0.0, help="L2 penalty λ"),
        Hyperparameter("nesterov", False, kind="bool", help="Nesterov momentum"),
    ),
    latex=(
        r"\begin{aligned} g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}\\"
        r" b_t &= \mu b_{t-1} + (1-\tau) g_t\\"
        r" \theta_t &= \theta_{t-1} - \eta_t\,(\text{nesterov}\ ?\ g_t + \mu b_t : b_t)"
        r"\end{aligned}"
    ),
    reference=(
        "torch.optim.SGD; I. Sutskever et al. (2013), On the importance of "
        "initialization and momentum in deep learning, ICML."
    ),
    state={"momentum_buffer": (0, 1)},
    torch_class="SGD",
    constraint=nesterov_needs_momentum,
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        momentum = H[H_ROWS.momentum, i]
        dampening = H[H_ROWS.dampening, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        gx = GX[i] + weight_decay * xs[i]
        gy = GY[i] + weight_decay * ys[i]
        if momentum != 0.0:
            if k == 0:
                bx = gx
                by = gy
            else:
                bx = momentum * S[S_ROWS.momentum_buffer_x, i] + (1.0 - dampening) * gx
                by = momentum * S[S_ROWS.momentum_buffer_y, i] + (1.0 - dampening) * gy
            S[S_ROWS.momentum_buffer_x, i] = bx
            S[S_ROWS.momentum_buffer_y, i] = by
            if H[H_ROWS.nesterov, i] != 0.0:
                gx = gx + momentum * bx
                gy = gy + momentum * by
            else:
                gx = bx
                gy = by
        xs[i] -= LR[i] * gx
        ys[i] -= LR[i] * gy

r"""RMSprop with optional momentum and centering, exactly as torch.optim.RMSprop.

.. math::
    \begin{align*}
    g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
    v_t &= \alpha v_{t-1} + (1-\alpha) g_t^2 \\
    \tilde v_t &= v_t - \bar g_t^2, \ \ \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t
        \quad \text{(centered; otherwise } \tilde v_t = v_t) \\
    b_t &= \mu b_{t-1} + g_t/(\sqrt{\tilde v_t} + \epsilon), \qquad
    \theta_t = \theta_{t-1} - \eta_t b_t \quad (\mu = 0: b_t = g_t/(\sqrt{\tilde v_t}+\epsilon))
    \end{align*}

η = ``lr``, α = ``alpha``, ε = ``eps``, λ = ``weight_decay``, μ = ``momentum``. Note that
ε is added *outside* the square root (as in torch; TensorFlow adds it inside).
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="rmsprop",
    family="adaptive",
    title="RMSprop",
    hyperparameters=(
        Hyperparameter("lr", 1e-2, help=LR_HELP),
        Hyperparameter("alpha", 0.99, 0.0, 1.0, help="smoothing constant α"),
        Hyperparameter("eps", 1e-8, help="ε added to the root"),
        Hyperparameter("weight_decay", 0.0, help="L2 penalty λ"),
        Hyperparameter("momentum", 0.0, help="momentum μ"),
        Hyperparameter("centered", False, kind="bool", help="divide by the variance"),
    ),
    latex=(
        r"\begin{aligned} v_t &= \alpha v_{t-1} + (1-\alpha) g_t^2\\ \theta_t &= "
        r"\theta_{t-1} - \eta_t\,\frac{g_t}{\sqrt{v_t}+\epsilon}\end{aligned}"
    ),
    reference=(
        "T. Tieleman and G. Hinton (2012), Lecture 6.5 - RMSProp, COURSERA: Neural "
        "Networks for Machine Learning; A. Graves (2013), arXiv:1308.0850 (centered); "
        "torch.optim.RMSprop."
    ),
    state={"square_avg": (0, 1), "grad_avg": (2, 3), "momentum_buffer": (4, 5)},
    torch_class="RMSprop",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def _loop(S, H, m, xs, ys, GX, GY, LR, centered, mixed):
    for i in range(m):
        alpha = H[H_ROWS.alpha, i]
        eps = H[H_ROWS.eps, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        momentum = H[H_ROWS.momentum, i]
        if mixed:
            centered = H[H_ROWS.centered, i] != 0.0
        gx = GX[i] + weight_decay * xs[i]
        gy = GY[i] + weight_decay * ys[i]
        vx = alpha * S[S_ROWS.square_avg_x, i] + (1.0 - alpha) * gx * gx
        vy = alpha * S[S_ROWS.square_avg_y, i] + (1.0 - alpha) * gy * gy
        S[S_ROWS.square_avg_x, i] = vx
        S[S_ROWS.square_avg_y, i] = vy
        if centered:
            S[S_ROWS.grad_avg_x, i] += (1.0 - alpha) * (gx - S[S_ROWS.grad_avg_x, i])
            S[S_ROWS.grad_avg_y, i] += (1.0 - alpha) * (gy - S[S_ROWS.grad_avg_y, i])
            mean_x = S[S_ROWS.grad_avg_x, i]
            mean_y = S[S_ROWS.grad_avg_y, i]
            avg_x = np.sqrt(vx - mean_x * mean_x) + eps
            avg_y = np.sqrt(vy - mean_y * mean_y) + eps
        else:
            avg_x = np.sqrt(vx) + eps
            avg_y = np.sqrt(vy) + eps
        # With momentum μ > 0 the step is the buffer μb + g/avg, else g/avg itself
        # and the buffer stays as it was (torch keeps none): both are computed and
        # chosen by selects, not branches, so that LLVM vectorizes the loop.
        scaled_x = gx / avg_x
        scaled_y = gy / avg_y
        buffer_x = momentum * S[S_ROWS.momentum_buffer_x, i] + scaled_x
        buffer_y = momentum * S[S_ROWS.momentum_buffer_y, i] + scaled_y
        with_momentum = momentum > 0.0
        if with_momentum:
            scaled_x = buffer_x
            scaled_y = buffer_y
        else:
            buffer_x = S[S_ROWS.momentum_buffer_x, i]
            buffer_y = S[S_ROWS.momentum_buffer_y, i]
        S[S_ROWS.momentum_buffer_x, i] = buffer_x
        S[S_ROWS.momentum_buffer_y, i] = buffer_y
        xs[i] -= LR[i] * scaled_x
        ys[i] -= LR[i] * scaled_y


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    # As adam.step: each call of _loop has a constant flag, so LLVM vectorizes it;
    # runs of one chunk with and without centering take the per-run branch.
    centered = H[H_ROWS.centered, 0] != 0.0
    mixed = False
    for i in range(m):  # | not `or`: a branch-free, vectorized loop
        mixed |= (H[H_ROWS.centered, i] != 0.0) != centered
    if mixed:
        _loop(S, H, m, xs, ys, GX, GY, LR, False, True)
    elif centered:
        _loop(S, H, m, xs, ys, GX, GY, LR, True, False)
    else:
        _loop(S, H, m, xs, ys, GX, GY, LR, False, False)

r"""Heavy-ball momentum in the lecture notes' form, with their Nesterov variant.

.. math::
    \begin{align*}
    \Delta W_t &= \beta\,\Delta W_{t-1} - \eta_t \nabla f(W_{t-1} [+ \beta\,\Delta W_{t-1}]) \\
    W_t &= W_{t-1} + \Delta W_t, \qquad \Delta W_0 = 0
    \end{align*}

η = ``lr``, β = ``momentum``; with ``nesterov`` the gradient is taken at the look-ahead
point W + βΔW. With a constant lr this gives the same iterates as torch's SGD(momentum=β)
(torch's buffer is -ΔW/η); under a schedule they differ, because here the velocity keeps
the steps taken with earlier learning rates.
"""

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec, scratch_rows

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run (not the
# Nesterov form: its look-ahead gradient is evaluated on the 2D surface).
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="momentum",
    family="SGD family",
    title="Momentum (heavy ball)",
    hyperparameters=(
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        Hyperparameter("momentum", 0.9, 0.0, 1.0, open_high=True, help="momentum β"),
        Hyperparameter("nesterov", False, kind="bool", help="gradient at W + βΔW"),
    ),
    latex=(
        r"\begin{aligned}\Delta W_t &= \beta\,\Delta W_{t-1} - \eta_t \nabla f(W_{t-1})\\"
        r" W_t &= W_{t-1} + \Delta W_t\end{aligned}"
    ),
    reference=(
        "B. T. Polyak (1964), Some methods of speeding up the convergence of iteration "
        "methods, USSR Comput. Math. Math. Phys. 4(5):1-17; Nesterov form as in "
        "I. Sutskever et al. (2013), ICML."
    ),
    state={"velocity": (0, 1)},
)

# The rows of H and S by name, generated from SPEC (optimizers._spec); T's rows hold
# the Nesterov look-ahead point W + βΔW, and f and its gradient there.
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
T_ROWS = scratch_rows("ahead_x", "ahead_y", "ahead_f", "ahead_gx", "ahead_gy")


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    any_nesterov = False
    for i in range(m):
        any_nesterov |= H[H_ROWS.nesterov, i] != 0.0
    if any_nesterov:
        for i in range(m):
            beta = H[H_ROWS.momentum, i]
            T[T_ROWS.ahead_x, i] = xs[i] + beta * S[S_ROWS.velocity_x, i]
            T[T_ROWS.ahead_y, i] = ys[i] + beta * S[S_ROWS.velocity_y, i]
        evaluate(
            lp,
            T[T_ROWS.ahead_x],
            T[T_ROWS.ahead_y],
            m,
            T[T_ROWS.ahead_f],
            T[T_ROWS.ahead_gx],
            T[T_ROWS.ahead_gy],
        )
        # Nesterov runs step with the look-ahead gradient instead.
        for i in range(m):
            if H[H_ROWS.nesterov, i] != 0.0:
                GX[i] = T[T_ROWS.ahead_gx, i]
                GY[i] = T[T_ROWS.ahead_gy, i]
    # The velocity ΔW, indexed in place: a row view costs an atomic reference count
    # per step.
    for i in range(m):
        beta = H[H_ROWS.momentum, i]
        dx = beta * S[S_ROWS.velocity_x, i] - LR[i] * GX[i]
        dy = beta * S[S_ROWS.velocity_y, i] - LR[i] * GY[i]
        S[S_ROWS.velocity_x, i] = dx
        S[S_ROWS.velocity_y, i] = dy
        xs[i] += dx
        ys[i] += dy

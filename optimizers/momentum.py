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
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run (not the
# Nesterov form: its look-ahead gradient is evaluated on the 2D surface).
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="momentum",
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


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T):
    any_nesterov = False
    for i in range(m):
        any_nesterov |= H[2, i] != 0.0
    if any_nesterov:
        for i in range(m):
            T[0, i] = xs[i] + H[1, i] * S[0, i]
            T[1, i] = ys[i] + H[1, i] * S[1, i]
        evaluate(lp, T[0], T[1], m, T[2], T[3], T[4])
        # Nesterov runs step with the look-ahead gradient instead.
        for i in range(m):
            if H[2, i] != 0.0:
                GX[i] = T[3, i]
                GY[i] = T[4, i]
    # S rows 0, 1: the velocity ΔW (indexed in place: a row view costs an atomic
    # reference count per step).
    for i in range(m):
        S[0, i] = H[1, i] * S[0, i] - LR[i] * GX[i]
        S[1, i] = H[1, i] * S[1, i] - LR[i] * GY[i]
        xs[i] += S[0, i]
        ys[i] += S[1, i]

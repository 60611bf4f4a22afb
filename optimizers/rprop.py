r"""Rprop (resilient backpropagation), exactly as torch.optim.Rprop.

Per coordinate, with s = sign(g_t · g_{t-1}):

.. math::
    \begin{align*}
    \Delta_t &= \operatorname{clip}\big(\Delta_{t-1} \cdot
        \{\eta^+ \text{ if } s > 0;\ \eta^- \text{ if } s < 0;\ 1 \text{ if } s = 0\},
        \ \Delta_{\min}, \Delta_{\max}\big), \quad \Delta_0 = \eta \\
    g_t &\leftarrow 0 \text{ where } s < 0 \ \text{(no step after a sign change)} \\
    \theta_t &= \theta_{t-1} - \operatorname{sign}(g_t)\,\Delta_t
    \end{align*}

η = ``lr`` (only the initial step size; later steps ignore the lr and its schedule, as in
torch), (η⁻, η⁺) = ``etas``, (Δmin, Δmax) = ``step_sizes``. Only gradient signs matter.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="rprop",
    family="sign-based",
    title="Rprop",
    hyperparameters=(
        Hyperparameter("lr", 1e-2, help="initial step size Δ₀"),
        Hyperparameter(
            "etaminus",
            0.5,
            0.0,
            1.0,
            open_low=True,
            open_high=True,
            help="η⁻ (etas[0])",
        ),
        Hyperparameter("etaplus", 1.2, 1.0, open_low=True, help="η⁺ (etas[1])"),
        Hyperparameter("step_size_min", 1e-6, help="Δmin (step_sizes[0])"),
        Hyperparameter("step_size_max", 50.0, help="Δmax (step_sizes[1])"),
    ),
    latex=(
        r"\Delta_t = \mathrm{clip}(\Delta_{t-1}\,\eta^{\pm}),\quad \theta_t = "
        r"\theta_{t-1} - \mathrm{sign}(g_t)\,\Delta_t"
    ),
    reference=(
        "M. Riedmiller and H. Braun (1993), A direct adaptive method for faster "
        "backpropagation learning: the RPROP algorithm, IEEE ICNN; torch.optim.Rprop."
    ),
    state={"prev": (0, 1), "step_size": (2, 3)},
    tuples={
        "etas": ("etaminus", "etaplus"),
        "step_sizes": ("step_size_min", "step_size_max"),
    },
    torch_class="Rprop",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def _coordinate(g, prev, step_size, etaminus, etaplus, low, high):
    """(step to subtract, new prev, new step size) for one coordinate."""
    s = np.sign(g * prev)
    factor = etaplus if s > 0.0 else (etaminus if s < 0.0 else 1.0)
    step_size = min(max(step_size * factor, low), high)
    if factor == etaminus:
        g = 0.0
    return np.sign(g) * step_size, g, step_size


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if k == 0:  # Δ₀ = lr, in a loop of its own: a store under a branch is scalar
        for i in range(m):
            S[S_ROWS.step_size_x, i] = LR[i]
            S[S_ROWS.step_size_y, i] = LR[i]
    for i in range(m):
        etaminus = H[H_ROWS.etaminus, i]
        etaplus = H[H_ROWS.etaplus, i]
        low = H[H_ROWS.step_size_min, i]
        high = H[H_ROWS.step_size_max, i]
        dx, S[S_ROWS.prev_x, i], S[S_ROWS.step_size_x, i] = _coordinate(
            GX[i],
            S[S_ROWS.prev_x, i],
            S[S_ROWS.step_size_x, i],
            etaminus,
            etaplus,
            low,
            high,
        )
        dy, S[S_ROWS.prev_y, i], S[S_ROWS.step_size_y, i] = _coordinate(
            GY[i],
            S[S_ROWS.prev_y, i],
            S[S_ROWS.step_size_y, i],
            etaminus,
            etaplus,
            low,
            high,
        )
        xs[i] -= dx
        ys[i] -= dy

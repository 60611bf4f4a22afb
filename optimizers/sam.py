r"""Sharpness-aware minimization (SAM): a gradient step, with or without momentum,
taken with the gradient at the worst point of a small neighbourhood.

.. math::
    \begin{align*}
    \epsilon_t &= \rho\,\frac{\nabla f(\theta_{t-1})}{\lVert\nabla f(\theta_{t-1})\rVert
        + 10^{-12}}, \qquad g_t = \nabla f(\theta_{t-1} + \epsilon_t) \\
    b_t &= \mu b_{t-1} + g_t \quad (b_1 = g_1), \qquad
    \theta_t = \theta_{t-1} - \eta_t b_t
    \end{align*}

η = ``lr``, ρ = ``rho`` (radius of the neighbourhood whose worst case is descended),
μ = ``momentum`` (0: plain SAM; torch's and optax's heavy-ball SGD otherwise).
`sam_adam` takes Adam's step with the same gᵗ. The 1e-12 guard is the authors'
PyTorch port's (github.com/davda54/sam); optax.contrib.normalize divides by the norm
alone (the same to ~1e-12 relative where ‖∇f‖ ≈ 1). Costs two gradients per step.
Reference: P. Foret et al. (2021), ICLR; optax.contrib.sam (opaque mode, sync period
2, adversary ``chain(normalize(), sgd(rho))``), whose outer optimizers ``sgd(lr,
momentum)`` and ``adam`` these are.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec, scratch_rows

RHO = Hyperparameter("rho", 0.05, help="neighbourhood radius ρ")
ASCENT_LATEX = (
    r"\epsilon_t &= \rho\,\frac{\nabla f(\theta_{t-1})}{\lVert\nabla f(\theta_{t-1})"
    r"\rVert},\ g_t = \nabla f(\theta_{t-1} + \epsilon_t)\\ "
)
REFERENCE = (
    "P. Foret, A. Kleiner, H. Mobahi and B. Neyshabur (2021), Sharpness-aware "
    "minimization for efficiently improving generalization, ICLR; optax.contrib.sam."
)

SPEC = OptimizerSpec(
    name="sam",
    family="sharpness-aware",
    title="SAM (sharpness-aware)",
    hyperparameters=(
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        RHO,
        Hyperparameter(
            "momentum", 0.0, help="momentum factor μ of the outer SGD step (0: none)"
        ),
    ),
    latex=(
        r"\begin{aligned}" + ASCENT_LATEX + r"b_t &= \mu b_{t-1} + g_t,\ "
        r"\theta_t = \theta_{t-1} - \eta_t b_t\end{aligned}"
    ),
    reference=REFERENCE,
    state={"momentum_buffer": (0, 1)},
)

# The rows of H and S by name, generated from SPEC (optimizers._spec); T's rows hold
# the perturbed point θ + ε, and f and its gradient there.
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
T_ROWS = scratch_rows("ascent_x", "ascent_y", "ascent_f", "ascent_gx", "ascent_gy")


@jit_inline
def ascent_gradient(H, rho_row, m, xs, ys, GX, GY, evaluate, lp, T):
    """Overwrite (GX, GY) with the gradient at θ + ρ∇f/(‖∇f‖ + 1e-12), ρ = H[rho_row]
    (the SAM gradient every form of SAM steps with)."""
    for i in range(m):
        scale = H[rho_row, i] / (np.sqrt(GX[i] * GX[i] + GY[i] * GY[i]) + 1e-12)
        T[T_ROWS.ascent_x, i] = xs[i] + scale * GX[i]
        T[T_ROWS.ascent_y, i] = ys[i] + scale * GY[i]
    evaluate(
        lp,
        T[T_ROWS.ascent_x],
        T[T_ROWS.ascent_y],
        m,
        T[T_ROWS.ascent_f],
        T[T_ROWS.ascent_gx],
        T[T_ROWS.ascent_gy],
    )
    for i in range(m):
        GX[i] = T[T_ROWS.ascent_gx, i]
        GY[i] = T[T_ROWS.ascent_gy, i]


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    ascent_gradient(H, H_ROWS.rho, m, xs, ys, GX, GY, evaluate, lp, T)
    for i in range(m):
        momentum = H[H_ROWS.momentum, i]
        # b₁ = g₁ (the buffer starts at zero), then b ← μb + g.
        S[S_ROWS.momentum_buffer_x, i] = (
            momentum * S[S_ROWS.momentum_buffer_x, i] + GX[i]
        )
        S[S_ROWS.momentum_buffer_y, i] = (
            momentum * S[S_ROWS.momentum_buffer_y, i] + GY[i]
        )
        xs[i] -= LR[i] * S[S_ROWS.momentum_buffer_x, i]
        ys[i] -= LR[i] * S[S_ROWS.momentum_buffer_y, i]

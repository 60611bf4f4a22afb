r"""BFGS, exactly as ``scipy.optimize.minimize(method="BFGS")`` (scipy 1.17,
``_minimize_bfgs``): a quasi-Newton method that learns the inverse Hessian from the
gradients it sees, with scipy's strong-Wolfe line search (optimizers.wolfe).

.. math::
    \begin{align*}
    p_k &= -H_k g_k, \qquad \theta_{k+1} = \theta_k + \alpha_k p_k, \qquad H_0 = I \\
    s_k &= \theta_{k+1} - \theta_k, \qquad y_k = g_{k+1} - g_k, \qquad
        \rho_k = 1 / y_k^\top s_k \\
    H_{k+1} &= (I - \rho_k s_k y_k^\top)\, H_k\, (I - \rho_k y_k s_k^\top)
        + \rho_k s_k s_k^\top \\
    \alpha_k &: \ f(\theta_k + \alpha_k p_k) \le f(\theta_k) + c_1 \alpha_k g_k^\top p_k,
        \quad |\nabla f(\theta_k + \alpha_k p_k)^\top p_k| \le c_2 |g_k^\top p_k|
    \end{align*}

g = ∇f, H_k the inverse Hessian approximation, (c₁, c₂) = (``c1``, ``c2``); the
method stops (the engine's "converged") when ‖g_k‖_∞ ≤ ``gtol`` or when a step is no
longer than ``xrtol``·(``xrtol`` + ‖θ‖), as scipy does, and also where the line
search finds no step (scipy's "precision loss" warning). η = ``lr`` has no
counterpart in scipy: the line search runs along η p_k, so η caps its first trial
step at η times the quasi-Newton step (scipy's cap is 1: ``lr=1``, the default, is
scipy's BFGS). The first trial is scipy's α⁰ = min(1, 2.02 (f_k − f_{k−1}) /
g_kᵀ(η p_k)), with f_{−1} = f_0 + ‖g_0‖/2, which makes the very first trial step at
most 1.01 long. The recorded lr of step k is α_k η_k, the step taken along p_k. If
y_kᵀs_k = 0, ρ_k = 1000 (scipy's fallback).

Reference: J. Nocedal and S. J. Wright (2006), Numerical Optimization, 2nd ed.,
Algorithm 6.1 (eq. 6.17); scipy.optimize.minimize(method="BFGS"). Where libraries
disagree: Nocedal and Wright scale H₀ by y₀ᵀs₀/y₀ᵀy₀ after the first step (eq. 6.20);
scipy does not, nor do we. scipy stops after 200·n = 400 iterations by default; here
the run's steps are the limit. scipy's ``norm`` (∞) is fixed.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.wolfe import line_search_wolfe12

# The step writes the step length its line search chose into LR (recorded as the lr).
STEP_SETS_LR = True

LINES = (
    r"p_k &= -H_k g_k,\ \theta_{k+1} = \theta_k + \alpha_k p_k\ "
    r"(\alpha_k:\ \text{strong Wolfe, } c_1, c_2)\\ "
    r"s_k &= \theta_{k+1} - \theta_k,\ y_k = g_{k+1} - g_k,\ \rho_k = 1/y_k^\top s_k\\ "
    r"H_{k+1} &= (I - \rho_k s_k y_k^\top) H_k (I - \rho_k y_k s_k^\top) "
    r"+ \rho_k s_k s_k^\top,\ H_0 = I"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"


def _wolfe_constants(values: dict) -> str | None:
    """scipy's check of the line search's constants (_check_c1_c2)."""
    if not values["c1"] < values["c2"]:
        return "the line search needs c1 < c2 (scipy: 0 < c1 < c2 < 1)"
    return None


SPEC = OptimizerSpec(
    name="bfgs",
    family="second-order and quasi-Newton",
    title="BFGS",
    hyperparameters=(
        Hyperparameter(
            "lr",
            1.0,
            open_low=True,
            help="cap η on the line search's first trial step, in quasi-Newton "
            "steps (1: scipy's BFGS)",
        ),
        Hyperparameter(
            "gtol", 1e-5, help="stop when the largest |∂f/∂θᵢ| is at most gtol"
        ),
        # scipy takes any 0 < c1 < c2 < 1. Each range also holds with the other at
        # its default: c1 < ½ (superlinear convergence needs it: Nocedal and Wright,
        # Theorem 3.6), c2 above c1's default.
        Hyperparameter(
            "c1",
            1e-4,
            0.0,
            0.5,
            open_low=True,
            open_high=True,
            help="sufficient-decrease constant c₁ of the Wolfe line search (< c₂)",
        ),
        Hyperparameter(
            "c2",
            0.9,
            1e-4,
            1.0,
            open_low=True,
            open_high=True,
            help="curvature constant c₂ of the Wolfe line search (> c₁)",
        ),
        Hyperparameter(
            "xrtol",
            0.0,
            help="stop when a step is at most xrtol·(xrtol + ‖θ‖) long",
        ),
    ),
    latex=LATEX,
    reference=(
        "J. Nocedal and S. J. Wright (2006), Numerical Optimization, 2nd ed., "
        "Springer, Algorithm 6.1; J. J. Moré and D. J. Thuente (1994), ACM TOMS "
        "20(3):286-307 (the line search); scipy.optimize.minimize(method='BFGS')."
    ),
    state={"direction": (0, 1)},
    internal_state={
        # H_k, row by row: scipy's product is not symmetric to the last bit.
        "inverse_hessian_xx": 2,
        "inverse_hessian_xy": 3,
        "inverse_hessian_yx": 4,
        "inverse_hessian_yy": 5,
        # s_k and g_k of the last step, for the update at the next.
        "step_x": 6,
        "step_y": 7,
        "previous_grad_x": 8,
        "previous_grad_y": 9,
        # f at the previous iterate: the line search's first trial reads it.
        "previous_loss": 10,
        "converged": 11,
    },
    state_slots=12,
    constraint=_wolfe_constants,
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def _update_inverse_hessian(S, i, gx, gy):
    """H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, as scipy computes it."""
    sx = S[S_ROWS.step_x, i]
    sy = S[S_ROWS.step_y, i]
    yx = gx - S[S_ROWS.previous_grad_x, i]
    yy = gy - S[S_ROWS.previous_grad_y, i]
    rho_inverse = yx * sx + yy * sy
    rho = 1000.0 if rho_inverse == 0.0 else 1.0 / rho_inverse
    # A1 = I − ρ s yᵀ and A2 = I − ρ y sᵀ, entry (r, c) = δ_rc − (u_r v_c) ρ.
    a1_xx = 1.0 - sx * yx * rho
    a1_xy = 0.0 - sx * yy * rho
    a1_yx = 0.0 - sy * yx * rho
    a1_yy = 1.0 - sy * yy * rho
    a2_xx = 1.0 - yx * sx * rho
    a2_xy = 0.0 - yx * sy * rho
    a2_yx = 0.0 - yy * sx * rho
    a2_yy = 1.0 - yy * sy * rho
    h_xx = S[S_ROWS.inverse_hessian_xx, i]
    h_xy = S[S_ROWS.inverse_hessian_xy, i]
    h_yx = S[S_ROWS.inverse_hessian_yx, i]
    h_yy = S[S_ROWS.inverse_hessian_yy, i]
    # M = H A2, then A1 M + ρ s sᵀ.
    m_xx = h_xx * a2_xx + h_xy * a2_yx
    m_xy = h_xx * a2_xy + h_xy * a2_yy
    m_yx = h_yx * a2_xx + h_yy * a2_yx
    m_yy = h_yx * a2_xy + h_yy * a2_yy
    S[S_ROWS.inverse_hessian_xx, i] = a1_xx * m_xx + a1_xy * m_yx + rho * sx * sx
    S[S_ROWS.inverse_hessian_xy, i] = a1_xx * m_xy + a1_xy * m_yy + rho * sx * sy
    S[S_ROWS.inverse_hessian_yx, i] = a1_yx * m_xx + a1_yy * m_yx + rho * sy * sx
    S[S_ROWS.inverse_hessian_yy, i] = a1_yx * m_xy + a1_yy * m_yy + rho * sy * sy


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        if S[S_ROWS.converged, i] != 0.0:
            continue
        gx = GX[i]
        gy = GY[i]
        # scipy's `while gnorm > gtol`, gnorm = max|g_i| (NaN if any is: stop).
        if (
            not (abs(gx) > H[H_ROWS.gtol, i] or abs(gy) > H[H_ROWS.gtol, i])
            or np.isnan(gx)
            or np.isnan(gy)
        ):
            S[S_ROWS.converged, i] = 1.0
            continue
        if k == 0:
            S[S_ROWS.inverse_hessian_xx, i] = 1.0
            S[S_ROWS.inverse_hessian_yy, i] = 1.0
            # scipy's f_{-1}: the first trial step is then about 1 long.
            S[S_ROWS.previous_loss, i] = F[i] + np.sqrt(gx * gx + gy * gy) / 2
        else:
            xrtol = H[H_ROWS.xrtol, i]
            sx = S[S_ROWS.step_x, i]
            sy = S[S_ROWS.step_y, i]
            x = xs[i]
            y = ys[i]
            if np.sqrt(sx * sx + sy * sy) <= xrtol * (xrtol + np.sqrt(x * x + y * y)):
                S[S_ROWS.converged, i] = 1.0
                continue
            _update_inverse_hessian(S, i, gx, gy)
        px = -(
            S[S_ROWS.inverse_hessian_xx, i] * gx + S[S_ROWS.inverse_hessian_xy, i] * gy
        )
        py = -(
            S[S_ROWS.inverse_hessian_yx, i] * gx + S[S_ROWS.inverse_hessian_yy, i] * gy
        )
        lr = LR[i]
        dx = lr * px
        dy = lr * py
        found, alpha, _ = line_search_wolfe12(
            point,
            lp,
            xs[i],
            ys[i],
            dx,
            dy,
            F[i],
            gx * dx + gy * dy,
            S[S_ROWS.previous_loss, i],
            H[H_ROWS.c1, i],
            H[H_ROWS.c2, i],
        )
        S[S_ROWS.direction_x, i] = px
        S[S_ROWS.direction_y, i] = py
        if not found:  # scipy: "Desired error not necessarily achieved"
            S[S_ROWS.converged, i] = 1.0
            LR[i] = 0.0
            continue
        sx = alpha * dx
        sy = alpha * dy
        xs[i] += sx
        ys[i] += sy
        LR[i] = alpha * lr
        S[S_ROWS.step_x, i] = sx
        S[S_ROWS.step_y, i] = sy
        S[S_ROWS.previous_grad_x, i] = gx
        S[S_ROWS.previous_grad_y, i] = gy
        S[S_ROWS.previous_loss, i] = F[i]

r"""Cyclic coordinate search: probe a fixed step along x, then along y, in turn; halve the
step when neither axis improves f; stop when the step is below a tolerance.

.. math::
    \begin{align*}
    i &= t \bmod 2 \quad (\text{the axis: } x, y, x, \dots), \qquad
      \delta_t = \eta_t\, \rho^{j_t} \\
    \theta_{t+1} &= \begin{cases}
      \theta_t + \delta_t e_i & \text{if } f(\theta_t + \delta_t e_i) < f(\theta_t) \\
      \theta_t - \delta_t e_i & \text{else, if } f(\theta_t - \delta_t e_i) < f(\theta_t) \\
      \theta_t & \text{else (a failed axis)}
    \end{cases} \\
    j_{t+1} &= j_t + 1 \text{ after two failed axes in a row (each axis, since the
      last move); stop when } \delta_t < \tau
    \end{align*}

η = ``lr`` (the first step δ₀; a schedule scales it), ρ = ``shrink``, τ =
``step_tolerance``; j counts the shrinks. f only, no gradient. One path point per axis
probed (a move of ±δ along it, or none): up to two evaluations of f per step. The
iteration that finds δ_t < τ stops without moving: ``RunResult.converged_at`` is that
step and the path ends there. The result records δ_t as the lr; the state
``probe_plus`` and ``probe_minus`` are the two trial points θ_t ± δ_t e_i (the second
is evaluated only when the first fails). Defaults: δ₀ = 0.5, ρ = 0.5 (the halving
below), τ = 1e-6.

This is how Fermi and Metropolis fitted parameters on the Los Alamos MANIAC: one
parameter at a time, up or down by steps of one size, the step halved when no change
of any one parameter improved the fit, until the steps were small enough (W. C.
Davidon (1991), SIAM J. Optim. 1(1):1-17, retold in T. G. Kolda, R. M. Lewis and V.
Torczon (2003), Optimization by direct search, SIAM Review 45(3), §1.1: compass search
with the coordinate directions ±e_i, polled one axis at a time).

Where references disagree: the lecture notes name "Cyclic Coordinate Search" among
the direct methods without defining it; in M. J. Kochenderfer and T. A. Wheeler
(2019), Algorithms for Optimization, §7.1, it takes an exact line search along each
axis and stops when a whole cycle moves less than a tolerance. Here each axis gets
a fixed step ±δ instead, and the step shrinks (compass search). On a separable
quadratic it stops within τ of the minimum; in the same valley rotated by 45°, where
no axis points along it, it zig-zags ten times as long and stops farther away.
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

# The step writes the step length it probed into LR (recorded as the lr).
STEP_SETS_LR = True

SPEC = OptimizerSpec(
    name="coordinate_search",
    family="derivative-free",
    title="Cyclic coordinate search",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.5,
            open_low=True,
            help="first step δ₀ along each axis; a schedule scales the step",
        ),
        Hyperparameter(
            "shrink",
            0.5,
            0.0,
            1.0,
            open_low=True,
            open_high=True,
            help="ρ: the step is multiplied by ρ when neither axis improves f",
        ),
        Hyperparameter(
            "step_tolerance",
            1e-6,
            help="τ: stop when the step δ falls below it",
        ),
    ),
    latex=(
        r"\begin{aligned}i &= t \bmod 2,\ \delta_t = \eta_t\rho^{j_t}\\ "
        r"\theta_{t+1} &= \theta_t \pm \delta_t e_i \text{ if } "
        r"f(\theta_t \pm \delta_t e_i) < f(\theta_t) \text{ (+ first), else } "
        r"\theta_t\\ j_{t+1} &= j_t + 1 \text{ after two failed axes in a row; "
        r"stop when } \delta_t < \tau\end{aligned}"
    ),
    reference=(
        "W. C. Davidon (1991), Variable metric method for minimization, SIAM J. "
        "Optim. 1(1) (Fermi and Metropolis' method); T. G. Kolda, R. M. Lewis and "
        "V. Torczon (2003), Optimization by direct search, SIAM Review 45(3), §1.1."
    ),
    state={"probe_plus": (0, 1), "probe_minus": (2, 3)},
    positions=("probe_plus", "probe_minus"),
    # ρ^j, the axis probed next (0: x, 1: y), the axes failed in a row since the last
    # move, and the stopping flag (docs/adding-an-optimizer.md).
    internal_state={"step_scale": 4, "axis": 5, "failed_axes": 6, "converged": 7},
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.step_scale, i] = 1.0


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        if S[S_ROWS.converged, i] != 0.0:
            LR[i] = 0.0
            continue
        delta = LR[i] * S[S_ROWS.step_scale, i]
        if delta < H[H_ROWS.step_tolerance, i]:
            S[S_ROWS.converged, i] = 1.0
            LR[i] = 0.0
            continue
        LR[i] = delta
        along_x = S[S_ROWS.axis, i] == 0.0
        dx = delta if along_x else 0.0
        dy = 0.0 if along_x else delta
        S[S_ROWS.probe_plus_x, i] = xs[i] + dx
        S[S_ROWS.probe_plus_y, i] = ys[i] + dy
        S[S_ROWS.probe_minus_x, i] = xs[i] - dx
        S[S_ROWS.probe_minus_y, i] = ys[i] - dy
        moved = False
        f_plus = point(lp, S[S_ROWS.probe_plus_x, i], S[S_ROWS.probe_plus_y, i])[0]
        if f_plus < F[i]:
            xs[i] = S[S_ROWS.probe_plus_x, i]
            ys[i] = S[S_ROWS.probe_plus_y, i]
            moved = True
        else:
            x_minus = S[S_ROWS.probe_minus_x, i]
            y_minus = S[S_ROWS.probe_minus_y, i]
            if point(lp, x_minus, y_minus)[0] < F[i]:
                xs[i] = x_minus
                ys[i] = y_minus
                moved = True
        if moved:
            S[S_ROWS.failed_axes, i] = 0.0
        else:
            S[S_ROWS.failed_axes, i] += 1.0
            if S[S_ROWS.failed_axes, i] == 2.0:  # every axis failed: shrink
                S[S_ROWS.step_scale, i] *= H[H_ROWS.shrink, i]
                S[S_ROWS.failed_axes, i] = 0.0
        S[S_ROWS.axis, i] = 1.0 - S[S_ROWS.axis, i]

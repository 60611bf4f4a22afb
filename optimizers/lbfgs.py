r"""L-BFGS, exactly as torch.optim.LBFGS: one step of the path is one iteration of
torch's inner loop.

.. math::
    \begin{align*}
    s_j &= \theta_{j+1} - \theta_j, \quad y_j = g_{j+1} - g_j, \quad
    \rho_j = 1/y_j^\top s_j \quad (\text{a pair is kept only if }
    y_j^\top s_j > 10^{-10}) \\
    H_t &: \text{ from } \gamma I,\ \gamma = \frac{s^\top y}{y^\top y}
    \text{ (the newest pair)}, \text{ for each of the last } m \text{ pairs}: \
    H \leftarrow V_j^\top H V_j + \rho_j s_j s_j^\top, \
    V_j = I - \rho_j y_j s_j^\top \\
    d_t &= -H_t g_t \ (\text{the two-loop recursion}), \qquad
    \theta_{t+1} = \theta_t + \alpha_t d_t, \quad
    \alpha_t = \eta_t \ (\alpha_0 = \min(1, 1/\lVert g_0\rVert_1)\,\eta_0)
    \text{ or the strong Wolfe step from there}
    \end{align*}

η = ``lr``, m = ``history_size``, and the strong Wolfe line search with
``strong_wolfe`` (torch's ``line_search_fn="strong_wolfe"``; False is torch's
``None``, a fixed step); d₀ = -g₀ and γ = 1 until the first pair is kept. The method
stops (torch's ``step`` returns) where ‖gₜ‖∞ ≤ ``tolerance_grad``, where
‖αₜ₋₁dₜ₋₁‖∞ ≤ ``tolerance_change`` or |f(θₜ) - f(θₜ₋₁)| < ``tolerance_change``, and
before moving where the direction is not one of descent, gₜᵀdₜ > -``tolerance_change``.

The k-th point of the path is where one fresh ``torch.optim.LBFGS([p], lr, max_iter=k,
max_eval=10**9, tolerance_grad, tolerance_change, history_size, line_search_fn)``
ends after one ``step(closure)``; where torch stops early on its tolerances, the path
ends there (``RunResult.converged_at``). torch's ``max_iter`` is thus the number of
steps, and its ``max_eval`` is unbounded, except that one line search evaluates f at
most MAX_LINE_SEARCH + 1 times (torch's with max_eval at least that many evaluations
ahead). The recorded lr of a step is its step length αₜ.

With a schedule, iteration t takes the scheduled lr of step t as its η (torch's lr
is one number for the whole ``step()`` call). The strong Wolfe search is torch's,
with its fixed c₁ = 1e-4, c₂ = 0.9 and its own tolerance 1e-9
(optimizers.line_search.strong_wolfe). Not coordinatewise: the history is of
vectors.

References: J. Nocedal (1980), Updating quasi-Newton matrices with limited storage,
Math. Comp. 35(151):773-782; D. C. Liu and J. Nocedal (1989), On the limited memory
BFGS method for large scale optimization, Math. Programming 45:503-528; J. Nocedal
and S. J. Wright (2006), Numerical Optimization, Algorithms 7.4 and 7.5;
torch.optim.LBFGS (after Schmidt's minFunc). Where libraries disagree: scipy's
L-BFGS-B keeps 10 pairs (``maxcor``), searches with Moré and Thuente's line search
and stops on the projected gradient and the relative change of f; torch keeps 100
by default, far more than the usual 3-20, and stops as above.
"""

import numpy as np

from landscapes._jit import jit, jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.line_search import strong_wolfe

# The step writes its step length α into LR (recorded as the lr).
STEP_SETS_LR = True

HISTORY_MAX = 100  # torch's default history_size, the most the state holds
# Evaluations of one strong Wolfe search beyond its first (torch's max_ls, which is
# max_eval minus the evaluations already made: unbounded with max_eval = 10**9). A
# search that needs more stops as torch's does at max_ls; on a NaN f torch's would
# run to max_eval.
MAX_LINE_SEARCH = 100
# torch keeps a pair only if yᵀs exceeds this.
CURVATURE_THRESHOLD = 1e-10

LINES = (
    r"d_t &= -H_t g_t\ \text{(two-loop, last } m \text{ pairs } "
    r"s = \Delta\theta,\ y = \Delta g,\ H^0 = \tfrac{s^\top y}{y^\top y} I)\\ "
    r"\theta_{t+1} &= \theta_t + \alpha_t d_t,\ \alpha_t = \eta_t"
    r"\ \text{or strong Wolfe}\\ "
    r"\text{stop} &: \lVert g_t\rVert_\infty \le \text{tol}_g \text{ or } "
    r"\lVert\alpha_{t-1} d_{t-1}\rVert_\infty, |\Delta f| \le \text{tol}_c"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

_SCALARS = 9  # rows of S before the history
SPEC = OptimizerSpec(
    name="lbfgs",
    family="second-order and quasi-Newton",
    title="L-BFGS",
    hyperparameters=(
        Hyperparameter(
            "lr",
            1.0,
            help="η: the step along d (the first trial step of the line search); "
            "the first step is min(1, 1/‖g₀‖₁)·η",
        ),
        Hyperparameter(
            "tolerance_grad",
            1e-7,
            help="stop where max(|∂f/∂x|, |∂f/∂y|) ≤ this",
        ),
        Hyperparameter(
            "tolerance_change",
            1e-9,
            help="stop where the last step's largest coordinate, or the change of "
            "f, is below this (or gᵀd > -this)",
        ),
        Hyperparameter(
            "history_size",
            HISTORY_MAX,
            1,
            HISTORY_MAX,
            kind="int",
            help=f"pairs (s, y) kept, m; at most {HISTORY_MAX} (torch's default, "
            "all the state holds here)",
        ),
        Hyperparameter(
            "strong_wolfe",
            False,
            kind="bool",
            help='torch\'s line_search_fn="strong_wolfe" (False: its None, the '
            "fixed step η)",
        ),
    ),
    latex=LATEX,
    reference=(
        "D. C. Liu and J. Nocedal (1989), On the limited memory BFGS method for "
        "large scale optimization, Math. Programming 45:503-528; J. Nocedal (1980), "
        "Math. Comp. 35:773-782; torch.optim.LBFGS."
    ),
    # torch's state["d"], the direction of the last step.
    state={"direction": (0, 1)},
    internal_state={
        # torch's t, prev_flat_grad, prev_loss and H_diag (γ).
        "t": 2,
        "prev_flat_grad_x": 3,
        "prev_flat_grad_y": 4,
        "prev_loss": 5,
        "H_diag": 6,
        "num_old": 7,  # pairs kept, len(old_dirs)
        "converged": 8,  # torch's step() has returned (docs/adding-an-optimizer.md)
        # The first rows of blocks of HISTORY_MAX rows, oldest pair first: torch's
        # old_dirs (y = Δg), old_stps (s = Δθ), ro (1/yᵀs) and al (the two-loop's α).
        "old_dirs_x": _SCALARS,
        "old_dirs_y": _SCALARS + HISTORY_MAX,
        "old_stps_x": _SCALARS + 2 * HISTORY_MAX,
        "old_stps_y": _SCALARS + 3 * HISTORY_MAX,
        "ro": _SCALARS + 4 * HISTORY_MAX,
        "al": _SCALARS + 5 * HISTORY_MAX,
    },
    state_slots=_SCALARS + 6 * HISTORY_MAX,
    torch_class="LBFGS",
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def _stopped(k, S, i, loss, gx, gy, tolerance_grad, tolerance_change):
    """torch's returns before iteration k + 1: at the start of step() (k = 0), on
    the gradient; after an iteration, on the gradient, the step and the change of
    f."""
    if max(abs(gx), abs(gy)) <= tolerance_grad:
        return True
    if k == 0:
        return False
    t = S[S_ROWS.t, i]
    step_size = max(
        abs(S[S_ROWS.direction_x, i] * t), abs(S[S_ROWS.direction_y, i] * t)
    )
    return (
        step_size <= tolerance_change
        or abs(loss - S[S_ROWS.prev_loss, i]) < tolerance_change
    )


# _remember and _direction are compiled once and called, not inlined: L-BFGS's
# compile took 3.6 s with them inlined, 2.0 s so (and a sweep is no slower).
@jit
def _remember(S, H, i, gx, gy):
    """torch's memory update from the last step s = d·t and y = g - g_prev."""
    yx = gx - S[S_ROWS.prev_flat_grad_x, i]
    yy = gy - S[S_ROWS.prev_flat_grad_y, i]
    t = S[S_ROWS.t, i]
    sx = S[S_ROWS.direction_x, i] * t
    sy = S[S_ROWS.direction_y, i] * t
    ys = yx * sx + yy * sy
    if ys > CURVATURE_THRESHOLD:
        num_old = int(S[S_ROWS.num_old, i])
        if num_old == int(H[H_ROWS.history_size, i]):
            # shift the history by one (torch's pop(0))
            for j in range(1, num_old):
                S[S_ROWS.old_dirs_x + j - 1, i] = S[S_ROWS.old_dirs_x + j, i]
                S[S_ROWS.old_dirs_y + j - 1, i] = S[S_ROWS.old_dirs_y + j, i]
                S[S_ROWS.old_stps_x + j - 1, i] = S[S_ROWS.old_stps_x + j, i]
                S[S_ROWS.old_stps_y + j - 1, i] = S[S_ROWS.old_stps_y + j, i]
                S[S_ROWS.ro + j - 1, i] = S[S_ROWS.ro + j, i]
            num_old -= 1
        S[S_ROWS.old_dirs_x + num_old, i] = yx
        S[S_ROWS.old_dirs_y + num_old, i] = yy
        S[S_ROWS.old_stps_x + num_old, i] = sx
        S[S_ROWS.old_stps_y + num_old, i] = sy
        S[S_ROWS.ro + num_old, i] = 1.0 / ys
        S[S_ROWS.num_old, i] = num_old + 1
        S[S_ROWS.H_diag, i] = ys / (yx * yx + yy * yy)


@jit
def _direction(S, i, gx, gy):
    """d = -H g by torch's two-loop recursion over the pairs kept."""
    num_old = int(S[S_ROWS.num_old, i])
    qx = -gx
    qy = -gy
    for j in range(num_old - 1, -1, -1):
        al = (S[S_ROWS.old_stps_x + j, i] * qx + S[S_ROWS.old_stps_y + j, i] * qy) * S[
            S_ROWS.ro + j, i
        ]
        S[S_ROWS.al + j, i] = al
        qx += -al * S[S_ROWS.old_dirs_x + j, i]
        qy += -al * S[S_ROWS.old_dirs_y + j, i]
    rx = qx * S[S_ROWS.H_diag, i]
    ry = qy * S[S_ROWS.H_diag, i]
    for j in range(num_old):
        be = (S[S_ROWS.old_dirs_x + j, i] * rx + S[S_ROWS.old_dirs_y + j, i] * ry) * S[
            S_ROWS.ro + j, i
        ]
        rx += (S[S_ROWS.al + j, i] - be) * S[S_ROWS.old_stps_x + j, i]
        ry += (S[S_ROWS.al + j, i] - be) * S[S_ROWS.old_stps_y + j, i]
    return rx, ry


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        if S[S_ROWS.converged, i] != 0.0:
            continue
        loss = F[i]
        gx = GX[i]
        gy = GY[i]
        # A run the driver has stopped (f or ∇f not finite) is left alone: torch's
        # line search would evaluate NaNs until max_eval.
        if not (np.isfinite(loss) and np.isfinite(gx) and np.isfinite(gy)):
            continue
        tolerance_change = H[H_ROWS.tolerance_change, i]
        if _stopped(
            k, S, i, loss, gx, gy, H[H_ROWS.tolerance_grad, i], tolerance_change
        ):
            S[S_ROWS.converged, i] = 1.0
            continue
        if k == 0:
            dx = -gx
            dy = -gy
            S[S_ROWS.H_diag, i] = 1.0
            t = min(1.0, 1.0 / (abs(gx) + abs(gy))) * LR[i]
        else:
            _remember(S, H, i, gx, gy)
            dx, dy = _direction(S, i, gx, gy)
            t = LR[i]
        S[S_ROWS.prev_flat_grad_x, i] = gx
        S[S_ROWS.prev_flat_grad_y, i] = gy
        S[S_ROWS.prev_loss, i] = loss
        gtd = gx * dx + gy * dy
        if gtd > -tolerance_change:  # not a descent direction: torch stops here
            S[S_ROWS.converged, i] = 1.0
            continue
        if H[H_ROWS.strong_wolfe, i] != 0.0:
            t, _ = strong_wolfe(
                point, lp, xs[i], ys[i], dx, dy, t, loss, gtd, MAX_LINE_SEARCH
            )
        xs[i] += t * dx
        ys[i] += t * dy
        S[S_ROWS.direction_x, i] = dx
        S[S_ROWS.direction_y, i] = dy
        S[S_ROWS.t, i] = t
        LR[i] = t

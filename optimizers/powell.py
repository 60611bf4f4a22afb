r"""Powell's conjugate-direction method, exactly as
``scipy.optimize.minimize(method="Powell")`` (scipy 1.17, ``_minimize_powell``): no
gradients; a line search (scipy's Brent) along each direction of a set, which
then trades its best direction for the iteration's net displacement.

.. math::
    \begin{align*}
    \theta^{(0)} &= \theta_k, \qquad \theta^{(j)} = \theta^{(j-1)} + \alpha_j u_j,
        \quad \alpha_j = \arg\min_\alpha f(\theta^{(j-1)} + \alpha u_j),
        \quad j = 1, 2 \\
    \theta_{k+1} &= \theta^{(2)}, \qquad d = \theta_{k+1} - \theta_k, \qquad
        \Delta = \max_j\, f(\theta^{(j-1)}) - f(\theta^{(j)}) \\
    &\text{if } f(\theta_{k+1} + d) < f_0 \text{ and }
        2(f_0 - 2f_1 + f_e)(f_0 - f_1 - \Delta)^2 < \Delta (f_0 - f_e)^2: \\
    &\quad \theta \leftarrow \arg\min_\alpha f(\theta_{k+1} + \alpha d),
        \quad u_{j^*} \leftarrow u_2, \quad u_2 \leftarrow \alpha^* d
    \end{align*}

u₁, u₂ are the direction set (``direction_1``, ``direction_2``; at first the unit
vectors), f₀ = f(θ⁽⁰⁾), f₁ = f(θ_{k+1}), f_e = f(θ_{k+1} + d), j* the search with the
largest decrease Δ; θ⁽⁰⁾ is θ_k, or where the previous iteration's extrapolation
moved it. Each line search is scipy's ``brent`` from the bracket it grows
from α ∈ {0, 1}, to the relative tolerance 100·``xtol``. The path is θ_{k+1}, the
point after the searches along the set (scipy's ``callback``); the extrapolation's
line search, when its test passes, moves the point before the next iteration's
searches (the state ``iteration_start``; ``after_first_search`` is θ⁽¹⁾). The
method stops (the engine's "converged") after an iteration with 2(f₀ − f₁) ≤
``ftol``·(|f₀| + |f₁|) + 10⁻²⁰.

``lr`` is not used: each line search finds its own step. Reference: M. J. D. Powell
(1964), An efficient method for finding the minimum of a function of several
variables without calculating derivatives, The Computer Journal 7(2):155-162;
W. H. Press et al., Numerical Recipes, §10.7 (the discarding test);
scipy.optimize.minimize(method="Powell"). Where libraries disagree: Powell's paper
discards the direction of largest decrease by a different test; scipy's ``xtol`` is
not a tolerance on θ but sets the line searches' (100·xtol, relative to α, floor
1e-11); scipy stops after 1000·n = 2000 iterations or f evaluations by default,
here the run's steps are the limit.
"""

import numpy as np

from landscapes._jit import jit, jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.line_search import scipy_brent

# scipy's line searches run Brent to relative tolerance xtol · LINE_SEARCH_TOLERANCE.
LINE_SEARCH_TOLERANCE = 100
STOP_FLOOR = 1e-20

LINES = (
    r"\theta^{(j)} &= \theta^{(j-1)} + \alpha_j u_j,\ \alpha_j = \arg\min_\alpha "
    r"f(\theta^{(j-1)} + \alpha u_j),\ \theta_{k+1} = \theta^{(2)}\\ "
    r"d &= \theta_{k+1} - \theta_k:\ \text{if } f(\theta_{k+1} + d) < f_0 \text{ and "
    r"Powell's test: } u_{j^*} \leftarrow u_2,\ u_2 \leftarrow \alpha^* d"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="powell",
    family="derivative-free",
    title="Powell",
    hyperparameters=(
        Hyperparameter(
            "lr",
            1.0,
            settable=False,
            help="not used: each line search finds its own step",
        ),
        Hyperparameter(
            "xtol",
            1e-4,
            help="line searches stop at relative tolerance 100·xtol in the step",
        ),
        Hyperparameter(
            "ftol",
            1e-4,
            help="stop when an iteration lowers f by less than this, relatively",
        ),
    ),
    latex=LATEX,
    reference=(
        "M. J. D. Powell (1964), The Computer Journal 7(2):155-162; W. H. Press et "
        "al., Numerical Recipes, §10.7; scipy.optimize.minimize(method='Powell')."
    ),
    state={
        "direction_1": (0, 1),
        "direction_2": (2, 3),
        "iteration_start": (4, 5),
        "after_first_search": (6, 7),
    },
    positions=("iteration_start", "after_first_search"),
    internal_state={
        # θ_k, the previous point on the path: d = θ_{k+1} − θ_k.
        "previous_iterate_x": 8,
        "previous_iterate_y": 9,
        # f₀, Δ and j* of the last iteration, which the next one's tests read.
        "f_start": 10,
        "largest_decrease": 11,
        "largest_decrease_index": 12,
        "converged": 13,
    },
    state_slots=14,
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit
def _search(point, p, x, y, dx, dy, f, tol):
    """scipy's _linesearch_powell without bounds: (f, x, y, αdx, αdy) at the minimum
    along d from (x, y); no move along a zero direction."""
    if dx == 0 and dy == 0:
        return f, x, y, dx, dy
    alpha, f_alpha = scipy_brent(point, p, x, y, dx, dy, tol)
    dx = alpha * dx
    dy = alpha * dy
    return f_alpha, x + dx, y + dy, dx, dy


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        if S[S_ROWS.converged, i] != 0.0:
            continue
        x = xs[i]
        y = ys[i]
        fval = F[i]
        tol = H[H_ROWS.xtol, i] * LINE_SEARCH_TOLERANCE
        if k == 0:
            S[S_ROWS.direction_1_x, i] = 1.0
            S[S_ROWS.direction_1_y, i] = 0.0
            S[S_ROWS.direction_2_x, i] = 0.0
            S[S_ROWS.direction_2_y, i] = 1.0
        else:
            # The end of scipy's previous iteration: its stopping test, then the
            # extrapolation along the iteration's displacement.
            fx = S[S_ROWS.f_start, i]
            bound = H[H_ROWS.ftol, i] * (abs(fx) + abs(fval)) + STOP_FLOOR
            if 2.0 * (fx - fval) <= bound or (np.isnan(fx) and np.isnan(fval)):
                S[S_ROWS.converged, i] = 1.0
                continue
            ex = x - S[S_ROWS.previous_iterate_x, i]
            ey = y - S[S_ROWS.previous_iterate_y, i]
            fx2 = point(lp, x + ex, y + ey)[0]
            if fx > fx2:
                delta = S[S_ROWS.largest_decrease, i]
                t = 2.0 * (fx + fx2 - 2.0 * fval)
                temp = fx - fval - delta
                t *= temp * temp
                temp = fx - fx2
                t -= delta * temp * temp
                if t < 0.0:
                    fval, x, y, ex, ey = _search(point, lp, x, y, ex, ey, fval, tol)
                    if ex != 0 or ey != 0:
                        # The direction of largest decrease goes, d comes in last.
                        if S[S_ROWS.largest_decrease_index, i] == 0.0:
                            S[S_ROWS.direction_1_x, i] = S[S_ROWS.direction_2_x, i]
                            S[S_ROWS.direction_1_y, i] = S[S_ROWS.direction_2_y, i]
                        S[S_ROWS.direction_2_x, i] = ex
                        S[S_ROWS.direction_2_y, i] = ey
        S[S_ROWS.previous_iterate_x, i] = xs[i]
        S[S_ROWS.previous_iterate_y, i] = ys[i]
        S[S_ROWS.iteration_start_x, i] = x
        S[S_ROWS.iteration_start_y, i] = y
        # One iteration: a line search along each direction of the set.
        S[S_ROWS.f_start, i] = fval
        delta = 0.0
        largest = 0.0
        before = fval
        fval, x, y, _, _ = _search(
            point,
            lp,
            x,
            y,
            S[S_ROWS.direction_1_x, i],
            S[S_ROWS.direction_1_y, i],
            fval,
            tol,
        )
        if (before - fval) > delta:
            delta = before - fval
        S[S_ROWS.after_first_search_x, i] = x
        S[S_ROWS.after_first_search_y, i] = y
        before = fval
        fval, x, y, _, _ = _search(
            point,
            lp,
            x,
            y,
            S[S_ROWS.direction_2_x, i],
            S[S_ROWS.direction_2_y, i],
            fval,
            tol,
        )
        if (before - fval) > delta:
            delta = before - fval
            largest = 1.0
        S[S_ROWS.largest_decrease, i] = delta
        S[S_ROWS.largest_decrease_index, i] = largest
        xs[i] = x
        ys[i] = y

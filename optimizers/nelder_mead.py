r"""Nelder–Mead's simplex search, exactly as
``scipy.optimize.minimize(method="Nelder-Mead")`` (scipy 1.17, ``_minimize_neldermead``):
no gradients, only values of f at the three vertices of a triangle that reflects,
expands, contracts and shrinks its way downhill.

.. math::
    \begin{align*}
    &v_1, v_2, v_3 \text{ sorted so that } f(v_1) \le f(v_2) \le f(v_3), \qquad
        \bar v = (v_1 + v_2)/2 \\
    &v_r = \bar v + \rho(\bar v - v_3), \qquad v_e = \bar v + \rho\chi(\bar v - v_3) \\
    &v_c = \bar v + \psi\rho(\bar v - v_3), \qquad v_{cc} = \bar v - \psi(\bar v - v_3) \\
    &v_j \leftarrow v_1 + \sigma(v_j - v_1),\ j = 2, 3 \quad \text{(shrink)}
    \end{align*}

Each iteration replaces the worst vertex v₃: by v_e if f(v_r) < f(v₁) and f(v_e) <
f(v_r), else by v_r if f(v_r) < f(v₂) (or < f(v₁)); else by the outside contraction
v_c if f(v_r) < f(v₃) and f(v_c) ≤ f(v_r), by the inside contraction v_cc if f(v_r) ≥
f(v₃) and f(v_cc) < f(v₃); failing those it shrinks the triangle towards v₁. (ρ, χ,
ψ, σ) = (1, 2, ½, ½); ``adaptive`` uses Gao and Han's (1, 1 + 2/n, ¾ − 1/(2n),
1 − 1/n), which for n = 2 coordinates are the same numbers: on a surface the switch
changes nothing. The first triangle is scipy's: θ₀ and θ₀ with one coordinate
multiplied by 1.05 (set to 0.00025 where it is 0). The path is the best vertex v₁
after each iteration; the three vertices are the state ``vertex_1`` (= v₁),
``vertex_2``, ``vertex_3``, in the order of f. The method stops (the engine's
"converged") at the start of an iteration where every coordinate of v₂ − v₁ and v₃ −
v₁ is within ``xatol`` and f(v₂) − f(v₁), f(v₃) − f(v₁) within ``fatol``.

``lr`` is not used: the moves are set by the simplex itself. Reference: J. A. Nelder
and R. Mead (1965), A simplex method for function minimization, The Computer Journal
7(4):308-313; F. Gao and L. Han (2012), Comput. Optim. Appl. 51:259-277 (adaptive);
scipy.optimize.minimize(method="Nelder-Mead"). Where libraries disagree: Nelder and
Mead's paper keeps an expansion only if it beats the best vertex and accepts
contractions by a slightly different rule; scipy (and so this) follows Lagarias et
al. (1998). scipy counts its iterations from 1 (a run that stops at step k,
``converged_at == k``, is scipy's ``nit == k + 1``), and stops after 200·n = 400
iterations or f evaluations by default; here the run's steps are the limit.
"""

import numpy as np

from landscapes._jit import jit, jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec

# scipy's first simplex: each coordinate in turn scaled by 1 + NONZDELT, or set to
# ZDELT where it is 0.
NONZDELT = 0.05
ZDELT = 0.00025
DIMENSION = 2.0

LINES = (
    r"&f(v_1) \le f(v_2) \le f(v_3),\ \bar v = \tfrac12(v_1 + v_2)\\ "
    r"&v_r = \bar v + \rho(\bar v - v_3),\ v_e = \bar v + \rho\chi(\bar v - v_3)\\ "
    r"&v_c = \bar v + \psi\rho(\bar v - v_3),\ v_{cc} = \bar v - \psi(\bar v - v_3)\\ "
    r"&\text{shrink: } v_j \leftarrow v_1 + \sigma(v_j - v_1)\\ "
    r"&(\rho, \chi, \psi, \sigma) = (1, 2, \tfrac12, \tfrac12)"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="nelder_mead",
    family="derivative-free",
    title="Nelder–Mead",
    hyperparameters=(
        Hyperparameter(
            "lr",
            1.0,
            settable=False,
            help="not used: the simplex's reflections, expansions and contractions "
            "set every move",
        ),
        Hyperparameter(
            "xatol", 1e-4, help="stop when the vertices are this close to the best"
        ),
        Hyperparameter(
            "fatol", 1e-4, help="stop when their f values are this close to the best"
        ),
        Hyperparameter(
            "adaptive",
            False,
            kind="bool",
            help="Gao and Han's coefficients (1, 1 + 2/n, ¾ − 1/(2n), 1 − 1/n): with "
            "n = 2 they equal the standard ones, so no change on a surface",
        ),
    ),
    latex=LATEX,
    reference=(
        "J. A. Nelder and R. Mead (1965), The Computer Journal 7(4):308-313; "
        "J. C. Lagarias et al. (1998), SIAM J. Optim. 9(1):112-147; "
        "scipy.optimize.minimize(method='Nelder-Mead')."
    ),
    state={"vertex_1": (0, 1), "vertex_2": (2, 3), "vertex_3": (4, 5)},
    positions=("vertex_1", "vertex_2", "vertex_3"),
    internal_state={"f_1": 6, "f_2": 7, "f_3": 8, "converged": 9},
    state_slots=10,
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit
def _before(a, b):
    """NumPy's sort order: a before b if a < b, NaN last."""
    return a < b or (np.isnan(b) and not np.isnan(a))


@jit
def _sort(x1, y1, f1, x2, y2, f2, x3, y3, f3):
    """The three vertices ordered by f as scipy's np.argsort orders them (stable on
    ties, as it is for three entries)."""
    if _before(f2, f1):
        x1, y1, f1, x2, y2, f2 = x2, y2, f2, x1, y1, f1
    if _before(f3, f2):
        x2, y2, f2, x3, y3, f3 = x3, y3, f3, x2, y2, f2
        if _before(f2, f1):
            x1, y1, f1, x2, y2, f2 = x2, y2, f2, x1, y1, f1
    return x1, y1, f1, x2, y2, f2, x3, y3, f3


@jit_inline
def _store(S, i, x1, y1, f1, x2, y2, f2, x3, y3, f3):
    S[S_ROWS.vertex_1_x, i] = x1
    S[S_ROWS.vertex_1_y, i] = y1
    S[S_ROWS.f_1, i] = f1
    S[S_ROWS.vertex_2_x, i] = x2
    S[S_ROWS.vertex_2_y, i] = y2
    S[S_ROWS.f_2, i] = f2
    S[S_ROWS.vertex_3_x, i] = x3
    S[S_ROWS.vertex_3_y, i] = y3
    S[S_ROWS.f_3, i] = f3


@jit
def _iterate(point, p, x1, y1, f1, x2, y2, f2, x3, y3, f3, rho, chi, psi, sigma):
    """One iteration of scipy's loop body: the worst vertex (x3, y3) replaced, or the
    simplex shrunk towards the best. Returns the vertices, not yet sorted."""
    xbar = (x1 + x2) / DIMENSION
    ybar = (y1 + y2) / DIMENSION
    xr = (1 + rho) * xbar - rho * x3
    yr = (1 + rho) * ybar - rho * y3
    fxr = point(p, xr, yr)[0]
    shrink = False
    if fxr < f1:
        xe = (1 + rho * chi) * xbar - rho * chi * x3
        ye = (1 + rho * chi) * ybar - rho * chi * y3
        fxe = point(p, xe, ye)[0]
        if fxe < fxr:
            x3, y3, f3 = xe, ye, fxe
        else:
            x3, y3, f3 = xr, yr, fxr
    elif fxr < f2:
        x3, y3, f3 = xr, yr, fxr
    elif fxr < f3:
        xc = (1 + psi * rho) * xbar - psi * rho * x3
        yc = (1 + psi * rho) * ybar - psi * rho * y3
        fxc = point(p, xc, yc)[0]
        if fxc <= fxr:
            x3, y3, f3 = xc, yc, fxc
        else:
            shrink = True
    else:
        xcc = (1 - psi) * xbar + psi * x3
        ycc = (1 - psi) * ybar + psi * y3
        fxcc = point(p, xcc, ycc)[0]
        if fxcc < f3:
            x3, y3, f3 = xcc, ycc, fxcc
        else:
            shrink = True
    if shrink:
        x2 = x1 + sigma * (x2 - x1)
        y2 = y1 + sigma * (y2 - y1)
        f2 = point(p, x2, y2)[0]
        x3 = x1 + sigma * (x3 - x1)
        y3 = y1 + sigma * (y3 - y1)
        f3 = point(p, x3, y3)[0]
    return x1, y1, f1, x2, y2, f2, x3, y3, f3


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        if S[S_ROWS.converged, i] != 0.0:
            continue
        if k == 0:
            x = xs[i]
            y = ys[i]
            x2 = (1 + NONZDELT) * x if x != 0 else ZDELT
            y3 = (1 + NONZDELT) * y if y != 0 else ZDELT
            f2 = point(lp, x2, y)[0]
            f3 = point(lp, x, y3)[0]
            vertices = _sort(x, y, F[i], x2, y, f2, x, y3, f3)
        else:
            vertices = (
                S[S_ROWS.vertex_1_x, i],
                S[S_ROWS.vertex_1_y, i],
                S[S_ROWS.f_1, i],
                S[S_ROWS.vertex_2_x, i],
                S[S_ROWS.vertex_2_y, i],
                S[S_ROWS.f_2, i],
                S[S_ROWS.vertex_3_x, i],
                S[S_ROWS.vertex_3_y, i],
                S[S_ROWS.f_3, i],
            )
        x1, y1, f1, x2, y2, f2, x3, y3, f3 = vertices
        xatol = H[H_ROWS.xatol, i]
        fatol = H[H_ROWS.fatol, i]
        # scipy's test, max(...) <= tol, as "every entry <= tol" (NaN fails both).
        if (
            abs(x2 - x1) <= xatol
            and abs(y2 - y1) <= xatol
            and abs(x3 - x1) <= xatol
            and abs(y3 - y1) <= xatol
            and abs(f1 - f2) <= fatol
            and abs(f1 - f3) <= fatol
        ):
            _store(S, i, x1, y1, f1, x2, y2, f2, x3, y3, f3)
            S[S_ROWS.converged, i] = 1.0
            continue
        if H[H_ROWS.adaptive, i] != 0.0:
            rho = 1.0
            chi = 1.0 + 2.0 / DIMENSION
            psi = 0.75 - 1.0 / (2.0 * DIMENSION)
            sigma = 1.0 - 1.0 / DIMENSION
        else:
            rho = 1.0
            chi = 2.0
            psi = 0.5
            sigma = 0.5
        x1, y1, f1, x2, y2, f2, x3, y3, f3 = _iterate(
            point, lp, x1, y1, f1, x2, y2, f2, x3, y3, f3, rho, chi, psi, sigma
        )
        x1, y1, f1, x2, y2, f2, x3, y3, f3 = _sort(x1, y1, f1, x2, y2, f2, x3, y3, f3)
        _store(S, i, x1, y1, f1, x2, y2, f2, x3, y3, f3)
        xs[i] = x1
        ys[i] = y1

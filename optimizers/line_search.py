"""Line searches along a direction d from θ: Brent's exact minimization, Armijo
backtracking, scipy's own bracket and Brent (Powell's method) and torch's strong Wolfe
search (L-BFGS). Scalar jitted functions, called per run by the line-search optimizers.
"""

import numpy as np

from landscapes._jit import jit

GOLDEN = 1.618033988749895
GOLDEN_SECTION = 0.3819660112501051  # 2 - golden ratio
BRENT_TOLERANCE = 1.48e-8  # ≈ sqrt(machine eps): f is flat near a minimum
MAX_BRACKET_STEPS = 60
MAX_BRENT_ITERATIONS = 100
MAX_BACKTRACKS = 60
MAX_POLISH_STEPS = 8


@jit
def _along(point, p, x, y, dx, dy, alpha):
    return point(p, x + alpha * dx, y + alpha * dy)[0]


@jit
def _slope(point, p, x, y, dx, dy, alpha):
    """φ'(α) = ∇f(θ + αd)·d."""
    _, gx, gy = point(p, x + alpha * dx, y + alpha * dy)
    return gx * dx + gy * dy


@jit
def along_with_slope(point, p, x, y, dx, dy, alpha):
    """(φ(α), φ'(α)) = (f(θ + αd), ∇f(θ + αd)·d): one evaluation, for the Wolfe
    searches (torch's here, scipy's in optimizers.wolfe)."""
    f, gx, gy = point(p, x + alpha * dx, y + alpha * dy)
    return f, gx * dx + gy * dy


@jit
def _polish(point, p, x, y, dx, dy, alpha, f_alpha, lo, hi):
    """Secant steps on φ'(α) = 0 from Brent's α, inside the bracket [lo, hi].

    A search on f alone pins α only to ~sqrt(eps) relative (f is flat at its minimum);
    the slope pins it to ~eps, which makes successive steepest-descent directions
    orthogonal to round-off. A secant point replaces α only if its |slope| is smaller
    and f has not risen by more than its own rounding noise (allowed: 1e-10 relative;
    measured noise on the quadratics: ~1e-14).
    """
    best = alpha
    best_slope = abs(_slope(point, p, x, y, dx, dy, alpha))
    allowed = f_alpha + 1e-10 * abs(f_alpha)
    a0 = alpha
    s0 = _slope(point, p, x, y, dx, dy, a0)
    a1 = alpha * (1.0 + 1e-7) if alpha != 0.0 else 1e-12
    s1 = _slope(point, p, x, y, dx, dy, a1)
    for _ in range(MAX_POLISH_STEPS):
        if s1 == s0:
            break
        a2 = a1 - s1 * (a1 - a0) / (s1 - s0)
        if not (lo <= a2 <= hi):
            break
        a0, s0 = a1, s1
        a1 = a2
        s1 = _slope(point, p, x, y, dx, dy, a1)
        if abs(s1) < best_slope and _along(point, p, x, y, dx, dy, a1) <= allowed:
            best = a1
            best_slope = abs(s1)
        if s1 == 0.0 or abs(a1 - a0) <= 4e-16 * abs(a1):
            break
    return best


@jit
def brent(point, p, x, y, dx, dy, f0, alpha0):
    """argmin over α ≥ 0 of f(θ + α d), to relative tolerance ~1.5e-8.

    First a bracket (a, b, c) with f(b) below both ends: from (0, α0), expand by the
    golden ratio while f keeps falling, or shrink toward 0 when f(α0) ≥ f(θ). Then
    Brent's method: parabolic interpolation, falling back to golden sections.
    Returns 0 when no decrease is found along d, and the last expansion point when f
    keeps falling for 60 expansions (unbounded below: the run will diverge). Brent's
    answer is then polished with secant steps on the slope (see `_polish`).

    Reference: R. P. Brent (1973), Algorithms for Minimization without Derivatives,
    Prentice-Hall, ch. 5; W. H. Press et al., Numerical Recipes, §10.2-10.3.
    """
    a = 0.0
    fa = f0
    b = alpha0
    fb = _along(point, p, x, y, dx, dy, b)
    if not fb < fa:
        c = b
        found = False
        for _ in range(MAX_BRACKET_STEPS):
            b = c * GOLDEN_SECTION
            fb = _along(point, p, x, y, dx, dy, b)
            if fb < fa:
                found = True
                break
            c = b
        if not found:
            return 0.0
    else:
        c = b + GOLDEN * (b - a)
        fc = _along(point, p, x, y, dx, dy, c)
        expansions = 0
        while fc < fb:
            if expansions == MAX_BRACKET_STEPS:
                return c
            a = b
            b = c
            fb = fc
            c = b + GOLDEN * (b - a)
            fc = _along(point, p, x, y, dx, dy, c)
            expansions += 1
    # Brent's method on [lo, hi] starting from the interior point b.
    lo = min(a, c)
    hi = max(a, c)
    u_best = b
    f_best = fb
    w = b
    fw = fb
    v = b
    fv = fb
    e = 0.0
    d = 0.0
    for _ in range(MAX_BRENT_ITERATIONS):
        mid = 0.5 * (lo + hi)
        tol1 = BRENT_TOLERANCE * abs(u_best) + 1e-20
        tol2 = 2.0 * tol1
        if abs(u_best - mid) <= tol2 - 0.5 * (hi - lo):
            break
        golden_step = True
        if abs(e) > tol1:
            r = (u_best - w) * (f_best - fv)
            q = (u_best - v) * (f_best - fw)
            s = (u_best - v) * q - (u_best - w) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                s = -s
            q = abs(q)
            previous_e = e
            e = d
            if not (
                abs(s) >= abs(0.5 * q * previous_e)
                or s <= q * (lo - u_best)
                or s >= q * (hi - u_best)
            ):
                d = s / q
                trial = u_best + d
                if trial - lo < tol2 or hi - trial < tol2:
                    d = tol1 if mid >= u_best else -tol1
                golden_step = False
        if golden_step:
            e = (lo - u_best) if u_best >= mid else (hi - u_best)
            d = GOLDEN_SECTION * e
        if abs(d) >= tol1:
            trial = u_best + d
        else:
            trial = u_best + (tol1 if d >= 0.0 else -tol1)
        f_trial = _along(point, p, x, y, dx, dy, trial)
        if f_trial <= f_best:
            if trial >= u_best:
                lo = u_best
            else:
                hi = u_best
            v, fv = w, fw
            w, fw = u_best, f_best
            u_best, f_best = trial, f_trial
        else:
            if trial < u_best:
                lo = trial
            else:
                hi = trial
            if f_trial <= fw or w == u_best:
                v, fv = w, fw
                w, fw = trial, f_trial
            elif f_trial <= fv or v == u_best or v == w:  # noqa: SIM109 (Numba)
                v, fv = trial, f_trial
    # The bracketing interval, not Brent's final one: with f flat to round-off,
    # Brent's comparisons are noise and its last interval may miss the minimum.
    return _polish(point, p, x, y, dx, dy, u_best, f_best, min(a, c), max(a, c))


@jit
def armijo(point, p, x, y, gx, gy, f0, alpha0, c1, shrink):
    """The first α in α0, ρα0, ρ²α0, ... with sufficient decrease along -∇f:

        f(θ - α∇f) ≤ f(θ) - c₁ α ‖∇f‖²

    Returns 0 if none of 60 trials passes (no step is taken).

    Reference: L. Armijo (1966), Minimization of functions having Lipschitz continuous
    first partial derivatives, Pacific J. Math. 16(1):1-3; J. Nocedal and S. J. Wright
    (2006), Numerical Optimization, Algorithm 3.1.
    """
    slope = gx * gx + gy * gy
    alpha = alpha0
    for _ in range(MAX_BACKTRACKS):
        if _along(point, p, x, y, -gx, -gy, alpha) <= f0 - c1 * alpha * slope:
            return alpha
        alpha *= shrink
    return 0.0


# scipy.optimize.brent with its default bracket (scipy 1.17, ``bracket`` and
# ``Brent.optimize`` in scipy/optimize/_optimize.py), transcribed operation by operation
# for Powell's method, whose iterates equal scipy's only with scipy's own constants:
# the golden ratio to 7 digits, the bracket's growth limit, Brent's 1e-11 floor.
SCIPY_GOLDEN = 1.618034
SCIPY_GOLDEN_SECTION = 0.3819660
SCIPY_VERY_SMALL = 1e-21
SCIPY_GROW_LIMIT = 110.0
SCIPY_BRACKET_ITERATIONS = 1000
SCIPY_BRENT_FLOOR = 1.0e-11
SCIPY_BRENT_ITERATIONS = 500


@jit
def scipy_bracket(point, p, x, y, dx, dy):
    """scipy.optimize.bracket(φ, xa=0, xb=1), φ(α) = f(θ + αd): downhill from (0, 1)
    by golden-ratio and parabolic steps until f rises. Returns (valid, xa, xb, xc,
    fa, fb, fc); not valid where scipy raises BracketError (its three conditions:
    f(xb) below both ends, xb between them, all finite) or, after 1,000 steps,
    RuntimeError."""
    xa = 0.0
    xb = 1.0
    fa = _along(point, p, x, y, dx, dy, xa)
    fb = _along(point, p, x, y, dx, dy, xb)
    if fa < fb:
        xa, xb = xb, xa
        fa, fb = fb, fa
    xc = xb + SCIPY_GOLDEN * (xb - xa)
    fc = _along(point, p, x, y, dx, dy, xc)
    iteration = 0
    while fc < fb:
        tmp1 = (xb - xa) * (fb - fc)
        tmp2 = (xb - xc) * (fb - fa)
        val = tmp2 - tmp1
        if abs(val) < SCIPY_VERY_SMALL:
            denom = 2.0 * SCIPY_VERY_SMALL
        else:
            denom = 2.0 * val
        w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom
        wlim = xb + SCIPY_GROW_LIMIT * (xc - xb)
        if iteration > SCIPY_BRACKET_ITERATIONS:
            return False, xa, xb, xc, fa, fb, fc
        iteration += 1
        if (w - xc) * (xb - w) > 0.0:
            fw = _along(point, p, x, y, dx, dy, w)
            if fw < fc:
                xa = xb
                xb = w
                fa = fb
                fb = fw
                break
            elif fw > fb:
                xc = w
                fc = fw
                break
            w = xc + SCIPY_GOLDEN * (xc - xb)
            fw = _along(point, p, x, y, dx, dy, w)
        elif (w - wlim) * (wlim - xc) >= 0.0:
            w = wlim
            fw = _along(point, p, x, y, dx, dy, w)
        elif (w - wlim) * (xc - w) > 0.0:
            fw = _along(point, p, x, y, dx, dy, w)
            if fw < fc:
                xb = xc
                xc = w
                w = xc + SCIPY_GOLDEN * (xc - xb)
                fb = fc
                fc = fw
                fw = _along(point, p, x, y, dx, dy, w)
        else:
            w = xc + SCIPY_GOLDEN * (xc - xb)
            fw = _along(point, p, x, y, dx, dy, w)
        xa = xb
        xb = xc
        xc = w
        fa = fb
        fb = fc
        fc = fw
    lowest = (fb < fc and fb <= fa) or (fb < fa and fb <= fc)
    between = (xa < xb < xc) or (xc < xb < xa)
    finite = np.isfinite(xa) and np.isfinite(xb) and np.isfinite(xc)
    return lowest and between and finite, xa, xb, xc, fa, fb, fc


@jit
def scipy_brent(point, p, x, y, dx, dy, tol):
    """scipy.optimize.brent(φ, tol=tol), φ(α) = f(θ + αd), from `scipy_bracket`, as
    minimize_scalar(method="brent") and Powell's line search call it: (α, φ(α)).
    Where the bracket is not valid, scipy's recovery: the lowest of its three points,
    or NaN if any of them or their values is NaN."""
    valid, xa, xb, xc, fa, fb, fc = scipy_bracket(point, p, x, y, dx, dy)
    if not valid:
        if (
            np.isnan(xa)
            or np.isnan(xb)
            or np.isnan(xc)
            or np.isnan(fa)
            or np.isnan(fb)
            or np.isnan(fc)
        ):
            return np.nan, np.nan
        # np.argmin: the first of equal values.
        if fa <= fb and fa <= fc:
            return xa, fa
        if fb <= fc:
            return xb, fb
        return xc, fc
    x_best = xb
    w = xb
    v = xb
    fw = fb
    fv = fb
    fx = fb
    if xa < xc:
        a = xa
        b = xc
    else:
        a = xc
        b = xa
    deltax = 0.0
    rat = 0.0
    for _ in range(SCIPY_BRENT_ITERATIONS):
        tol1 = tol * abs(x_best) + SCIPY_BRENT_FLOOR
        tol2 = 2.0 * tol1
        xmid = 0.5 * (a + b)
        if abs(x_best - xmid) < (tol2 - 0.5 * (b - a)):
            break
        if abs(deltax) <= tol1:
            if x_best >= xmid:
                deltax = a - x_best
            else:
                deltax = b - x_best
            rat = SCIPY_GOLDEN_SECTION * deltax
        else:
            tmp1 = (x_best - w) * (fx - fv)
            tmp2 = (x_best - v) * (fx - fw)
            q = (x_best - v) * tmp2 - (x_best - w) * tmp1
            tmp2 = 2.0 * (tmp2 - tmp1)
            if tmp2 > 0.0:
                q = -q
            tmp2 = abs(tmp2)
            dx_temp = deltax
            deltax = rat
            if (
                (q > tmp2 * (a - x_best))
                and (q < tmp2 * (b - x_best))
                and (abs(q) < abs(0.5 * tmp2 * dx_temp))
            ):
                rat = q * 1.0 / tmp2
                u = x_best + rat
                if (u - a) < tol2 or (b - u) < tol2:
                    if xmid - x_best >= 0:
                        rat = tol1
                    else:
                        rat = -tol1
            else:
                if x_best >= xmid:
                    deltax = a - x_best
                else:
                    deltax = b - x_best
                rat = SCIPY_GOLDEN_SECTION * deltax
        if abs(rat) < tol1:
            if rat >= 0:
                u = x_best + tol1
            else:
                u = x_best - tol1
        else:
            u = x_best + rat
        fu = _along(point, p, x, y, dx, dy, u)
        if fu > fx:
            if u < x_best:
                a = u
            else:
                b = u
            if (fu <= fw) or (w == x_best):
                v = w
                w = u
                fv = fw
                fw = fu
            elif (fu <= fv) or (v == x_best) or (v == w):  # noqa: SIM109 (Numba)
                v = u
                fv = fu
        else:
            if u >= x_best:
                a = x_best
            else:
                b = x_best
            v = w
            w = x_best
            x_best = u
            fv = fw
            fw = fx
            fx = fu
    return x_best, fx


# torch.optim.lbfgs._strong_wolfe's constants: LBFGS passes neither c1, c2 nor
# tolerance_change (its own tolerance_change is not the line search's).
WOLFE_C1 = 1e-4
WOLFE_C2 = 0.9
WOLFE_TOLERANCE_CHANGE = 1e-9


@jit
def cubic_interpolate(x1, f1, g1, x2, f2, g2, xmin_bound, xmax_bound):
    """torch.optim.lbfgs._cubic_interpolate: the minimizer of the cubic through
    (x1, f1) and (x2, f2) with slopes g1 and g2, clipped to [xmin_bound,
    xmax_bound]; their midpoint when the cubic has no minimum. (torch's default
    bounds, when it passes none, are (min(x1, x2), max(x1, x2)).)"""
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


@jit
def strong_wolfe(point, p, x, y, dx, dy, t, f, gtd, max_ls):
    """torch.optim.lbfgs._strong_wolfe from θ = (x, y) along d = (dx, dy), first
    trial step t, f = f(θ) and gtd = ∇f(θ)·d: returns (t, f(θ + t d)) for the step
    that satisfies the strong Wolfe conditions

        f(θ + t d) ≤ f + c₁ t gtd,   |∇f(θ + t d)·d| ≤ -c₂ gtd   (c₁ = 1e-4, c₂ = 0.9)

    or the best point of the bracket when the search stops first (the bracket
    shorter than 1e-9 / max|d|, or `max_ls` evaluations). A transcription of torch's
    code, line by line, with the bracket's two ends as scalars (torch keeps lists,
    and the gradient at each end, which the step does not need: the driver evaluates
    ∇f at the point the step ends on, where torch's line search did).

    Reference: J. Nocedal and S. J. Wright (2006), Numerical Optimization,
    Algorithms 3.5 and 3.6; torch.optim.lbfgs (from Torch7's lswolfe.lua).
    """
    d_norm = max(abs(dx), abs(dy))
    f_new, gtd_new = along_with_slope(point, p, x, y, dx, dy, t)
    # bracket: positions 0 and 1 (t, f, gtd at each), one point when `single`
    b0 = b1 = f0 = f1 = g0 = g1 = 0.0
    single = False
    t_prev, f_prev, gtd_prev = 0.0, f, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + WOLFE_C1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            b0, f0, g0, b1, f1, g1 = t_prev, f_prev, gtd_prev, t, f_new, gtd_new
            break
        if abs(gtd_new) <= -WOLFE_C2 * gtd:
            b0, f0 = t, f_new
            single = True
            done = True
            break
        if gtd_new >= 0:
            b0, f0, g0, b1, f1, g1 = t_prev, f_prev, gtd_prev, t, f_new, gtd_new
            break
        # interpolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, min_step, max_step
        )
        t_prev = tmp
        f_prev = f_new
        gtd_prev = gtd_new
        f_new, gtd_new = along_with_slope(point, p, x, y, dx, dy, t)
        ls_iter += 1
    if ls_iter == max_ls:  # torch keeps the slopes of before (the zoom will not run)
        b0, f0, b1, f1 = 0.0, f, t, f_new
    # zoom
    insuf_progress = False
    low = 0 if single or f0 <= f1 else 1
    while not done and ls_iter < max_ls:
        if abs(b1 - b0) * d_norm < WOLFE_TOLERANCE_CHANGE:
            break
        t = cubic_interpolate(b0, f0, g0, b1, f1, g1, min(b0, b1), max(b0, b1))
        top = max(b0, b1)
        bottom = min(b0, b1)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            # interpolation close to the boundary
            if insuf_progress or t >= top or t <= bottom:
                # evaluate at 0.1 away from the boundary
                if abs(t - top) < abs(t - bottom):
                    t = top - eps
                else:
                    t = bottom + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, gtd_new = along_with_slope(point, p, x, y, dx, dy, t)
        ls_iter += 1
        f_low = f0 if low == 0 else f1
        if f_new > (f + WOLFE_C1 * t * gtd) or f_new >= f_low:
            # Armijo condition not satisfied or not lower than the lowest point:
            # the new point becomes the high end
            if low == 0:
                b1, f1, g1 = t, f_new, gtd_new
            else:
                b0, f0, g0 = t, f_new, gtd_new
            low = 0 if f0 <= f1 else 1
        else:
            b_low = b0 if low == 0 else b1
            b_high = b1 if low == 0 else b0
            if abs(gtd_new) <= -WOLFE_C2 * gtd:
                done = True  # the Wolfe conditions hold
            elif gtd_new * (b_high - b_low) >= 0:
                # the old low end becomes the high end
                if low == 0:
                    b1, f1, g1 = b0, f0, g0
                else:
                    b0, f0, g0 = b1, f1, g1
            # the new point becomes the low end
            if low == 0:
                b0, f0, g0 = t, f_new, gtd_new
            else:
                b1, f1, g1 = t, f_new, gtd_new
    if low == 0:
        return b0, f0
    return b1, f1

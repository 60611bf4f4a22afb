"""scipy's strong-Wolfe line search along a direction d from θ, transcribed for Numba:
what ``scipy.optimize.minimize(method="BFGS")`` calls (``_line_search_wolfe12``).

First MINPACK-2's ``dcsrch`` (J. J. Moré and D. J. Thuente, 1994; scipy's
``line_search_wolfe1``, whose Fortran scipy ported to Python in
``scipy/optimize/_dcsrch.py``); if it fails, the bracketing-and-zoom search of
Nocedal and Wright (2006), Algorithms 3.5 and 3.6 (scipy's ``line_search_wolfe2``,
``scalar_search_wolfe2`` and ``_zoom`` in ``scipy/optimize/_linesearch.py``). Both
look for a step α with

    f(θ + αd) ≤ f(θ) + c₁ α ∇f(θ)ᵀd   and   |∇f(θ + αd)ᵀd| ≤ c₂ |∇f(θ)ᵀd|,

and both start from scipy's first trial step α₁ = min(1, 2.02 (f(θ) − f_prev) / ∇f(θ)ᵀd)
(1 if that is negative), f_prev being f at the previous iterate.

The transcription keeps scipy's operations in scipy's order, so on the same f it
returns scipy's α to round-off; scipy's ``None`` (no step found) is ``ok = False``.
Scalar jitted functions, called per run; f and ∇f come from the surface's ``point``.
"""

import numpy as np

from landscapes._jit import jit
from optimizers.line_search import along_with_slope

# scipy's constants: BFGS passes amin=1e-100 and amax=1e100 to both searches; dcsrch's
# xtol (relative width at which the bracket counts as collapsed) and iteration limit;
# the zoom's interpolation safeguards and limits.
STEP_MIN = 1e-100
STEP_MAX = 1e100
DCSRCH_XTOL = 1e-14
DCSRCH_MAX_ITERATIONS = 100
WOLFE2_MAX_ITERATIONS = 10
ZOOM_MAX_ITERATIONS = 10
ZOOM_CUBIC_CHECK = 0.2
ZOOM_QUADRATIC_CHECK = 0.1


@jit
def _python_min(a, b):
    """Python's min(a, b): b only if b < a (so a NaN b gives a)."""
    return b if b < a else a


@jit
def _python_max(a, b):
    """Python's max(a, b): b only if b > a."""
    return b if b > a else a


@jit
def _clip(value, low, high):
    """np.clip(value, low, high) (a NaN value stays NaN)."""
    if value < low:
        value = low
    if value > high:
        value = high
    return value


@jit
def first_trial_step(phi0, old_phi0, derphi0):
    """scipy's α₁ = min(1, 1.01·2(φ(0) − f_prev)/φ'(0)), 1 where that is negative
    (or φ'(0) = 0)."""
    if derphi0 == 0.0:
        return 1.0
    alpha1 = _python_min(1.0, 1.01 * 2 * (phi0 - old_phi0) / derphi0)
    if alpha1 < 0.0:
        alpha1 = 1.0
    return alpha1


@jit
def dcstep(stx, fx, dx, sty, fy, dy, stp, fp, dp, brackt, stpmin, stpmax):
    """MINPACK-2's dcstep (scipy/optimize/_dcsrch.py): a safeguarded cubic or
    quadratic step, and the update of the interval [stx, sty] that brackets a step
    satisfying the Wolfe conditions. Returns (stx, fx, dx, sty, fy, dy, stp, brackt)."""
    sgnd = np.sign(dp) * np.sign(dx)
    if fp > fx:
        # A higher function value: the minimum is bracketed. The cubic step if it is
        # closer to stx than the quadratic step, else their average.
        theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp
        s = _python_max(_python_max(abs(theta), abs(dx)), abs(dp))
        gamma = s * np.sqrt((theta / s) ** 2 - (dx / s) * (dp / s))
        if stp < stx:
            gamma *= -1
        p = (gamma - dx) + theta
        q = ((gamma - dx) + gamma) + dp
        r = p / q
        stpc = stx + r * (stp - stx)
        stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx)
        if abs(stpc - stx) <= abs(stpq - stx):
            stpf = stpc
        else:
            stpf = stpc + (stpq - stpc) / 2.0
        brackt = True
    elif sgnd < 0.0:
        # A lower value and derivatives of opposite sign: bracketed. The cubic step
        # if it is farther from stp than the secant step, else the secant step.
        theta = 3 * (fx - fp) / (stp - stx) + dx + dp
        s = _python_max(_python_max(abs(theta), abs(dx)), abs(dp))
        gamma = s * np.sqrt((theta / s) ** 2 - (dx / s) * (dp / s))
        if stp > stx:
            gamma *= -1
        p = (gamma - dp) + theta
        q = ((gamma - dp) + gamma) + dx
        r = p / q
        stpc = stp + r * (stx - stp)
        stpq = stp + (dp / (dp - dx)) * (stx - stp)
        if abs(stpc - stp) > abs(stpq - stp):
            stpf = stpc
        else:
            stpf = stpq
        brackt = True
    elif abs(dp) < abs(dx):
        # A lower value, derivatives of the same sign, and |derivative| decreasing:
        # the cubic step only if the cubic tends to infinity in the step's direction
        # or its minimum lies beyond stp; else the secant step.
        theta = 3 * (fx - fp) / (stp - stx) + dx + dp
        s = _python_max(_python_max(abs(theta), abs(dx)), abs(dp))
        radicand = (theta / s) ** 2 - (dx / s) * (dp / s)
        # Python's max(0, radicand): 0 also for a NaN radicand.
        gamma = s * np.sqrt(radicand if radicand > 0 else 0.0)
        if stp > stx:
            gamma = -gamma
        p = (gamma - dp) + theta
        q = (gamma + (dx - dp)) + gamma
        r = p / q
        if r < 0 and gamma != 0:
            stpc = stp + r * (stx - stp)
        elif stp > stx:
            stpc = stpmax
        else:
            stpc = stpmin
        stpq = stp + (dp / (dp - dx)) * (stx - stp)
        if brackt:
            if abs(stpc - stp) < abs(stpq - stp):
                stpf = stpc
            else:
                stpf = stpq
            if stp > stx:
                stpf = _python_min(stp + 0.66 * (sty - stp), stpf)
            else:
                stpf = _python_max(stp + 0.66 * (sty - stp), stpf)
        else:
            if abs(stpc - stp) > abs(stpq - stp):
                stpf = stpc
            else:
                stpf = stpq
            stpf = _clip(stpf, stpmin, stpmax)
    else:
        # A lower value, derivatives of the same sign, |derivative| not decreasing:
        # stpmin or stpmax unless bracketed, then the cubic step.
        if brackt:
            theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp
            s = _python_max(_python_max(abs(theta), abs(dy)), abs(dp))
            gamma = s * np.sqrt((theta / s) ** 2 - (dy / s) * (dp / s))
            if stp > sty:
                gamma = -gamma
            p = (gamma - dp) + theta
            q = ((gamma - dp) + gamma) + dy
            r = p / q
            stpc = stp + r * (sty - stp)
            stpf = stpc
        elif stp > stx:
            stpf = stpmax
        else:
            stpf = stpmin
    # The interval that contains a minimizer.
    if fp > fx:
        sty = stp
        fy = fp
        dy = dp
    else:
        if sgnd < 0:
            sty = stx
            fy = fx
            dy = dx
        stx = stp
        fx = fp
        dx = dp
    return stx, fx, dx, sty, fy, dy, stpf, brackt


@jit
def dcsrch(point, p, x, y, dx, dy, stp, finit, ginit, ftol, gtol, xtol, stpmin, stpmax):
    """MINPACK-2's dcsrch as scipy's ``DCSRCH(...)(alpha1, phi0, derphi0,
    maxiter=100)`` runs it: from the trial step `stp`, with φ(0) = `finit` and
    φ'(0) = `ginit`. Returns (ok, α, φ(α)); ok is False where scipy's search returns
    None (an error in the arguments, a warning, or 100 iterations)."""
    # scipy's first call ("START"): check the arguments, set up the interval.
    if (
        stp < stpmin
        or stp > stpmax
        or ginit >= 0
        or ftol < 0
        or gtol < 0
        or xtol < 0
        or stpmin < 0
        or stpmax < stpmin
    ):
        return False, stp, finit
    brackt = False
    stage = 1
    gtest = ftol * ginit
    width = stpmax - stpmin
    width1 = width / 0.5
    stx = 0.0
    fx = finit
    gx = ginit
    sty = 0.0
    fy = finit
    gy = ginit
    stmin = 0.0
    stmax = stp + 4.0 * stp
    if not np.isfinite(stp):
        return False, stp, finit
    f, g = along_with_slope(point, p, x, y, dx, dy, stp)
    for _ in range(DCSRCH_MAX_ITERATIONS - 1):
        ftest = finit + stp * gtest
        if stage == 1 and f <= ftest and g >= 0:
            stage = 2
        warning = (
            (brackt and (stp <= stmin or stp >= stmax))
            or (brackt and stmax - stmin <= xtol * stmax)
            or (stp == stpmax and f <= ftest and g <= gtest)
            or (stp == stpmin and (f > ftest or g >= gtest))
        )
        # Convergence overrides a warning (scipy tests it last).
        if f <= ftest and abs(g) <= gtol * -ginit:
            return True, stp, f
        if warning:
            return False, stp, f
        if stage == 1 and f <= fx and f > ftest:
            # The modified function ψ(α) = φ(α) − φ(0) − ftol·α·φ'(0) predicts the
            # step while a lower value has been found without sufficient decrease.
            fm = f - stp * gtest
            fxm = fx - stx * gtest
            fym = fy - sty * gtest
            gm = g - gtest
            gxm = gx - gtest
            gym = gy - gtest
            stx, fxm, gxm, sty, fym, gym, stp, brackt = dcstep(
                stx, fxm, gxm, sty, fym, gym, stp, fm, gm, brackt, stmin, stmax
            )
            fx = fxm + stx * gtest
            fy = fym + sty * gtest
            gx = gxm + gtest
            gy = gym + gtest
        else:
            stx, fx, gx, sty, fy, gy, stp, brackt = dcstep(
                stx, fx, gx, sty, fy, gy, stp, f, g, brackt, stmin, stmax
            )
        # A bisection step if the interval did not shrink enough.
        if brackt:
            if abs(sty - stx) >= 0.66 * width1:
                stp = stx + 0.5 * (sty - stx)
            width1 = width
            width = abs(sty - stx)
        if brackt:
            stmin = _python_min(stx, sty)
            stmax = _python_max(stx, sty)
        else:
            stmin = stp + 1.1 * (stp - stx)
            stmax = stp + 4.0 * (stp - stx)
        stp = _clip(stp, stpmin, stpmax)
        # If no further progress is possible, the best step so far.
        if (
            brackt
            and (stp <= stmin or stp >= stmax)
            or (brackt and stmax - stmin <= xtol * stmax)
        ):
            stp = stx
        if not np.isfinite(stp):
            return False, stp, f
        f, g = along_with_slope(point, p, x, y, dx, dy, stp)
    return False, stp, f


@jit
def _cubicmin(a, fa, fpa, b, fb, c, fc):
    """scipy's _cubicmin: the minimizer of the cubic through (a, fa), (b, fb),
    (c, fc) with slope fpa at a. Returns (ok, x); not ok where scipy, which computes
    under np.errstate(divide, over, invalid = "raise"), returns None."""
    C = fpa
    db = b - a
    dc = c - a
    denom = (db * dc) ** 2 * (db - dc)
    first = fb - fa - C * db
    second = fc - fa - C * dc
    A = dc**2 * first + -(db**2) * second
    B = -(dc**3) * first + db**3 * second
    if denom == 0.0 or not (np.isfinite(denom) and np.isfinite(A) and np.isfinite(B)):
        return False, 0.0
    A /= denom
    B /= denom
    radical = B * B - 3 * A * C
    if A == 0.0 or not radical >= 0.0 or not np.isfinite(radical):
        return False, 0.0
    xmin = a + (-B + np.sqrt(radical)) / (3 * A)
    return np.isfinite(xmin), xmin


@jit
def _quadmin(a, fa, fpa, b, fb):
    """scipy's _quadmin: the minimizer of the parabola through (a, fa), (b, fb) with
    slope fpa at a; (ok, x) as in `_cubicmin`."""
    D = fa
    C = fpa
    db = b - a * 1.0
    squared = db * db
    if squared == 0.0 or not np.isfinite(squared):
        return False, 0.0
    B = (fb - D - C * db) / squared
    if B == 0.0 or not np.isfinite(B):
        return False, 0.0
    xmin = a - C / (2.0 * B)
    return np.isfinite(xmin), xmin


@jit
def _zoom(
    point, p, x, y, dx, dy, a_lo, a_hi, phi_lo, phi_hi, derphi_lo, phi0, derphi0, c1, c2
):
    """scipy's _zoom (Nocedal and Wright, Algorithm 3.6): shrink [a_lo, a_hi] by cubic,
    quadratic or bisection steps until a step satisfies the strong Wolfe conditions.
    Returns (ok, α, φ(α))."""
    i = 0
    phi_rec = phi0
    a_rec = 0.0
    cchk = 0.0
    a_j = 0.0
    while True:
        dalpha = a_hi - a_lo
        if dalpha < 0:
            a, b = a_hi, a_lo
        else:
            a, b = a_lo, a_hi
        found = False
        if i > 0:
            cchk = ZOOM_CUBIC_CHECK * dalpha
            found, a_j = _cubicmin(
                a_lo, phi_lo, derphi_lo, a_hi, phi_hi, a_rec, phi_rec
            )
        if i == 0 or not found or a_j > b - cchk or a_j < a + cchk:
            qchk = ZOOM_QUADRATIC_CHECK * dalpha
            found, a_j = _quadmin(a_lo, phi_lo, derphi_lo, a_hi, phi_hi)
            if not found or a_j > b - qchk or a_j < a + qchk:
                a_j = a_lo + 0.5 * dalpha
        phi_aj, derphi_aj = along_with_slope(point, p, x, y, dx, dy, a_j)
        if phi_aj > phi0 + c1 * a_j * derphi0 or phi_aj >= phi_lo:
            phi_rec = phi_hi
            a_rec = a_hi
            a_hi = a_j
            phi_hi = phi_aj
        else:
            if abs(derphi_aj) <= -c2 * derphi0:
                return True, a_j, phi_aj
            if derphi_aj * (a_hi - a_lo) >= 0:
                phi_rec = phi_hi
                a_rec = a_hi
                a_hi = a_lo
                phi_hi = phi_lo
            else:
                phi_rec = phi_lo
                a_rec = a_lo
            a_lo = a_j
            phi_lo = phi_aj
            derphi_lo = derphi_aj
        i += 1
        if i > ZOOM_MAX_ITERATIONS:
            return False, a_j, phi_aj


@jit
def wolfe2(point, p, x, y, dx, dy, phi0, derphi0, old_phi0, c1, c2, amax):
    """scipy's scalar_search_wolfe2 (Nocedal and Wright, Algorithm 3.5): double the
    step until the Wolfe conditions hold or a bracket is found, then zoom. Returns
    (ok, α, φ(α)); after 10 doublings scipy returns the last step (ok)."""
    alpha0 = 0.0
    alpha1 = first_trial_step(phi0, old_phi0, derphi0)
    alpha1 = _python_min(alpha1, amax)
    phi_a1, derphi_a1 = along_with_slope(point, p, x, y, dx, dy, alpha1)
    phi_a0 = phi0
    derphi_a0 = derphi0
    for i in range(WOLFE2_MAX_ITERATIONS):
        if alpha1 == 0 or alpha0 > amax:
            return False, alpha1, phi0
        if phi_a1 > phi0 + c1 * alpha1 * derphi0 or (phi_a1 >= phi_a0 and i > 0):
            return _zoom(
                point,
                p,
                x,
                y,
                dx,
                dy,
                alpha0,
                alpha1,
                phi_a0,
                phi_a1,
                derphi_a0,
                phi0,
                derphi0,
                c1,
                c2,
            )
        if abs(derphi_a1) <= -c2 * derphi0:
            return True, alpha1, phi_a1
        if derphi_a1 >= 0:
            return _zoom(
                point,
                p,
                x,
                y,
                dx,
                dy,
                alpha1,
                alpha0,
                phi_a1,
                phi_a0,
                derphi_a1,
                phi0,
                derphi0,
                c1,
                c2,
            )
        alpha2 = _python_min(2 * alpha1, amax)
        alpha0 = alpha1
        alpha1 = alpha2
        phi_a0 = phi_a1
        derphi_a0 = derphi_a1
        phi_a1, derphi_a1 = along_with_slope(point, p, x, y, dx, dy, alpha1)
    return True, alpha1, phi_a1


@jit
def line_search_wolfe12(point, p, x, y, dx, dy, phi0, derphi0, old_phi0, c1, c2):
    """scipy's _line_search_wolfe12 as BFGS calls it (amin=1e-100, amax=1e100): dcsrch
    from the first trial step, and if it fails the zoom search. Returns (ok, α, φ(α));
    not ok where scipy raises _LineSearchError (BFGS then stops)."""
    alpha1 = first_trial_step(phi0, old_phi0, derphi0)
    ok, alpha, phi = dcsrch(
        point,
        p,
        x,
        y,
        dx,
        dy,
        alpha1,
        phi0,
        derphi0,
        c1,
        c2,
        DCSRCH_XTOL,
        STEP_MIN,
        STEP_MAX,
    )
    if ok:
        return True, alpha, phi
    return wolfe2(point, p, x, y, dx, dy, phi0, derphi0, old_phi0, c1, c2, STEP_MAX)

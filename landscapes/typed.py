"""A surface the user types: f(x, y) as text, over a view the user chooses.

``landscapes.get("custom", f="x^4 - 2*x^2 + y^2", x_min=-2.0, x_max=2.0)`` is a typed
surface with the same `Landscape` interface as a built-in one, so every page, share
link and export handles it by its name and parameters. The text is parsed without
eval and differentiated exactly (``landscapes.expression``); the kernels evaluate it
through one interpreter (``landscapes._program``).

Its minima have no closed form, so they are searched for numerically over the view
(`lowest_minima`): the lowest cells of a grid are refined by Newton's method on ∇f = 0
and kept where the Hessian is positive semidefinite. When the grid has a finite value
below every minimum found (f falls towards the view's edge, or is unbounded below), the
surface reports none (``minima`` empty, ``min_value`` -inf), and runs report no steps
to a tolerance, rather than measuring against a point that is not the lowest.

Built surfaces are kept in a small cache keyed by the text and the view (parsing and
differentiating take tens of milliseconds, a hostile text up to the SymPy time limit),
and so are the errors: a page that reruns with the same bad text answers at once.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from landscapes.base import Landscape

NAME = "custom"
TITLE = "Typed f(x, y)"
DEFAULT_FORMULA = "x^4 - 2*x^2 + y^2"
DEFAULT_VIEW = (-3.0, 3.0, -3.0, 3.0)
# expression.MAX_ABS_BOUND, repeated here so that listing the parameters does not
# load the parser; a test checks they agree.
VIEW_LIMIT = 1e6
PARAMETER_RANGES = {
    name: (-VIEW_LIMIT, VIEW_LIMIT) for name in ("x_min", "x_max", "y_min", "y_max")
}
# Parameters that are text, not numbers: pages give them a text field.
TEXT_PARAMETERS = ("f",)
REFERENCE = "Typed by the user; gradient and Hessian by SymPy (exact)."

CACHE_ENTRIES = 128
GRID = 101  # points per side of the grid the minimum search starts from
CANDIDATES = 12  # lowest grid points refined by Newton's method
NEWTON_STEPS = 60

_cache: OrderedDict[tuple, Landscape | Exception] = OrderedDict()
_cache_lock = threading.Lock()


def make(
    f: str = DEFAULT_FORMULA,
    x_min: float = DEFAULT_VIEW[0],
    x_max: float = DEFAULT_VIEW[1],
    y_min: float = DEFAULT_VIEW[2],
    y_max: float = DEFAULT_VIEW[3],
) -> Landscape:
    """The typed surface `f` over [x_min, x_max] x [y_min, y_max]. Raises
    ``landscapes.ExpressionError`` (a ValueError) naming the problem and where."""
    if not isinstance(f, str):
        raise ValueError(f"f must be text, not {type(f).__name__}")
    view = ((x_min, x_max), (y_min, y_max))
    for name, value in zip(PARAMETER_RANGES, (x_min, x_max, y_min, y_max), strict=True):
        if not -VIEW_LIMIT <= value <= VIEW_LIMIT:
            raise ValueError(
                f"{name} = {value} is outside [-{VIEW_LIMIT:g}, {VIEW_LIMIT:g}]"
            )
    return cached(f, view)


def cached(text: str, bounds, start=None) -> Landscape:
    """`build(text, bounds, start)`, from the cache when it was built before."""
    key = (text, tuple(map(tuple, bounds)) if bounds is not None else None, start)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            known = _cache[key]
            if isinstance(known, Exception):
                raise _fresh(known)
            return known
    try:
        built: Landscape | Exception = build(text, bounds, start)
    except ValueError as error:
        # A worker that failed to start says "try again": that is not remembered.
        if "try again" in str(error):
            raise
        built = error
    with _cache_lock:
        _cache[key] = built
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    if isinstance(built, Exception):
        raise _fresh(built)
    return built


def _fresh(error: Exception) -> Exception:
    # A new exception each time: re-raising one object grows its traceback.
    copy = type(error).__new__(type(error))
    copy.args, copy.__dict__ = error.args, dict(error.__dict__)
    return copy


# Interpreter instructions that cost about one built-in surface's f and ∇f: a typed
# Rosenbrock's 20 instructions ran its sweep at 1.4-1.5x the built-in's time.
INSTRUCTIONS_PER_POINT = 14


@dataclass(frozen=True, eq=False)
class TypedLandscape(Landscape):
    """A typed surface: a `Landscape` whose cost per point grows with its program."""

    instructions: int = 1

    @property
    def work_per_point(self) -> int:
        return max(1, math.ceil(self.instructions / INSTRUCTIONS_PER_POINT))


def build(text: str, bounds=None, start=None) -> Landscape:
    """The typed surface, uncached (``landscapes.from_expression``)."""
    from landscapes.expression import parse_surface

    parsed = parse_surface(text, bounds=bounds, start=start)
    minima, min_value = lowest_minima(parsed)
    (x0, x1), (y0, y1) = parsed.bounds
    return TypedLandscape(
        instructions=len(parsed.value_grad_program.ops),
        name=NAME,
        title=TITLE,
        params={"f": text, "x_min": x0, "x_max": x1, "y_min": y0, "y_max": y1},
        bounds=parsed.bounds,
        minima=minima,
        min_value=min_value,
        default_start=parsed.default_start,
        latex=f"f(x, y) = {parsed.latex}",
        reference=REFERENCE,
        kernel_params=parsed.kernel_params,
    )


def lowest_minima(parsed) -> tuple[np.ndarray, float]:
    """(minima, min_value): the lowest local minima in the view, found numerically,
    or (empty, -inf) when f has a finite value in the view below all of them.

    The GRID x GRID lowest CANDIDATES points start Newton's method on ∇f = 0 (the
    NumPy reference evaluator, so no kernel compiles); a point is a minimum when it
    stays in the view, ∇f vanishes there to rounding and the Hessian is positive
    semidefinite. Minima within 1e-9 (relative) of the lowest are all reported."""
    from landscapes import _program

    (x0, x1), (y0, y1) = parsed.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    (values,) = _program.evaluate_numpy(parsed.value_program, xs.ravel(), ys.ravel())
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size == 0:
        return np.zeros((0, 2)), -np.inf
    order = finite[np.argsort(values[finite])[:CANDIDATES]]
    x, y = xs.ravel()[order].copy(), ys.ravel()[order].copy()
    with np.errstate(all="ignore"):
        for _ in range(NEWTON_STEPS):
            _, gx, gy = _program.evaluate_numpy(parsed.value_grad_program, x, y)
            hxx, hxy, hyy = _program.evaluate_numpy(parsed.hessian_program, x, y)
            det = hxx * hyy - hxy * hxy
            dx = (hyy * gx - hxy * gy) / det
            dy = (hxx * gy - hxy * gx) / det
            moving = np.isfinite(dx) & np.isfinite(dy)
            x = np.where(moving, x - dx, x)
            y = np.where(moving, y - dy, y)
        f, gx, gy = _program.evaluate_numpy(parsed.value_grad_program, x, y)
        hxx, hxy, hyy = _program.evaluate_numpy(parsed.hessian_program, x, y)
    scale = 1.0 + np.abs(f)
    inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    stationary = np.hypot(gx, gy) <= 1e-7 * scale * max(1.0, x1 - x0, y1 - y0)
    convex = (hxx >= -1e-9 * scale) & (hxx * hyy - hxy * hxy >= -1e-9 * scale**2)
    good = inside & stationary & convex & np.isfinite(f)
    if not good.any():
        return np.zeros((0, 2)), -np.inf
    lowest = float(np.min(f[good]))
    tolerance = 1e-9 * (1.0 + abs(lowest))
    if float(values[finite].min()) < lowest - tolerance:
        return np.zeros((0, 2)), -np.inf  # f goes lower than any minimum found
    at_lowest = good & (f <= lowest + tolerance)
    points = np.unique(
        np.round(np.column_stack([x[at_lowest], y[at_lowest]]), 9), axis=0
    )
    return points, lowest

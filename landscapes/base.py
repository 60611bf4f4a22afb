"""The `Landscape` object: one 2D surface with its facts attached.

Numbers that describe a surface (bounds, minima, the value at the minima) are data on the
object, so the pages show them from here and never retype them in prose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Bounds = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True, eq=False)
class Landscape:
    """A 2D surface f(x, y) with exact gradient and Hessian.

    Attributes:
        name: registry name, e.g. ``"rosenbrock"``.
        title: human-readable name.
        params: the surface's parameters as given to ``landscapes.get``.
        bounds: ``((xmin, xmax), (ymin, ymax))``, the plot window.
        minima: array (k, 2) of every global minimum (k = 0 when unbounded below).
        min_value: f at the global minima, ``-inf`` when unbounded below.
        default_start: a start point that shows the surface's character.
        latex: the formula, LaTeX.
        reference: one-line citation.
    """

    name: str
    title: str
    params: dict
    bounds: Bounds
    minima: np.ndarray
    min_value: float
    default_start: tuple[float, float]
    latex: str
    reference: str
    # Parameters as the float64 array the kernels read (layout per surface module).
    kernel_params: np.ndarray = field(repr=False)

    @property
    def lid(self) -> int:
        """The surface's integer id (``landscapes._dispatch``): how its kernels and
        functions are found, in this process and in the interpreter's."""
        from landscapes._dispatch import IDS

        return IDS[self.name]

    @property
    def work_per_point(self) -> int:
        """What one f(x, y) costs, in formula evaluations (an empirical risk sums over
        its examples): how the kernels decide whether a call is worth all cores."""
        return 1

    def value(self, x, y):
        """f(x, y); broadcasts over arrays, returns a float for scalars."""
        f, _, _ = self._evaluate(x, y)
        return f

    def grad(self, x, y):
        """(∂f/∂x, ∂f/∂y); broadcasts like `value`."""
        _, gx, gy = self._evaluate(x, y)
        return gx, gy

    def hessian(self, x, y) -> np.ndarray:
        """The 2x2 Hessian; shape (..., 2, 2) for array input."""
        xs, ys, shape = _flatten(x, y)
        hxx = np.empty_like(xs)
        hxy = np.empty_like(xs)
        hyy = np.empty_like(xs)
        from landscapes._dispatch import surface_kernel

        kernel = surface_kernel(self.lid, "hessian_grid")
        kernel(self.kernel_params, xs, ys, hxx, hxy, hyy)
        out = np.empty((xs.size, 2, 2))
        out[:, 0, 0] = hxx
        out[:, 0, 1] = hxy
        out[:, 1, 0] = hxy
        out[:, 1, 1] = hyy
        return out.reshape(shape + (2, 2))

    def grid(self, resolution: int = 400):
        """(xs, ys, Z) for a contour plot over `bounds`: one jitted call."""
        (x0, x1), (y0, y1) = self.bounds
        xs = np.linspace(x0, x1, resolution)
        ys = np.linspace(y0, y1, resolution)
        X, Y = np.meshgrid(xs, ys)
        return xs, ys, self.value(X, Y)

    def distance_to_nearest_minimum(self, x: float, y: float) -> float:
        """Euclidean distance from (x, y) to the closest global minimum (inf if none)."""
        if len(self.minima) == 0:
            return math.inf
        return float(np.min(np.hypot(self.minima[:, 0] - x, self.minima[:, 1] - y)))

    def _evaluate(self, x, y):
        if np.ndim(x) == 0 and np.ndim(y) == 0:
            # One point (a start check): the point kernel, not the grid kernel.
            from landscapes._dispatch import point

            f, gx, gy = point(self.lid, self.kernel_params, x, y)
            return float(f), float(gx), float(gy)
        xs, ys, shape = _flatten(x, y)
        f = np.empty_like(xs)
        gx = np.empty_like(xs)
        gy = np.empty_like(xs)
        from landscapes._dispatch import surface_kernel

        work = xs.size * self.work_per_point
        surface_kernel(self.lid, "grid")(work, self.kernel_params, xs, ys, f, gx, gy)
        if shape == ():
            return float(f[0]), float(gx[0]), float(gy[0])
        return f.reshape(shape), gx.reshape(shape), gy.reshape(shape)


def _flatten(x, y):
    xb, yb = np.broadcast_arrays(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    )
    shape = xb.shape
    return np.ascontiguousarray(xb).ravel(), np.ascontiguousarray(yb).ravel(), shape


def check_param(name: str, value, low: float, high: float) -> float:
    """`value` as a float in [low, high], else a ValueError naming the parameter."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}={value!r} is not a number; allowed range [{low}, {high}]"
        ) from None
    if not (low <= number <= high):
        raise ValueError(
            f"{name}={number!r} is out of range; allowed range [{low}, {high}]"
        )
    return number


def refine_minimum(lid: int, kernel_params: np.ndarray, guess, iterations: int = 50):
    """Newton's method on ∇f = 0 from `guess`: the minima that have no closed form."""
    from landscapes import _dispatch

    x, y = float(guess[0]), float(guess[1])
    for _ in range(iterations):
        _, gx, gy = _dispatch.point(lid, kernel_params, x, y)
        hxx, hxy, hyy = _dispatch.hessian_point(lid, kernel_params, x, y)
        det = hxx * hyy - hxy * hxy
        dx = (hyy * gx - hxy * gy) / det
        dy = (hxx * gy - hxy * gx) / det
        x, y = x - dx, y - dy
        if abs(dx) + abs(dy) < 1e-15:
            break
    return x, y

"""Beale's function: flat shelves and sharp ridges meeting at a corner of the domain.

f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2,
minimum f(3, 0.5) = 0.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"
REFERENCE = (
    "E. M. L. Beale (1958), On an iterative method for finding a local minimum of a "
    "function of more than one variable, Tech. Rep. 25, Statistical Techniques Research "
    "Group, Princeton University."
)


@jit_inline
def value_grad(x, y, p):
    y2 = y * y
    y3 = y2 * y
    u1 = 1.5 - x + x * y
    u2 = 2.25 - x + x * y2
    u3 = 2.625 - x + x * y3
    f = u1 * u1 + u2 * u2 + u3 * u3
    gx = 2.0 * (u1 * (y - 1.0) + u2 * (y2 - 1.0) + u3 * (y3 - 1.0))
    gy = 2.0 * (u1 * x + u2 * 2.0 * x * y + u3 * 3.0 * x * y2)
    return f, gx, gy


@jit_inline
def hessian(x, y, p):
    y2 = y * y
    y3 = y2 * y
    u1 = 1.5 - x + x * y
    u2 = 2.25 - x + x * y2
    u3 = 2.625 - x + x * y3
    # u_i is linear in x, so each ∂²u_i/∂x² vanishes.
    dx1, dx2, dx3 = y - 1.0, y2 - 1.0, y3 - 1.0
    dy1, dy2, dy3 = x, 2.0 * x * y, 3.0 * x * y2
    hxx = 2.0 * (dx1 * dx1 + dx2 * dx2 + dx3 * dx3)
    hxy = 2.0 * (dx1 * dy1 + u1 + dx2 * dy2 + u2 * 2.0 * y + dx3 * dy3 + u3 * 3.0 * y2)
    hyy = 2.0 * (dy1 * dy1 + dy2 * dy2 + u2 * 2.0 * x + dy3 * dy3 + u3 * 6.0 * x * y)
    return hxx, hxy, hyy


def make() -> Landscape:
    return Landscape(
        name="beale",
        title="Beale",
        params={},
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=np.array([[3.0, 0.5]]),
        min_value=0.0,
        default_start=(1.0, 1.5),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

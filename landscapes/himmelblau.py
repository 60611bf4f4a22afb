"""Himmelblau's function: four global minima of equal depth, one basin each.

f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2,    minimum 0 at (3, 2) and three
points without closed form (found here by Newton's method from published values).
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2"
REFERENCE = "D. M. Himmelblau (1972), Applied Nonlinear Programming, McGraw-Hill."
PUBLISHED_MINIMA = (
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
)


@jit_inline
def value_grad(x, y, p):
    u = x * x + y - 11.0
    v = x + y * y - 7.0
    return u * u + v * v, 4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v


@jit_inline
def hessian(x, y, p):
    u = x * x + y - 11.0
    v = x + y * y - 7.0
    return 4.0 * u + 8.0 * x * x + 2.0, 4.0 * (x + y), 2.0 + 4.0 * v + 8.0 * y * y


def make() -> Landscape:
    from landscapes._dispatch import HIMMELBLAU
    from landscapes.base import refine_minimum

    kernel_params = np.zeros(1)
    minima = np.array(
        [refine_minimum(HIMMELBLAU, kernel_params, m) for m in PUBLISHED_MINIMA]
    )
    return Landscape(
        name="himmelblau",
        title="Himmelblau",
        params={},
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=minima,
        min_value=0.0,
        default_start=(0.0, 0.0),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=kernel_params,
    )

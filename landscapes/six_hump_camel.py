"""Six-hump camel: six local minima, two of them global, symmetric through the origin.

f(x, y) = (4 - 2.1x^2 + x^4/3) x^2 + xy + (-4 + 4y^2) y^2,
minimum ≈ -1.0316 at ±(0.0898, -0.7126) (refined here by Newton's method).
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2"
REFERENCE = (
    "L. C. W. Dixon and G. P. Szegő (1978), The global optimisation problem: an "
    "introduction, in Towards Global Optimisation 2, North-Holland, pp. 1-15."
)


@jit_inline
def value_grad(x, y, p):
    x2 = x * x
    y2 = y * y
    f = (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2
    gx = 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y
    gy = x - 8.0 * y + 16.0 * y2 * y
    return f, gx, gy


@jit_inline
def hessian(x, y, p):
    x2 = x * x
    return 8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, -8.0 + 48.0 * y * y


def make() -> Landscape:
    from landscapes._dispatch import SIX_HUMP_CAMEL
    from landscapes._dispatch import point as vg
    from landscapes.base import refine_minimum

    kernel_params = np.zeros(1)
    minima = np.array(
        [
            refine_minimum(SIX_HUMP_CAMEL, kernel_params, guess)
            for guess in ((0.0898, -0.7126), (-0.0898, 0.7126))
        ]
    )
    return Landscape(
        name="six_hump_camel",
        title="Six-hump camel",
        params={},
        bounds=((-2.0, 2.0), (-1.2, 1.2)),
        minima=minima,
        min_value=vg(SIX_HUMP_CAMEL, kernel_params, minima[0, 0], minima[0, 1])[0],
        default_start=(-1.6, 0.9),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=kernel_params,
    )

"""Booth's function: a tilted, mildly eccentric quadratic bowl.

f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2,    minimum f(1, 3) = 0.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2"
REFERENCE = (
    "M. Jamil and X.-S. Yang (2013), A literature survey of benchmark functions for "
    "global optimization problems, Int. J. Math. Model. Numer. Optim. 4(2):150-194."
)


@jit_inline
def value_grad(x, y, p):
    u = x + 2.0 * y - 7.0
    v = 2.0 * x + y - 5.0
    return u * u + v * v, 2.0 * u + 4.0 * v, 4.0 * u + 2.0 * v


@jit_inline
def hessian(x, y, p):
    return 10.0, 8.0, 10.0


def make() -> Landscape:
    return Landscape(
        name="booth",
        title="Booth",
        params={},
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=np.array([[1.0, 3.0]]),
        min_value=0.0,
        default_start=(-8.0, 8.0),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

"""Rosenbrock's banana valley: a narrow curved ravine where plain gradient descent zig-zags.

f(x, y) = (a - x)^2 + b (y - x^2)^2,    minimum f(a, a^2) = 0.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape, check_param

LATEX = r"f(x, y) = (a - x)^2 + b\,(y - x^2)^2"
# name -> (low, high): what `make` accepts; the app's widgets read the same data.
PARAMETER_RANGES = {"a": (-2.0, 2.0), "b": (0.1, 1000.0)}
REFERENCE = (
    "H. H. Rosenbrock (1960), An automatic method for finding the greatest or least "
    "value of a function, The Computer Journal 3(3):175-184."
)


@jit_inline
def value_grad(x, y, p):
    a = p[0]
    b = p[1]
    valley = y - x * x
    f = (a - x) ** 2 + b * valley * valley
    gx = -2.0 * (a - x) - 4.0 * b * x * valley
    gy = 2.0 * b * valley
    return f, gx, gy


@jit_inline
def hessian(x, y, p):
    b = p[1]
    return 2.0 - 4.0 * b * y + 12.0 * b * x * x, -4.0 * b * x, 2.0 * b


def make(a: float = 1.0, b: float = 100.0) -> Landscape:
    a = check_param("a", a, *PARAMETER_RANGES["a"])
    b = check_param("b", b, *PARAMETER_RANGES["b"])
    return Landscape(
        name="rosenbrock",
        title="Rosenbrock",
        params={"a": a, "b": b},
        bounds=((min(-2.0, a - 1.0), max(2.0, a + 1.0)), (-1.0, max(3.0, a * a + 1.0))),
        minima=np.array([[a, a * a]]),
        min_value=0.0,
        default_start=(-1.5, 2.0),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.array([a, b]),
    )

"""Rastrigin: a bowl covered in a regular egg-crate of local minima.

f(x, y) = 20 + x^2 - 10 cos(2πx) + y^2 - 10 cos(2πy),    minimum f(0, 0) = 0.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = 20 + \sum_{u \in \{x, y\}} \left(u^2 - 10\cos 2\pi u\right)"
REFERENCE = (
    "L. A. Rastrigin (1974), Systems of Extremal Control, Nauka, Moscow; 2D form as in "
    "H. Mühlenbein, M. Schomisch and J. Born (1991), Parallel Computing 17:619-632."
)
TWO_PI = 2.0 * np.pi


@jit_inline
def value_grad(x, y, p):
    f = 20.0 + x * x - 10.0 * np.cos(TWO_PI * x) + y * y - 10.0 * np.cos(TWO_PI * y)
    gx = 2.0 * x + 10.0 * TWO_PI * np.sin(TWO_PI * x)
    gy = 2.0 * y + 10.0 * TWO_PI * np.sin(TWO_PI * y)
    return f, gx, gy


@jit_inline
def hessian(x, y, p):
    k = 10.0 * TWO_PI * TWO_PI
    return 2.0 + k * np.cos(TWO_PI * x), 0.0, 2.0 + k * np.cos(TWO_PI * y)


def make() -> Landscape:
    return Landscape(
        name="rastrigin",
        title="Rastrigin",
        params={},
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=np.array([[0.0, 0.0]]),
        min_value=0.0,
        default_start=(3.3, -2.6),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

"""The monkey saddle x³ - 3xy²: three valleys meet at a flat point where the gradient
and the Hessian both vanish. Unbounded below.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = x^3 - 3xy^2"
REFERENCE = "E. W. Weisstein, Monkey Saddle, MathWorld (Wolfram Research)."


@jit_inline
def value_grad(x, y, p):
    return x * x * x - 3.0 * x * y * y, 3.0 * x * x - 3.0 * y * y, -6.0 * x * y


@jit_inline
def hessian(x, y, p):
    return 6.0 * x, -6.0 * y, -6.0 * x


def make() -> Landscape:
    return Landscape(
        name="monkey_saddle",
        title="Monkey saddle",
        params={},
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=np.zeros((0, 2)),
        min_value=-np.inf,
        default_start=(1.5, 0.3),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

"""The saddle x² - y²: gradient descent started on the ridge line y = 0 stalls at the
saddle point; any perturbation in y grows and escapes. Unbounded below.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = x^2 - y^2"
REFERENCE = (
    "Y. Dauphin et al. (2014), Identifying and attacking the saddle point problem in "
    "high-dimensional non-convex optimization, NeurIPS."
)


@jit_inline
def value_grad(x, y, p):
    return x * x - y * y, 2.0 * x, -2.0 * y


@jit_inline
def hessian(x, y, p):
    return 2.0, 0.0, -2.0


def make() -> Landscape:
    return Landscape(
        name="saddle",
        title="Saddle",
        params={},
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=np.zeros((0, 2)),
        min_value=-np.inf,
        default_start=(-1.8, 1e-3),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

"""Styblinski–Tang in 2D: four basins of different depth, the deepest at a corner.

f(x, y) = ½ Σ_{u ∈ {x, y}} (u^4 - 16u^2 + 5u),
minimum at x = y = u*, the smallest root of 4u^3 - 32u + 5 = 0 (u* ≈ -2.903534).
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = \tfrac12 \sum_{u \in \{x, y\}} \left(u^4 - 16u^2 + 5u\right)"
REFERENCE = (
    "M. A. Styblinski and T.-S. Tang (1990), Experiments in nonconvex optimization: "
    "stochastic approximation with function smoothing and simulated annealing, "
    "Neural Networks 3(4):467-483."
)


@jit_inline
def value_grad(x, y, p):
    x2 = x * x
    y2 = y * y
    f = 0.5 * (x2 * x2 - 16.0 * x2 + 5.0 * x + y2 * y2 - 16.0 * y2 + 5.0 * y)
    return f, 2.0 * x2 * x - 16.0 * x + 2.5, 2.0 * y2 * y - 16.0 * y + 2.5


@jit_inline
def hessian(x, y, p):
    return 6.0 * x * x - 16.0, 0.0, 6.0 * y * y - 16.0


def _one_dimensional_minimum() -> float:
    roots = np.roots([4.0, 0.0, -32.0, 5.0])
    return float(min(roots.real))


def make() -> Landscape:
    u = _one_dimensional_minimum()
    return Landscape(
        name="styblinski_tang",
        title="Styblinski–Tang",
        params={},
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=np.array([[u, u]]),
        min_value=u**4 - 16.0 * u * u + 5.0 * u,
        default_start=(0.3, 4.5),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

"""The smallest two-layer linear network: one weight per layer, f(x, y) = (1 - xy)²/2.

The network maps an input u to y·x·u, and is trained to map u = 1 to 1 with the square
loss: x is the first layer's weight, y the second's. Its derivatives are

    ∇f = -(1 - xy) (y, x),    H = [[y², 2xy - 1], [2xy - 1, x²]].

* The global minima (f = 0) are the whole hyperbola xy = 1, both branches. ``minima``
  lists a representative few, (t, 1/t) for t = ±1/2, ±1, ±2; `distance_to_nearest_minimum`
  measures to the hyperbola itself.
* At a minimum H = [[y², 1], [1, x²]] with xy = 1: its eigenvalues are 0 (along the
  hyperbola) and x² + y² (across it), the sharpness. By AM-GM x² + y² ≥ 2xy = 2, with
  the flattest minima at x = y = ±1.
* Gradient descent with step lr can settle at a minimum only where lr·(x² + y²) < 2;
  elsewhere the step across the valley overshoots and grows. A large lr therefore
  "catapults" a run out of a sharp valley onto a flatter part of the hyperbola.
* Gradient descent conserves the layers' imbalance up to a factor: with r = 1 - xy,
  x² - y² ← (x² - y²)(1 - lr²r²). Small steps keep x² - y² (the gradient flow's
  invariant), and land where x² + y² = √((x² - y²)² + 4); large steps shrink it.

From the default start (2.5, 0.1) gradient descent with lr = 0.05 lands on a sharp
minimum (x² + y² ≈ 6.5), with lr = 0.5 on a flat one (x² + y² < 2/0.5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = r"f(x, y) = \tfrac12\,(1 - xy)^2"
REFERENCE = (
    "A. Lewkowycz, Y. Bahri, E. Dyer, J. Sohl-Dickstein and G. Gur-Ari (2020), The "
    "large learning rate phase of deep learning: the catapult mechanism, "
    "arXiv:2003.02218."
)
# Points (t, 1/t) of the hyperbola of minima that the figures mark.
MARKED_T = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0)


@jit_inline
def value_grad(x, y, p):
    residual = 1.0 - x * y
    return 0.5 * residual * residual, -residual * y, -residual * x


@jit_inline
def hessian(x, y, p):
    return y * y, 2.0 * x * y - 1.0, x * x


def distance_to_hyperbola(x: float, y: float) -> float:
    """Euclidean distance from (x, y) to the hyperbola xy = 1.

    The nearest point (t, 1/t) makes the distance's derivative vanish:
    (t - x) - (1/t - y)/t² = 0, i.e. t⁴ - x t³ + y t - 1 = 0; the nearest of its real
    roots is the answer.
    """
    roots = np.roots([1.0, -float(x), 0.0, float(y), -1.0])
    t = roots.real[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))]
    t = t[t != 0.0]
    return float(np.min(np.hypot(t - x, 1.0 / t - y)))


@dataclass(frozen=True, eq=False)
class LinearNet(Landscape):
    """The two-layer linear net's surface: its minima are a curve, not points."""

    def distance_to_nearest_minimum(self, x: float, y: float) -> float:
        """Distance from (x, y) to the hyperbola xy = 1, not just the marked points."""
        return distance_to_hyperbola(x, y)


def make() -> LinearNet:
    t = np.array(MARKED_T)
    return LinearNet(
        name="linear_net",
        title="Two-layer linear net (1 − xy)²/2",
        params={},
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=np.column_stack([t, 1.0 / t]),
        min_value=0.0,
        default_start=(2.5, 0.1),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

"""Plateau and cliff: a high, almost flat plateau ends in a steep cliff above a basin.

    f(x, y) = σ(-k x) + w (1 - exp(-((x - c)^2 + y^2) / s)),   σ(z) = 1 / (1 + e^{-z}),

with k = 20 (cliff steepness), c = 2 (basin centre), w = 0.5, s = 4. On the plateau
(x ≲ -2) the gradient is ~1e-3: plain gradient descent crawls, momentum and Adam move
on. At the cliff (x ≈ 0) the slope is k/4 = 5, so a step sized for the plateau is
thrown far past the basin: the exploding-gradient cliff. The minimum sits near (2, 0)
and is found by Newton's method.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

STEEPNESS = 20.0
CENTRE = 2.0
WEIGHT = 0.5
WIDTH = 4.0

LATEX = (
    r"f(x, y) = \frac{1}{1 + e^{20x}} + \tfrac12\left(1 - e^{-((x-2)^2 + y^2)/4}\right)"
)
REFERENCE = (
    "Designed for Descent Lab after I. Goodfellow, Y. Bengio and A. Courville (2016), "
    "Deep Learning, MIT Press, §8.2.3-8.2.4 (plateaus, cliffs and exploding gradients)."
)


@jit_inline
def value_grad(x, y, p):
    S = 1.0 / (1.0 + np.exp(STEEPNESS * x))
    dx = x - CENTRE
    G = np.exp(-(dx * dx + y * y) / WIDTH)
    f = S + WEIGHT * (1.0 - G)
    gx = -STEEPNESS * S * (1.0 - S) + 2.0 * WEIGHT * G * dx / WIDTH
    gy = 2.0 * WEIGHT * G * y / WIDTH
    return f, gx, gy


@jit_inline
def hessian(x, y, p):
    S = 1.0 / (1.0 + np.exp(STEEPNESS * x))
    dx = x - CENTRE
    G = np.exp(-(dx * dx + y * y) / WIDTH)
    k = 2.0 * WEIGHT * G / WIDTH
    hxx = STEEPNESS * STEEPNESS * S * (1.0 - S) * (1.0 - 2.0 * S) + k * (
        1.0 - 2.0 * dx * dx / WIDTH
    )
    hxy = -2.0 * k * dx * y / WIDTH
    hyy = k * (1.0 - 2.0 * y * y / WIDTH)
    return hxx, hxy, hyy


def make() -> Landscape:
    from landscapes._dispatch import PLATEAU
    from landscapes._dispatch import point as vg
    from landscapes.base import refine_minimum

    kernel_params = np.zeros(1)
    x, y = refine_minimum(PLATEAU, kernel_params, (CENTRE, 0.0))
    return Landscape(
        name="plateau",
        title="Plateau and cliff",
        params={},
        bounds=((-4.0, 4.0), (-3.0, 3.0)),
        minima=np.array([[x, y]]),
        min_value=vg(PLATEAU, kernel_params, x, y)[0],
        default_start=(-3.0, 1.5),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=kernel_params,
    )

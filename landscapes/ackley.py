"""Ackley: a nearly flat, rippled outer region around a deep funnel.

    f(x, y) = -20 exp(-0.2 sqrt((x^2 + y^2)/2)) - exp((cos 2πx + cos 2πy)/2) + e + 20,
    minimum f(0, 0) = 0.

The first term is a cone at the origin: not differentiable there. At exactly (0, 0) the
gradient returned is the subgradient 0 and the Hessian is that of the smooth second term.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = (
    r"f(x, y) = -20\,e^{-0.2\sqrt{(x^2 + y^2)/2}}"
    r" - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20"
)
REFERENCE = (
    "D. H. Ackley (1987), A Connectionist Machine for Genetic Hillclimbing, "
    "Kluwer Academic Publishers."
)
TWO_PI = 2.0 * np.pi


@jit_inline
def value_grad(x, y, p):
    r = np.sqrt(0.5 * (x * x + y * y))
    cone = np.exp(-0.2 * r)
    ripple = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    f = -20.0 * cone - ripple + np.e + 20.0
    # d/dx of the cone term is 2 e^{-0.2 r} x / r; its limit set at r = 0 contains 0.
    c = 2.0 * cone / r if r > 0.0 else 0.0
    gx = c * x + np.pi * ripple * np.sin(TWO_PI * x)
    gy = c * y + np.pi * ripple * np.sin(TWO_PI * y)
    return f, gx, gy


@jit_inline
def hessian(x, y, p):
    r = np.sqrt(0.5 * (x * x + y * y))
    ripple = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    sx = np.sin(TWO_PI * x)
    sy = np.sin(TWO_PI * y)
    pi2 = np.pi * np.pi
    hxx = pi2 * ripple * (2.0 * np.cos(TWO_PI * x) - sx * sx)
    hyy = pi2 * ripple * (2.0 * np.cos(TWO_PI * y) - sy * sy)
    hxy = -pi2 * ripple * sx * sy
    if r > 0.0:
        cone = np.exp(-0.2 * r)
        c = 2.0 * cone / r
        # c'(r) * (∂r/∂u) / u with ∂r/∂u = u / (2r)
        dc = 2.0 * cone * (-0.2 / r - 1.0 / (r * r)) * 0.5 / r
        hxx += c + x * x * dc
        hxy += x * y * dc
        hyy += c + y * y * dc
    return hxx, hxy, hyy


def make() -> Landscape:
    return Landscape(
        name="ackley",
        title="Ackley",
        params={},
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=np.array([[0.0, 0.0]]),
        min_value=0.0,
        default_start=(3.2, -2.4),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

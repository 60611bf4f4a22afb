"""Goldstein–Price: a product of two quartics, with values spanning six decades.

f(x, y) = [1 + (x+y+1)^2 P] [30 + (2x-3y)^2 Q],
P = 19 - 14x + 3x^2 - 14y + 6xy + 3y^2,  Q = 18 - 32x + 12x^2 + 48y - 36xy + 27y^2,
minimum f(0, -1) = 3.
"""

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape

LATEX = (
    r"f(x, y) = \left[1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
    r"\left[30 + (2x-3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]"
)
REFERENCE = (
    "A. A. Goldstein and J. F. Price (1971), On descent from local minima, "
    "Mathematics of Computation 25(115):569-574."
)


@jit_inline
def _factors(x, y):
    s = x + y + 1.0
    t = 2.0 * x - 3.0 * y
    P = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
    Q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
    Pxy = -14.0 + 6.0 * x + 6.0 * y  # ∂P/∂x = ∂P/∂y
    Qx = -32.0 + 24.0 * x - 36.0 * y
    Qy = 48.0 - 36.0 * x + 54.0 * y
    A = 1.0 + s * s * P
    B = 30.0 + t * t * Q
    Ax = 2.0 * s * P + s * s * Pxy
    Ay = Ax
    Bx = 4.0 * t * Q + t * t * Qx
    By = -6.0 * t * Q + t * t * Qy
    return s, t, P, Q, Pxy, Qx, Qy, A, B, Ax, Ay, Bx, By


@jit_inline
def value_grad(x, y, p):
    s, t, P, Q, Pxy, Qx, Qy, A, B, Ax, Ay, Bx, By = _factors(x, y)
    return A * B, Ax * B + A * Bx, Ay * B + A * By


@jit_inline
def hessian(x, y, p):
    s, t, P, Q, Pxy, Qx, Qy, A, B, Ax, Ay, Bx, By = _factors(x, y)
    # Every second derivative of P is 6; of Q: Qxx = 24, Qxy = -36, Qyy = 54.
    Axx = 2.0 * P + 4.0 * s * Pxy + 6.0 * s * s
    Axy = Axx
    Ayy = Axx
    Bxx = 8.0 * Q + 8.0 * t * Qx + 24.0 * t * t
    Bxy = -12.0 * Q + 4.0 * t * Qy - 6.0 * t * Qx - 36.0 * t * t
    Byy = 18.0 * Q - 12.0 * t * Qy + 54.0 * t * t
    hxx = Axx * B + 2.0 * Ax * Bx + A * Bxx
    hxy = Axy * B + Ax * By + Ay * Bx + A * Bxy
    hyy = Ayy * B + 2.0 * Ay * By + A * Byy
    return hxx, hxy, hyy


def make() -> Landscape:
    return Landscape(
        name="goldstein_price",
        title="Goldstein–Price",
        params={},
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=np.array([[0.0, -1.0]]),
        min_value=3.0,
        default_start=(-1.5, 1.5),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.zeros(1),
    )

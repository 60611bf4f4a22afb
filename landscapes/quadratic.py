"""The eccentric quadratic bowl: the lecture notes' picture of eccentricity.

    f(θ) = ½ θᵀ H θ,   H = R(α) diag(1, κ) R(α)ᵀ,

with κ the condition number and α the rotation angle in radians: at α = 0 the bowl is
κ times steeper along y than along x. Gradient descent converges iff lr < 2/λmax = 2/κ.
"""

import math

import numpy as np

from landscapes._jit import jit_inline
from landscapes.base import Landscape, check_param

LATEX = (
    r"f(\theta) = \tfrac12\,\theta^\top R_\alpha \begin{pmatrix}1 & 0\\ 0 & \kappa"
    r"\end{pmatrix} R_\alpha^\top \theta"
)
# name -> (low, high): what `make` accepts; the app's widgets read the same data.
PARAMETER_RANGES = {"condition_number": (1.0, 1000.0), "angle": (-math.pi, math.pi)}
REFERENCE = (
    "J. Nocedal and S. J. Wright (2006), Numerical Optimization, 2nd ed., Springer, "
    "§3.3 (steepest descent on quadratics)."
)


@jit_inline
def value_grad(x, y, p):
    hxx = p[0]
    hxy = p[1]
    hyy = p[2]
    gx = hxx * x + hxy * y
    gy = hxy * x + hyy * y
    return 0.5 * (x * gx + y * gy), gx, gy


@jit_inline
def hessian(x, y, p):
    return p[0], p[1], p[2]


def hessian_matrix(condition_number: float, angle: float) -> np.ndarray:
    """H = R(angle) diag(1, condition_number) R(angle)ᵀ."""
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    return rotation @ np.diag([1.0, condition_number]) @ rotation.T


def make(condition_number: float = 10.0, angle: float = 0.0) -> Landscape:
    kappa = check_param(
        "condition_number", condition_number, *PARAMETER_RANGES["condition_number"]
    )
    angle = check_param("angle", angle, *PARAMETER_RANGES["angle"])
    H = hessian_matrix(kappa, angle)
    return Landscape(
        name="quadratic",
        title="Eccentric quadratic",
        params={"condition_number": kappa, "angle": angle},
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=np.array([[0.0, 0.0]]),
        min_value=0.0,
        default_start=(-2.5, 2.0),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=np.array([H[0, 0], H[0, 1], H[1, 1]]),
    )

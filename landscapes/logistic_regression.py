r"""Logistic regression's mean cross-entropy over two weights θ = (w₁, w₂): an
empirical risk.

.. math:: L(\theta) = \frac{1}{|B|}\sum_{i\in B} \log(1 + e^{s_i}) - y_i s_i,
    \quad s_i = \theta^\top x_i, \quad \nabla\ell_i = (\sigma(s_i) - y_i)\,x_i,
    \quad \nabla^2 L = \frac{1}{|B|}\sum \sigma(s_i)(1 - \sigma(s_i))\,x_i x_i^\top.

No bias: the ``logistic`` data set's classes are split by a line through the origin
(x ~ N(0, I₂), label 1 where 1.5x₁ - x₂ + noise·ε > 0). L is convex; its minimizer θ*
is found by Newton's method, and exists only when the classes overlap: on separable
data (noise 0) L decreases towards 0 along a ray and no minimum is listed.
"""

import math

import numpy as np

from landscapes import datasets, empirical
from landscapes._jit import jit_inline
from landscapes.base import check_param
from landscapes.empirical import HEADER, EmpiricalRisk, batch_example
from landscapes.losses import bce_with_logits

LATEX = (
    r"L(\theta) = \frac{1}{|B|}\sum_{i \in B} \log\left(1 + e^{\theta^\top x_i}\right)"
    r" - y_i\,\theta^\top x_i"
)
# name -> (low, high): what `make` accepts; n_points and seed are rounded.
PARAMETER_RANGES = {"n_points": (4.0, 1000.0), "noise": (0.0, 2.0), "seed": (0.0, 1e6)}
REFERENCE = (
    "D. R. Cox (1958), The regression analysis of binary sequences, J. R. Stat. Soc. B "
    "20(2):215-242."
)


@jit_inline
def example(x, y, p, i):
    """(ℓᵢ, ∂ℓᵢ/∂w₁, ∂ℓᵢ/∂w₂) of example i at θ = (x, y)."""
    n = int(p[0])
    x1 = p[HEADER + i]
    x2 = p[HEADER + n + i]
    loss, slope, _ = bce_with_logits(x * x1 + y * x2, p[HEADER + 2 * n + i])
    return loss, slope * x1, slope * x2


@jit_inline
def value_grad(x, y, p):
    count = int(p[1])
    f = 0.0
    gx = 0.0
    gy = 0.0
    for j in range(count):
        loss, ex, ey = example(x, y, p, batch_example(p, j))
        f += loss
        gx += ex
        gy += ey
    return f / count, gx / count, gy / count


@jit_inline
def hessian(x, y, p):
    n = int(p[0])
    count = int(p[1])
    hxx = 0.0
    hxy = 0.0
    hyy = 0.0
    for j in range(count):
        i = batch_example(p, j)
        x1 = p[HEADER + i]
        x2 = p[HEADER + n + i]
        _, _, curvature = bce_with_logits(x * x1 + y * x2, p[HEADER + 2 * n + i])
        hxx += curvature * x1 * x1
        hxy += curvature * x1 * x2
        hyy += curvature * x2 * x2
    return hxx / count, hxy / count, hyy / count


def make(n_points: float = 100, noise: float = 1.0, seed: float = 0) -> EmpiricalRisk:
    from landscapes._dispatch import LOGISTIC_REGRESSION
    from landscapes._dispatch import point as value_grad
    from landscapes.base import refine_minimum

    n_points = round(check_param("n_points", n_points, *PARAMETER_RANGES["n_points"]))
    noise = check_param("noise", noise, *PARAMETER_RANGES["noise"])
    seed = round(check_param("seed", seed, *PARAMETER_RANGES["seed"]))
    data = datasets.make("logistic", n_points=n_points, noise=noise, seed=seed)
    kernel_params = empirical.pack([data.x[:, 0], data.x[:, 1], data.y])
    # Newton from 0 converges on overlapping classes (L is strictly convex there);
    # on separable ones the iterates run off to infinity and no minimum is listed.
    try:
        best = refine_minimum(LOGISTIC_REGRESSION, kernel_params, (0.0, 0.0))
        f, gx, gy = value_grad(LOGISTIC_REGRESSION, kernel_params, *best)
        found = max(map(abs, best)) < 1e3 and math.hypot(gx, gy) < 1e-9
    except (ZeroDivisionError, OverflowError):  # a singular Hessian far out
        found = False
    w1, w2 = (float(v) for v in best) if found else datasets.LOGISTIC_WEIGHTS
    return EmpiricalRisk(
        name="logistic_regression",
        title="Logistic regression (cross-entropy)",
        params={"n_points": n_points, "noise": noise, "seed": seed},
        # The view holds θ* and the origin, the usual initialization.
        bounds=(
            (min(0.0, w1) - 2.5, max(0.0, w1) + 2.5),
            (min(0.0, w2) - 2.5, max(0.0, w2) + 2.5),
        ),
        minima=np.array([[w1, w2]]) if found else np.zeros((0, 2)),
        min_value=float(f) if found else 0.0,
        default_start=(0.0, 0.0),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=kernel_params,
        data=data,
    )

r"""Linear regression's mean squared error over θ = (slope, intercept): an empirical risk.

.. math:: L(\theta) = \frac{1}{|B|}\sum_{i\in B} (\theta_1 x_i + \theta_2 - y_i)^2,
    \qquad \nabla \ell_i = 2 r_i\,(x_i, 1), \qquad \nabla^2 L = 2M,

with rᵢ the residual and M = (1/|B|) Σ (xᵢ, 1)(xᵢ, 1)ᵀ the second-moment matrix of the
inputs. B is every example (the full training loss) unless a run minibatches it. The
minimizer is the least-squares solution θ* = M⁻¹ (1/N) Σ yᵢ(xᵢ, 1). Data: the
``regression`` set of ``landscapes.datasets`` (x ~ U[0, 2], y = 1.5x - 0.5 + noise).
"""

import numpy as np

from landscapes import datasets, empirical
from landscapes._jit import jit_inline
from landscapes.base import check_param
from landscapes.empirical import HEADER, EmpiricalRisk, batch_example
from landscapes.losses import squared_error

LATEX = (
    r"L(\theta) = \frac{1}{|B|}\sum_{i \in B}\left(\theta_1 x_i + \theta_2 - "
    r"y_i\right)^2"
)
# name -> (low, high): what `make` accepts; the app's widgets read the same data.
# n_points and seed are rounded to whole numbers.
PARAMETER_RANGES = {"n_points": (4.0, 1000.0), "noise": (0.0, 2.0), "seed": (0.0, 1e6)}
REFERENCE = (
    "A. M. Legendre (1805), Nouvelles méthodes pour la détermination des orbites des "
    "comètes (least squares); H. Robbins and S. Monro (1951), A stochastic "
    "approximation method, Ann. Math. Statist. 22(3):400-407 (its minibatch form)."
)


@jit_inline
def example(x, y, p, i):
    """(ℓᵢ, ∂ℓᵢ/∂θ₁, ∂ℓᵢ/∂θ₂) of example i at θ = (x, y)."""
    n = int(p[0])
    feature = p[HEADER + i]
    loss, slope, _ = squared_error(x * feature + y, p[HEADER + n + i])
    return loss, slope * feature, slope


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
    count = int(p[1])
    sxx = 0.0
    sx = 0.0
    for j in range(count):
        feature = p[HEADER + batch_example(p, j)]
        sxx += feature * feature
        sx += feature
    return 2.0 * sxx / count, 2.0 * sx / count, 2.0


def make(n_points: float = 50, noise: float = 0.5, seed: float = 0) -> EmpiricalRisk:
    n_points = round(check_param("n_points", n_points, *PARAMETER_RANGES["n_points"]))
    noise = check_param("noise", noise, *PARAMETER_RANGES["noise"])
    seed = round(check_param("seed", seed, *PARAMETER_RANGES["seed"]))
    data = datasets.make("regression", n_points=n_points, noise=noise, seed=seed)
    features = np.column_stack([data.x[:, 0], np.ones(n_points)])
    best = np.linalg.lstsq(features, data.y, rcond=None)[0]
    kernel_params = empirical.pack([data.x[:, 0], data.y])
    residual = features @ best - data.y
    slope, intercept = float(best[0]), float(best[1])
    return EmpiricalRisk(
        name="linear_regression",
        title="Linear regression (MSE)",
        params={"n_points": n_points, "noise": noise, "seed": seed},
        bounds=((slope - 3.0, slope + 3.0), (intercept - 3.0, intercept + 3.0)),
        minima=np.array([[slope, intercept]]),
        min_value=float(np.mean(residual * residual)),
        default_start=(slope - 2.5, intercept + 2.5),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=kernel_params,
        data=data,
    )


def confusion_region(surface: EmpiricalRisk, points: int = 181):
    r"""The region of confusion around θ*: where the full gradient is smaller than the
    spread of the per-example gradients, so a single example's step may point anywhere.

    .. math:: \|\nabla L(\theta)\| = \|2M(\theta - \theta^*)\| \le \rho, \qquad
        \rho = \sqrt{\tfrac1N \textstyle\sum_i \|\nabla\ell_i(\theta^*)\|^2},

    an ellipse θ* + ρ (2M)⁻¹ u over unit vectors u. Returns (boundary (points, 2), ρ).
    """
    if surface.name != "linear_regression":
        raise ValueError("the region of confusion is drawn for linear_regression")
    best = surface.minima[0]
    _, grads = surface.examples(*best)
    rho = float(np.sqrt(np.mean(np.sum(grads * grads, axis=1))))
    hessian = surface.hessian(*best)  # 2M
    angle = np.linspace(0.0, 2.0 * np.pi, points)
    circle = np.column_stack([np.cos(angle), np.sin(angle)])
    return best + rho * np.linalg.solve(hessian, circle.T).T, rho

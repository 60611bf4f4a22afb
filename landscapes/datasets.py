"""Small seeded data sets, generated in code: the examples an empirical risk sums over.

    >>> from landscapes import datasets
    >>> data = datasets.make("moons", n_points=200, noise=0.1, seed=0)
    >>> data.x.shape, data.y.shape, data.test.x.shape
    ((200, 2), (200,), (200, 2))

Classification sets (2D inputs, labels 0/1, half of each class):

==========  ==========================================================================
moons       two interleaved half circles: (cos t, sin t) and (1 - cos t, ½ - sin t),
            t ~ U[0, π] (as scikit-learn's make_moons, with random t)
circles     two concentric circles of radii 1 and ½, angle ~ U[0, 2π)
xor         x ~ U[-1, 1]², label 1 where x₁x₂ < 0 (the quadrants of XOR)
spirals     two interleaved spirals r = t, angle t + πc, t ~ U[¼, 1]·3π, class c
logistic    x ~ N(0, I₂), label 1 where w·x + noise·ε > 0, w = (1.5, -1), ε ~ N(0, 1)
==========  ==========================================================================

For the first four, ``noise`` is the standard deviation of Gaussian noise added to each
input coordinate after the label is fixed; for ``logistic`` it is the latent noise
that makes the classes overlap (so the logistic loss has a finite minimizer).

Regression set ``regression`` (1D inputs): x ~ U[0, 2], y = 1.5x - 0.5 + noise·ε,
ε ~ N(0, 1). Inputs with a non-zero mean make slope and intercept correlated, so the
mean-squared-error bowl is a tilted, eccentric ellipse (condition number ~14), the
lecture notes' picture of eccentricity.

The test set is drawn from the same distribution with an independent stream of the
same seed, so a seed fixes both. Nothing is downloaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CLASSIFICATION = ("moons", "circles", "xor", "spirals", "logistic")
REGRESSION = ("regression",)
NAMES = CLASSIFICATION + REGRESSION

MAX_POINTS = 5000
MAX_NOISE = 5.0
MAX_SEED = 2**31 - 1

REGRESSION_SLOPE = 1.5
REGRESSION_INTERCEPT = -0.5
LOGISTIC_WEIGHTS = (1.5, -1.0)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs ``x`` (n, d), targets ``y`` (n,), and a held-out ``test`` set (same
    distribution, same size unless asked otherwise; ``None`` on the test set itself)."""

    name: str
    x: np.ndarray
    y: np.ndarray
    noise: float
    seed: int
    test: Dataset | None = None

    @property
    def n_points(self) -> int:
        return len(self.y)

    @property
    def n_features(self) -> int:
        return self.x.shape[1]

    @property
    def is_classification(self) -> bool:
        return self.name in CLASSIFICATION


def make(
    name: str,
    n_points: int = 200,
    noise: float = 0.1,
    seed: int = 0,
    n_test: int | None = None,
) -> Dataset:
    """The data set `name` with `n_points` training and `n_test` (default: as many)
    test examples. Raises ValueError naming a bad argument and its range."""
    if name not in NAMES:
        raise ValueError(f"unknown data set {name!r}; allowed: {', '.join(NAMES)}")
    n_points = _whole("n_points", n_points, 2, MAX_POINTS)
    n_test = n_points if n_test is None else _whole("n_test", n_test, 2, MAX_POINTS)
    seed = _whole("seed", seed, 0, MAX_SEED)
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise={noise!r} is not a number") from None
    if not (0.0 <= noise <= MAX_NOISE):
        raise ValueError(f"Invalid noise: {noise!r}; allowed range [0, {MAX_NOISE:g}]")
    draw = _DRAW[name]
    # Two independent streams of one seed: training and test examples.
    x_test, y_test = draw(np.random.default_rng([seed, 1]), n_test, noise)
    x, y = draw(np.random.default_rng([seed, 0]), n_points, noise)
    test = Dataset(name, x_test, y_test, noise, seed)
    return Dataset(name, x, y, noise, seed, test)


def _whole(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number == int(number) and low <= number <= high):
        raise ValueError(
            f"Invalid {name}: {value!r}; allowed: a whole number in [{low}, {high}]"
        )
    return int(number)


def _labels(n: int) -> np.ndarray:
    """n labels, half 0 and half 1 (the extra one a 1 when n is odd)."""
    y = np.zeros(n)
    y[n // 2 :] = 1.0
    return y


def _moons(rng, n, noise):
    y = _labels(n)
    t = rng.uniform(0.0, math.pi, n)
    x = np.where(
        y[:, None] == 0.0,
        np.column_stack([np.cos(t), np.sin(t)]),
        np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]),
    )
    return x + noise * rng.standard_normal((n, 2)), y


def _circles(rng, n, noise):
    y = _labels(n)
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    radius = np.where(y == 0.0, 1.0, 0.5)
    x = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), y


def _xor(rng, n, noise):
    x = rng.uniform(-1.0, 1.0, (n, 2))
    y = (x[:, 0] * x[:, 1] < 0.0).astype(np.float64)
    return x + noise * rng.standard_normal((n, 2)), y


def _spirals(rng, n, noise):
    y = _labels(n)
    t = rng.uniform(0.25, 1.0, n) * 3.0 * math.pi
    angle = t + math.pi * y
    x = (t / (3.0 * math.pi))[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), y


def _logistic(rng, n, noise):
    x = rng.standard_normal((n, 2))
    latent = x @ np.array(LOGISTIC_WEIGHTS) + noise * rng.standard_normal(n)
    return x, (latent > 0.0).astype(np.float64)


def _regression(rng, n, noise):
    x = rng.uniform(0.0, 2.0, (n, 1))
    y = REGRESSION_SLOPE * x[:, 0] + REGRESSION_INTERCEPT
    return x, y + noise * rng.standard_normal(n)


_DRAW = {
    "moons": _moons,
    "circles": _circles,
    "xor": _xor,
    "spirals": _spirals,
    "logistic": _logistic,
    "regression": _regression,
}

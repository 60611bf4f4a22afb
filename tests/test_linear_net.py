"""The two-layer linear net f(x, y) = (1 - xy)²/2 against its closed forms.

Value, gradient and Hessian against finite differences and an independent twin are
checked with every surface in test_landscapes.py. Here: the hyperbola of minima, the
Hessian's eigenvalues there (0 and x² + y², worked out by hand), the distance to the
hyperbola against a dense sampling of it, gradient descent's exact update of
x² - y², and the step-size bound lr·(x² + y²) < 2 on where gradient descent can settle.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscapes
import optimizers
from landscapes.linear_net import distance_to_hyperbola

SURFACE = landscapes.get("linear_net")
# Points (t, 1/t) of both branches inside the plot window ±3.
T = np.concatenate([-np.geomspace(3.0, 1 / 3, 25), np.geomspace(1 / 3, 3.0, 25)])


def test_points_of_the_hyperbola_are_global_minima():
    x, y = T, 1.0 / T
    np.testing.assert_allclose(SURFACE.value(x, y), 0.0, atol=1e-30)
    gx, gy = SURFACE.grad(x, y)
    np.testing.assert_allclose(gx, 0.0, atol=1e-15)
    np.testing.assert_allclose(gy, 0.0, atol=1e-15)
    assert SURFACE.min_value == 0.0
    # f is half a square: nothing lies below 0 anywhere.
    X, Y = np.meshgrid(np.linspace(-3, 3, 301), np.linspace(-3, 3, 301))
    assert SURFACE.value(X, Y).min() >= 0.0


def test_the_listed_minima_lie_on_both_branches_of_the_hyperbola():
    minima = SURFACE.minima
    np.testing.assert_allclose(minima[:, 0] * minima[:, 1], 1.0, rtol=1e-15)
    assert (minima[:, 0] > 0).any() and (minima[:, 0] < 0).any()
    (x0, x1), (y0, y1) = SURFACE.bounds
    assert ((x0 <= minima[:, 0]) & (minima[:, 0] <= x1)).all()
    assert ((y0 <= minima[:, 1]) & (minima[:, 1] <= y1)).all()


def test_hessian_is_the_closed_form():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-3, 3, (2, 200))
    H = SURFACE.hessian(x, y)
    np.testing.assert_allclose(H[:, 0, 0], y * y, rtol=1e-15)
    np.testing.assert_allclose(H[:, 1, 1], x * x, rtol=1e-15)
    np.testing.assert_allclose(H[:, 0, 1], 2 * x * y - 1, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(H[:, 0, 1], H[:, 1, 0])


def test_at_a_minimum_the_hessian_eigenvalues_are_zero_and_x2_plus_y2():
    x, y = T, 1.0 / T
    eigenvalues = np.linalg.eigvalsh(SURFACE.hessian(x, y))
    sharpness = x * x + y * y
    np.testing.assert_allclose(eigenvalues[:, 0], 0.0, atol=1e-13 * sharpness.max())
    np.testing.assert_allclose(eigenvalues[:, 1], sharpness, rtol=1e-13)
    # The flat direction is the hyperbola's tangent (1, -1/t²).
    _, vectors = np.linalg.eigh(SURFACE.hessian(x, y))
    tangent = np.column_stack([np.ones_like(x), -1.0 / x**2])
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    np.testing.assert_allclose(
        np.abs(np.sum(vectors[:, :, 0] * tangent, axis=1)), 1.0, rtol=1e-12
    )


def test_the_flattest_minima_are_at_x_equals_y_with_sharpness_2():
    t = np.concatenate([-np.geomspace(100, 1e-2, 2001), np.geomspace(1e-2, 100, 2001)])
    sharpness = np.linalg.eigvalsh(SURFACE.hessian(t, 1.0 / t))[:, 1]
    assert sharpness.min() >= 2.0 - 1e-12
    flattest = np.linalg.eigvalsh(SURFACE.hessian([1.0, -1.0], [1.0, -1.0]))[:, 1]
    np.testing.assert_allclose(flattest, 2.0, rtol=1e-15)


def test_distance_to_the_hyperbola_matches_a_dense_sampling_of_it():
    # The hyperbola sampled every ~1e-5 in arc length near the window; the nearest
    # sample is within 1e-5 of the true distance.
    t = np.geomspace(1e-2, 1e2, 2_000_001)
    t = np.concatenate([-t, t])
    rng = np.random.default_rng(1)
    for x, y in rng.uniform(-3, 3, (40, 2)):
        sampled = np.min(np.hypot(t - x, 1.0 / t - y))
        assert distance_to_hyperbola(x, y) == pytest.approx(sampled, abs=2e-5)
        assert SURFACE.distance_to_nearest_minimum(x, y) == distance_to_hyperbola(x, y)
    for t0 in T:
        assert distance_to_hyperbola(t0, 1.0 / t0) < 1e-12


def test_gd_multiplies_the_imbalance_by_one_minus_lr2_r2():
    # x' = x + lr r y, y' = y + lr r x with r = 1 - xy, so
    # x'² - y'² = x² - y² + lr² r² (y² - x²) = (x² - y²)(1 - lr² r²).
    lr = 0.3
    path = optimizers.run("gd", SURFACE, start=(2.5, 0.1), steps=40, lr=lr).path
    x, y = path[:-1, 0], path[:-1, 1]
    r = 1.0 - x * y
    expected = (x * x - y * y) * (1.0 - lr * lr * r * r)
    np.testing.assert_allclose(
        path[1:, 0] ** 2 - path[1:, 1] ** 2, expected, rtol=1e-12
    )


def test_small_steps_from_the_default_start_land_on_a_sharp_minimum():
    x0, y0 = SURFACE.default_start
    result = optimizers.run("gd", SURFACE, steps=3000, lr=0.05)
    x, y = result.path[-1]
    assert x * y == pytest.approx(1.0, abs=1e-9)
    # Gradient flow keeps x² - y², and on xy = 1, x² + y² = √((x² - y²)² + 4).
    flow = math.sqrt((x0 * x0 - y0 * y0) ** 2 + 4.0)
    assert x * x + y * y == pytest.approx(flow, rel=1e-2)
    assert x * x + y * y > 6.0


@pytest.mark.parametrize(
    "start",
    [
        (2.45, 0.45),  # next to (1 + √2, √2 - 1), where x² + y² = 6
        (-0.45, -2.45),  # the same, on the other branch, x and y swapped
        SURFACE.default_start,
    ],
)
def test_a_large_lr_cannot_settle_on_a_sharp_minimum(start):
    lr = 0.5  # lr · 6 = 3 > 2 at the nearby minimum
    result = optimizers.run("gd", SURFACE, start=start, steps=3000, lr=lr)
    assert result.diverged_at is None
    x, y = result.path[-1]
    assert x * y == pytest.approx(1.0, abs=1e-9)
    assert lr * (x * x + y * y) < 2.0
    # It left the sharp valley: the minimum nearest the start is far away.
    t = np.geomspace(1e-2, 1e2, 200_001) * np.sign(start[0])
    nearest = np.argmin(np.hypot(t - start[0], 1.0 / t - start[1]))
    assert math.hypot(x - t[nearest], y - 1.0 / t[nearest]) > 0.5


@pytest.mark.parametrize("t", [-2.0, 0.5, 1.0, 2.5])
def test_gd_settles_at_a_minimum_only_below_lr_bound(t):
    # A start a hair off the minimum (t, 1/t), across the valley: with lr below
    # 2/(x² + y²) the run stays next to it, above it the perturbation grows.
    sharpness = t * t + 1.0 / (t * t)
    normal = np.array([1.0 / t, t]) / math.sqrt(sharpness)  # ∇(xy) direction
    start = np.array([t, 1.0 / t]) + 1e-6 * normal
    stable = optimizers.run(
        "gd", SURFACE, start=start, steps=200, lr=0.9 * 2 / sharpness
    )
    assert np.abs(stable.path - [t, 1.0 / t]).max() < 1e-5
    unstable = optimizers.run(
        "gd", SURFACE, start=start, steps=200, lr=1.1 * 2 / sharpness
    )
    assert np.abs(unstable.path - [t, 1.0 / t]).max() > 0.1

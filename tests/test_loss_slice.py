"""Loss slices of an MLP: L(a, b) = L(c + a·d₁ + b·d₂).

Oracles: the MLP's own loss at the parameter vector c + a·d₁ + b·d₂ (itself checked
against torch in test_mlp.py), central finite differences for the slice's gradient
and Hessian, the definition of filter normalization (row norms), an SVD-free check of
the PCA plane (orthonormality, and the squared residual of the path equal to the
variance it leaves unexplained), and points built on and off the plane by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

import landscapes
import optimizers
from landscapes import datasets


@pytest.fixture(scope="module")
def setting():
    model = landscapes.MLP((8, 6), "tanh")
    data = datasets.make("moons", n_points=48, noise=0.15, seed=2)
    run = optimizers.train("adam", model, data, steps=120, batch_size=16, lr=0.03)
    return model, data, run


def test_the_center_is_the_origin_and_points_are_the_nets_loss(setting):
    model, data, run = setting
    surface = landscapes.mlp_slice(model, data, run.final, "random", seed=3)
    assert surface.value(0.0, 0.0) == pytest.approx(
        model.loss(run.final, data), rel=1e-14
    )
    rng = np.random.default_rng(0)
    A, B = rng.uniform(-1, 1, (2, 7, 5))
    grid = surface.value(A, B)  # the parallel grid path
    assert grid.shape == (7, 5)
    for a, b, value in zip(A.ravel(), B.ravel(), grid.ravel(), strict=True):
        expected = model.loss(surface.at(a, b), data)
        assert value == pytest.approx(expected, rel=1e-13)
        assert surface.value(a, b) == pytest.approx(expected, rel=1e-13)  # scalar path


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_gradient_and_hessian_match_finite_differences(activation):
    model = landscapes.MLP((6, 5), activation)
    data = datasets.make("circles", n_points=40, noise=0.1, seed=1)
    surface = landscapes.mlp_slice(model, data, model.init(3), seed=4, span=2.0)
    h = 1e-5
    for a, b in [(0.3, -0.2), (-0.7, 0.9), (0.05, 0.4)]:
        f, ga, gb = surface.value(a, b), *surface.grad(a, b)
        fd_a = (surface.value(a + h, b) - surface.value(a - h, b)) / (2 * h)
        fd_b = (surface.value(a, b + h) - surface.value(a, b - h)) / (2 * h)
        assert ga == pytest.approx(fd_a, rel=1e-6, abs=1e-9)
        assert gb == pytest.approx(fd_b, rel=1e-6, abs=1e-9)
        assert np.isfinite(f)
        column_a = (np.array(surface.grad(a + h, b)) - surface.grad(a - h, b)) / (2 * h)
        column_b = (np.array(surface.grad(a, b + h)) - surface.grad(a, b - h)) / (2 * h)
        numeric = np.column_stack([column_a, column_b])
        np.testing.assert_allclose(surface.hessian(a, b), numeric, rtol=1e-5, atol=1e-8)


def test_random_directions_are_filter_normalized_and_leave_biases(setting):
    model, data, run = setting
    surface = landscapes.mlp_slice(model, data, run.final, "random", seed=5)
    assert surface.directions.shape == (2, model.n_parameters)
    for direction in surface.directions:
        for offset, fan_in, fan_out in model.weight_rows():
            rows = direction[offset : offset + fan_out * fan_in].reshape(
                fan_out, fan_in
            )
            own = run.final[offset : offset + fan_out * fan_in].reshape(fan_out, fan_in)
            np.testing.assert_allclose(
                np.linalg.norm(rows, axis=1), np.linalg.norm(own, axis=1), rtol=1e-12
            )
            bias = offset + fan_out * fan_in
            np.testing.assert_array_equal(direction[bias : bias + fan_out], 0.0)
    again = landscapes.mlp_slice(model, data, run.final, "random", seed=5)
    other = landscapes.mlp_slice(model, data, run.final, "random", seed=6)
    np.testing.assert_array_equal(again.directions, surface.directions)
    assert not np.allclose(other.directions, surface.directions)


def test_the_pca_plane_reconstructs_the_path_within_its_explained_variance(setting):
    model, data, run = setting
    surface = landscapes.mlp_slice(model, data, directions="pca", trajectory=run.params)
    d = surface.directions
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(surface.center, run.params[-1])
    offsets = run.params - run.params[-1]
    residual = surface.distance_off_plane(run.params)
    unexplained = np.sum(residual**2) / np.sum(offsets**2)
    first, second = surface.explained_variance
    assert first >= second > 0
    assert unexplained == pytest.approx(1 - first - second, abs=1e-10)
    # No other plane through the final point does better: a random pair does worse.
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((model.n_parameters, 2)))
    other = offsets - (offsets @ q) @ q.T
    assert np.sum(other**2) > np.sum(residual**2)
    # The path's projection lies in the view, its start is the default start.
    coords = surface.project(run.params)
    (a0, a1), (b0, b1) = surface.bounds
    assert (coords[:, 0] >= a0).all() and (coords[:, 0] <= a1).all()
    assert (coords[:, 1] >= b0).all() and (coords[:, 1] <= b1).all()
    np.testing.assert_allclose(surface.default_start, coords[0])


def test_project_and_distance_off_the_plane(setting):
    model, data, run = setting
    surface = landscapes.mlp_slice(model, data, run.final, "random", seed=7)
    d = surface.directions
    rng = np.random.default_rng(1)
    off = rng.standard_normal(model.n_parameters)
    off -= d.T @ np.linalg.solve(d @ d.T, d @ off)  # orthogonal to the plane
    points = np.array([surface.at(0.4, -0.1), surface.at(-0.3, 0.8) + off])
    np.testing.assert_allclose(
        surface.project(points), [[0.4, -0.1], [-0.3, 0.8]], atol=1e-10
    )
    np.testing.assert_allclose(
        surface.distance_off_plane(points), [0.0, np.linalg.norm(off)], atol=1e-10
    )


def test_optimizers_run_and_minibatch_on_a_slice(setting):
    model, data, run = setting
    surface = landscapes.mlp_slice(model, data, run.final, "random", seed=8)
    result = optimizers.run("adam", surface, steps=50, lr=0.05)
    for k in (0, 10, 50):
        a, b = result.path[k]
        assert result.loss[k] == pytest.approx(
            model.loss(surface.at(a, b), data), rel=1e-12
        )
    # One minibatch gradient step: the batch gradient of the net, dotted with d₁, d₂.
    step = optimizers.run("gd", surface, steps=1, lr=0.5, batch_size=10, seed=3)
    batch = step.batches[0]
    theta = surface.at(*step.path[0])
    g = model.grad(theta, data, batch)
    np.testing.assert_allclose(
        step.path[1], step.path[0] - 0.5 * (surface.directions @ g), rtol=1e-12
    )
    grid = optimizers.sweep("gd", surface, steps=20, grid={"lr": [0.01, 0.1]})
    alone = optimizers.run("gd", surface, steps=20, lr=0.1)
    np.testing.assert_allclose(grid.final[1], alone.final, rtol=1e-13)
    values, grads = surface.examples(0.2, -0.3)
    assert values.mean() == pytest.approx(surface.value(0.2, -0.3), rel=1e-13)
    np.testing.assert_allclose(grads.mean(axis=0), surface.grad(0.2, -0.3), rtol=1e-11)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"directions": "sideways"}, "directions"),
        ({"directions": "pca"}, "trajectory"),
        ({"span": -1.0}, "span"),
    ],
)
def test_bad_slices_are_named(setting, kwargs, word):
    model, data, run = setting
    with pytest.raises(ValueError, match=word):
        landscapes.mlp_slice(model, data, run.final, **kwargs)

"""Typed surfaces through the kernels: `landscapes.from_expression` goes wherever a
built-in surface goes, evaluated by the one Numba interpreter (landscapes._program)."""

import numpy as np
import pytest

import landscapes
import optimizers
from landscapes.expression import parse_surface
from optimizers import planes

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def test_typed_rosenbrock_runs_as_the_built_in_one():
    typed = landscapes.from_expression(ROSENBROCK)
    for name, settings in (("adam", {"lr": 0.05}), ("momentum", {"lr": 1e-3})):
        ours = optimizers.run(name, typed, start=(-1.5, 2.0), steps=1000, **settings)
        built_in = optimizers.run(
            name, "rosenbrock", start=(-1.5, 2.0), steps=1000, **settings
        )
        np.testing.assert_allclose(ours.path, built_in.path, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ours.loss, built_in.loss, rtol=1e-12, atol=1e-15)


def test_a_sweep_of_the_typed_surface_is_the_built_in_sweep():
    # Runs that stay smooth: at larger steps Adam on Rosenbrock is chaotic and
    # amplifies round-off (the built-in against itself with b one ulp larger
    # ends 1.4e-3 apart at lr = 1e-2, β₁ = 0.5), so agreement there tests nothing.
    grid = {"lr": np.geomspace(1e-4, 3e-3, 8), "beta1": np.linspace(0.5, 0.9, 4)}
    ours = optimizers.sweep(
        "adam",
        landscapes.from_expression(ROSENBROCK),
        steps=500,
        start=(-1, 1),
        grid=grid,
    )
    built_in = optimizers.sweep(
        "adam", "rosenbrock", steps=500, start=(-1, 1), grid=grid
    )
    np.testing.assert_allclose(ours.final, built_in.final, rtol=0, atol=1e-12)


def test_the_kernels_evaluate_what_the_reference_interpreter_does():
    text = "sin(3*x)*cos(y) + x^4/4 - abs(y)^1.5 + exp(-x^2)*atan(y)"
    surface = landscapes.from_expression(text, bounds=((-2, 2), (-1, 1)))
    reference = parse_surface(text, bounds=((-2, 2), (-1, 1)))
    xs, ys = np.meshgrid(np.linspace(-2, 2, 33), np.linspace(-1, 1, 17))
    np.testing.assert_allclose(
        surface.value(xs, ys), reference.value(xs, ys), rtol=1e-14
    )
    for ours, theirs in zip(surface.grad(xs, ys), reference.grad(xs, ys), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(
        surface.hessian(xs, ys), reference.hessian(xs, ys), rtol=1e-13, atol=1e-13
    )
    # One point goes through the scalar switch, not the chunk kernel.
    assert surface.value(0.3, -0.2) == pytest.approx(reference.value(0.3, -0.2), 1e-15)
    # And the gradient is the derivative: central differences (independent).
    h = 1e-6
    gx, gy = surface.grad(0.3, -0.2)
    assert gx == pytest.approx(
        (surface.value(0.3 + h, -0.2) - surface.value(0.3 - h, -0.2)) / (2 * h), 1e-6
    )
    assert gy == pytest.approx(
        (surface.value(0.3, -0.2 + h) - surface.value(0.3, -0.2 - h)) / (2 * h), 1e-6
    )


def test_a_run_into_an_undefined_region_stops_before_it():
    # log(x) is undefined for x <= 0: gradient descent on log(x)^2 + y^2 from
    # x = 0.5 with a large step jumps to x = 0.5 + 8·log(2)/0.5 > 0 ... then where f is
    # defined it goes on; from x = 2 with lr 4 the first step lands at
    # 2 - 4·2·log(2)/2 < 0, where f is NaN.
    surface = landscapes.from_expression("log(x)^2 + y^2", bounds=((0.1, 3), (-1, 1)))
    result = optimizers.run("gd", surface, start=(2.0, 0.5), steps=50, lr=4.0)
    assert 2 - 4 * 2 * np.log(2) / 2 < 0  # the first step leaves the domain
    assert result.diverged_at == 1
    assert np.all(np.isfinite(result.path)) and len(result.path) == 1


def test_planes_take_typed_surfaces():
    surface = landscapes.from_expression("x^4 - 2*x^2 + y^2")  # minima (±1, 0)
    plane = planes.basin_map(
        "gd",
        surface,
        planes.Axis("x", -2, 2, 16),
        planes.Axis("y", -1, 1, 8),
        steps=400,
        lr=0.05,
    )
    found = planes.basins(plane)
    np.testing.assert_allclose(
        sorted(m.point for m in found.minima), [(-1, 0), (1, 0)], atol=1e-8
    )
    # The start decides the basin: left starts end at -1, right ones at +1.
    left = found.minima[[m.point[0] < 0 for m in found.minima].index(True)]
    labels = found.labels
    assert np.all(labels[:, plane.x.values < 0] == found.minima.index(left))


def test_what_it_will_not_accept_is_an_expression_error():
    assert issubclass(landscapes.ExpressionError, ValueError)
    with pytest.raises(landscapes.ExpressionError, match="column"):
        landscapes.from_expression("__import__('os').system('true')")
    with pytest.raises(landscapes.ExpressionError):
        landscapes.from_expression("x + y", bounds=((1, 0), (0, 1)))

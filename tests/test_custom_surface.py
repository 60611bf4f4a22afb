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
    # ... and says why: f is NaN at a point of the plane, not a blow-up
    assert result.undefined_at == 1
    assert result.stopped_at == pytest.approx((2 - 4 * np.log(2), 0.5 - 4 * 1.0))


def test_a_run_that_blows_up_is_not_called_undefined():
    # gd on -x² doubles x each step at lr = 1/2 (x ← x + 2·x/2): 0.1·2^k leaves the
    # box |x| <= 1e8 first at k = 30 (0.1·2^29 = 5.4e7, 0.1·2^30 = 1.07e8).
    surface = landscapes.get("custom", f="-(x^2)")
    result = optimizers.run("gd", surface, start=(0.1, 1.0), steps=100, lr=0.5)
    assert result.diverged_at == 30 and result.undefined_at is None
    assert result.stopped_at[0] == pytest.approx(0.1 * 2**30)


def test_the_view_limit_is_the_parsers():
    from landscapes import expression, typed

    assert typed.VIEW_LIMIT == expression.MAX_ABS_BOUND
    assert sum(expression.DEFAULT_BOUNDS, ()) == typed.DEFAULT_VIEW


@pytest.mark.parametrize(
    ("formula", "minima", "lowest"),
    [
        # closed forms: a shifted bowl; the double well's 4x³ - 4x = 0, y = 0
        ("(x - 1)^2 + (y + 2)^2 + 5", [(1.0, -2.0)], 5.0),
        ("x^4 - 2*x^2 + y^2", [(-1.0, 0.0), (1.0, 0.0)], -1.0),
        # in [-3, 3]², sin(x) + cos(y) is lowest on the edge y = ±3 (cos 3 > -1):
        # its minima (-π/2, ±π) lie outside the view, so none is reported
        ("sin(x) + cos(y)", [], -np.inf),
        ("x^3 + y^2", [], -np.inf),  # unbounded below: no minimum
    ],
)
def test_the_minimum_search_finds_the_closed_forms(formula, minima, lowest):
    surface = landscapes.get("custom", f=formula)
    assert surface.min_value == pytest.approx(lowest, abs=1e-12)
    np.testing.assert_allclose(
        surface.minima, np.reshape(minima, (-1, 2)), rtol=0, atol=1e-9
    )


def test_a_minimum_found_gives_steps_to_tolerance():
    surface = landscapes.get("custom", f="(x - 1)^2 + (y + 2)^2 + 5")
    # gd with lr on a round bowl of curvature 2: the error shrinks by |1 - 2 lr| a
    # step, so f - 5 = d0² (1 - 2 lr)^(2k) <= 1e-6 first at the k below
    result = optimizers.run("gd", surface, start=(0.0, 0.0), steps=200, lr=0.1)
    d0_squared = 1.0 + 4.0
    expected = int(np.ceil(np.log(1e-6 / d0_squared) / (2 * np.log(0.8))))
    assert result.steps_to_tolerance == expected


def test_bad_texts_are_remembered_and_raised_fresh(monkeypatch):
    from collections import OrderedDict

    from landscapes import typed

    monkeypatch.setattr(typed, "_cache", OrderedDict())  # other tests typed it too
    calls = []
    build = typed.build
    monkeypatch.setattr(
        typed, "build", lambda *args: calls.append(args) or build(*args)
    )
    errors = []
    for _ in range(3):
        with pytest.raises(landscapes.ExpressionError) as caught:
            landscapes.get("custom", f="x + (y *")
        errors.append(caught.value)
    assert len(calls) == 1  # parsed once; the error is remembered
    assert errors[0] is not errors[1] and str(errors[0]) == str(errors[2])
    assert errors[2].position == errors[0].position


def test_a_longer_program_counts_as_more_work():
    small = landscapes.get("custom", f="x^2 + y^2")
    large = landscapes.get(
        "custom", f="sin(x*y)*exp(-x^2 - y^2) + log(1 + x^2)*atan(y)/cosh(x + y)"
    )
    assert small.work_per_point == 1 < large.work_per_point


def test_undefined_regions_are_drawn_as_stripes():
    import base64
    import io

    from PIL import Image

    from ui import figures

    surface = landscapes.get("custom", f="log(x) + y^2")  # undefined for x <= 0
    uri = figures.surface_image(surface, resolution=61)
    image = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",")[1]))))
    grey = (image[..., 0] == image[..., 1]) & (image[..., 1] == image[..., 2])
    # column 30 of 61 is x = 0: left of it f is NaN (or -inf at 0), right finite
    assert grey[:, :31].all()
    assert not grey[:, 31:].any()
    assert len(np.unique(image[:, :31].reshape(-1, 3), axis=0)) == 2  # two stripes


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


def test_an_exported_typed_run_names_its_surface_and_where_it_stopped():
    import json

    from ui import export

    surface = landscapes.get("custom", f="log(x) + y^2", x_min=-1.0)
    # gd at lr 0.1 from (0.5, 1): x ← 0.5 - 0.1/0.5 = 0.3, then 0.3 - 0.1/0.3 < 0
    result = optimizers.run("gd", surface, start=(0.5, 1.0), steps=50, lr=0.1)
    (run,) = json.loads(export.paths_json({}, ["1. gd"], [result]))["runs"]
    assert run["undefined_at"] == 2 and len(run["path"]) == 2
    rebuilt = landscapes.get(run["landscape"]["name"], **run["landscape"]["params"])
    assert rebuilt.bounds == ((-1.0, 3.0), (-3.0, 3.0))
    assert rebuilt.value(0.5, 1.0) == surface.value(0.5, 1.0) == np.log(0.5) + 1.0

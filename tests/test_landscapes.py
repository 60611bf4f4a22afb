"""Tests of `landscapes` against outside references.

Nothing expected here is read off the package's own output. The oracles are:

* an independent NumPy twin of every surface, typed from the published formulas
  (scipy.optimize.rosen / rosen_der / rosen_hess for Rosenbrock);
* exact derivatives of that twin by the complex step, f'(x) = Im f(x + ih) / h, which
  has no subtractive cancellation and is exact to rounding;
* central finite differences of the package's own value (for its gradient) and of its
  own gradient (for its Hessian), so value, grad and hessian must agree with each other;
* literature locations and values of the global minima, an independent local solve
  (scipy.optimize.minimize on the twin) started next to each listed minimum, and a
  dense grid over the plot window for global minimality.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess

import landscapes
import optimizers  # noqa: F401  (hands the registered MLP slice its trainer)

ROOT = Path(__file__).resolve().parent.parent

EPS = np.finfo(np.float64).eps
PI = np.pi

NAMES = [
    "rosenbrock",
    "beale",
    "himmelblau",
    "booth",
    "goldstein_price",
    "six_hump_camel",
    "rastrigin",
    "ackley",
    "styblinski_tang",
    "quadratic",
    "saddle",
    "monkey_saddle",
    "plateau",
    "linear_regression",
    "logistic_regression",
    "mlp_slice",
    "linear_net",
    "custom",
]
SADDLES = {"saddle", "monkey_saddle"}
# Surfaces that list no minimum: unbounded below, or (the MLP slice) a plane through a
# network's weights whose minimum nobody knows.
NO_MINIMUM = SADDLES | {"mlp_slice"}
# Surfaces whose global minima are a curve: `minima` lists points of it, and the
# point-by-point minimum tests below do not apply (tests/test_linear_net.py checks it).
CONTINUUM = {"linear_net"}

# Every surface at its defaults, plus non-default parameters where a surface has any.
CASES = [(name, {}) for name in NAMES] + [
    ("rosenbrock", {"a": -1.5, "b": 5.0}),
    ("rosenbrock", {"a": 2.0, "b": 1000.0}),
    ("quadratic", {"condition_number": 100.0, "angle": 0.7}),
    ("quadratic", {"condition_number": 3.5, "angle": -2.0}),
    ("quadratic", {"condition_number": 1.0, "angle": -2.5}),
    ("quadratic", {"condition_number": 1000.0, "angle": -PI / 2}),
    ("linear_regression", {"n_points": 7, "noise": 1.5, "seed": 3}),
    ("logistic_regression", {"n_points": 300, "noise": 0.3, "seed": 11}),
    ("mlp_slice", {"train_steps": 0, "init_seed": 3, "direction_seed": 1}),
    # typed Rosenbrock: its minimum (1, 1) is found numerically, not given
    ("custom", {"f": "(1 - x)^2 + 100*(y - x^2)^2", "x_min": -2.0, "y_min": -1.0}),
]
CASE_IDS = [
    name
    + "".join(
        f"-{k}={v if isinstance(v, str) else format(v, 'g')}" for k, v in p.items()
    )
    for name, p in CASES
]
MINIMUM_CASES = [c for c in CASES if c[0] not in NO_MINIMUM | CONTINUUM]
MINIMUM_IDS = [
    i
    for i, c in zip(CASE_IDS, CASES, strict=True)
    if c[0] not in NO_MINIMUM | CONTINUUM
]
# The complex step needs a twin that takes complex numbers; the MLP slice's twin is the
# network's own loss (checked against torch in test_mlp.py), in real numbers, and its
# gradient is checked by finite differences below and in test_loss_slice.py.
COMPLEX_CASES = [c for c in CASES if c[0] != "mlp_slice"]
COMPLEX_IDS = [i for i, c in zip(CASE_IDS, CASES, strict=True) if c[0] != "mlp_slice"]

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
fuzz = settings(max_examples=50, deadline=None)


# --- the independent twin: published formulas, NumPy, complex-safe -------------------


def _rosenbrock(x, y, a=1.0, b=100.0):
    return (a - x) ** 2 + b * (y - x**2) ** 2


def _beale(x, y):
    return (
        (1.5 - x + x * y) ** 2
        + (2.25 - x + x * y**2) ** 2
        + (2.625 - x + x * y**3) ** 2
    )


def _himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _booth(x, y):
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def _goldstein_price(x, y):
    first = 1 + (x + y + 1) ** 2 * (
        19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    )
    second = 30 + (2 * x - 3 * y) ** 2 * (
        18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    )
    return first * second


def _six_hump_camel(x, y):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def _rastrigin(x, y):
    return 20 + (x**2 - 10 * np.cos(2 * PI * x)) + (y**2 - 10 * np.cos(2 * PI * y))


def _ackley(x, y):
    return (
        -20 * np.exp(-0.2 * np.sqrt(0.5 * (x**2 + y**2)))
        - np.exp(0.5 * (np.cos(2 * PI * x) + np.cos(2 * PI * y)))
        + np.e
        + 20
    )


def _styblinski_tang(x, y):
    return 0.5 * ((x**4 - 16 * x**2 + 5 * x) + (y**4 - 16 * y**2 + 5 * y))


def _quadratic_matrix(condition_number=10.0, angle=0.0):
    """H = R diag(1, kappa) R^T with R the rotation by `angle`."""
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    return rotation @ np.diag([1.0, condition_number]) @ rotation.T


def _quadratic(x, y, condition_number=10.0, angle=0.0):
    h = _quadratic_matrix(condition_number, angle)
    return 0.5 * (h[0, 0] * x * x + 2 * h[0, 1] * x * y + h[1, 1] * y * y)


def _saddle(x, y):
    return x**2 - y**2


def _monkey_saddle(x, y):
    return x**3 - 3 * x * y**2


def _plateau(x, y):
    return 1 / (1 + np.exp(20 * x)) + 0.5 * (1 - np.exp(-((x - 2) ** 2 + y**2) / 4))


def _linear_net(x, y):
    return (1 - x * y) ** 2 / 2


def _examples(name, n_points, noise, seed):
    """The surface's examples, regenerated from its documented data set."""
    dataset = "regression" if name == "linear_regression" else "logistic"
    return landscapes.datasets.make(dataset, n_points=n_points, noise=noise, seed=seed)


def _linear_regression(x, y, n_points=50, noise=0.5, seed=0):
    # Mean squared error of the line slope*x + intercept, with (slope, intercept) =
    # (x, y) broadcast against the examples on a trailing axis.
    data = _examples("linear_regression", n_points, noise, seed)
    x, y = np.asarray(x)[..., None], np.asarray(y)[..., None]
    return np.mean((x * data.x[:, 0] + y - data.y) ** 2, axis=-1)


def _logistic_regression(x, y, n_points=100, noise=1.0, seed=0):
    # Cross-entropy -[y log p + (1-y) log(1-p)], p = 1/(1+e^-s), written with
    # log(1 + e^s) - y s (the same value; complex-step safe for moderate s).
    data = _examples("logistic_regression", n_points, noise, seed)
    x, y = np.asarray(x)[..., None], np.asarray(y)[..., None]
    s = x * data.x[:, 0] + y * data.x[:, 1]
    return np.mean(np.log(1 + np.exp(s)) - data.y * s, axis=-1)


def _mlp_slice(x, y, train_steps=500, init_seed=0, direction_seed=0):
    # The network's loss at center + x·d₁ + y·d₂, point by point.
    surface = landscapes.get(
        "mlp_slice",
        train_steps=train_steps,
        init_seed=init_seed,
        direction_seed=direction_seed,
    )
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    losses = [
        surface.model.loss(surface.at(a, b), surface.data)
        for a, b in zip(x.ravel(), y.ravel(), strict=True)
    ]
    return np.array(losses).reshape(x.shape) if x.ndim else losses[0]


# The typed formulas of CASES, written out by hand in NumPy.
TYPED = {
    "x^4 - 2*x^2 + y^2": lambda x, y: x**4 - 2 * x**2 + y**2,
    "(1 - x)^2 + 100*(y - x^2)^2": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
}


def _custom(x, y, f="x^4 - 2*x^2 + y^2", **view):
    return TYPED[f](np.asarray(x), np.asarray(y))


TWIN = {
    "rosenbrock": _rosenbrock,
    "beale": _beale,
    "himmelblau": _himmelblau,
    "booth": _booth,
    "goldstein_price": _goldstein_price,
    "six_hump_camel": _six_hump_camel,
    "rastrigin": _rastrigin,
    "ackley": _ackley,
    "styblinski_tang": _styblinski_tang,
    "quadratic": _quadratic,
    "saddle": _saddle,
    "monkey_saddle": _monkey_saddle,
    "plateau": _plateau,
    "linear_regression": _linear_regression,
    "logistic_regression": _logistic_regression,
    "mlp_slice": _mlp_slice,
    "linear_net": _linear_net,
    "custom": _custom,
}


def twin(name, params):
    def f(x, y):
        return TWIN[name](x, y, **params)

    return f


def twin_grad(name, params, x, y):
    """Exact gradient of the twin by the complex step."""
    f, h = twin(name, params), 1e-30
    return np.array([f(complex(x, h), y).imag / h, f(x, complex(y, h)).imag / h])


# --- helpers ----------------------------------------------------------------------


def surface(name, params):
    return landscapes.get(name, **params)


def point_in(bounds, u, v):
    (x0, x1), (y0, y1) = bounds
    return x0 + u * (x1 - x0), y0 + v * (y1 - y0)


def step(t):
    return 1e-6 * max(1.0, abs(t))


def fd_grad(f, x, y):
    """Central differences of a scalar f, with a rounding-noise estimate per entry."""
    out, noise = np.empty(2), np.empty(2)
    for i in range(2):
        hi, lo = [x, y], [x, y]
        hi[i] += step(hi[i])
        lo[i] -= step(lo[i])
        f_hi, f_lo = f(*hi), f(*lo)
        width = hi[i] - lo[i]  # the step actually taken, after rounding
        out[i] = (f_hi - f_lo) / width
        noise[i] = 64 * EPS * max(abs(f_hi), abs(f_lo)) / width
    return out, noise


def fd_hessian(grad, x, y):
    """Central differences of an analytic gradient: column j = d(grad)/d(x_j)."""
    out, noise = np.empty((2, 2)), np.empty((2, 2))
    for j in range(2):
        hi, lo = [x, y], [x, y]
        hi[j] += step(hi[j])
        lo[j] -= step(lo[j])
        g_hi, g_lo = np.array(grad(*hi)), np.array(grad(*lo))
        width = hi[j] - lo[j]
        out[:, j] = (g_hi - g_lo) / width
        noise[:, j] = 64 * EPS * np.maximum(abs(g_hi), abs(g_lo)) / width
    return out, noise


def away_from_kink(name, x, y):
    # Ackley is a cone at the origin (not differentiable there); keep finite
    # differences well clear of it.
    return name != "ackley" or math.hypot(x, y) > 1e-2


def polish(f, start):
    """Independent local minimum of f near `start`: Nelder-Mead, restarted once."""
    x = np.asarray(start, dtype=float)
    for _ in range(2):
        result = minimize(
            lambda p: f(p[0], p[1]),
            x,
            method="Nelder-Mead",
            options={"xatol": 1e-13, "fatol": 1e-15, "maxiter": 20000, "maxfev": 40000},
        )
        x = result.x
    return x


# --- registry, metadata -----------------------------------------------------------


def test_names_are_the_documented_surfaces():
    assert sorted(landscapes.names()) == sorted(NAMES)
    assert len(landscapes.names()) == len(set(landscapes.names()))


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_metadata_types(name, params):
    s = surface(name, params)
    assert s.name == name
    assert isinstance(s.params, dict)
    for key, value in params.items():
        assert s.params[key] == pytest.approx(value)
    (x0, x1), (y0, y1) = s.bounds
    assert x0 < x1 and y0 < y1
    assert all(math.isfinite(t) for t in (x0, x1, y0, y1))
    assert isinstance(s.minima, np.ndarray)
    assert s.minima.ndim == 2 and s.minima.shape[1] == 2
    assert isinstance(s.min_value, float)
    assert isinstance(s.latex, str) and s.latex.strip()
    assert isinstance(s.reference, str) and s.reference.strip()


def test_default_params():
    assert surface("rosenbrock", {}).params == {"a": 1.0, "b": 100.0}
    assert surface("quadratic", {}).params == {"condition_number": 10.0, "angle": 0.0}


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_default_start_inside_bounds_and_finite(name, params):
    s = surface(name, params)
    (x0, x1), (y0, y1) = s.bounds
    x, y = s.default_start
    assert x0 <= x <= x1 and y0 <= y <= y1
    assert math.isfinite(s.value(x, y))
    assert all(math.isfinite(g) for g in s.grad(x, y))
    assert np.isfinite(s.hessian(x, y)).all()


# --- values against the independent twin ------------------------------------------


def test_twin_rosenbrock_is_scipy_rosen():
    # The twin itself is checked against scipy before it is used as an oracle.
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-3, 3, size=(20, 2)):
        assert _rosenbrock(x, y) == pytest.approx(rosen(np.array([x, y])), rel=1e-14)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
@fuzz
@given(u=unit, v=unit)
def test_value_matches_twin(name, params, u, v):
    s = surface(name, params)
    x, y = point_in(s.bounds, u, v)
    expected = twin(name, params)(x, y)
    assert s.value(x, y) == pytest.approx(expected, rel=1e-10, abs=1e-10)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_value_matches_twin_on_grid(name, params):
    s = surface(name, params)
    (x0, x1), (y0, y1) = s.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201))
    np.testing.assert_allclose(
        s.value(X, Y), twin(name, params)(X, Y), rtol=1e-10, atol=1e-10
    )


@fuzz
@given(u=unit, v=unit)
def test_rosenbrock_matches_scipy(u, v):
    s = surface("rosenbrock", {})
    x, y = point_in(s.bounds, u, v)
    p = np.array([x, y])
    assert s.value(x, y) == pytest.approx(rosen(p), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(s.grad(x, y), rosen_der(p), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(s.hessian(x, y), rosen_hess(p), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "params",
    [{}] + [p for n, p in CASES if n == "quadratic" and p],
    ids=lambda p: "-".join(f"{k}={v:g}" for k, v in p.items()) or "default",
)
@fuzz
@given(u=unit, v=unit)
def test_quadratic_hessian_is_rotated_diagonal(params, u, v):
    s = surface("quadratic", params)
    x, y = point_in(s.bounds, u, v)
    np.testing.assert_allclose(
        s.hessian(x, y), _quadratic_matrix(**params), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize(("name", "params"), COMPLEX_CASES, ids=COMPLEX_IDS)
@fuzz
@given(u=unit, v=unit)
def test_grad_matches_twin_complex_step(name, params, u, v):
    s = surface(name, params)
    x, y = point_in(s.bounds, u, v)
    assume(away_from_kink(name, x, y))
    expected = twin_grad(name, params, x, y)
    tol = 1e-9 * np.abs(expected) + 1e-9 + 1e-11 * abs(s.value(x, y))
    err = np.abs(np.array(s.grad(x, y)) - expected)
    assert (err <= tol).all(), f"grad at ({x!r}, {y!r}): {s.grad(x, y)} vs {expected}"


# --- value, grad, hessian consistent with each other (finite differences) ---------


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
@fuzz
@given(u=unit, v=unit)
def test_grad_matches_finite_differences(name, params, u, v):
    s = surface(name, params)
    x, y = point_in(s.bounds, u, v)
    assume(away_from_kink(name, x, y))
    fd, noise = fd_grad(s.value, x, y)
    g = np.array(s.grad(x, y))
    tol = 1e-6 * np.abs(fd) + 1e-6 + noise
    assert (np.abs(g - fd) <= tol).all(), f"grad at ({x!r}, {y!r}): {g} vs FD {fd}"


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
@fuzz
@given(u=unit, v=unit)
def test_hessian_matches_finite_differences_of_grad(name, params, u, v):
    s = surface(name, params)
    x, y = point_in(s.bounds, u, v)
    assume(away_from_kink(name, x, y))
    fd, noise = fd_hessian(s.grad, x, y)
    h = s.hessian(x, y)
    assert h.shape == (2, 2)
    tol = 1e-6 * np.abs(fd) + 1e-6 + noise
    assert (np.abs(h - fd) <= tol).all(), f"hessian at ({x!r}, {y!r}): {h} vs FD {fd}"
    np.testing.assert_array_equal(h, h.T)


# --- broadcasting -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_broadcasting_on_meshgrid(name, params):
    s = surface(name, params)
    (x0, x1), (y0, y1) = s.bounds
    # A slice point costs a network's passes over its data (its exact Hessian on
    # 400x400 points took 50 s): a smaller grid shows the same broadcasting.
    n = 40 if name == "mlp_slice" else 400
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    F = s.value(X, Y)
    GX, GY = s.grad(X, Y)
    H = s.hessian(X, Y)
    assert isinstance(F, np.ndarray) and F.shape == (n, n)
    assert GX.shape == (n, n) and GY.shape == (n, n)
    assert H.shape == (n, n, 2, 2)
    rng = np.random.default_rng(1)
    last = n - 1
    cells = [(0, 0), (last, last), (0, last), (last, 0), *rng.integers(0, n, (8, 2))]
    for i, j in cells:
        x, y = float(X[i, j]), float(Y[i, j])
        f = s.value(x, y)
        assert isinstance(f, float)
        assert F[i, j] == pytest.approx(f, rel=1e-13, abs=1e-13)
        gx, gy = s.grad(x, y)
        assert isinstance(gx, float) and isinstance(gy, float)
        assert GX[i, j] == pytest.approx(gx, rel=1e-13, abs=1e-13)
        assert GY[i, j] == pytest.approx(gy, rel=1e-13, abs=1e-13)
        np.testing.assert_allclose(H[i, j], s.hessian(x, y), rtol=1e-13, atol=1e-13)


def test_broadcasting_mixed_shapes():
    s = surface("himmelblau", {})
    xs = np.linspace(-4, 4, 5)[:, None]
    ys = np.linspace(-3, 3, 3)
    assert s.value(xs, ys).shape == (5, 3)
    assert s.grad(xs, ys)[0].shape == (5, 3)
    assert s.hessian(xs, ys).shape == (5, 3, 2, 2)
    assert s.value(xs, 1.5).shape == (5, 1)
    np.testing.assert_allclose(s.value(xs, ys), _himmelblau(xs, ys), rtol=1e-12)


# --- minima -----------------------------------------------------------------------


def literature(name, params):
    """(global minima, f there, location tolerance, value tolerance) from the
    literature: Jamil & Yang 2013, Surjanovic & Bingham's Virtual Library of
    Simulation Experiments, Himmelblau 1972 (six published decimals)."""
    if name == "rosenbrock":
        a = params.get("a", 1.0)
        return [(a, a * a)], 0.0, 1e-9, 1e-12
    if name == "quadratic":
        return [(0.0, 0.0)], 0.0, 1e-12, 1e-12
    if name == "custom":  # found numerically by the surface, known in closed form here
        if params.get("f", "x^4").startswith("x^4"):  # 4x³ - 4x = 0, y = 0: f = -1
            return [(-1.0, 0.0), (1.0, 0.0)], -1.0, 1e-9, 1e-12
        return [(1.0, 1.0)], 0.0, 1e-9, 1e-12  # Rosenbrock's
    if name == "linear_regression":
        # Least squares by numpy's polynomial fit of the regenerated examples.
        defaults = {"n_points": 50, "noise": 0.5, "seed": 0}
        data = _examples(name, **{**defaults, **params})
        slope, intercept = np.polyfit(data.x[:, 0], data.y, 1)
        residual = slope * data.x[:, 0] + intercept - data.y
        return [(slope, intercept)], float(np.mean(residual**2)), 1e-9, 1e-12
    if name == "logistic_regression":
        # An independent quasi-Newton solve of the twin, complex-step gradients.
        f = twin(name, params)
        found = minimize(
            lambda w: f(*w),
            np.zeros(2),
            jac=lambda w: twin_grad(name, params, *w),
            method="BFGS",
            options={"gtol": 1e-12},
        ).x
        return [tuple(found)], float(f(*found)), 1e-6, 1e-10
    table = {
        "beale": ([(3.0, 0.5)], 0.0, 1e-9, 1e-12),
        "booth": ([(1.0, 3.0)], 0.0, 1e-9, 1e-12),
        "goldstein_price": ([(0.0, -1.0)], 3.0, 1e-9, 1e-9),
        "himmelblau": (
            [
                (3.0, 2.0),
                (-2.805118, 3.131312),
                (-3.779310, -3.283186),
                (3.584428, -1.848126),
            ],
            0.0,
            1e-6,
            1e-9,
        ),
        "six_hump_camel": ([(0.0898, -0.7126), (-0.0898, 0.7126)], -1.0316, 1e-4, 1e-4),
        "rastrigin": ([(0.0, 0.0)], 0.0, 1e-9, 1e-12),
        "ackley": ([(0.0, 0.0)], 0.0, 1e-9, 1e-12),
        "styblinski_tang": ([(-2.903534, -2.903534)], -78.33233, 1e-6, 1e-5),
        # 1/(1+e^{20x}) has slope ~20e^{-40} at x=2: the minimum is (2, 0) to 1e-15.
        "plateau": ([(2.0, 0.0)], 0.0, 1e-6, 1e-12),
    }
    return table[name]


@pytest.mark.parametrize("name", sorted(SADDLES))
def test_saddles_are_unbounded_below(name):
    s = surface(name, {})
    assert s.minima.shape == (0, 2)
    assert s.min_value == -math.inf
    # The origin is their critical point: f = x^2 - y^2 has Hessian diag(2, -2),
    # f = x^3 - 3xy^2 has a zero Hessian.
    assert s.grad(0.0, 0.0) == (0.0, 0.0)
    expected = np.diag([2.0, -2.0]) if name == "saddle" else np.zeros((2, 2))
    np.testing.assert_allclose(s.hessian(0.0, 0.0), expected, atol=1e-14)


def test_the_registered_mlp_slice_is_a_trained_networks_loss():
    untrained = surface("mlp_slice", {"train_steps": 0, "init_seed": 3})
    model = landscapes.MLP((16, 16), "tanh")
    data = landscapes.datasets.make("moons", n_points=200, noise=0.2, seed=0)
    np.testing.assert_array_equal(untrained.center, model.init(3))
    assert untrained.value(0.0, 0.0) == pytest.approx(model.loss(model.init(3), data))
    trained = surface("mlp_slice", {})
    assert trained.value(0.0, 0.0) < 0.5 * untrained.value(0.0, 0.0)  # it learned
    assert trained.minima.shape == (0, 2) and trained.min_value == 0.0  # BCE's infimum


def test_logistic_regression_on_separable_classes_lists_no_minimum():
    # With no label noise a line through the origin splits the classes, so the loss
    # falls towards its infimum 0 along a ray and has no minimizer.
    s = surface("logistic_regression", {"noise": 0.0})
    data = s.data
    margin = (data.x @ np.array(landscapes.datasets.LOGISTIC_WEIGHTS)) * (
        2 * data.y - 1
    )
    assert margin.min() > 0  # separable indeed
    assert s.minima.shape == (0, 2) and s.min_value == 0.0
    w = np.array(landscapes.datasets.LOGISTIC_WEIGHTS)
    assert s.value(*(10 * w)) < s.value(*(5 * w)) < s.value(*w)


@pytest.mark.parametrize(("name", "params"), MINIMUM_CASES, ids=MINIMUM_IDS)
def test_minima_match_literature(name, params):
    s = surface(name, params)
    points, value, loc_tol, val_tol = literature(name, params)
    assert s.minima.shape == (len(points), 2)
    for p in points:
        distance = np.abs(s.minima - np.array(p)).max(axis=1).min()
        assert distance <= loc_tol, f"literature minimum {p} not listed: {s.minima}"
    assert s.min_value == pytest.approx(value, abs=val_tol)


@pytest.mark.parametrize(("name", "params"), MINIMUM_CASES, ids=MINIMUM_IDS)
def test_listed_minima_are_stationary_with_min_value(name, params):
    s = surface(name, params)
    (x0, x1), (y0, y1) = s.bounds
    assert len(s.minima) >= 1
    for x, y in s.minima:
        assert x0 <= x <= x1 and y0 <= y <= y1
        assert s.value(x, y) == pytest.approx(s.min_value, abs=1e-6)
        assert twin(name, params)(x, y) == pytest.approx(s.min_value, abs=1e-6)
        assert math.hypot(*s.grad(x, y)) < 1e-6, f"grad at ({x}, {y}) = {s.grad(x, y)}"
        if name == "ackley":
            continue  # a cone point: no Hessian exists at the minimum
        eigenvalues = np.linalg.eigvalsh(s.hessian(x, y))
        assert eigenvalues.min() >= -1e-8 * max(1.0, abs(eigenvalues).max())


@pytest.mark.parametrize(("name", "params"), MINIMUM_CASES, ids=MINIMUM_IDS)
def test_listed_minima_agree_with_independent_solve(name, params):
    s = surface(name, params)
    f = twin(name, params)
    for p in s.minima:
        # Start a little off the listed point so the solver has to walk to it.
        found = polish(f, p + np.array([0.03, -0.02]))
        assert np.abs(found - p).max() < 1e-6, f"listed {p}, solver found {found}"
        assert f(*found) == pytest.approx(s.min_value, abs=1e-9)


@pytest.mark.parametrize(("name", "params"), MINIMUM_CASES, ids=MINIMUM_IDS)
def test_no_grid_point_below_min_value(name, params):
    s = surface(name, params)
    (x0, x1), (y0, y1) = s.bounds
    xs, ys = np.linspace(x0, x1, 801), np.linspace(y0, y1, 801)
    X, Y = np.meshgrid(xs, ys)
    Z = s.value(X, Y)
    assert np.isfinite(Z).all()
    assert Z.min() >= s.min_value - 1e-9, (
        f"f({X.flat[Z.argmin()]}, {Y.flat[Z.argmin()]}) = {Z.min()} < {s.min_value}"
    )
    # The best grid point is in the basin of a listed minimum: a local solve on the
    # twin from there lands on one.
    i = Z.argmin()
    found = polish(twin(name, params), (X.flat[i], Y.flat[i]))
    assert np.abs(s.minima - found).max(axis=1).min() < 1e-5


@pytest.mark.parametrize(("name", "params"), MINIMUM_CASES, ids=MINIMUM_IDS)
def test_every_global_minimum_is_listed(name, params):
    """Every grid local minimum that polishes down to min_value is a listed one."""
    s = surface(name, params)
    (x0, x1), (y0, y1) = s.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 401), np.linspace(y0, y1, 401))
    Z = s.value(X, Y)
    inner = Z[1:-1, 1:-1]
    n, m = Z.shape
    is_local_min = np.ones_like(inner, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                neighbour = Z[1 + di : n - 1 + di, 1 + dj : m - 1 + dj]
                is_local_min &= inner <= neighbour
    margin = min(1.0, 1e-2 * (Z.max() - Z.min()))
    rows, cols = np.nonzero(is_local_min & (inner <= s.min_value + margin))
    order = np.argsort(inner[rows, cols])[:50]
    f = twin(name, params)
    for r, c in zip(rows[order] + 1, cols[order] + 1, strict=True):
        found = polish(f, (X[r, c], Y[r, c]))
        if f(*found) <= s.min_value + 1e-8:
            distance = np.abs(s.minima - found).max(axis=1).min()
            assert distance < 1e-3, f"unlisted global minimum near {found}"


# --- bad input --------------------------------------------------------------------


def test_unknown_name():
    with pytest.raises(ValueError, match="no_such_surface") as info:
        landscapes.get("no_such_surface")
    for name in NAMES:
        assert name in str(info.value)


@pytest.mark.parametrize(
    ("name", "params", "parameter"),
    [
        ("rosenbrock", {"b": 0.0}, "b"),
        ("rosenbrock", {"b": -1.0}, "b"),
        ("rosenbrock", {"b": "steep"}, "b"),
        ("quadratic", {"condition_number": 0.5}, "condition_number"),
        ("quadratic", {"condition_number": -10.0}, "condition_number"),
        ("quadratic", {"condition_number": float("nan")}, "condition_number"),
        ("quadratic", {"kappa": 5.0}, "kappa"),
        ("rosenbrock", {"bogus_param": 1.0}, "bogus_param"),
        ("beale", {"rho": 1.0}, "rho"),
    ],
)
def test_bad_params(name, params, parameter):
    with pytest.raises(ValueError, match=rf"\b{parameter}\b"):
        landscapes.get(name, **params)


@pytest.mark.parametrize("name", landscapes.names())
def test_a_menu_title_is_the_built_surfaces_title(name):
    built = landscapes.get(name).title
    # a surface slow to build (the MLP slice) gives its menu title without the
    # details of how it was built: "…(2-16-16-1 on moons)" for "…(…, after 500 …)"
    assert built == landscapes.title(name) or built.startswith(
        landscapes.title(name).removesuffix(")") + ", "
    )


def in_fresh_python(script: str, **env) -> str:
    """What `script` prints in a new interpreter importing this tree (with `env`)."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_kernel_table_matches_the_registry():
    """The per-surface kernels are generated from _dispatch.MODULES and the runs'
    switch from IDS: both name exactly the registered surfaces, and each module
    defines what its kernels call."""
    from landscapes import _dispatch

    assert set(_dispatch.MODULES) == set(_dispatch.IDS) == set(landscapes.names())
    assert len(set(_dispatch.IDS.values())) == len(_dispatch.IDS)
    for name, module in _dispatch.MODULES.items():
        assert hasattr(module, "value_grad") and hasattr(module, "hessian"), name
        assert landscapes.get(name).lid == _dispatch.IDS[name]


def test_a_surface_compiles_its_own_kernels_only(tmp_path):
    """Drawing one surface on an empty cache compiles that surface's kernels, not
    another surface's (a switch over all 18 once cost 8 s here)."""
    script = (
        "import landscapes\n"
        "from landscapes import _dispatch\n"
        "booth = landscapes.get('booth')\n"
        "booth.grid(20); booth.value(0.5, 0.5); booth.hessian(0.5, 0.5)\n"
        "others = [_dispatch.surface_kernel(_dispatch.IDS[n], 'grid').signatures\n"
        "          for n in _dispatch.MODULES if n != 'booth']\n"
        "print(len(_dispatch.surface_kernel(booth.lid, 'grid').signatures),\n"
        "      sum(map(len, others)))\n"
    )
    assert in_fresh_python(script, NUMBA_CACHE_DIR=str(tmp_path)).split() == ["1", "0"]


@pytest.mark.parametrize("name", ["rosenbrock", "plateau", "logistic_regression"])
def test_a_surfaces_kernels_agree_with_the_functions_runs_take(name):
    """The grid and point kernels (pages, contours) and the first-class functions
    (the runs driver, the steps) are generated from the same module: the same
    numbers, bit for bit, and the same Hessians."""
    from landscapes import _dispatch

    surface = landscapes.get(name)
    x = np.linspace(-1.3, 1.1, 9)
    X, Y = np.meshgrid(x, x[::-1] * 0.7)
    xs, ys = X.ravel(), Y.ravel()
    out = [np.empty(xs.size) for _ in range(3)]
    evaluate, point, hessian = (
        f.dispatcher for f in _dispatch.surface_functions(surface.lid)
    )
    evaluate(surface.kernel_params, xs, ys, xs.size, *out)
    hxx, hxy, hyy = (np.empty(xs.size) for _ in range(3))
    hessian(surface.kernel_params, xs, ys, xs.size, hxx, hxy, hyy)
    np.testing.assert_array_equal(surface.hessian(X, Y).reshape(-1, 4)[:, 0], hxx)
    np.testing.assert_array_equal(surface.hessian(X, Y).reshape(-1, 4)[:, 1], hxy)
    np.testing.assert_array_equal(surface.hessian(X, Y).reshape(-1, 4)[:, 3], hyy)
    assert point(surface.kernel_params, xs[3], ys[3]) == (
        out[0][3],
        out[1][3],
        out[2][3],
    )
    f = surface.value(X, Y).ravel()
    gx, gy = (g.ravel() for g in surface.grad(X, Y))
    np.testing.assert_array_equal(f, out[0])
    np.testing.assert_array_equal(gx, out[1])
    np.testing.assert_array_equal(gy, out[2])
    for i in (0, 40):
        assert surface.value(xs[i], ys[i]) == out[0][i]


def test_landscapes_import_nothing_above_them():
    """The arrows run one way: landscapes <- optimizers <- ui <- pages."""
    import re

    upward = re.compile(r"^\s*(from|import)\s+(optimizers|ui|pages)\b", re.MULTILINE)
    for path in (ROOT / "landscapes").glob("*.py"):
        assert not upward.search(path.read_text()), path.name
    script = (
        "import sys, landscapes\n"
        "landscapes.get('rosenbrock').grid(5)\n"
        "landscapes.get('mlp_slice', train_steps=0).value(0.1, 0.2)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "             ('optimizers', 'ui', 'pages')))\n"
    )
    assert in_fresh_python(script).strip() == "[]"


def test_the_trained_slice_says_what_it_needs_without_the_optimizers():
    script = (
        "import landscapes\n"
        "try:\n"
        "    landscapes.get('mlp_slice')\n"
        "except ValueError as error:\n"
        "    print(error)\n"
    )
    assert "import optimizers first" in in_fresh_python(script)

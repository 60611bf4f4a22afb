"""BFGS, Nelder–Mead and Powell against scipy.optimize (1.17), their reference
implementation: iterate for iterate (scipy's ``callback`` after each iteration), the
iteration at which each stops (``converged_at``), and the state scipy exposes (the
final simplex, the direction set), on several surfaces, with default and non-default
tolerances.

The kernels transcribe scipy's operations in scipy's order and evaluate f with the
same compiled surface code scipy is given here (``Landscape.value``), so Nelder–Mead,
Powell and the Wolfe line search agree with scipy to the last bit on this machine
(asserted to 1e-13 relative). BFGS's 2x2 matrix products are the one difference:
NumPy hands them to BLAS, which on this machine fuses multiply-adds (the H update
and p = −Hg differ from plain products in the last bit in about half of the cases),
so BFGS agrees to round-off, and where round-off grows (Rosenbrock's valley) to
what that growth allows: see ``BFGS_TOLERANCE``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.optimize._linesearch as scipy_linesearch
from naive import bfgs as bfgs_oracle
from scipy.optimize import minimize
from scipy.optimize._linesearch import line_search_wolfe1
from scipy.optimize._optimize import _line_search_wolfe12, _LineSearchError

import landscapes
import optimizers
from landscapes import _dispatch
from optimizers import wolfe

STEPS = 1000  # more than any case needs: every run below stops on its own
ROUND_OFF = 1e-13


def _surface(name, params=None):
    return landscapes.get(name, **(params or {}))


def _scipy(surface, start, method, **options):
    """scipy's iterates (the start, then its callback point after each iteration) and
    its result. Passing maxiter lifts scipy's default evaluation budget; the
    kernels have neither (a run's steps are its limit)."""
    path = [np.array(start, dtype=np.float64)]

    def record(intermediate_result):
        path.append(intermediate_result.x.copy())

    def f(v):
        return surface.value(v[0], v[1])

    def jac(v):
        return np.array(surface.grad(v[0], v[1]))

    result = minimize(
        f,
        np.array(start, dtype=np.float64),
        jac=jac if method == "BFGS" else None,
        method=method,
        callback=record,
        options={"maxiter": STEPS, **options},
    )
    return np.array(path), result


def _assert_paths_equal(ours, theirs, rtol, label):
    assert ours.shape == theirs.shape, label
    scale = np.maximum(1.0, np.abs(theirs))
    error = np.abs(ours - theirs) / scale
    worst = int(error.max(axis=1).argmax())
    assert error.max() <= rtol, (
        f"{label}: {error.max():.2e} at iterate {worst}: {ours[worst].tolist()} vs "
        f"{theirs[worst].tolist()}"
    )


# ----------------------------------------------------------------------------- BFGS

# Relative tolerance on the path per surface. Rosenbrock's valley amplifies
# round-off: scipy's own path, started one ulp away (x₀ · (1 + 2⁻⁵²)), moves by up
# to 3e-10 on the way; ours, whose 2x2 products differ from BLAS's in the last bit
# at every step, by up to 6e-9 (measured, default start).
BFGS_TOLERANCE = {"rosenbrock": 2e-8}

BFGS_CASES = [
    ("rosenbrock", None, (-1.5, 2.0), {}),
    ("rosenbrock", None, (-1.2, 1.0), {}),
    ("rosenbrock", None, (-1.5, 2.0), {"c1": 0.3, "c2": 0.4}),
    ("rosenbrock", None, (-1.5, 2.0), {"gtol": 1e-3, "xrtol": 1e-2}),
    ("quadratic", {"condition_number": 100.0, "angle": -1.0}, (2.0, 1.0), {}),
    ("quadratic", {"condition_number": 1000.0, "angle": 2.5}, (-1.0, -2.0), {}),
    ("himmelblau", None, (0.0, 0.0), {}),
    ("himmelblau", None, (-4.0, 4.5), {"c1": 0.01, "c2": 0.1}),
    ("beale", None, (1.0, 1.5), {}),
    ("beale", None, (1.0, 1.5), {"xrtol": 1e-3}),
    ("goldstein_price", None, (-1.0, 1.5), {}),
    ("six_hump_camel", None, (1.5, 1.0), {"gtol": 1e-8}),
    # line searches where dcsrch fails and the zoom search finds the step
    ("ackley", None, (2.0, 2.0), {}),
    ("goldstein_price", None, (1.0, -0.25), {"gtol": 1e-12}),
    # unbounded below: both line searches fail and BFGS stops ("precision loss")
    ("saddle", None, (0.783, -1.218), {}),
    ("saddle", None, (1.887, 0.685), {"c1": 0.3, "c2": 0.4}),
]


def _bfgs_id(case):
    name, params, start, options = case
    return f"{name}-{start}-{options or 'defaults'}"


@pytest.mark.parametrize("case", BFGS_CASES, ids=[_bfgs_id(c) for c in BFGS_CASES])
def test_bfgs_follows_scipy_and_stops_at_its_iteration(case):
    name, params, start, options = case
    surface = _surface(name, params)
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # the saddle's f → -inf
        theirs, result = _scipy(surface, start, "BFGS", **options)
    ours = optimizers.run("bfgs", surface, start=start, steps=STEPS, **options)
    assert ours.diverged_at is None
    # The same number of iterations: to gtol (status 0), to xrtol, or to a line
    # search that finds no step (status 2).
    assert result.status in (0, 2)
    assert ours.converged_at == result.nit
    _assert_paths_equal(
        ours.path, theirs, BFGS_TOLERANCE.get(name, 1e-12), _bfgs_id(case)
    )


@pytest.mark.parametrize(
    ("name", "start"), [("beale", (1.0, 1.5)), ("himmelblau", (0.0, 0.0))]
)
def test_bfgs_inverse_hessian_is_scipys(name, start):
    """H_k after k iterations (scipy's hess_inv with maxiter=k), read through our
    state p_k = −H_k g_k (H_k itself is internal)."""
    surface = _surface(name)
    ours = optimizers.run("bfgs", surface, start=start, steps=STEPS, record_state=True)
    for k in range(1, ours.converged_at):
        result = minimize(
            lambda v: surface.value(v[0], v[1]),
            np.array(start),
            jac=lambda v: np.array(surface.grad(v[0], v[1])),
            method="BFGS",
            options={"maxiter": k},
        )
        expected = -result.hess_inv @ np.array(surface.grad(*ours.path[k]))
        error = np.abs(ours.state["direction"][k] - expected).max()
        assert error <= 1e-12 * np.abs(expected).max(), k


@pytest.mark.parametrize(
    ("name", "start", "gtol"),
    [("ackley", (2.0, 2.0), 1e-5), ("goldstein_price", (1.0, -0.25), 1e-12)],
)
def test_bfgs_where_the_zoom_search_takes_over(monkeypatch, name, start, gtol):
    """Line searches where dcsrch fails and scipy's zoom search finds the step;
    BFGS goes on to converge, ours with it."""
    found = []
    scipy_zoom = scipy_linesearch._zoom

    def counted_zoom(*args, **kwargs):
        found.append(scipy_zoom(*args, **kwargs)[0] is not None)
        return scipy_zoom(*args, **kwargs)

    monkeypatch.setattr(scipy_linesearch, "_zoom", counted_zoom)
    surface = _surface(name)
    theirs, result = _scipy(surface, start, "BFGS", gtol=gtol)
    assert result.status == 0
    assert found == [True]
    ours = optimizers.run("bfgs", surface, start=start, steps=STEPS, gtol=gtol)
    assert ours.converged_at == result.nit
    _assert_paths_equal(ours.path, theirs, 1e-12, name)


def test_the_bfgs_oracle_at_lr_1_is_scipys_bfgs_bit_for_bit():
    """tests/naive.bfgs (scipy's loop with an lr) is scipy's BFGS at lr = 1, so
    test_optimizers_match's comparisons at other lrs and schedules are against
    scipy's algorithm."""
    for name, params, start, options in BFGS_CASES:
        if name == "saddle":  # f overflows; scipy warns
            continue
        surface = _surface(name, params)
        theirs, _ = _scipy(surface, start, "BFGS", **options)
        oracle = bfgs_oracle(surface, start, STEPS, **options)
        np.testing.assert_array_equal(oracle.path, theirs)


# The Wolfe line search alone, against scipy's on the same inputs: random points,
# directions (steepest descent, quasi-Newton-like, and random, some uphill), previous
# values (which set the first trial step) and constants.
LINE_SEARCH_SURFACES = [
    "rosenbrock",
    "beale",
    "himmelblau",
    "goldstein_price",
    "rastrigin",
    "saddle",
]


def test_wolfe_line_search_is_scipys(monkeypatch):
    zooms = []
    scipy_zoom = scipy_linesearch._zoom

    def counted_zoom(*args, **kwargs):
        zooms.append(1)
        return scipy_zoom(*args, **kwargs)

    monkeypatch.setattr(scipy_linesearch, "_zoom", counted_zoom)
    rng = np.random.default_rng(3)
    seen = {"dcsrch": 0, "second search": 0, "no step": 0, "zoom": 0}
    for name in LINE_SEARCH_SURFACES:
        surface = _surface(name)
        point = _dispatch.surface_functions(surface.lid)[1].value()

        def f(v, surface=surface):
            return surface.value(v[0], v[1])

        def fprime(v, surface=surface):
            return np.array(surface.grad(v[0], v[1]))

        (x0, x1), (y0, y1) = surface.bounds
        for trial in range(120):
            x = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
            g = fprime(x)
            f0 = f(x)
            if trial % 3 == 0:
                d = -g
            elif trial % 3 == 1:
                A = rng.normal(size=(2, 2))
                d = -(A @ A.T + 0.1 * np.eye(2)) @ g
            else:
                d = rng.normal(size=2) * np.linalg.norm(g)
            spread = [0.5 * np.linalg.norm(g), rng.normal() * abs(f0), 1e-8, -1.0]
            previous = f0 + spread[trial % 4]
            c1, c2 = [(1e-4, 0.9), (0.3, 0.4), (0.01, 0.1)][int(rng.integers(3))]
            before = len(zooms)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                first = line_search_wolfe1(
                    f,
                    fprime,
                    x,
                    d,
                    g,
                    f0,
                    previous,
                    c1=c1,
                    c2=c2,
                    amin=1e-100,
                    amax=1e100,
                )[0]
                try:
                    found = _line_search_wolfe12(
                        f,
                        fprime,
                        x,
                        d,
                        g,
                        f0,
                        previous,
                        amin=1e-100,
                        amax=1e100,
                        c1=c1,
                        c2=c2,
                    )
                except _LineSearchError:
                    found = None
            ok, alpha, value = wolfe.line_search_wolfe12(
                point,
                surface.kernel_params,
                x[0],
                x[1],
                d[0],
                d[1],
                f0,
                float(np.dot(g, d)),
                previous,
                c1,
                c2,
            )
            label = f"{name} trial {trial}"
            assert ok == (found is not None), label
            seen["zoom"] += len(zooms) > before
            if found is None:
                seen["no step"] += 1
                continue
            assert alpha == pytest.approx(found[0], rel=ROUND_OFF, abs=0), label
            assert value == pytest.approx(found[3], rel=ROUND_OFF, abs=0), label
            seen["dcsrch" if first is not None else "second search"] += 1
    # Every way out was taken: dcsrch's step, the second search's after dcsrch
    # failed, no step; and the zoom ran (test_bfgs_zoom_search_takes_over has one
    # that succeeds).
    assert min(seen.values()) >= 5, seen


# ----------------------------------------------------------------------- Nelder–Mead

NELDER_MEAD_CASES = [
    ("rosenbrock", None, (-1.5, 2.0), {}),
    ("rosenbrock", None, (-1.2, 1.0), {"xatol": 1e-8, "fatol": 1e-10}),
    ("quadratic", {"condition_number": 100.0, "angle": -1.0}, (2.0, 1.0), {}),
    ("quadratic", {"condition_number": 10.0, "angle": 0.4}, (0.0, 2.0), {}),
    ("himmelblau", None, (-1.0, 1.0), {"xatol": 1e-2, "fatol": 1e-1}),
    # the first simplex is already within these tolerances: no iteration
    ("himmelblau", None, (0.0, 0.0), {"xatol": 1e-2, "fatol": 1e-1}),
    ("beale", None, (1.0, 1.5), {"adaptive": True}),
    ("goldstein_price", None, (-1.0, 1.5), {}),
    ("six_hump_camel", None, (1.5, 1.0), {"xatol": 1e-10, "fatol": 1e-12}),
    ("rastrigin", None, (2.2, -1.3), {}),
    # zero tolerances: on until the simplex collapses to round-off (~150 iterations)
    ("beale", None, (1.0, 1.5), {"xatol": 0.0, "fatol": 0.0}),
    ("himmelblau", None, (0.0, 0.0), {"xatol": 0.0, "fatol": 0.0}),
]


def _id(case):
    name, _, start, options = case
    return f"{name}-{start}-{options or 'defaults'}"


@pytest.mark.parametrize(
    "case", NELDER_MEAD_CASES, ids=[_id(c) for c in NELDER_MEAD_CASES]
)
def test_nelder_mead_follows_scipy_and_stops_at_its_iteration(case):
    name, params, start, options = case
    surface = _surface(name, params)
    theirs, result = _scipy(surface, start, "Nelder-Mead", **options)
    ours = optimizers.run(
        "nelder_mead", surface, start=start, steps=STEPS, record_state=True, **options
    )
    assert result.status == 0
    # scipy counts its iterations from 1 (nit = iterations + 1).
    assert ours.converged_at == result.nit - 1 == len(theirs) - 1
    _assert_paths_equal(ours.path, theirs, ROUND_OFF, _id(case))
    if ours.converged_at == 0:
        return  # no state recorded: the path is the start alone
    # The final simplex, vertices in the order of f, and the best vertex is the path.
    simplex = np.stack([ours.state[f"vertex_{j}"][-1] for j in (1, 2, 3)])
    np.testing.assert_allclose(simplex, result.final_simplex[0], rtol=ROUND_OFF)
    np.testing.assert_array_equal(ours.state["vertex_1"], ours.path[1:])


def test_nelder_mead_simplex_after_every_iteration_is_scipys():
    """scipy's final simplex with maxiter = k + 1 (k iterations) against our state
    after step k, for every k up to convergence, on two surfaces."""
    for name, start in [("rosenbrock", (-1.5, 2.0)), ("himmelblau", (0.0, 0.0))]:
        surface = _surface(name)
        ours = optimizers.run(
            "nelder_mead", surface, start=start, steps=STEPS, record_state=True
        )
        for k in range(ours.converged_at):
            result = minimize(
                lambda v, surface=surface: surface.value(v[0], v[1]),
                np.array(start),
                method="Nelder-Mead",
                options={"maxiter": k + 2},
            )
            simplex = np.stack([ours.state[f"vertex_{j}"][k] for j in (1, 2, 3)])
            np.testing.assert_allclose(
                simplex, result.final_simplex[0], rtol=ROUND_OFF, err_msg=f"k={k}"
            )


def test_nelder_mead_adaptive_changes_nothing_in_two_dimensions():
    """Gao and Han's coefficients for n = 2 are the standard (1, 2, ½, ½)."""
    surface = _surface("beale")
    plain = optimizers.run("nelder_mead", surface, start=(1.0, 1.5), steps=STEPS)
    adaptive = optimizers.run(
        "nelder_mead", surface, start=(1.0, 1.5), steps=STEPS, adaptive=True
    )
    np.testing.assert_array_equal(plain.path, adaptive.path)
    assert plain.converged_at == adaptive.converged_at


def test_nelder_mead_first_simplex_is_scipys_with_a_zero_coordinate():
    """scipy's first simplex scales each coordinate by 1.05, or sets it to 0.00025
    where it is 0: from (0, 2), the vertices (0, 2), (0.00025, 2), (0, 2.1)."""
    surface = _surface("quadratic", {"condition_number": 10.0, "angle": 0.4})
    ours = optimizers.run("nelder_mead", surface, start=(0.0, 2.0), steps=1)
    theirs, _ = _scipy(surface, (0.0, 2.0), "Nelder-Mead", maxiter=2)
    np.testing.assert_array_equal(ours.path, theirs)


# --------------------------------------------------------------------------- Powell

POWELL_CASES = [
    ("rosenbrock", None, (-1.5, 2.0), {}),
    ("rosenbrock", None, (-1.2, 1.0), {"xtol": 1e-8, "ftol": 1e-12}),
    ("quadratic", {"condition_number": 100.0, "angle": -1.0}, (2.0, 1.0), {}),
    ("himmelblau", None, (0.0, 0.0), {}),
    ("beale", None, (1.0, 1.5), {}),
    ("beale", None, (1.0, 1.5), {"xtol": 1e-2, "ftol": 1e-6}),
    ("goldstein_price", None, (-1.0, 1.5), {}),
    ("six_hump_camel", None, (1.5, 1.0), {"ftol": 1e-10}),
    ("styblinski_tang", None, (0.3, -4.0), {}),
    # 921 iterations to stop (ftol 0: until an iteration gains nothing)
    ("beale", None, (1.0, 1.5), {"xtol": 1e-10, "ftol": 0.0}),
]


@pytest.mark.parametrize("case", POWELL_CASES, ids=[_id(c) for c in POWELL_CASES])
def test_powell_follows_scipy_and_stops_at_its_iteration(case):
    name, params, start, options = case
    surface = _surface(name, params)
    theirs, result = _scipy(surface, start, "Powell", **options)
    ours = optimizers.run(
        "powell", surface, start=start, steps=STEPS, record_state=True, **options
    )
    assert result.status == 0
    assert ours.converged_at == result.nit == len(theirs) - 1
    _assert_paths_equal(ours.path, theirs, ROUND_OFF, _id(case))
    final = np.stack([ours.state["direction_1"][-1], ours.state["direction_2"][-1]])
    np.testing.assert_allclose(final, result.direc, rtol=ROUND_OFF)


def test_powell_direction_set_after_every_iteration_is_scipys():
    """scipy's direc after k iterations (maxiter = k: it stops before that
    iteration's extrapolation) is the set our iteration k searched, i.e. the state
    after step k − 1; on Beale the set changes many times."""
    surface = _surface("beale")
    start = (1.0, 1.5)
    ours = optimizers.run(
        "powell", surface, start=start, steps=STEPS, record_state=True
    )
    changes = 0
    for k in range(1, ours.converged_at + 1):
        result = minimize(
            lambda v: surface.value(v[0], v[1]),
            np.array(start),
            method="Powell",
            options={"maxiter": k},
        )
        ours_k = np.stack(
            [ours.state["direction_1"][k - 1], ours.state["direction_2"][k - 1]]
        )
        np.testing.assert_allclose(ours_k, result.direc, rtol=ROUND_OFF, err_msg=k)
        changes += k > 1 and not np.array_equal(
            ours_k, [ours.state["direction_1"][k - 2], ours.state["direction_2"][k - 2]]
        )
    assert changes >= 10


@pytest.mark.parametrize(
    ("name", "start"), [("beale", (1.0, 1.5)), ("rosenbrock", (-1.5, 2.0))]
)
def test_powell_probes_lie_on_the_iterations_line_searches(name, start):
    """iteration_start → after_first_search along direction_1, then → the iterate
    along direction_2; iteration_start is the previous iterate, or a point on the
    line through it along its displacement (the extrapolation's search)."""
    surface = _surface(name)
    ours = optimizers.run(
        "powell", surface, start=start, steps=STEPS, record_state=True
    )
    state = ours.state
    moved = 0
    for k in range(ours.converged_at):
        begin = state["iteration_start"][k]
        middle = state["after_first_search"][k]
        end = ours.path[k + 1]
        for a, b, u in (
            (begin, middle, state["direction_1"][k]),
            (middle, end, state["direction_2"][k]),
        ):
            # b = a + αu to rounding: b − a is off αu by an ulp of the points
            cross = (b - a)[0] * u[1] - (b - a)[1] * u[0]
            scale = np.abs(a).max() + np.abs(b).max()
            assert abs(cross) <= 1e-15 * scale * np.abs(u).sum(), (k, cross)
        if not np.array_equal(begin, ours.path[k]):
            moved += 1
            # the extrapolation searched along θ_k − θ_{k−1}
            step = ours.path[k] - ours.path[k - 1]
            shift = begin - ours.path[k]
            cross = shift[0] * step[1] - shift[1] * step[0]
            scale = np.abs(begin).max() + np.abs(ours.path[k]).max()
            assert abs(cross) <= 1e-15 * scale * np.abs(step).sum(), (k, cross)
    assert moved >= 2


# ---------------------------------------------------------------- long runs, no stop


@pytest.mark.parametrize(
    ("optimizer", "method", "name", "start", "options", "maxiter"),
    [
        # scipy counts Nelder–Mead's iterations from 1: maxiter = steps + 1
        ("nelder_mead", "Nelder-Mead", "rosenbrock", (-1.5, 2.0),
         {"xatol": 0.0, "fatol": 0.0}, 301),
        ("nelder_mead", "Nelder-Mead", "goldstein_price", (-1.0, 1.5),
         {"xatol": 0.0, "fatol": 0.0, "adaptive": True}, 301),
        ("powell", "Powell", "beale", (-4.0, 4.0), {"ftol": 1e-12}, 300),
    ],
)  # fmt: skip
def test_300_iterations_without_a_stop_are_scipys(
    optimizer, method, name, start, options, maxiter
):
    """300 steps where neither stops: scipy runs out of iterations (status 2)."""
    surface = _surface(name)
    theirs, result = _scipy(surface, start, method, **{**options, "maxiter": maxiter})
    ours = optimizers.run(optimizer, surface, start=start, steps=300, **options)
    assert result.status == 2 and len(theirs) == 301
    assert ours.converged_at is None
    _assert_paths_equal(ours.path, theirs, ROUND_OFF, f"{optimizer} on {name}")

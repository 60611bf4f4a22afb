"""optimizers.stability against independent derivations and measured runs.

The oracles:

* the iteration matrices, built here by applying a transcription of each published
  update (torch.optim.SGD's step; the lecture notes' ΔW form and its look-ahead
  Nesterov variant) to the basis vectors of (θ, buffer) on one eigen-direction, and
  their eigenvalues by numpy.linalg.eigvals, not by the module's formulas;
* measured planes: `optimizers.sweep` over (lr, momentum) and friends on eccentric
  quadratics, cell by cell, where a run converges or diverges;
* measured rates: a least-squares fit of log‖θₜ‖ over the late steps of a real run;
* closed forms: the rotated quadratic's eigen-pairs, the linear net's Hessian at a
  minimum, numpy.linalg.eigvalsh of Hessians written out here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscapes
import optimizers
from optimizers import stability

# --- the oracle: transcribed updates and their matrices --------------------------------


def torch_sgd_step(
    state, lr, eigenvalue, momentum, dampening=0.0, weight_decay=0.0, nesterov=False
):
    """One step of torch.optim.SGD (after its first) on f = ½λθ², state (θ, buf)."""
    theta, buffer = state
    gradient = eigenvalue * theta + weight_decay * theta
    buffer = momentum * buffer + (1 - dampening) * gradient
    direction = gradient + momentum * buffer if nesterov else buffer
    return np.array([theta - lr * direction, buffer])


def lecture_momentum_step(state, lr, eigenvalue, momentum, nesterov=False):
    """optimizers.momentum's rule: ΔW ← βΔW - lr·∇f(W [+ βΔW]); W ← W + ΔW."""
    w, velocity = state
    at = w + momentum * velocity if nesterov else w
    velocity = momentum * velocity - lr * eigenvalue * at
    return np.array([w + velocity, velocity])


def matrix_of(step, **settings):
    """The linear map `step` as a matrix: its images of the basis vectors."""
    return np.column_stack([step(e, **settings) for e in np.eye(2)])


def radius_of(step, eigenvalues, **settings):
    """max over eigenvalues of the iteration matrix's largest |eigenvalue|."""
    return max(
        np.abs(np.linalg.eigvals(matrix_of(step, eigenvalue=lam, **settings))).max()
        for lam in eigenvalues
    )


def torch_radius(lr, momentum, eigenvalues, **settings):
    return radius_of(torch_sgd_step, eigenvalues, lr=lr, momentum=momentum, **settings)


def transcribed_radius_on(h, beta, nesterov):
    """torch_radius at lr = h/λ on every cell of the (h, β) arrays."""
    radius = np.empty(h.shape)
    for index in np.ndindex(h.shape):
        radius[index] = torch_radius(
            h[index] / LAMBDA, beta[index], [LAMBDA], nesterov=nesterov
        )
    return radius


# A dense (h, β) grid; λ = 2.5 so that lr = h/λ is not h itself.
LAMBDA = 2.5
H_GRID = np.linspace(0.0, 5.0, 201)[1:]
BETA_GRID = np.linspace(0.0, 1.6, 81)


@pytest.mark.parametrize(
    ("method", "nesterov", "betas"),
    [
        ("gd", False, [0.0]),
        ("heavy_ball", False, BETA_GRID),
        ("nesterov", True, BETA_GRID),
    ],
)
def test_spectral_radius_is_the_transcribed_updates(method, nesterov, betas):
    for beta in betas:
        lr = H_GRID / LAMBDA
        momentum = None if method == "gd" else beta
        predicted = stability.iteration_spectral_radius(method, lr, momentum, LAMBDA)
        torch = [torch_radius(a, beta, [LAMBDA], nesterov=nesterov) for a in lr]
        lecture = [
            radius_of(
                lecture_momentum_step, [LAMBDA], lr=a, momentum=beta, nesterov=nesterov
            )
            for a in lr
        ]
        # A double root (the critical damping curve) is found by eigvals to ~√eps.
        np.testing.assert_allclose(predicted, torch, rtol=0, atol=1e-6)
        np.testing.assert_allclose(predicted, lecture, rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    ("region", "nesterov"),
    [
        (stability.heavy_ball_converges, False),
        (stability.nesterov_converges, True),
    ],
)
def test_region_is_where_the_transcribed_radius_is_below_one(region, nesterov):
    h, beta = np.meshgrid(H_GRID, BETA_GRID)
    radius = transcribed_radius_on(h, beta, nesterov)
    away = np.abs(radius - 1) > 1e-6  # off the boundary, where eigvals decides
    predicted = region(h / LAMBDA, beta, LAMBDA)
    assert predicted.shape == h.shape
    assert away.mean() > 0.9 and predicted[away].any() and not predicted[away].all()
    np.testing.assert_array_equal(predicted[away], radius[away] < 1)


def test_gd_region_is_where_the_transcribed_radius_is_below_one():
    lr = H_GRID / LAMBDA
    radius = np.array([torch_radius(a, 0.0, [LAMBDA]) for a in lr])
    away = np.abs(radius - 1) > 1e-9
    np.testing.assert_array_equal(
        stability.gd_converges(lr, LAMBDA)[away], radius[away] < 1
    )
    assert stability.gd_lr_bound([0.5, LAMBDA, 1.0]) == 2 / LAMBDA
    assert stability.gd_lr_bound([-1.0, 0.0]) == math.inf


def test_the_published_boundaries_for_momentum_below_one():
    # The docstrings' closed forms, typed here: for 0 ≤ β < 1, heavy ball converges iff
    # 0 < h < 2(1 + β), Nesterov iff 0 < h < 2(1 + β)/(1 + 2β) (its third Jury
    # condition |β(1 - h)| < 1 is implied).
    h, beta = np.meshgrid(H_GRID, BETA_GRID[BETA_GRID < 1])
    for nesterov, bound in (
        (False, 2 * (1 + beta)),
        (True, 2 * (1 + beta) / (1 + 2 * beta)),
    ):
        radius = transcribed_radius_on(h, beta, nesterov)
        away = np.abs(radius - 1) > 1e-6
        np.testing.assert_array_equal((h < bound)[away], radius[away] < 1)


def test_several_eigenvalues_take_the_worst():
    eigenvalues = [0.3, 1.0, 4.0]
    lr, beta = np.linspace(0.01, 1.5, 40)[:, None], np.linspace(0, 0.95, 7)
    for method, region in (
        ("heavy_ball", stability.heavy_ball_converges),
        ("nesterov", stability.nesterov_converges),
    ):
        each = [
            stability.iteration_spectral_radius(method, lr, beta, e)
            for e in eigenvalues
        ]
        np.testing.assert_array_equal(
            stability.iteration_spectral_radius(method, lr, beta, eigenvalues),
            np.max(each, axis=0),
        )
        every = [region(lr, beta, e) for e in eigenvalues]
        np.testing.assert_array_equal(
            region(lr, beta, eigenvalues), np.all(every, axis=0)
        )
    np.testing.assert_array_equal(
        stability.gd_converges(lr, eigenvalues)[:, 0], lr[:, 0] < 2 / 4.0
    )


def test_a_negative_or_zero_eigenvalue_never_converges():
    lr = np.linspace(0.0, 3.0, 31)
    assert not stability.gd_converges(lr, [-1.0, 1.0]).any()
    assert not stability.heavy_ball_converges(lr, 0.5, [0.0, 1.0]).any()
    assert not stability.nesterov_converges(lr, 0.5, [1.0, -0.1]).any()


# --- measured planes ---------------------------------------------------------------------

KAPPA, ANGLE, START = 4.0, 0.6, (-2.5, 2.0)
QUADRATIC = landscapes.get("quadratic", condition_number=KAPPA, angle=ANGLE)
EIGENVALUES = (1.0, KAPPA)
STEPS = 3000
# Cells whose transcribed spectral radius ρ is within MARGIN of 1 are not judged: at
# ρ ≤ 1 - MARGIN the error falls by 0.98³⁰⁰⁰ ~ 1e-26 (the start's f is ~10, the
# tolerance 1e-6), at ρ ≥ 1 + MARGIN it grows by 1.02³⁰⁰⁰ ~ 1e26, past the 1e8 box.
MARGIN = 0.02


def judged_cells(radius, measured, predicted):
    """Compare the measured outcome and the prediction with ρ < 1, off the margin."""
    converging = radius <= 1 - MARGIN
    diverging = radius >= 1 + MARGIN
    assert converging.sum() > 50 and diverging.sum() > 50
    assert (converging | diverging).mean() > 0.75
    reached = measured.steps_to_tolerance >= 0
    blew_up = measured.diverged_at >= 0
    assert (reached & ~blew_up)[converging].all()
    assert blew_up[diverging].all()
    np.testing.assert_array_equal(predicted[converging], True)
    np.testing.assert_array_equal(predicted[diverging], False)
    return converging, diverging


def test_gd_line_measured():
    lr = np.linspace(0.005, 0.8, 160)
    measured = optimizers.sweep(
        "gd", QUADRATIC, start=START, steps=STEPS, grid={"lr": lr}
    )
    radius = np.array([torch_radius(a, 0.0, EIGENVALUES) for a in lr])
    predicted = stability.predicted_region("gd", {}, "lr", lr, None, None, EIGENVALUES)
    assert predicted.shape == (1, len(lr))
    judged_cells(radius, measured, predicted[0])


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_plane_measured(nesterov):
    lr = np.linspace(0.01, 1.2, 48)
    beta = np.linspace(0.0, 0.98, 50)
    measured = optimizers.sweep(
        "momentum",
        QUADRATIC,
        start=START,
        steps=STEPS,
        grid={"lr": lr, "momentum": beta},
        nesterov=nesterov,
    )  # shaped (lr, momentum)
    radius = np.array(
        [[torch_radius(a, b, EIGENVALUES, nesterov=nesterov) for b in beta] for a in lr]
    )
    predicted = stability.predicted_region(
        "momentum", {"nesterov": nesterov}, "lr", lr, "momentum", beta, EIGENVALUES
    )
    assert predicted.shape == (len(beta), len(lr))  # rows along y
    judged_cells(radius, measured, predicted.T)


def test_sgd_nesterov_plane_measured_past_momentum_one():
    # torch's SGD takes any momentum ≥ 0; Nesterov still converges for β ≥ 1 in the
    # band 1 - 1/β < h < 2(1 + β)/(1 + 2β).
    lr = np.linspace(0.01, 0.7, 40)
    beta = np.linspace(0.05, 1.6, 40)
    measured = optimizers.sweep(
        "sgd",
        QUADRATIC,
        start=START,
        steps=STEPS,
        grid={"lr": lr, "momentum": beta},
        momentum=0.5,  # torch checks Nesterov's momentum > 0 before the grid's
        nesterov=True,
    )
    radius = np.array(
        [[torch_radius(a, b, EIGENVALUES, nesterov=True) for b in beta] for a in lr]
    )
    predicted = stability.predicted_region(
        "sgd", {"nesterov": True}, "lr", lr, "momentum", beta, EIGENVALUES
    )
    converging, _ = judged_cells(radius, measured, predicted.T)
    assert converging[:, beta >= 1].any()  # the band is there, and measured


@pytest.mark.parametrize(
    ("y_name", "y_values", "fixed"),
    [
        ("weight_decay", np.linspace(0.0, 3.0, 40), {"momentum": 0.5}),
        ("dampening", np.linspace(0.0, 0.9, 40), {"momentum": 0.8}),
    ],
)
def test_sgd_planes_with_weight_decay_and_dampening_measured(y_name, y_values, fixed):
    lr = np.linspace(0.01, 1.5, 40)
    measured = optimizers.sweep(
        "sgd",
        QUADRATIC,
        start=START,
        steps=STEPS,
        grid={"lr": lr, y_name: y_values},
        **fixed,
    )
    radius = np.array(
        [
            [
                torch_radius(a, fixed["momentum"], EIGENVALUES, **{y_name: v})
                for v in y_values
            ]
            for a in lr
        ]
    )
    predicted = stability.predicted_region(
        "sgd", fixed, "lr", lr, y_name, y_values, EIGENVALUES
    )
    judged_cells(radius, measured, predicted.T)


def test_predicted_region_covers_only_what_the_theory_does():
    lr = np.linspace(0.1, 1.0, 5)
    assert stability.predicted_region("adam", {}, "lr", lr, "beta1", lr, [1.0]) is None
    assert stability.predicted_region("sgd", {}, "lr", lr, "eps", lr, [1.0]) is None
    assert (
        stability.predicted_region(
            "sgd", {"nesterov": True, "momentum": 0.5}, "lr", lr, "dampening", lr, [1.0]
        )
        is None
    )
    # Hyperparameters not given take the optimizer's defaults (momentum's β = 0.9).
    default = stability.predicted_region("momentum", {}, "lr", lr, None, None, [3.0])
    np.testing.assert_array_equal(
        default[0],
        lr * 3.0 < 2 * (1 + optimizers.spec("momentum").hyperparameters[1].default),
    )


# --- optimal steps and measured rates ----------------------------------------------------


def measured_rate(path, first, last):
    """exp of the least-squares slope of log‖θₜ‖ over steps first..last."""
    t = np.arange(first, last + 1)
    slope = np.polyfit(t, np.log(np.linalg.norm(path[first : last + 1], axis=1)), 1)[0]
    return math.exp(slope)


def test_optimal_heavy_ball_is_polyaks_and_measured():
    L, mu = 100.0, 1.0
    best = stability.optimal_heavy_ball(L, mu)
    assert best.lr == pytest.approx(4 / (10 + 1) ** 2, rel=1e-15)
    assert best.momentum == pytest.approx((9 / 11) ** 2, rel=1e-15)
    assert best.rate == pytest.approx(9 / 11, rel=1e-15)
    assert best.rate == pytest.approx(
        torch_radius(best.lr, best.momentum, [mu, L]), rel=1e-6
    )
    # Both extreme eigenvalues get a double root of modulus √β = rate.
    for lam in (mu, L):
        matrix = matrix_of(
            torch_sgd_step, lr=best.lr, eigenvalue=lam, momentum=best.momentum
        )
        np.testing.assert_allclose(
            np.abs(np.linalg.eigvals(matrix)), best.rate, rtol=1e-6
        )
    # Nothing on a grid around it does better.
    for lr in best.lr * np.linspace(0.8, 1.2, 21):
        for beta in best.momentum + np.linspace(-0.1, 0.1, 21):
            assert torch_radius(lr, beta, [mu, L]) >= best.rate - 1e-6
    surface = landscapes.get("quadratic", condition_number=L / mu, angle=0.3)
    run = optimizers.run(
        "momentum",
        surface,
        start=(-2.5, 2.0),
        steps=600,
        lr=best.lr,
        momentum=best.momentum,
    )
    # Double roots: ‖θₜ‖ ~ t·ρᵗ, whose log-slope over steps 300-600 is log ρ + ~1/450.
    assert measured_rate(run.path, 300, 600) == pytest.approx(best.rate, rel=0.01)


def test_optimal_gd_and_measured():
    L, mu = 100.0, 1.0
    best = stability.optimal_gd(L, mu)
    assert (best.lr, best.momentum) == (2 / 101, 0.0)
    assert best.rate == pytest.approx(99 / 101, rel=1e-15)
    assert abs(1 - best.lr * mu) == pytest.approx(abs(1 - best.lr * L), rel=1e-15)
    lrs = best.lr * np.linspace(0.5, 1.5, 101)
    assert stability.iteration_spectral_radius("gd", lrs, None, [mu, L]).min() >= (
        best.rate - 1e-12
    )
    surface = landscapes.get("quadratic", condition_number=L / mu, angle=0.3)
    run = optimizers.run("gd", surface, start=(-2.5, 2.0), steps=600, lr=best.lr)
    assert measured_rate(run.path, 100, 600) == pytest.approx(best.rate, rel=1e-3)


# --- curvature of landscapes -------------------------------------------------------------


@pytest.mark.parametrize(("kappa", "angle"), [(7.0, 0.4), (100.0, -1.2), (1.0, 0.0)])
def test_local_curvature_of_the_rotated_quadratic(kappa, angle):
    surface = landscapes.get("quadratic", condition_number=kappa, angle=angle)
    curvature = stability.local_curvature(surface, 0.7, -1.3)
    np.testing.assert_allclose(curvature.eigenvalues, [1.0, kappa], rtol=1e-12)
    assert curvature.condition_number == pytest.approx(kappa, rel=1e-12)
    assert curvature.lr_bound == pytest.approx(2 / kappa, rel=1e-12)
    if kappa != 1.0:  # H = R(α) diag(1, κ) R(α)ᵀ: eigenvectors are R(α)'s columns
        c, s = math.cos(angle), math.sin(angle)
        np.testing.assert_allclose(
            np.abs(curvature.eigenvectors.T @ np.array([[c, -s], [s, c]])),
            np.eye(2),
            atol=1e-12,
        )
    np.testing.assert_allclose(
        curvature.hessian @ curvature.eigenvectors,
        curvature.eigenvectors * curvature.eigenvalues,
        atol=1e-12,
    )


def test_local_curvature_of_saddles_and_flat_directions():
    saddle = stability.local_curvature(landscapes.get("saddle"), 0.3, 0.2)
    np.testing.assert_allclose(saddle.eigenvalues, [-2.0, 2.0])
    assert saddle.condition_number == 1.0 and saddle.lr_bound == 1.0
    flat = stability.local_curvature(landscapes.get("monkey_saddle"), 0.0, 0.0)
    assert flat.condition_number == math.inf and flat.lr_bound == math.inf
    net = stability.local_curvature(landscapes.get("linear_net"), 2.0, 0.5)
    np.testing.assert_allclose(net.eigenvalues, [0.0, 4.25], atol=1e-14)
    assert net.condition_number == math.inf
    assert net.lr_bound == pytest.approx(2 / 4.25, rel=1e-14)


def test_sharpness_along_is_the_largest_hessian_eigenvalue():
    path = np.array([[2.5, 0.1], [0.0, 0.0], [np.nan, np.nan], [-1.0, 3.0], [1.0, 1.0]])
    sharpness = stability.sharpness_along(landscapes.get("linear_net"), path)
    for (x, y), found in zip(path, sharpness, strict=True):
        if np.isnan(x):
            assert np.isnan(found)
            continue
        hessian = np.array([[y * y, 2 * x * y - 1], [2 * x * y - 1, x * x]])
        assert found == pytest.approx(np.linalg.eigvalsh(hessian)[-1], rel=1e-14)


def test_a_large_lr_run_on_the_linear_net_ends_below_the_edge_of_stability():
    surface = landscapes.get("linear_net")
    lr = 0.5
    run = optimizers.run("gd", surface, steps=2000, lr=lr)
    sharpness = stability.sharpness_along(surface, run.path)
    assert sharpness[0] > 2 / lr  # it starts where it cannot settle ...
    assert run.loss.max() > run.loss[0]  # ... the loss spikes (the catapult) ...
    assert sharpness[-1] < 2 / lr  # ... and it settles below the edge
    assert run.loss[-1] < 1e-20


@pytest.mark.parametrize("lr", [0.1, 0.3, 0.6, 0.9])
def test_every_converged_linear_net_run_ends_where_it_can_settle(lr):
    surface = landscapes.get("linear_net")
    grid = np.linspace(-2.5, 2.5, 20)
    starts = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)
    # A start exactly on the hyperbola has ∇f = 0 and stays put, stable or not.
    assert np.abs(1 - starts[:, 0] * starts[:, 1]).min() > 1e-3
    measured = optimizers.sweep("gd", surface, starts=starts, steps=3000, lr=lr)
    settled = measured.steps_to_tolerance >= 0
    assert settled.sum() > 20
    sharpness = stability.sharpness_along(surface, measured.final[settled])
    assert (lr * sharpness < 2).all(), (lr * sharpness).max()


def test_linear_net_stability_agrees_with_local_curvature():
    surface = landscapes.get("linear_net")
    t = np.concatenate([-np.geomspace(3, 1 / 3, 15), np.geomspace(1 / 3, 3, 15)])
    for lr in (0.2, 0.5, 0.9, 1.2):
        for x in t:
            bound = stability.local_curvature(surface, x, 1 / x).lr_bound
            assert stability.linear_net_stable(lr, x, 1 / x) == (lr < bound)
        radius = stability.linear_net_stability_radius(lr)
        if lr <= 1:  # the circle meets the hyperbola where x² = (r² ± √(r⁴ - 4))/2
            for sign in (1, -1):
                x = math.sqrt((radius**2 + sign * math.sqrt(radius**4 - 4)) / 2)
                curvature = stability.local_curvature(surface, x, 1 / x)
                assert curvature.lr_bound == pytest.approx(lr, rel=1e-12)
        else:  # every minimum is sharper than 2/lr
            assert not stability.linear_net_stable(lr, t, 1 / t).any()


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: stability.gd_converges(-0.1, [1.0]), "lr"),
        (lambda: stability.gd_converges(0.1, []), "eigenvalues"),
        (lambda: stability.gd_converges(0.1, [np.nan]), "eigenvalues"),
        (lambda: stability.heavy_ball_converges(0.1, -0.5, [1.0]), "momentum"),
        (lambda: stability.nesterov_converges(np.inf, 0.5, [1.0]), "lr"),
        (
            lambda: stability.iteration_spectral_radius("adam", 0.1, 0.0, [1.0]),
            "method",
        ),
        (
            lambda: stability.iteration_spectral_radius("gd", 0.1, 0.5, [1.0]),
            "momentum",
        ),
        (lambda: stability.optimal_heavy_ball(0.0, 1.0), "L"),
        (lambda: stability.optimal_gd(1.0, 2.0), "mu"),
        (
            lambda: stability.local_curvature(landscapes.get("saddle"), np.nan, 0),
            "point",
        ),
        (
            lambda: stability.sharpness_along(landscapes.get("saddle"), [1, 2, 3]),
            "path",
        ),
        (lambda: stability.linear_net_stability_radius(0.0), "lr"),
        (lambda: stability.linear_net_stable(-1.0, 1.0, 1.0), "lr"),
    ],
)
def test_bad_input_names_the_argument(call, word):
    with pytest.raises(ValueError, match=word):
        call()


@pytest.mark.parametrize(
    "optimizer, hyperparameters",
    [
        ("gd", {}),
        ("momentum", {"momentum": 0.9}),
        ("momentum", {"momentum": 0.6, "nesterov": True}),
        ("sgd", {"momentum": 0.5, "dampening": 0.3}),
        ("sgd", {"momentum": 0.7, "nesterov": True, "weight_decay": 0.2}),
    ],
)
def test_sharpness_limit_is_where_the_region_ends(optimizer, hyperparameters):
    lr = np.array([0.01, 0.1, 0.7])
    limit = stability.sharpness_limit(optimizer, hyperparameters, lr)
    for rate, edge in zip(lr, limit, strict=True):
        inside, outside = (
            stability.predicted_region(
                optimizer, hyperparameters, "lr", [rate], None, None, [edge * factor]
            )[0, 0]
            for factor in (0.999, 1.001)
        )
        assert inside and not outside


def test_sharpness_limit_is_none_where_the_theory_is_silent():
    assert stability.sharpness_limit("adam", {}, np.array([0.1])) is None
    assert (
        stability.sharpness_limit(
            "sgd", {"momentum": 0.5, "dampening": 0.5, "nesterov": True}, np.ones(1)
        )
        is None
    )

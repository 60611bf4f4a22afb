"""optimizers.planes: hyperparameter planes and basin maps, checked cell by cell
against single runs, closed forms and the literature's minima."""

import csv
import io
import math

import numpy as np
import pytest

import landscapes
import optimizers
from optimizers import planes
from optimizers.planes import Axis


def test_axis_values_are_even_or_geometric_between_the_ends():
    assert np.allclose(Axis("lr", 0.0, 1.0, 5).values, [0, 0.25, 0.5, 0.75, 1])
    assert np.allclose(
        Axis("lr", 1e-3, 1e1, 5, log=True).values, 10.0 ** np.arange(-3, 2)
    )


@pytest.mark.parametrize(
    "bad",
    [
        dict(low=0.0, high=1.0, resolution=4, log=True),  # log through 0
        dict(low=1.0, high=1.0, resolution=4),
        dict(low=0.0, high=math.inf, resolution=4),
        dict(low=0.0, high=1.0, resolution=planes.MAX_RESOLUTION + 1),
        dict(low=0.0, high=1.0, resolution=2.5),
    ],
)
def test_axis_rejects_what_it_cannot_draw(bad):
    with pytest.raises(ValueError, match="axis lr"):
        Axis("lr", **bad)


def test_a_plane_axis_must_be_a_numeric_hyperparameter():
    with pytest.raises(ValueError, match="allowed: lr, momentum"):
        planes.hyperparameter_plane(
            "momentum", "quadratic", Axis("nesterov", 0, 1, 2), Axis("lr", 0.1, 1, 2)
        )
    with pytest.raises(ValueError, match="must differ"):
        planes.hyperparameter_plane(
            "momentum", "quadratic", Axis("lr", 0.1, 1, 2), Axis("lr", 0.1, 1, 2)
        )


def _check_cells_against_runs(plane, cells):
    for row, col in cells:
        settings = plane.cell(row, col)
        single = optimizers.run(
            plane.optimizer,
            plane.landscape,
            start=settings["start"],
            steps=plane.steps,
            tolerance=plane.tolerance,
            **settings["hyperparameters"],
        )
        diverged = -1 if single.diverged_at is None else single.diverged_at
        reached = -1 if single.steps_to_tolerance is None else single.steps_to_tolerance
        assert plane.diverged_at[row, col] == diverged, (row, col)
        assert plane.steps_to_tolerance[row, col] == reached, (row, col)
        np.testing.assert_allclose(plane.final[row, col], single.final, rtol=1e-12)
        np.testing.assert_allclose(
            plane.final_loss[row, col], single.final_loss, rtol=1e-12
        )


def test_every_cell_of_a_hyperparameter_plane_is_the_run_it_names():
    # Non-square, so a transposed plane cannot pass; progress splits it into blocks.
    fractions = []
    plane = planes.hyperparameter_plane(
        "momentum",
        landscapes.get("quadratic", condition_number=20.0, angle=0.4),
        Axis("lr", 1e-3, 0.3, 7, log=True),
        Axis("momentum", 0.0, 0.95, 5),
        steps=150,
        progress=fractions.append,
    )
    assert plane.shape == (5, 7)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert plane.diverged.any() and (~plane.diverged).any()
    _check_cells_against_runs(plane, [(r, c) for r in range(5) for c in range(7)])
    whole = planes.hyperparameter_plane(
        "momentum",
        plane.landscape,
        plane.x,
        plane.y,
        steps=150,
    )
    np.testing.assert_array_equal(whole.final, plane.final)


def test_every_cell_of_a_basin_map_starts_where_it_is_drawn():
    plane = planes.basin_map(
        "adam",
        "himmelblau",
        Axis("x", -5.0, 5.0, 6),
        Axis("y", -4.0, 4.0, 3),
        steps=100,
        lr=0.1,
        progress=lambda fraction: None,
    )
    assert plane.shape == (3, 6)
    assert plane.cell(2, 0)["start"] == (-5.0, 4.0)
    np.testing.assert_allclose(
        plane.initial_loss[2, 0], landscapes.get("himmelblau").value(-5.0, 4.0)
    )
    _check_cells_against_runs(plane, [(r, c) for r in range(3) for c in range(6)])


def test_score_closed_forms():
    steps, tolerance = 100, 1e-6
    score = planes.convergence_score(
        initial_gap=np.array([1.0, 1.0, 1.0, 1.0, 1.0]),
        final_gap=np.array([0.0, np.nan, 1e-3, 2.0, 1.0]),
        steps_to_tolerance=np.array([25, -1, -1, -1, -1]),
        diverged_at=np.array([-1, 40, -1, -1, -1]),
        steps=steps,
        tolerance=tolerance,
    )
    # reached at 25: -T/(T+25); diverged at 40: T/(T+40); 3 of 6 decades in T steps
    # extrapolates to t = 2T: -1/3; a gap that grew, or stayed, is undecided: 0.
    np.testing.assert_allclose(score, [-100 / 125, 100 / 140, -1 / 3, 0.0, 0.0])


def test_score_changes_sign_at_gradient_descents_bound_on_a_quadratic():
    # GD on f = ½θᵀHθ with eigenvalues 1 and κ converges iff lr < 2/κ (closed form):
    # the momentum = 0 row of an lr x momentum plane of torch's SGD is GD.
    kappa = 10.0
    plane = planes.hyperparameter_plane(
        "sgd",
        landscapes.get("quadratic", condition_number=kappa),
        Axis("lr", 0.01, 0.4, 40, log=True),
        Axis("momentum", 0.0, 0.5, 2),
        steps=400,
    )
    lr = plane.x.values
    row = plane.score[0]
    clear = np.abs(lr * kappa - 2.0) > 0.05
    assert np.all((row < 0)[clear] == (lr < 2.0 / kappa)[clear])
    assert np.all((row > 0)[clear] == (lr > 2.0 / kappa)[clear])
    # Each coordinate contracts by its own factor: x_t = x0 (1 - lr)^t and
    # y_t = y0 (1 - lr·κ)^t, so the first step with f - f* ≤ tol has a closed form,
    # and with it the score -T / (T + t).
    (x0, y0), t = plane.start, np.arange(plane.steps + 1)[:, None]
    with np.errstate(over="ignore"):  # the diverging columns
        gap = 0.5 * (
            x0**2 * (1 - lr) ** (2 * t) + kappa * y0**2 * (1 - lr * kappa) ** (2 * t)
        )
    below = gap <= plane.tolerance
    reached = np.where(below.any(axis=0), below.argmax(axis=0), -1)
    assert (reached >= 0).sum() > 10
    np.testing.assert_array_equal(plane.steps_to_tolerance[0], reached)
    hit = reached >= 0
    np.testing.assert_allclose(row[hit], -plane.steps / (plane.steps + reached[hit]))


HIMMELBLAU_MINIMA = [  # Himmelblau (1972); the three without closed form to 6 digits
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
]


def test_basins_of_himmelblau_are_its_four_minima():
    plane = planes.basin_map(
        "gd",
        "himmelblau",
        Axis("x", -5, 5, 24),
        Axis("y", -5, 5, 24),
        steps=800,
        lr=0.01,
    )
    found = planes.basins(plane)
    points = sorted(m.point for m in found.minima)
    assert len(points) == 4
    np.testing.assert_allclose(points, sorted(HIMMELBLAU_MINIMA), atol=1e-5)
    assert all(m.is_global for m in found.minima)
    assert sum(m.count for m in found.minima) == (found.labels >= 0).sum()
    # Every labelled run ended next to its minimum.
    for label, minimum in enumerate(found.minima):
        ends = plane.final[found.labels == label]
        assert np.hypot(*(ends - minimum.point).T).max() < 0.2


def test_basins_of_six_hump_camel_are_its_six_minima():
    # Two global minima f = -1.0316284535 at ±(0.0898, -0.7126), four local ones.
    plane = planes.basin_map(
        "adam",
        "six_hump_camel",
        Axis("x", -2, 2, 40),
        Axis("y", -1, 1, 20),
        steps=1500,
        lr=0.01,
    )
    found = planes.basins(plane)
    assert len(found.minima) == 6
    globals_ = sorted(m.point for m in found.minima if m.is_global)
    np.testing.assert_allclose(
        globals_, [(-0.0898420, 0.7126564), (0.0898420, -0.7126564)], atol=1e-6
    )
    for minimum in found.minima:
        hessian = landscapes.get("six_hump_camel").hessian(*minimum.point)
        assert np.all(np.linalg.eigvalsh(hessian) > 0)
        if minimum.is_global:
            assert minimum.value == pytest.approx(-1.0316284535, abs=1e-9)


def test_diverged_runs_get_their_own_label():
    plane = planes.basin_map(
        "gd", "quadratic", Axis("x", -2, 2, 4), Axis("y", -2, 2, 4), steps=200, lr=0.3
    )  # lr·κ = 3 > 2: every start off the x axis diverges
    labels = planes.basins(plane).labels
    assert np.all(labels == planes.DIVERGED)


def test_sharpness_is_the_largest_hessian_eigenvalue():
    kappa = 7.0
    points = np.array([[0.0, 0.0], [1.0, -2.0], [np.nan, 0.0]])
    got = planes.sharpness(landscapes.get("quadratic", condition_number=kappa), points)
    np.testing.assert_allclose(got[:2], [kappa, kappa])
    assert np.isnan(got[2])
    # Rosenbrock at (1, 1): H = [[802, -400], [-400, 200]] (closed form).
    expected = np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]]))[-1]
    assert planes.sharpness("rosenbrock", np.array([1.0, 1.0])) == pytest.approx(
        expected
    )


def test_csv_has_every_cell_and_reads_back():
    plane = planes.hyperparameter_plane(
        "adam",
        "rosenbrock",
        Axis("lr", 1e-3, 1.0, 4, log=True),
        Axis("beta1", 0.0, 0.99, 3),
        steps=50,
    )
    rows = list(csv.DictReader(io.StringIO(plane.to_csv())))
    assert len(rows) == 12
    lr = np.array([float(r["lr"]) for r in rows]).reshape(3, 4)
    np.testing.assert_array_equal(lr, np.tile(plane.x.values, (3, 1)))
    loss = np.array([float(r["final_loss"]) for r in rows]).reshape(3, 4)
    np.testing.assert_array_equal(loss, plane.final_loss)
    diverged = np.array([int(r["diverged_at"]) for r in rows]).reshape(3, 4)
    np.testing.assert_array_equal(diverged, plane.diverged_at)


def test_a_map_where_no_run_ends_at_a_minimum_labels_every_start_unsettled():
    # The saddle x² - y² has no minimum: every run that stays finite is unsettled.
    plane = planes.basin_map(
        "gd", "saddle", Axis("x", -1, 1, 4), Axis("y", -1, 1, 4), steps=20, lr=0.01
    )
    found = planes.basins(plane)
    assert found.minima == []
    assert set(np.unique(found.labels)) <= {planes.UNSETTLED, planes.DIVERGED}


def test_a_tolerance_of_zero_scores_only_what_reached_it():
    with np.errstate(all="raise"):  # no warning may escape either
        score = planes.convergence_score(
            initial_gap=np.array([1.0, 1.0, 1.0]),
            final_gap=np.array([0.5, 0.0, 0.0]),
            steps_to_tolerance=np.array([-1, 7, -1]),
            diverged_at=np.array([-1, -1, -1]),
            steps=10,
            tolerance=0.0,
        )
    np.testing.assert_allclose(score, [0.0, -10 / 17, 0.0])

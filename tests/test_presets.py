"""Each Gallery preset shows the phenomenon its lesson promises, checked on the engine's
numbers with the preset's own settings (read through the same URL codec as the page)."""

import numpy as np
import pytest

import optimizers
from ui import codec
from ui import neural_net as nn
from ui import playground as pg
from ui import schedules as schedules_page
from ui import stochastic as sto
from ui import sweep as sw
from ui.presets import BY_KEY, PRESETS


def runs(key):
    values, notices = pg.PAGE.parse(BY_KEY[key].query)
    assert notices == []
    return pg.surface_of(values), pg.run_all(values)


def test_there_are_at_least_eight_presets_with_lessons():
    assert len(PRESETS) >= 8
    assert all(len(p.lesson) > 40 for p in PRESETS)


def test_momentum_damps_the_ravine_zigzag():
    surface, (gd, momentum) = runs("momentum-ravine")
    # In the steep eigen-direction GD flips sign every step (a zig-zag) ...
    steep = np.array([-np.sin(0.3), np.cos(0.3)])
    flips = np.mean(np.diff(np.sign(gd.path[:50] @ steep)) != 0)
    assert flips > 0.9
    # ... and momentum ends much closer to the minimum.
    assert momentum.final_loss < 1e-3 * gd.final_loss


def test_step_size_bound():
    surface, (below, above) = runs("step-size-bound")
    assert below.diverged_at is None and below.final_loss < 1e-3
    assert above.diverged_at is not None


def test_momentum_leaves_the_saddle_first():
    surface, (gd, momentum) = runs("saddle-escape")
    assert np.hypot(*gd.path[-1]) < 0.3  # still next to the saddle point
    escaped = momentum.diverged_at is not None or abs(momentum.path[-1, 1]) > 2
    assert escaped


def test_noise_knocks_gd_off_the_saddle():
    surface, (noisy,) = runs("saddle-noise")
    quiet = optimizers.run("gd", surface, start=(-1.8, 0.0), steps=400, lr=0.01)
    assert np.all(quiet.path[:, 1] == 0.0)  # exactly on the ridge: never leaves it
    assert noisy.diverged_at is not None or abs(noisy.path[-1, 1]) > 1


def test_adam_beats_gd_in_the_rosenbrock_valley():
    surface, (gd, momentum, adam) = runs("rosenbrock-adam")
    assert adam.final_loss < 1e-2 * gd.final_loss


def test_cg_in_two_steps_steepest_descent_zigzags():
    surface, (steepest, cg) = runs("cg-vs-steepest")
    assert np.hypot(*cg.path[2]) < 1e-6
    assert np.hypot(*steepest.path[2]) > 1e-2
    steps = np.diff(steepest.path[:6], axis=0)
    cosines = np.sum(steps[1:] * steps[:-1], axis=1) / (
        np.linalg.norm(steps[1:], axis=1) * np.linalg.norm(steps[:-1], axis=1)
    )
    assert np.all(np.abs(cosines) < 1e-6)


def test_newton_jumps_onto_the_saddle():
    surface, (newton, gd) = runs("newton-saddle")
    assert np.allclose(newton.path[1], (0.0, 0.0), atol=1e-12)
    assert np.hypot(*gd.path[-1]) > np.hypot(*gd.path[0])


def test_plateau_stalls_gd_not_adam():
    surface, (gd, momentum, adam) = runs("plateau")
    assert np.hypot(*(gd.path[-1] - gd.path[0])) < 0.5
    assert surface.distance_to_nearest_minimum(*adam.path[-1]) < 0.1


def test_decay_settles_where_constant_bounces():
    preset = BY_KEY["decay-schedules"]
    values, notices = schedules_page.PAGE.parse(preset.query)
    assert notices == []
    tails = {}
    for schedule in schedules_page.chosen(values):
        result = optimizers.run(
            values["optimizer"],
            values["surface"],
            steps=values["steps"],
            lr=values["lr"],
            schedule=schedule,
            gradient_noise=values["noise"],
            seed=values["seed"],
        )
        tails[schedule.name] = np.mean(result.loss[-100:])
    assert tails["inverse_time"] < 0.5 * tails["constant"]
    assert tails["step"] < 0.5 * tails["constant"]


def stochastic_panels(key):
    values, notices = sto.PAGE.parse(BY_KEY[key].query)
    assert notices == []
    return sto.surface_of(values), [panel.result for panel in sto.panels(values)]


def tail_distance(surface, result, steps=100):
    """Mean distance to θ* over a run's last `steps` iterates."""
    return np.mean(np.linalg.norm(result.path[-steps:] - surface.minima[0], axis=1))


def test_constant_lr_sgd_bounces_where_a_decaying_lr_settles():
    surface, (full, mini, online) = stochastic_panels("sgd-confusion-constant")
    assert tail_distance(surface, full) < 1e-3  # full batch converges
    assert tail_distance(surface, online) > 0.3  # online keeps bouncing
    assert tail_distance(surface, mini) > 0.1
    _, (_, mini_decayed, online_decayed) = stochastic_panels("sgd-confusion-decayed")
    ratio = tail_distance(surface, online) / tail_distance(surface, online_decayed)
    assert ratio > 10  # the lesson says "about 20 times closer"
    assert tail_distance(surface, mini_decayed) < 0.5 * tail_distance(surface, mini)


def test_smaller_batches_end_further_from_the_minimum():
    surface, (full, mini, online) = stochastic_panels("batch-size")
    distances = [tail_distance(surface, r) for r in (full, mini, online)]
    assert distances[0] < distances[1] < distances[2]
    n = surface.n_examples
    assert online.batches.per_epoch == n and mini.batches.per_epoch == n // 10
    assert full.batches is None


def trained(key):
    values, notices = nn.PAGE.parse(BY_KEY[key].query)
    assert notices == []
    model, data, _, results = nn.train_all(values)
    return model, data, results


def test_adam_crosses_the_plateau_before_sgd():
    _, _, (adam, sgd) = trained("adam-vs-sgd-net")
    first_below = [int(np.nonzero(r.loss < 0.25)[0][0]) for r in (adam, sgd)]
    assert 3 * first_below[0] < first_below[1]
    assert adam.test_accuracy[-1] > 0.9 and sgd.test_accuracy[-1] > 0.9


def test_the_full_batch_run_ends_sharper_and_generalizes_worse():
    model, data, (small, full) = trained("sharp-vs-flat")
    assert small.batches is not None and full.batches is None
    sharp_small, sharp_full = nn.sharpness_of(model, data, [small, full])
    assert sharp_full > 10 * sharp_small
    assert full.loss[-1] < small.loss[-1]  # lower training loss ...
    assert full.test_loss[-1] > small.test_loss[-1]  # ... and worse held out


def sweep_values(key):
    values, notices = sw.PAGE.parse(BY_KEY[key].query)
    assert notices == []
    return values


def test_heavy_ball_diverges_where_theory_says_and_polyaks_pair_is_fastest():
    """Heavy ball on a quadratic with λ = 1, 25: the iteration on each eigen-direction
    is [[1 + β - ηλ, -β], [1, 0]]; it converges iff that matrix's spectral radius is
    below 1. The preset's cells (single runs in one sweep) follow it away from the
    edge, and a run at Polyak's pair contracts by (√κ - 1)/(√κ + 1) = 2/3 per step."""
    values = sweep_values("momentum-stability-region")
    surface = sw.surface_of(values)
    lrs = np.geomspace(*values["x_range"], 64)
    betas = np.linspace(*values["y_range"], 64)
    result = optimizers.sweep(
        "momentum",
        surface,
        steps=values["steps"],
        start=surface.default_start,
        grid={"momentum": betas, "lr": lrs},
    )
    radius = np.array(
        [
            [
                max(
                    np.abs(np.linalg.eigvals([[1 + b - lr * lam, -b], [1, 0]])).max()
                    for lam in (1.0, 25.0)
                )
                for lr in lrs
            ]
            for b in betas
        ]
    )
    diverged = result.diverged_at >= 0
    # (1.1^300 carries the start past the 1e8 box that counts as diverged.)
    assert np.all(diverged[radius > 1.1]) and np.all(~diverged[radius < 0.95])
    assert diverged.mean() > 0.2 and (~diverged).mean() > 0.2
    run = optimizers.run(
        "momentum", surface, steps=300, lr=4 / (1 + 5) ** 2, momentum=(4 / 6) ** 2
    )
    distance = np.hypot(*run.path.T)
    rate = (distance[120] / distance[60]) ** (1 / 60)
    assert rate == pytest.approx(2 / 3, abs=0.03)


HIMMELBLAU_MINIMA = np.array(
    [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]
)


def himmelblau_basin(key) -> np.ndarray:
    """Which of Himmelblau's four minima each start of a 32 x 32 grid over the
    preset's region ends nearest (-1: diverged or further than 0.01 from all)."""
    values = sweep_values(key)
    surface = sw.surface_of(values)
    X, Y = np.meshgrid(
        np.linspace(*values["region_x"], 32), np.linspace(*values["region_y"], 32)
    )
    run = values["run"]
    result = optimizers.sweep(
        run.optimizer,
        surface,
        steps=values["steps"],
        starts=np.column_stack([X.ravel(), Y.ravel()]),
        **run.hyperparameters,
    )
    distance = np.linalg.norm(
        result.final[:, None, :] - HIMMELBLAU_MINIMA[None], axis=2
    )
    nearest = np.argmin(distance, axis=1)
    settled = (distance.min(axis=1) < 0.01) & (result.diverged_at < 0)
    return np.where(settled, nearest, -1)


def test_gradient_descent_and_adam_split_himmelblau_differently():
    gd = himmelblau_basin("himmelblau-basins-gd")
    adam = himmelblau_basin("himmelblau-basins-adam")
    assert np.all(gd >= 0) and np.all(adam >= 0)  # every start settles
    for k in range(4):
        assert np.mean(gd == k) > 0.15  # four basins of comparable size
    assert 0.05 < np.mean(gd != adam) < 0.1  # "one start in fourteen"


def test_the_rosenbrock_edge_is_bands_not_a_line():
    values = sweep_values("rosenbrock-fractal-edge")
    surface = sw.surface_of(values)
    n = values["resolution"]
    result = optimizers.sweep(
        "momentum",
        surface,
        steps=values["steps"],
        start=surface.default_start,
        grid={
            "momentum": np.linspace(*values["y_range"], n),
            "lr": np.linspace(*values["x_range"], n),
        },
    )
    diverged = result.diverged_at >= 0
    switches = np.sum(diverged[:, 1:] != diverged[:, :-1], axis=1)
    # Along most rows (one momentum, lr growing) a run flips between converging and
    # diverging several times: bands, not one boundary.
    assert np.median(switches) >= 4
    assert 0.2 < diverged.mean() < 0.8


def test_a_large_step_settles_only_in_flat_minima_of_the_linear_net():
    """(1 − xy)²/2: at a minimum (xy = 1) the Hessian's λmax is x² + y²."""
    values = sweep_values("linear-net-flat-minima")
    surface = sw.surface_of(values)
    X, Y = np.meshgrid(
        np.linspace(*values["region_x"], 40), np.linspace(*values["region_y"], 40)
    )
    starts = np.column_stack([X.ravel(), Y.ravel()])
    result = optimizers.sweep(
        "gd", surface, steps=values["steps"], starts=starts, lr=0.5
    )
    alive = result.diverged_at < 0
    x, y = result.final[:, 0], result.final[:, 1]
    settled = alive & (np.abs(1 - x * y) < 1e-6)
    assert np.all(0.5 * (x[settled] ** 2 + y[settled] ** 2) < 2)  # inside the circle
    assert (~alive).mean() > 0.2  # "the rest diverge"
    assert np.all(settled | ~alive | (np.abs(x * y) < 1e-6))  # or sit at the saddle
    far = np.hypot(*starts.T) > 2  # starts outside the circle of radius 2
    assert np.mean(settled[far]) > 0.1  # "even from far outside"


# --- typed surfaces ---------------------------------------------------------------


def angle(points: np.ndarray) -> np.ndarray:
    """Each point's angle around the origin, in degrees."""
    return np.degrees(np.arctan2(points[..., 1], points[..., 0]))


def test_the_ring_valley_is_a_ring_lowest_at_2_0():
    """f = (x² + y² − 4)² + 0.1((x − 2)² + y²) is a sum of squares, zero only where
    both vanish: on the circle of radius 2 at (2, 0). Its Hessian there, by hand:
    f_xx = 8x² + 4(x² + y² − 4) + 0.2 = 32.2, f_yy = 8y² + 4(x² + y² − 4) + 0.2 =
    0.2, f_xy = 8xy = 0: the walls curve 161 times more sharply than the floor."""
    surface, _ = runs("ring-valley")
    assert np.allclose(surface.minima, [[2.0, 0.0]], atol=1e-9)
    assert surface.min_value == pytest.approx(0.0, abs=1e-12)
    # The typed text is that formula: compare values at random points ...
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-3, 3, (2, 200))
    by_hand = (x**2 + y**2 - 4) ** 2 + 0.1 * ((x - 2) ** 2 + y**2)
    assert np.allclose(surface.value(x, y), by_hand, rtol=1e-12, atol=1e-12)
    # ... and its curvatures at the minimum, by second differences.
    h = 1e-4
    f = surface.value
    fxx = (f(2 + h, 0.0) - 2 * f(2.0, 0.0) + f(2 - h, 0.0)) / h**2
    fyy = (f(2.0, h) - 2 * f(2.0, 0.0) + f(2.0, -h)) / h**2
    assert fxx == pytest.approx(32.2, rel=1e-5)
    assert fyy == pytest.approx(0.2, rel=1e-5)
    assert fxx / fyy == pytest.approx(161, rel=1e-4)


def test_rosenbrocks_runs_go_round_the_ring_valley():
    ring, rosenbrock = BY_KEY["ring-valley"], BY_KEY["rosenbrock-adam"]
    for key in ("run", "steps"):  # "the same three runs as in Rosenbrock's valley"
        assert ring.query[key] == rosenbrock.query[key]
    surface, (gd, momentum, adam) = runs("ring-valley")
    start = angle(gd.path[0])
    assert start > 150  # on the far side of the ring from (2, 0)
    for result in (gd, momentum, adam):  # every run stays on the floor
        assert np.all(np.abs(np.hypot(*result.path[50:].T) - 2) < 0.05)
    assert start - angle(gd.final) < 15  # creeps: under a tenth of the way
    assert angle(momentum.final) < 0.1 * start  # most of the way round
    assert adam.steps_to_tolerance is not None  # to the minimum
    assert np.hypot(*(adam.final - (2.0, 0.0))) < 1e-6


def test_the_double_well_has_two_minima_and_a_saddle():
    """f = x⁴ − 2x² + y²: ∇f = (4x³ − 4x, 2y) vanishes at (0, 0) and (±1, 0); the
    Hessian diag(12x² − 4, 2) is diag(8, 2) at (±1, 0) (minima, f = −1) and
    diag(−4, 2) at (0, 0) (a saddle point, f = 0)."""
    for key in ("double-well-momentum", "double-well-basins"):
        query = BY_KEY[key].query
        assert query["f"] == "x^4 - 2*x^2 + y^2"
    surface, _ = runs("double-well-momentum")
    assert np.allclose(surface.minima, [[-1.0, 0.0], [1.0, 0.0]], atol=1e-9)
    assert surface.min_value == pytest.approx(-1.0, abs=1e-12)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-2, 2, (2, 200))
    assert np.allclose(surface.value(x, y), x**4 - 2 * x**2 + y**2, atol=1e-12)
    assert surface.value(0.0, 0.0) == 0.0
    h, f = 1e-4, surface.value  # the saddle point's curvatures, by second differences
    assert (f(h, 0.0) - 2 * f(0.0, 0.0) + f(-h, 0.0)) / h**2 == pytest.approx(-4)
    assert (f(0.0, h) - 2 * f(0.0, 0.0) + f(0.0, -h)) / h**2 == pytest.approx(2)


def test_momentum_rolls_over_the_double_wells_hump():
    surface, (gd, momentum) = runs("double-well-momentum")
    start = gd.path[0]
    assert start[0] > 1.5  # high on the right wall
    assert np.allclose(gd.final, (1.0, 0.0), atol=1e-2)  # the nearer well
    assert np.all(gd.path[:, 0] > 0)  # never near the hump
    assert np.allclose(momentum.final, (-1.0, 0.0), atol=1e-2)  # the other well
    # It keeps the speed of its descent: where it first passes the right well's
    # bottom (x = 1) its step is still over half its largest, and only later does
    # it cross the hump (x = 0); gradient descent's steps shrink from the first.
    steps = np.hypot(*np.diff(momentum.path, axis=0).T)
    bottom = np.argmax(momentum.path[:, 0] < 1)
    assert steps[bottom - 1] > 0.5 * steps.max()
    assert np.argmax(momentum.path[:, 0] < 0) > bottom
    gd_steps = np.hypot(*np.diff(gd.path[:50], axis=0).T)
    assert np.all(np.diff(gd_steps) < 0)
    # Where it starts matters too: from lower on the same wall, momentum stays.
    lower = optimizers.run(
        "momentum", surface, start=(1.5, 1.0), steps=300, lr=0.01, momentum=0.9
    )
    assert np.allclose(lower.final, (1.0, 0.0), atol=1e-2)


def double_well_sides(run: codec.RunConfig, n: int = 32):
    """(x of each grid column, sign of the final x of each start of an n x n grid
    over the basin preset's square; 0 where a run did not end within 0.01 of a
    well)."""
    values = sweep_values("double-well-basins")
    surface = sw.surface_of(values)
    xs = np.linspace(*values["region_x"], n)
    X, Y = np.meshgrid(xs, np.linspace(*values["region_y"], n))
    result = optimizers.sweep(
        run.optimizer,
        surface,
        steps=values["steps"],
        starts=np.column_stack([X.ravel(), Y.ravel()]),
        **run.hyperparameters,
    )
    settled = (np.hypot(np.abs(result.final[:, 0]) - 1, result.final[:, 1]) < 0.01) & (
        result.diverged_at < 0
    )
    side = np.where(settled, np.sign(result.final[:, 0]), 0).reshape(n, n)
    return xs, side


def test_the_double_wells_basins_under_momentum_are_vertical_bands():
    values = sweep_values("double-well-basins")
    assert values["run"].optimizer == "momentum"
    assert values["run"].hyperparameters == {"lr": 0.01}  # and momentum = 0.9
    assert optimizers.spec("momentum").defaults["momentum"] == 0.9
    xs, side = double_well_sides(values["run"])
    assert np.all(side != 0)  # every start ends in a well
    assert np.all(side == side[0])  # only x decides: the same in every row
    row, own = side[0], np.sign(xs)
    between = np.abs(xs) < 1
    assert np.all(row[between] == own[between])  # between the wells: own side
    assert np.any(row[~between] != own[~between])  # higher: over the hump
    assert np.sum(row[1:] != row[:-1]) >= 4  # bands, not halves
    # Gradient descent splits the square at x = 0.
    xs, gd = double_well_sides(codec.RunConfig("gd", {"lr": 0.01}))
    assert np.all(gd == np.sign(xs)[None, :])


PARSERS = {
    "playground": pg.PAGE.parse,
    "schedules": schedules_page.PAGE.parse,
    "stochastic": sto.PAGE.parse,
    "neural_net": nn.PAGE.parse,
    "sweep": sw.PAGE.parse,
}


def test_lion_steps_on_a_lattice_and_keeps_circling_while_adam_crawls():
    surface, (lion, adam) = runs("lion-sign-steps")
    lr = lion.hyperparameters["lr"]
    moves = np.abs(np.diff(lion.path, axis=0))
    np.testing.assert_allclose(moves, lr, rtol=1e-9)  # each coordinate ±lr
    assert 0 < np.argmax(lion.loss < 0.1) <= 300
    assert adam.loss.min() >= 0.1  # not by step 400
    adam_steps = np.hypot(*np.diff(adam.path, axis=0).T)
    assert adam_steps[-1] < 0.1 * adam_steps[0]  # Adam's steps shrink ...
    assert lion.loss[-100:].max() > 0.1  # ... Lion, at full length, does not settle


def test_sam_in_each_form_ends_in_the_flat_minimum_the_others_in_the_sharp():
    surface, results = runs("sam-flat-minimum")
    sharp, flat = np.array([0.0, 0.0]), np.array([2.0, 0.0])
    # The same depth, very different curvature (the lesson's 200 and under 6: the
    # flat well's 2, plus the sharp one's tail across, 200·e⁻⁴).
    assert surface.value(*sharp) == pytest.approx(surface.value(*flat), abs=1e-12)
    assert np.linalg.eigvalsh(surface.hessian(*sharp)).max() == pytest.approx(
        200, rel=0.01
    )
    assert 2 < np.linalg.eigvalsh(surface.hessian(*flat)).max() < 6
    plain = [r.optimizer for r in results[:3]]
    assert plain == ["sgd", "sgd", "adam"]
    assert results[1].hyperparameters["momentum"] == 0.9
    for result in results[:3]:
        assert np.linalg.norm(result.final - sharp) < 0.1, result.optimizer
    assert [r.optimizer for r in results[3:]] == ["sam", "sam", "sam_adam"]
    for base, sam in zip(results[:3], results[3:], strict=True):
        assert sam.hyperparameters["lr"] == base.hyperparameters["lr"]
        assert np.linalg.norm(sam.final - flat) < 0.1, sam.optimizer


def test_annealing_leaves_rastrigins_local_basin_where_gd_stays():
    surface, (gd, *annealing) = runs("annealing-rastrigin")
    assert tuple(gd.path[0]) == (3.3, -2.6)
    assert 17 < gd.final_loss < 19  # "f ≈ 18", a local minimum
    assert np.linalg.norm(gd.path[-1] - gd.path[-2]) < 1e-6
    seed_0, seed_1, seed_2 = annealing
    assert seed_0.final_loss < 1 and seed_1.final_loss < 1
    assert np.linalg.norm(seed_0.final) < 0.5 and np.linalg.norm(seed_1.final) < 0.5
    assert seed_2.final_loss == pytest.approx(1.03, abs=0.005)
    assert np.linalg.norm(seed_2.final - (1.0, 0.0)) < 0.5  # the next basin
    settings = dict(steps=2000, start=(3.3, -2.6))
    finals = [
        optimizers.run("simulated_annealing", surface, rng_seed=seed, **settings)
        for seed in range(20)
    ]
    assert [seed for seed, r in enumerate(finals) if r.final_loss >= 1] == [2]


def test_schedule_free_averages_closest_with_no_schedule():
    surface, (sgd, free) = runs("schedule-free-sequences")
    assert free.hyperparameters["lr"] == sgd.hyperparameters["lr"] == 0.05
    minimum = surface.minima[0]

    def settled(points):  # mean distance to the minimum over the last 200 steps
        return np.linalg.norm(points[-200:] - minimum, axis=1).mean()

    y, x, z = settled(free.path), settled(free.state["x"]), settled(free.state["z"])
    assert settled(sgd.path) == pytest.approx(0.16, abs=0.01)
    assert z == pytest.approx(0.26, abs=0.01)
    assert x == pytest.approx(0.025, abs=0.003)
    assert y == pytest.approx(0.037, abs=0.003)
    assert x < y < z and settled(sgd.path) / x > 6


def test_lbfgs_reaches_rosenbrocks_minimum_in_dozens_of_iterations_and_stops():
    surface, (wolfe, unit, adam) = runs("lbfgs-rosenbrock")
    assert (
        wolfe.hyperparameters["strong_wolfe"]
        and not unit.hyperparameters["strong_wolfe"]
    )
    assert wolfe.steps_to_tolerance == 38 and wolfe.converged_at == 40
    assert len(wolfe.path) == 41  # the path ends where L-BFGS stopped
    assert unit.steps_to_tolerance == 87
    assert adam.steps_to_tolerance == 1386


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_preset_links_parse_cleanly(preset):
    _, notices = PARSERS[preset.page](preset.query)
    assert notices == []

"""Each Gallery preset shows the phenomenon its lesson promises, checked on the engine's
numbers with the preset's own settings (read through the same URL codec as the page)."""

import numpy as np
import pytest

import optimizers
from ui import config as cfg
from ui import neural as nn
from ui import stochastic as sto
from ui.presets import BY_KEY, PRESETS


def runs(key):
    config, notices = cfg.from_query(BY_KEY[key].query)
    assert notices == []
    return config.landscape(), config.run()


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
    config, notices = cfg.schedules_from_query(preset.query)
    assert notices == []
    tails = {}
    for name in config.schedules:
        result = optimizers.run(
            config.optimizer,
            config.surface,
            steps=config.steps,
            lr=config.lr,
            schedule=config.schedule(name),
            gradient_noise=config.noise,
            seed=config.seed,
        )
        tails[name] = np.mean(result.loss[-100:])
    assert tails["inverse_time"] < 0.5 * tails["constant"]
    assert tails["step"] < 0.5 * tails["constant"]


def stochastic_panels(key):
    values, notices = sto.from_query(BY_KEY[key].query)
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
    values, notices = nn.from_query(BY_KEY[key].query)
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


PARSERS = {
    "playground": cfg.from_query,
    "schedules": cfg.schedules_from_query,
    "stochastic": sto.from_query,
    "neural_net": nn.from_query,
}


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_preset_links_parse_cleanly(preset):
    _, notices = PARSERS[preset.page](preset.query)
    assert notices == []

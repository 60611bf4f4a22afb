"""Data sets, per-example losses and minibatch runs.

Oracles: the data sets' documented generating rules (radii, label rules, the
regression line); per-example losses and gradients typed here from their formulas;
the definition of an epoch (a permutation cut into consecutive batches); and minibatch
SGD / Adam transcribed from torch.optim's documented algorithms, fed the run's own
batches and this file's per-example gradients.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscapes
import optimizers
from landscapes import datasets
from optimizers.minibatch import Minibatches

# --- data sets ----------------------------------------------------------------------


@pytest.mark.parametrize("name", datasets.NAMES)
def test_data_sets_have_the_documented_shape_and_labels(name):
    data = datasets.make(name, n_points=101, noise=0.1, seed=4)
    features = 1 if name == "regression" else 2
    assert data.x.shape == (101, features) and data.y.shape == (101,)
    assert data.test.x.shape == (101, features) and data.test.test is None
    assert np.isfinite(data.x).all() and np.isfinite(data.y).all()
    if name != "regression":
        assert set(np.unique(data.y)) <= {0.0, 1.0}
        assert 30 <= data.y.sum() <= 71  # both classes, roughly balanced
    # A held-out set: other examples, not a copy.
    assert not np.allclose(data.x, data.test.x)


@pytest.mark.parametrize("name", datasets.NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    one = datasets.make(name, n_points=40, noise=0.2, seed=9)
    again = datasets.make(name, n_points=40, noise=0.2, seed=9)
    other = datasets.make(name, n_points=40, noise=0.2, seed=10)
    np.testing.assert_array_equal(one.x, again.x)
    np.testing.assert_array_equal(one.test.y, again.test.y)
    assert not np.allclose(one.x, other.x)


def test_noise_free_sets_follow_their_generating_rules():
    moons = datasets.make("moons", n_points=200, noise=0.0, seed=1)
    outer = moons.x[moons.y == 0]
    inner = moons.x[moons.y == 1]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0)
    np.testing.assert_allclose(np.hypot(1 - inner[:, 0], 0.5 - inner[:, 1]), 1.0)
    assert (outer[:, 1] >= 0).all() and (inner[:, 1] <= 0.5).all()
    circles = datasets.make("circles", n_points=200, noise=0.0, seed=1)
    radius = np.hypot(*circles.x.T)
    np.testing.assert_allclose(radius[circles.y == 0], 1.0)
    np.testing.assert_allclose(radius[circles.y == 1], 0.5)
    xor = datasets.make("xor", n_points=200, noise=0.0, seed=1)
    np.testing.assert_array_equal(xor.y, (xor.x[:, 0] * xor.x[:, 1] < 0).astype(float))
    spirals = datasets.make("spirals", n_points=200, noise=0.0, seed=1)
    r = np.hypot(*spirals.x.T)
    t = 3 * math.pi * r  # r = t / 3π on both arms
    angle = np.arctan2(spirals.x[:, 1], spirals.x[:, 0])
    offset = np.angle(np.exp(1j * (angle - t - math.pi * spirals.y)))
    np.testing.assert_allclose(offset, 0.0, atol=1e-9)
    regression = datasets.make("regression", n_points=200, noise=0.0, seed=1)
    np.testing.assert_allclose(regression.y, 1.5 * regression.x[:, 0] - 0.5)


def test_regression_noise_has_the_stated_spread():
    data = datasets.make("regression", n_points=4000, noise=0.7, seed=2)
    residual = data.y - (1.5 * data.x[:, 0] - 0.5)
    assert residual.std() == pytest.approx(0.7, rel=0.05)
    assert abs(residual.mean()) < 0.05


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"name": "mnist"}, "unknown data set"),
        ({"name": "moons", "n_points": 1}, "n_points"),
        ({"name": "moons", "n_points": 2.5}, "n_points"),
        ({"name": "moons", "noise": -1}, "noise"),
        ({"name": "moons", "noise": "loud"}, "noise"),
        ({"name": "moons", "seed": -3}, "seed"),
    ],
)
def test_bad_data_set_arguments_are_named(kwargs, word):
    with pytest.raises(ValueError, match=word):
        datasets.make(**kwargs)


# --- per-example losses and gradients ---------------------------------------------


def per_example(surface, theta):
    """(ℓᵢ, ∇ℓᵢ) typed from each surface's formula."""
    data = surface.data
    if surface.name == "linear_regression":
        features = np.column_stack([data.x[:, 0], np.ones(len(data.y))])
        residual = features @ theta - data.y
        return residual**2, 2 * residual[:, None] * features
    s = data.x @ theta
    p = 1 / (1 + np.exp(-s))
    loss = -(data.y * np.log(p) + (1 - data.y) * np.log(1 - p))
    return loss, (p - data.y)[:, None] * data.x


EMPIRICAL = ["linear_regression", "logistic_regression"]


@pytest.mark.parametrize("name", EMPIRICAL)
def test_per_example_losses_and_gradients_match_their_formulas(name):
    surface = landscapes.get(name)
    theta = np.array([0.7, -0.4])
    values, grads = surface.examples(*theta)
    expected_values, expected_grads = per_example(surface, theta)
    np.testing.assert_allclose(values, expected_values, rtol=1e-12)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", EMPIRICAL)
def test_per_example_gradients_average_to_the_full_gradient(name):
    surface = landscapes.get(name)
    for theta in [(0.7, -0.4), (-2.0, 3.0), tuple(surface.default_start)]:
        values, grads = surface.examples(*theta)
        assert values.mean() == pytest.approx(surface.value(*theta), rel=1e-13)
        np.testing.assert_allclose(grads.mean(axis=0), surface.grad(*theta), rtol=1e-12)


@pytest.mark.parametrize("name", EMPIRICAL)
def test_a_batch_loss_is_the_mean_over_its_examples(name):
    surface = landscapes.get(name)
    theta = np.array([1.1, 0.3])
    values, grads = per_example(surface, theta)
    batch = [3, 17, 4, 40]
    f, gx, gy = surface.batch_value_grad(*theta, batch)
    assert f == pytest.approx(values[batch].mean(), rel=1e-13)
    np.testing.assert_allclose((gx, gy), grads[batch].mean(axis=0), rtol=1e-12)


def test_linear_regression_hessian_is_twice_the_second_moment_matrix():
    surface = landscapes.get("linear_regression", n_points=30, seed=5)
    features = np.column_stack([surface.data.x[:, 0], np.ones(30)])
    second_moment = features.T @ features / 30
    np.testing.assert_allclose(surface.hessian(0.2, 9.0), 2 * second_moment, rtol=1e-13)


def test_bad_batches_are_named():
    surface = landscapes.get("linear_regression", n_points=10)
    for batch in ([], [10], [-1], list(range(11))):
        with pytest.raises(ValueError, match="batch|indices"):
            surface.batch_value_grad(0.0, 0.0, batch)


# --- epochs ---------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(50, 7), (50, 1), (50, 49), (12, 4), (5, 2)])
def test_every_epoch_visits_each_example_once(n, k):
    per_epoch = -(-n // k)
    batches = Minibatches(n, k, seed=3, steps=4 * per_epoch)
    assert batches.per_epoch == per_epoch
    np.testing.assert_array_equal(batches.epoch_starts, np.arange(4) * per_epoch)
    orders = []
    for epoch in range(4):
        members = [batches[epoch * per_epoch + b] for b in range(per_epoch)]
        # Consecutive batches of k; the last is the remainder (drop_last=False).
        sizes = [len(m) for m in members]
        assert sizes == [k] * (n // k) + ([n % k] if n % k else [])
        order = np.concatenate(members)
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
        assert {batches.epoch(epoch * per_epoch + b) for b in range(per_epoch)} == {
            epoch
        }
        orders.append(order)
    if n > 2:  # a fresh shuffle each epoch
        assert len({tuple(o) for o in orders}) == 4


def test_shuffles_are_uniform_enough():
    # Over many epochs each example lands in each position about equally often.
    n, epochs = 6, 6000
    batches = Minibatches(n, n, seed=1, steps=epochs)
    counts = np.zeros((n, n))
    for epoch in range(epochs):
        counts[np.arange(n), batches[epoch]] += 1
    expected = epochs / n
    assert np.abs(counts - expected).max() < 5 * math.sqrt(expected)


# --- minibatch runs -----------------------------------------------------------------


def transcribed_sgd(surface, start, batches, lr, momentum=0.0):
    """torch.optim.SGD's documented loop with g = the batch mean of ∇ℓᵢ."""
    theta = np.array(start, dtype=float)
    buffer = None
    path = [theta.copy()]
    for k in range(len(batches)):
        g = per_example(surface, theta)[1][batches[k]].mean(axis=0)
        if momentum:
            buffer = g.copy() if buffer is None else momentum * buffer + g
            g = buffer
        theta = theta - lr * g
        path.append(theta.copy())
    return np.array(path)


def transcribed_adam(surface, start, batches, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """torch.optim.Adam's documented loop with g = the batch mean of ∇ℓᵢ."""
    theta = np.array(start, dtype=float)
    m = np.zeros(2)
    v = np.zeros(2)
    path = [theta.copy()]
    for t in range(1, len(batches) + 1):
        g = per_example(surface, theta)[1][batches[t - 1]].mean(axis=0)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        path.append(theta.copy())
    return np.array(path)


@pytest.mark.parametrize("name", EMPIRICAL)
def test_minibatch_sgd_and_adam_follow_the_transcription(name):
    surface = landscapes.get(name)
    start = surface.default_start
    sgd = optimizers.run(
        "sgd", surface, start=start, steps=60, lr=0.1, momentum=0.5, batch_size=7
    )
    assert len(sgd.batches) == 60
    np.testing.assert_allclose(
        sgd.path, transcribed_sgd(surface, start, sgd.batches, 0.1, 0.5), rtol=1e-11
    )
    adam = optimizers.run("adam", surface, start=start, steps=60, lr=0.2, batch_size=3)
    np.testing.assert_allclose(
        adam.path, transcribed_adam(surface, start, adam.batches, 0.2), rtol=1e-11
    )


def test_the_recorded_loss_is_the_full_training_loss():
    surface = landscapes.get("linear_regression")
    result = optimizers.run("sgd", surface, steps=40, lr=0.05, batch_size=5)
    full = [np.mean(per_example(surface, theta)[0]) for theta in result.path]
    np.testing.assert_allclose(result.loss, full, rtol=1e-12)


UNDER_MINIBATCHES = {"simulated_annealing": {"initial_temperature": 0.0}}


@pytest.mark.parametrize("optimizer", optimizers.names())
def test_every_optimizer_minibatches_and_full_batch_is_bit_for_bit(optimizer):
    surface = landscapes.get("linear_regression")
    # Prodigy's lr multiplies its own estimate of the step (optax's default, 1).
    lr = {
        "newton": 0.5,
        "gd_exact_line_search": 1.0,
        "cg_fletcher_reeves": 1.0,
        "prodigy": 1.0,
    }.get(optimizer, 0.02)
    # A method without a step size (Nelder–Mead, Powell) takes no lr.
    settable = optimizers.spec(optimizer).hyperparameter("lr").settable
    rate = {"lr": lr} if settable else {}
    settings = {"steps": 30, "seed": 5, **rate}
    # Annealing hot takes nearly every proposal, whichever loss it compares; cold
    # (only descents) its path follows the minibatches' losses.
    settings.update(UNDER_MINIBATCHES.get(optimizer, {}))
    full = optimizers.run(optimizer, surface, **settings)
    every_example = optimizers.run(
        optimizer, surface, batch_size=surface.n_examples, **settings
    )
    np.testing.assert_array_equal(full.path, every_example.path)
    assert every_example.batches is None
    mini = optimizers.run(optimizer, surface, batch_size=4, **settings)
    again = optimizers.run(optimizer, surface, batch_size=4, **settings)
    np.testing.assert_array_equal(mini.path, again.path)  # same seed, same path
    assert np.isfinite(mini.path).all() and len(mini.batches) == len(mini.path) - 1
    assert not np.allclose(mini.path, full.path[: len(mini.path)])
    other_seed = optimizers.run(
        optimizer, surface, batch_size=4, **{**settings, "seed": 0}
    )
    assert not np.array_equal(other_seed.path, mini.path)


def test_a_sweep_with_minibatches_is_each_run_alone():
    surface = landscapes.get("logistic_regression")
    rates = [0.05, 0.3, 1.0]
    grid = optimizers.sweep(
        "adam", surface, steps=80, grid={"lr": rates}, batch_size=9, seed=2
    )
    for i, lr in enumerate(rates):
        alone = optimizers.run("adam", surface, steps=80, lr=lr, batch_size=9, seed=2)
        np.testing.assert_array_equal(grid.final[i], alone.final)
    assert grid.batches[5].tolist() == alone.batches[5].tolist()


@pytest.mark.parametrize(
    ("surface", "batch_size", "word"),
    [
        ("rosenbrock", 4, "gradient_noise"),
        ("linear_regression", 0, "batch_size"),
        ("linear_regression", 51, r"\[1, 50\]"),
        ("linear_regression", 2.0, "batch_size"),
        ("linear_regression", True, "batch_size"),
    ],
)
def test_bad_batch_sizes_are_named(surface, batch_size, word):
    with pytest.raises(ValueError, match=word):
        optimizers.run("gd", surface, steps=5, batch_size=batch_size)


def test_the_registry_names_every_empirical_risk():
    for name in landscapes.names():
        is_risk = isinstance(landscapes.get(name), landscapes.EmpiricalRisk)
        assert is_risk == (name in landscapes.EMPIRICAL_RISKS), name


def test_the_regression_bowl_has_the_stated_condition_number():
    # x ~ U[0, 2]: E[x] = 1, E[x²] = 4/3, so M = [[4/3, 1], [1, 1]] and
    # κ = (7/3 + √(49/9 - 4/3)) / (7/3 - √(49/9 - 4/3)) ≈ 14.1 (the docstring's ~14).
    data = datasets.make("regression", n_points=5000, noise=0.0, seed=3)
    features = np.column_stack([data.x[:, 0], np.ones(5000)])
    eigenvalues = np.linalg.eigvalsh(features.T @ features / 5000)
    root = math.sqrt(49 / 9 - 4 / 3)
    assert eigenvalues[1] / eigenvalues[0] == pytest.approx(
        (7 / 3 + root) / (7 / 3 - root), rel=0.05
    )

"""The MLP and N-dimensional training against real torch, and against finite differences.

Oracles: torch's nn.Sequential with the same flat parameter vector (losses, gradients,
per-example gradients, predictions, parameter names and shapes), central finite
differences of our own loss (the gradient is checked without torch too), torch's
nn.Linear initialization bounds, and whole training runs of torch.optim on the same
batches: the parameters must agree to 1e-8 relative at every step.

Without torch the module is skipped, except on CI (env var CI set), where it fails.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import landscapes
import optimizers
from landscapes import datasets

if os.environ.get("CI"):
    import torch
else:
    torch = pytest.importorskip("torch")

pytestmark = pytest.mark.torch

ARCHITECTURES = [
    ((16, 16), "tanh"),
    ((16, 16), "relu"),
    ((5,), "tanh"),
    ((3, 7, 4), "relu"),
]


def torch_net(model):
    layers = []
    sizes = [2, *model.hidden, 1]
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
        if i < len(sizes) - 2:
            layers.append(
                torch.nn.Tanh() if model.activation == "tanh" else torch.nn.ReLU()
            )
    return torch.nn.Sequential(*layers)


def load(net, theta):
    torch.nn.utils.vector_to_parameters(torch.tensor(theta), net.parameters())


def torch_loss_grad(net, theta, x, y):
    load(net, theta)
    net.zero_grad()
    logits = net(torch.tensor(x)).squeeze(1)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.tensor(y))
    loss.backward()
    grad = torch.cat([p.grad.reshape(-1) for p in net.parameters()])
    return loss.item(), grad.numpy()


@pytest.fixture(autouse=True)
def _float64_scalar_state():
    """torch keeps scalar optimizer state (step, NAdam's mu_product) in float32 unless
    the default dtype is float64 (torch.optim.optimizer._get_scalar_dtype); a float64
    torch user sets it, and so does this module."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.fixture(scope="module")
def moons():
    return datasets.make("moons", n_points=64, noise=0.15, seed=3)


@pytest.mark.parametrize(("hidden", "activation"), ARCHITECTURES)
def test_layout_is_torch_parameters_order(hidden, activation):
    model = landscapes.MLP(hidden, activation)
    net = torch_net(model)
    expected = [(name, tuple(p.shape)) for name, p in net.named_parameters()]
    assert [(name, shape) for name, shape, _ in model.layout()] == expected
    assert model.n_parameters == sum(p.numel() for p in net.parameters())
    offsets = [offset for _, _, offset in model.layout()]
    sizes = [math.prod(shape) for _, shape in expected]
    assert offsets == list(np.cumsum([0, *sizes[:-1]]))


@pytest.mark.parametrize(("hidden", "activation"), ARCHITECTURES)
def test_loss_gradient_and_logits_equal_torch(hidden, activation, moons):
    model = landscapes.MLP(hidden, activation)
    net = torch_net(model)
    for seed in range(3):
        theta = model.init(seed) * (1 + seed)  # larger weights reach the tails too
        loss, grad = model.loss_grad(theta, moons)
        expected_loss, expected_grad = torch_loss_grad(net, theta, moons.x, moons.y)
        assert loss == pytest.approx(expected_loss, rel=1e-13)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-14)
        load(net, theta)
        with torch.no_grad():
            logits = net(torch.tensor(moons.x)).squeeze(1).numpy()
        np.testing.assert_allclose(model.logits(theta, moons.x), logits, rtol=1e-12)
        assert model.accuracy(theta, moons) == np.mean((logits > 0) == (moons.y > 0.5))


def test_gradient_matches_finite_differences(moons):
    model = landscapes.MLP((6, 5), "tanh")
    theta = model.init(1)
    grad = model.grad(theta, moons)
    rng = np.random.default_rng(0)
    for _ in range(5):
        direction = rng.standard_normal(model.n_parameters)
        h = 1e-5
        central = (
            model.loss(theta + h * direction, moons)
            - model.loss(theta - h * direction, moons)
        ) / (2 * h)
        assert grad @ direction == pytest.approx(central, rel=1e-7, abs=1e-10)


def test_per_example_gradients_are_each_examples_and_average_to_the_batch(moons):
    model = landscapes.MLP((16, 16), "tanh")
    net = torch_net(model)
    theta = model.init(4)
    batch = np.array([5, 0, 63, 17, 17])
    rows = model.per_example_grads(theta, moons, batch)
    assert rows.shape == (5, model.n_parameters)
    for row, i in zip(rows, batch, strict=True):
        _, expected = torch_loss_grad(net, theta, moons.x[[i]], moons.y[[i]])
        np.testing.assert_allclose(row, expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(
        rows.mean(axis=0), model.grad(theta, moons, batch), rtol=1e-12, atol=1e-15
    )


def test_init_draws_within_torchs_bounds():
    model = landscapes.MLP((16, 16), "tanh")
    theta = np.concatenate([model.init(seed) for seed in range(50)])
    np.testing.assert_array_equal(model.init(7), model.init(7))
    assert not np.array_equal(model.init(7), model.init(8))
    per_seed = model.n_parameters
    for _, shape, offset in model.layout():
        if len(shape) == 2:  # a weight (out, in); the bias after it shares its bound
            fan_in = shape[1]
        bound = 1 / math.sqrt(fan_in)
        size = math.prod(shape)
        values = np.concatenate(
            [
                theta[s * per_seed + offset : s * per_seed + offset + size]
                for s in range(50)
            ]
        )
        assert np.abs(values).max() <= bound
        # Uniform on ±bound: variance bound²/3.
        assert values.var() == pytest.approx(bound**2 / 3, rel=0.15)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"hidden": ()}, "hidden"),
        ({"hidden": (0,)}, "hidden"),
        ({"hidden": (16.5,)}, "hidden"),
        ({"activation": "sigmoid"}, "activation"),
    ],
)
def test_bad_architectures_are_named(kwargs, word):
    with pytest.raises(ValueError, match=word):
        landscapes.MLP(**kwargs)


# --- training against torch.optim ---------------------------------------------------

TORCH_CLASS = {
    "gd": "SGD",
    "momentum": "SGD",  # heavy ball = torch SGD(momentum=β) at a constant lr
}
CASES = [
    ("gd", {"lr": 0.5}, None, None),
    (
        "sgd",
        {"lr": 0.2, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
        16,
        None,
    ),
    (
        "sgd",
        {"lr": 0.3, "momentum": 0.5, "dampening": 0.3},
        20,
        {"name": "step", "step_size": 7},
    ),
    ("momentum", {"lr": 0.1, "momentum": 0.8}, 16, None),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.001}, 16, None),
    ("rmsprop", {"lr": 0.003, "momentum": 0.5, "centered": True}, 10, None),
    ("adadelta", {"lr": 1.0, "rho": 0.8, "weight_decay": 0.01}, 16, None),
    ("adam", {"lr": 0.01, "amsgrad": True}, 7, {"name": "cosine"}),
    ("adam", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.01}, 64, None),
    ("adamw", {"lr": 0.01, "weight_decay": 0.1}, 16, None),
    ("nadam", {"lr": 0.01}, 16, None),
    ("radam", {"lr": 0.01}, 16, None),
    ("adamax", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.01}, 16, None),
    (
        "asgd",
        {"lr": 0.1, "lambd": 0.01, "t0": 10},
        16,
        {"name": "step", "step_size": 7},
    ),
    ("rprop", {"lr": 0.01}, None, None),
]


def torch_kwargs(name, hyper):
    kwargs = dict(hyper)
    if name == "momentum":
        kwargs = {"lr": hyper["lr"], "momentum": hyper["momentum"]}
    return kwargs


@pytest.mark.parametrize(
    ("name", "hyper", "batch_size", "schedule"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_training_equals_torch_optim_at_every_step(name, hyper, batch_size, schedule):
    model = landscapes.MLP((16, 16), "tanh")
    data = datasets.make("moons", n_points=64, noise=0.15, seed=3)
    theta0 = model.init(11)
    steps = 40
    result = optimizers.train(
        name,
        model,
        data,
        theta0,
        steps=steps,
        batch_size=batch_size,
        seed=2,
        schedule=schedule,
        **hyper,
    )
    assert result.params.shape == (steps + 1, model.n_parameters)
    net = torch_net(model)
    load(net, theta0)
    cls = getattr(torch.optim, TORCH_CLASS.get(name, optimizers.spec(name).torch_class))
    opt = cls(net.parameters(), **torch_kwargs(name, hyper))
    x, y = torch.tensor(data.x), torch.tensor(data.y)
    for k in range(steps):
        flat = torch.nn.utils.parameters_to_vector(net.parameters()).detach().numpy()
        np.testing.assert_allclose(result.params[k], flat, rtol=1e-8, atol=1e-12)
        batch = (
            np.arange(data.n_points) if result.batches is None else result.batches[k]
        )
        for group in opt.param_groups:
            group["lr"] = result.lr[k]  # the schedule's η_k, as LambdaLR would set it
        opt.zero_grad()
        logits = net(x[batch]).squeeze(1)
        torch.nn.functional.binary_cross_entropy_with_logits(
            logits, y[batch]
        ).backward()
        opt.step()
    flat = torch.nn.utils.parameters_to_vector(net.parameters()).detach().numpy()
    np.testing.assert_allclose(result.params[steps], flat, rtol=1e-8, atol=1e-12)
    # The records are the full-data numbers at each iterate.
    for k in (0, steps // 2, steps):
        assert result.loss[k] == pytest.approx(model.loss(result.params[k], data))
        assert result.test_loss[k] == pytest.approx(
            model.loss(result.params[k], data.test)
        )
        assert result.test_accuracy[k] == model.accuracy(result.params[k], data.test)
        assert result.accuracy[k] == model.accuracy(result.params[k], data)


def test_the_schedule_sets_each_steps_lr():
    model = landscapes.MLP((4,), "tanh")
    data = datasets.make("xor", n_points=20, seed=1)
    result = optimizers.train(
        "sgd",
        model,
        data,
        steps=30,
        lr=0.4,
        schedule={"name": "inverse_time", "decay_rate": 0.5},
    )
    np.testing.assert_allclose(result.lr, 0.4 / (1 + 0.5 * np.arange(30)), rtol=1e-15)


def test_full_batch_is_batch_size_n_and_minibatches_follow_the_seed():
    model = landscapes.MLP((8,), "relu")
    data = datasets.make("circles", n_points=40, noise=0.05, seed=0)
    full = optimizers.train("adam", model, data, steps=25, lr=0.05)
    every = optimizers.train("adam", model, data, steps=25, lr=0.05, batch_size=40)
    np.testing.assert_array_equal(full.params, every.params)
    one = optimizers.train("adam", model, data, steps=25, lr=0.05, batch_size=8, seed=4)
    again = optimizers.train(
        "adam", model, data, steps=25, lr=0.05, batch_size=8, seed=4
    )
    other = optimizers.train(
        "adam", model, data, steps=25, lr=0.05, batch_size=8, seed=5
    )
    np.testing.assert_array_equal(one.params, again.params)
    assert not np.allclose(one.params, other.params)
    assert [len(one.batches[k]) for k in range(5)] == [8] * 5


def test_a_diverging_run_stops_at_the_first_bad_step():
    model = landscapes.MLP((4,), "relu")
    data = datasets.make("moons", n_points=20, seed=0)
    result = optimizers.train("sgd", model, data, steps=500, lr=1e6)
    assert result.diverged_at is not None
    k = result.diverged_at
    assert len(result.params) == len(result.loss) == k and len(result.lr) == k - 1
    assert np.isfinite(result.loss).all()


@pytest.mark.parametrize(
    "name", sorted(set(optimizers.names()) - set(optimizers.trainable()))
)
def test_methods_without_an_n_dimensional_form_say_so(name):
    model = landscapes.MLP((4,), "tanh")
    data = datasets.make("moons", n_points=20, seed=0)
    with pytest.raises(ValueError, match="no N-dimensional form"):
        optimizers.train(name, model, data, steps=5)


def test_trainable_set_is_gd_momentum_torch_optim_and_the_optax_set():
    from test_optax_match import OPTAX, WHOLE_PARAMETER

    torch_set = {n for n in optimizers.names() if optimizers.spec(n).torch_class}
    # Adafactor's step size and clipping read the RMS of the whole tensor and its
    # moments are factored by its shape, Muon orthogonalizes a matrix, L-BFGS keeps
    # a history of vectors: none of them is coordinatewise or per-tensor sums only,
    # so none runs on the network's N parameters here.
    whole_tensor = {"adafactor", "muon", "lbfgs"}
    assert not any(optimizers.get(n).trainable for n in whole_tensor)
    # LAMB, LARS and NovoGrad read norms per tensor, Prodigy sums over the network:
    # tensor-wise steps (their `groups`), not coordinatewise ones.
    for name in WHOLE_PARAMETER:
        entry = optimizers.get(name)
        assert entry.tensorwise and not entry.coordinatewise
    expected = (torch_set - whole_tensor) | set(OPTAX) | {"gd", "momentum"}
    assert set(optimizers.trainable()) == expected
    model = landscapes.MLP((4,), "tanh")
    data = datasets.make("moons", n_points=20, seed=0)
    with pytest.raises(ValueError, match="nesterov=True"):
        optimizers.train("momentum", model, data, steps=5, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="batch_size"):
        optimizers.train("gd", model, data, steps=5, batch_size=21)
    with pytest.raises(ValueError, match="shape"):
        optimizers.train("gd", model, data, np.zeros(3), steps=5)


def test_tanh_is_within_3_ulps_of_libm():
    from numba import njit

    from landscapes.mlp import tanh

    @njit
    def apply(z, out):
        for i in range(z.size):
            out[i] = tanh(z[i])

    z = np.concatenate(
        [
            np.linspace(-30, 30, 600_001),
            np.geomspace(1e-300, 1, 5000),
            -np.geomspace(1e-300, 1, 5000),
            [0.125, -0.125, np.nextafter(0.125, 0), 20.0, 21.0, 1e300],
        ]
    )
    out = np.empty_like(z)
    apply(z, out)
    expected = np.tanh(z)
    assert np.max(np.abs(out - expected) / np.spacing(np.abs(expected))) <= 3
    special = np.array([np.nan, np.inf, -np.inf])
    out = np.empty(3)
    apply(special, out)
    assert np.isnan(out[0]) and out[1] == 1.0 and out[2] == -1.0


def test_cross_entropy_of_huge_logits_does_not_overflow():
    from numba import njit
    from scipy.special import expit

    from landscapes.losses import bce_with_logits

    @njit
    def loss(s, y):
        return bce_with_logits(s, y)

    for s in (800.0, -800.0, 30.0, -30.0):
        for y in (0.0, 1.0):
            value, slope, curvature = loss(s, y)
            # log(1 + e^s) - ys, with numpy's overflow-free log(e^0 + e^s).
            expected = np.logaddexp(0.0, s) - y * s
            assert value == pytest.approx(expected, rel=1e-15, abs=1e-300)
            assert slope == pytest.approx(expit(s) - y, abs=1e-15)
            assert 0.0 <= curvature <= 0.25

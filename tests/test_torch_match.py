"""The torch.optim optimizers against REAL torch.optim, to float64 round-off.

For each optimizer with a ``torch_class``: a float64 tensor of size 2 as the parameter,
the loss written in torch from the published formula (Rosenbrock; the eccentric
quadratic ½θᵀHθ with H built here in NumPy), ``loss.backward()``, ``opt.step()``, 60+
steps; our path must equal torch's to 1e-10 (absolute, max over steps). The
hyperparameter cases mirror test_optimizers_match.py: defaults, every flag, and a
schedule (torch's param_group["lr"] set before each step).

Without torch the module is skipped, except on CI (env var CI set), where it fails.
"""

from __future__ import annotations

import inspect
import math
import os

import numpy as np
import pytest

import landscapes
import optimizers

pytestmark = pytest.mark.torch

if os.environ.get("CI"):
    import torch  # CI must have torch: a missing install fails loudly
else:
    torch = pytest.importorskip("torch")

TOLERANCE = 1e-10
STEP = {"name": "step", "gamma": 0.5, "step_size": 10}
STEP_25 = {"name": "step", "gamma": 0.5, "step_size": 25}

TORCH_OPTIMIZERS = [n for n in optimizers.names() if optimizers.spec(n).torch_class]


def _rosenbrock(p, a=1.0, b=100.0):
    return (a - p[0]) ** 2 + b * (p[1] - p[0] ** 2) ** 2


def _quadratic_hessian(condition_number: float, angle: float) -> np.ndarray:
    """H = R(α) diag(1, κ) R(α)ᵀ."""
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    return rotation @ np.diag([1.0, condition_number]) @ rotation.T


def _quadratic(condition_number: float, angle: float):
    H = torch.tensor(_quadratic_hessian(condition_number, angle), dtype=torch.float64)

    def loss(p):
        return 0.5 * p @ H @ p

    return loss


SURFACES = {
    # name: (our landscape name and params, torch loss, start)
    "rosenbrock": (("rosenbrock", {}), _rosenbrock, (-1.5, 2.0)),
    "quadratic": (
        ("quadratic", {"condition_number": 10.0, "angle": 0.4}),
        _quadratic(10.0, 0.4),
        (-2.5, 2.0),
    ),
}

# (surface, steps, keyword arguments for both torch and `run`, schedule)
CASES = {
    "sgd": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 60, {}, None),
        (
            "rosenbrock",
            300,
            {"lr": 2e-4, "momentum": 0.9, "weight_decay": 0.01, "nesterov": True},
            None,
        ),
        # torch refuses nesterov with dampening, so dampening has its own case.
        (
            "quadratic",
            60,
            {"lr": 0.05, "momentum": 0.5, "dampening": 0.5, "weight_decay": 0.1},
            None,
        ),
        ("rosenbrock", 200, {"lr": 1e-3, "momentum": 0.9}, STEP),
    ],
    "adagrad": [
        ("rosenbrock", 60, {}, None),
        ("quadratic", 60, {}, None),
        (
            "rosenbrock",
            100,
            {
                "lr": 0.5,
                "lr_decay": 0.05,
                "initial_accumulator_value": 0.5,
                "weight_decay": 0.01,
                "eps": 1e-3,
            },
            None,
        ),
        (
            "quadratic",
            60,
            {
                "lr": 1.0,
                "lr_decay": 0.02,
                "initial_accumulator_value": 2.0,
                "weight_decay": 0.1,
            },
            STEP,
        ),
    ],
    "rmsprop": [
        ("rosenbrock", 60, {}, None),
        ("quadratic", 60, {}, None),
        (
            "rosenbrock",
            100,
            {
                "lr": 1e-3,
                "alpha": 0.9,
                "weight_decay": 0.01,
                "momentum": 0.9,
                "centered": True,
            },
            None,
        ),
        (
            "quadratic",
            100,
            {"lr": 0.01, "eps": 1e-4, "momentum": 0.5, "centered": True},
            STEP_25,
        ),
    ],
    "adadelta": [
        ("rosenbrock", 60, {}, None),
        ("quadratic", 60, {}, None),
        (
            "rosenbrock",
            100,
            {"lr": 10.0, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.01},
            None,
        ),
        ("quadratic", 100, {"lr": 20.0, "rho": 0.8, "eps": 1e-3}, STEP_25),
    ],
    "adam": [
        ("rosenbrock", 100, {}, None),
        ("quadratic", 100, {}, None),
        (
            "rosenbrock",
            100,
            {
                "lr": 0.02,
                "betas": (0.8, 0.99),
                "eps": 1e-6,
                "weight_decay": 0.05,
                "amsgrad": True,
            },
            None,
        ),
        ("quadratic", 100, {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}, None),
        (
            "quadratic",
            100,
            {
                "lr": 0.05,
                "weight_decay": 0.2,
                "amsgrad": True,
                "decoupled_weight_decay": True,
            },
            None,
        ),
        ("rosenbrock", 100, {"lr": 0.05, "betas": (0.9, 0.99)}, STEP_25),
    ],
    "adamw": [
        ("rosenbrock", 100, {}, None),
        ("quadratic", 100, {}, None),
        ("rosenbrock", 100, {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True}, None),
        (
            "quadratic",
            100,
            {"lr": 0.05, "betas": (0.7, 0.95), "eps": 1e-6, "weight_decay": 0.3},
            STEP_25,
        ),
    ],
    "nadam": [
        ("rosenbrock", 100, {}, None),
        ("quadratic", 100, {}, None),
        (
            "rosenbrock",
            100,
            {"lr": 0.02, "eps": 1e-6, "weight_decay": 0.05, "momentum_decay": 0.01},
            None,
        ),
        (
            "quadratic",
            100,
            {
                "lr": 0.05,
                "betas": (0.8, 0.99),
                "weight_decay": 0.1,
                "decoupled_weight_decay": True,
            },
            STEP_25,
        ),
    ],
    "radam": [
        ("rosenbrock", 100, {}, None),
        ("quadratic", 100, {}, None),
        ("rosenbrock", 200, {"lr": 2e-3, "eps": 1e-6, "weight_decay": 0.05}, None),
        (
            "rosenbrock",
            200,
            {"lr": 1e-3, "weight_decay": 0.05, "decoupled_weight_decay": True},
            None,
        ),
        (
            "quadratic",
            100,
            {
                "lr": 0.05,
                "betas": (0.85, 0.95),
                "weight_decay": 0.1,
                "decoupled_weight_decay": True,
            },
            STEP_25,
        ),
    ],
    "adamax": [
        ("rosenbrock", 200, {}, None),
        ("quadratic", 100, {}, None),
        (
            "rosenbrock",
            200,
            {"lr": 0.02, "betas": (0.4, 0.99), "eps": 1e-3, "weight_decay": 0.05},
            None,
        ),
        (
            "quadratic",
            100,
            {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-3, "weight_decay": 0.1},
            None,
        ),
        ("rosenbrock", 100, {"lr": 0.01}, STEP_25),
    ],
    "asgd": [
        ("quadratic", 100, {}, None),
        ("rosenbrock", 300, {"lr": 1e-3}, None),
        (
            "quadratic",
            100,
            {"lr": 0.05, "lambd": 0.5, "alpha": 0.6, "t0": 20, "weight_decay": 0.1},
            None,
        ),
        (
            "rosenbrock",
            300,
            {"lr": 1e-3, "lambd": 0.1, "alpha": 1.0, "t0": 50, "weight_decay": 0.01},
            STEP_25,
        ),
    ],
    "rprop": [
        ("rosenbrock", 100, {}, None),
        ("quadratic", 60, {}, None),
        (
            "rosenbrock",
            100,
            {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)},
            None,
        ),
        (
            "quadratic",
            100,
            {"lr": 0.01, "etas": (0.6, 1.1), "step_sizes": (0.005, 0.05)},
            STEP,
        ),
    ],
}


@pytest.fixture(autouse=True)
def _float64_scalar_state():
    """torch keeps scalar optimizer state (step, NAdam's mu_product) in float32 unless
    the default dtype is float64 (torch.optim.optimizer._get_scalar_dtype). NAdam's
    float32 mu_product alone moves the path by ~4e-10 in 100 steps; in float64
    torch, as here, everything is float64."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def torch_path(
    name, surface_name, steps, kwargs, lrs=None, states=None, max_grad_norm=None
) -> np.ndarray:
    """torch.optim's iterates: (steps + 1, 2), the start first. With a dict `states`,
    also torch's state after each step: states[key] (steps, 2) for each tensor of
    the parameter's size. With `max_grad_norm`, each gradient is clipped by
    torch.nn.utils.clip_grad_norm_ before the step."""
    _, loss_fn, start = SURFACES[surface_name]
    cls = getattr(torch.optim, optimizers.spec(name).torch_class)
    theta = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = cls([theta], foreach=False, **kwargs)
    path = [theta.detach().clone().numpy()]
    for t in range(steps):
        if lrs is not None:
            for group in opt.param_groups:
                group["lr"] = float(lrs[t])
        opt.zero_grad()
        loss = loss_fn(theta)
        loss.backward()
        if max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_([theta], max_grad_norm)
        opt.step()
        path.append(theta.detach().clone().numpy())
        if states is not None:
            for key, value in opt.state[theta].items():
                if value.shape == theta.shape:
                    states.setdefault(key, []).append(value.detach().clone().numpy())
    if states is not None:
        states.update({key: np.array(value) for key, value in states.items()})
    return np.array(path)


def test_the_torch_optimizers():
    assert TORCH_OPTIMIZERS == [
        "sgd",
        "adagrad",
        "rmsprop",
        "adadelta",
        "adam",
        "adamw",
        "nadam",
        "radam",
        "adamax",
        "asgd",
        "rprop",
    ]


@pytest.mark.parametrize("name", TORCH_OPTIMIZERS)
def test_defaults_are_torchs(name):
    spec = optimizers.spec(name)
    parameters = inspect.signature(getattr(torch.optim, spec.torch_class)).parameters
    for hyper in spec.hyperparameters:
        if not hyper.settable:
            continue
        for torch_name, parts in spec.tuples.items():
            if hyper.name in parts:
                torch_default = parameters[torch_name].default[parts.index(hyper.name)]
                break
        else:
            torch_default = parameters[hyper.name].default
        assert float(hyper.default) == float(torch_default), hyper.name


@pytest.mark.parametrize("name", TORCH_OPTIMIZERS)
def test_cases_cover_every_hyperparameter(name):
    cases = CASES[name]
    spec = optimizers.spec(name)
    assert {case[0] for case in cases} == set(SURFACES)
    assert any(not case[2] and case[3] is None for case in cases)
    assert any(case[3] is not None for case in cases)
    changed = set()
    for _, _, kwargs, _ in cases:
        resolved = optimizers._api.resolve_hyperparameters(name, kwargs)
        changed |= {key for key, v in resolved.items() if v != spec.defaults[key]}
    settable = {h.name for h in spec.hyperparameters if h.settable}
    assert settable <= changed, f"never set: {sorted(settable - changed)}"


@pytest.mark.parametrize("name", TORCH_OPTIMIZERS)
def test_matches_torch(name):
    for surface_name, steps, kwargs, schedule in CASES[name]:
        (landscape, params), _, start = SURFACES[surface_name]
        surface = landscapes.get(landscape, **params)
        result = optimizers.run(
            name, surface, start=start, steps=steps, schedule=schedule, **kwargs
        )
        lrs = None
        if schedule is not None:
            base = kwargs.get("lr", optimizers.spec(name).defaults["lr"])
            lrs = optimizers.Schedule(**schedule).learning_rates(base, steps)
        expected = torch_path(name, surface_name, steps, kwargs, lrs)
        label = f"{name} on {surface_name}, {steps} steps, {kwargs}, {schedule}"
        assert result.diverged_at is None, label
        assert result.path.shape == expected.shape, label
        error = np.abs(result.path - expected).max(axis=1)
        worst = int(error.argmax())
        assert error[worst] <= TOLERANCE, (
            f"{label}: |ours - torch| = {error[worst]:.3e} at step {worst}: "
            f"{result.path[worst].tolist()} vs {expected[worst].tolist()}"
        )
        # The path moved: the comparison is not between two resting points.
        assert np.abs(expected[-1] - expected[0]).max() > 0.04, label


@pytest.mark.parametrize("name", ["adamax", "asgd"])
def test_named_state_is_torchs(name):
    """The state `record_state` shows (Adamax's exp_avg and exp_inf, ASGD's average
    ax) is torch's state of the same name after every step."""
    for surface_name, steps, kwargs, schedule in CASES[name]:
        (landscape, params), _, start = SURFACES[surface_name]
        surface = landscapes.get(landscape, **params)
        result = optimizers.run(
            name,
            surface,
            start=start,
            steps=steps,
            schedule=schedule,
            record_state=True,
            **kwargs,
        )
        lrs = None
        if schedule is not None:
            base = kwargs.get("lr", optimizers.spec(name).defaults["lr"])
            lrs = optimizers.Schedule(**schedule).learning_rates(base, steps)
        states = {}
        torch_path(name, surface_name, steps, kwargs, lrs, states)
        label = f"{name} on {surface_name}, {steps} steps, {kwargs}, {schedule}"
        assert set(result.state) == set(optimizers.spec(name).state), label
        for key, ours in result.state.items():
            assert ours.shape == states[key].shape, (label, key)
            error = np.abs(ours - states[key]).max()
            assert error <= TOLERANCE, f"{label}: {key} off by {error:.3e}"


def test_asgd_average_is_the_mean_of_the_iterates_after_t0():
    """μ_t = 1/max(1, t − t₀) makes ax the iterate until step t₀ + 2 and then the
    running mean of θ_{t₀+2}, ..., θ_t: the state test above compares a real average,
    not a copy of the path."""
    surface = landscapes.get("quadratic", condition_number=10.0, angle=0.4)
    kwargs = {"lr": 0.05, "lambd": 0.5, "alpha": 0.6, "t0": 20, "weight_decay": 0.1}
    result = optimizers.run(
        "asgd", surface, start=(-2.5, 2.0), steps=100, record_state=True, **kwargs
    )
    average = result.state["ax"]
    np.testing.assert_array_equal(average[:22], result.path[1:23])
    for t in (30, 60, 100):
        np.testing.assert_allclose(
            average[t - 1], result.path[22 : t + 1].mean(axis=0), rtol=1e-12
        )
    assert np.abs(average[-1] - result.path[-1]).max() > 0.05


@pytest.mark.parametrize(
    "name, surface_name, steps, kwargs",
    [
        ("sgd", "rosenbrock", 150, {"lr": 1e-3, "momentum": 0.9}),
        # Adam's steps in Rosenbrock's valley amplify a last-bit difference in
        # the norm (torch's vector_norm vs our square root) ~10x per 10 steps
        # after step 60 (2.5e-7 by step 150): compared over the first 60, where
        # every gradient is clipped (‖∇f‖ 2-80).
        ("adam", "rosenbrock", 60, {"lr": 0.05}),
        ("sgd", "quadratic", 150, {"lr": 0.15}),
    ],
)
def test_max_grad_norm_clips_as_torchs_clip_grad_norm(
    name, surface_name, steps, kwargs
):
    """`max_grad_norm` is torch.nn.utils.clip_grad_norm_ before each step: the
    same path to round-off, and a different path from the unclipped one."""
    (landscape, params), _, start = SURFACES[surface_name]
    surface = landscapes.get(landscape, **params)
    ours = optimizers.run(
        name, surface, start=start, steps=steps, max_grad_norm=1.0, **kwargs
    )
    theirs = torch_path(name, surface_name, steps, kwargs, max_grad_norm=1.0)
    assert ours.diverged_at is None
    np.testing.assert_allclose(ours.path, theirs, rtol=0, atol=TOLERANCE)
    unclipped = optimizers.run(name, surface, start=start, steps=steps, **kwargs)
    length = min(len(unclipped.path), len(ours.path))
    assert np.abs(unclipped.path[:length] - ours.path[:length]).max() > 1e-3
    # A sweep clips each run alike.
    grid = optimizers.sweep(
        name,
        surface,
        start=start,
        steps=steps,
        max_grad_norm=1.0,
        grid={"lr": [kwargs["lr"]]},
        **{k: v for k, v in kwargs.items() if k != "lr"},
    )
    np.testing.assert_allclose(grid.final[0], ours.path[-1], rtol=0, atol=1e-12)

"""The torch.optim optimizers against REAL torch.optim, to float64 round-off.

For each optimizer with a ``torch_class``: a float64 tensor of size 2 as the parameter
(of shape (1, 2) for Muon, which takes only matrices), the loss written in torch from
the published formula (Rosenbrock; the eccentric quadratic ½θᵀHθ with H built here in
NumPy), ``loss.backward()``, ``opt.step()``, 60+ steps; our path must equal torch's to
1e-10 (absolute, max over steps). The hyperparameter cases mirror
test_optimizers_match.py: defaults, every flag, and a schedule (torch's
param_group["lr"] set before each step). L-BFGS, whose path is torch's inner loop,
has its own test: the k-th point against a fresh ``step(closure)`` with max_iter = k.

Where a path is sensitive to its start (Adafactor's near-sign steps on Rosenbrock at
the default lr, L-BFGS's fixed unit step there), round-off differences between our
gradient and torch's autograd grow to the tolerance, in torch against itself too: the
cases here are ones where a perturbation of the start by 1e-13 moves the path by at
most ~1e4 times as much.

Without torch the module is skipped, except on CI (env var CI set), where it fails.
"""

from __future__ import annotations

import inspect
import math
import os

import numpy as np
import pytest
from oracle_cases import assert_cases_cover
from test_api import TORCH_CHOICES, torch_value_here

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
# Those whose path is one torch step() per step (L-BFGS's is its inner loop).
STEPPED = [n for n in TORCH_OPTIMIZERS if n != "lbfgs"]
# Our bool named for a choice of torch's -> that torch argument.
TORCH_ARGUMENT_OF_CHOICE = {
    choice: argument for argument, choice in TORCH_CHOICES.items()
}
# torch.optim.Muon takes only matrices: (x, y) is the 1×2 matrix [x y].
TORCH_SHAPES = {"muon": (1, 2)}


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
    "adafactor": [
        ("quadratic", 300, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.05,
                "beta2_decay": -0.5,
                "eps": (1e-10, 1e-2),
                "d": 2.0,
                "weight_decay": 0.1,
            },
            None,
        ),
        ("rosenbrock", 300, {"lr": 0.05, "eps": (1e-6, 1e-3)}, STEP_25),
        (
            "quadratic",
            300,
            {"beta2_decay": -1.0, "d": 3.0, "weight_decay": 0.05},
            STEP,
        ),
    ],
    "muon": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 300, {"lr": 0.02}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.01,
                "momentum": 0.8,
                "nesterov": False,
                "weight_decay": 0.05,
                "ns_steps": 4,
                "match_rms_adamw": True,
            },
            None,
        ),
        # ε = 0.5 floors ‖B̃‖ near the minimum (the update is then B̃/0.5)
        ("quadratic", 300, {"lr": 0.05, "eps": 0.5, "ns_steps": 6}, STEP_25),
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


def torch_kwargs(kwargs: dict) -> dict:
    """Our keyword arguments as torch's: a bool named for a choice of torch's
    (test_api.TORCH_CHOICES) back to that argument and value."""
    converted = {}
    for key, value in kwargs.items():
        argument = TORCH_ARGUMENT_OF_CHOICE.get(key)
        if argument is None:
            converted[key] = value
        elif value:
            converted[argument] = key
    return converted


def torch_path(
    name, surface_name, steps, kwargs, lrs=None, states=None, max_grad_norm=None
) -> np.ndarray:
    """torch.optim's iterates: (steps + 1, 2), the start first. With a dict `states`,
    also torch's state after each step: states[key] (steps, 2) for each tensor of
    the parameter's size. With `max_grad_norm`, each gradient is clipped by
    torch.nn.utils.clip_grad_norm_ before the step."""
    _, loss_fn, start = SURFACES[surface_name]
    cls = getattr(torch.optim, optimizers.spec(name).torch_class)
    shape = TORCH_SHAPES.get(name, (2,))
    theta = torch.tensor(start, dtype=torch.float64).reshape(shape).requires_grad_()
    switches = (
        {"foreach": False} if "foreach" in inspect.signature(cls).parameters else {}
    )
    opt = cls([theta], **switches, **torch_kwargs(kwargs))
    path = [theta.detach().reshape(-1).clone().numpy()]
    for t in range(steps):
        if lrs is not None:
            for group in opt.param_groups:
                group["lr"] = float(lrs[t])
        opt.zero_grad()
        loss = loss_fn(theta.reshape(-1))
        loss.backward()
        if max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_([theta], max_grad_norm)
        opt.step()
        path.append(theta.detach().reshape(-1).clone().numpy())
        if states is not None:
            for key, value in opt.state[theta].items():
                if value.shape == theta.shape:
                    flat = value.detach().reshape(-1).clone().numpy()
                    states.setdefault(key, []).append(flat)
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
        "adafactor",
        "muon",
        "asgd",
        "rprop",
        "lbfgs",
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
                whole = torch_value_here(torch_name, parameters[torch_name].default)
                torch_default = whole[parts.index(hyper.name)]
                break
        else:
            argument = TORCH_ARGUMENT_OF_CHOICE.get(hyper.name, hyper.name)
            torch_default = torch_value_here(argument, parameters[argument].default)
        assert float(hyper.default) == float(torch_default), hyper.name


@pytest.mark.parametrize("name", STEPPED)
def test_cases_cover_every_hyperparameter(name):
    assert_cases_cover(name, CASES[name], surfaces=SURFACES)


@pytest.mark.parametrize("name", STEPPED)
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


@pytest.mark.parametrize("name", ["adamax", "asgd", "adafactor", "muon"])
def test_named_state_is_torchs(name):
    """The state `record_state` shows (Adamax's exp_avg and exp_inf, ASGD's average
    ax, Adafactor's variance, Muon's momentum_buffer) is torch's state of the same
    name after every step."""
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


# ------------------------------------------------------------------------- L-BFGS

# (surface, start, keyword arguments): torch stops early in every case, on each of
# its rules somewhere (test_lbfgs_cases_stop_on_every_rule).
LBFGS_CASES = [
    ("rosenbrock", (0.0, 0.0), {"lr": 0.5}),
    ("rosenbrock", (0.0, 0.0), {"lr": 0.5, "tolerance_grad": 1e-3}),
    ("rosenbrock", (-1.5, 2.0), {"strong_wolfe": True}),
    ("rosenbrock", (-1.5, 2.0), {"strong_wolfe": True, "history_size": 3, "lr": 0.8}),
    ("quadratic", (-2.5, 2.0), {}),
    ("quadratic", (-2.5, 2.0), {"lr": 0.3, "history_size": 1}),
    ("quadratic", (-2.5, 2.0), {"tolerance_grad": 0.1, "strong_wolfe": True}),
    ("quadratic", (-2.5, 2.0), {"tolerance_change": 1e-3}),
    ("quadratic", (-2.5, 2.0), {"tolerance_change": 1e4}),
    ("quadratic", (0.0, 0.0), {}),  # the minimum: torch returns at once
]
LBFGS_STEPS = 300


def torch_lbfgs(surface_name, start, max_iter, kwargs):
    """Where one fresh torch.optim.LBFGS(..., max_iter, max_eval=10**9).step(closure)
    ends, and torch's state then."""
    _, loss_fn, _ = SURFACES[surface_name]
    theta = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS(
        [theta], max_iter=max_iter, max_eval=10**9, **torch_kwargs(kwargs)
    )

    def closure():
        opt.zero_grad()
        loss = loss_fn(theta)
        loss.backward()
        return loss

    opt.step(closure)
    return theta.detach().numpy().copy(), opt.state[theta]


def _lbfgs_run(surface_name, start, kwargs):
    (landscape, params), _, _ = SURFACES[surface_name]
    surface = landscapes.get(landscape, **params)
    result = optimizers.run(
        "lbfgs",
        surface,
        start=start,
        steps=LBFGS_STEPS,
        tolerance=0.0,
        record_state=True,
        **kwargs,
    )
    return surface, result


def test_lbfgs_cases_cover_every_hyperparameter():
    cases = [(surface, LBFGS_STEPS, kwargs, None) for surface, _, kwargs in LBFGS_CASES]
    assert_cases_cover("lbfgs", cases, surfaces=SURFACES, schedule=False)
    assert {kwargs.get("strong_wolfe", False) for _, _, kwargs in LBFGS_CASES} == {
        False,
        True,
    }


@pytest.mark.parametrize(
    ("surface_name", "start", "kwargs"),
    LBFGS_CASES,
    ids=[f"{s}-{start}-{kwargs}" for s, start, kwargs in LBFGS_CASES],
)
def test_lbfgs_path_is_torchs_inner_loop(surface_name, start, kwargs):
    """path[k] is where a fresh torch L-BFGS with max_iter = k ends, for every k up to
    where torch stops, which is where the path ends (converged_at = n): torch with
    max_iter = n + 1 ends on the same point. The recorded lr is torch's step length
    t, the state `direction` torch's d."""
    _, result = _lbfgs_run(surface_name, start, kwargs)
    assert result.diverged_at is None
    n = result.converged_at
    assert n is not None and len(result.path) == n + 1
    for k in range(1, n + 1):
        point, state = torch_lbfgs(surface_name, start, k, kwargs)
        error = np.abs(result.path[k] - point).max()
        assert error <= TOLERANCE, f"step {k}: |ours - torch| = {error:.3e}"
        # t and d to 1e-8 relative: a line search's t can be 100x more sensitive to
        # round-off than the point (a flat φ), and d carries the curvature's.
        np.testing.assert_allclose(
            result.lr[k - 1], float(state["t"]), rtol=1e-8, err_msg=f"step {k}"
        )
        np.testing.assert_allclose(
            result.state["direction"][k - 1],
            state["d"].numpy(),
            rtol=1e-8,
            atol=TOLERANCE,
            err_msg=f"step {k}",
        )
    # torch allowed one more iteration ends where it ended after n: it stopped.
    stopped, _ = torch_lbfgs(surface_name, start, n + 1, kwargs)
    if n == 0:
        np.testing.assert_array_equal(stopped, start)
    else:
        np.testing.assert_array_equal(
            stopped, torch_lbfgs(surface_name, start, n, kwargs)[0]
        )
        assert np.abs(result.path[-1] - result.path[0]).max() > 0.04


def _stop_rule(surface, result, kwargs) -> str:
    """Which of torch's rules ended the path: the gradient's, the change's (of θ or
    f), or the descent test before a move (gᵀd > -tolerance_change)."""
    spec = optimizers.spec("lbfgs").defaults
    tolerance_grad = kwargs.get("tolerance_grad", spec["tolerance_grad"])
    tolerance_change = kwargs.get("tolerance_change", spec["tolerance_change"])
    x, y = result.path[-1]
    if max(map(abs, surface.grad(x, y))) <= tolerance_grad:
        return "tolerance_grad"
    if len(result.path) > 1:
        moved = np.abs(np.diff(result.path[-2:], axis=0)).max()
        if moved <= tolerance_change or abs(np.diff(result.loss[-2:])[0]) < (
            tolerance_change
        ):
            return "tolerance_change"
    return "descent"


def test_lbfgs_cases_stop_on_every_rule():
    rules = set()
    for surface_name, start, kwargs in LBFGS_CASES:
        surface, result = _lbfgs_run(surface_name, start, kwargs)
        rules.add(_stop_rule(surface, result, kwargs))
    assert rules == {"tolerance_grad", "tolerance_change", "descent"}


# -------------------------------------------------------------------------- Muon


def test_muon_newton_schulz_of_a_1x2_matrix_is_its_direction_times_0_696():
    """A 1×2 matrix has rank one, so torch's Newton–Schulz (5 steps) maps m to
    p⁵(1)·m/‖m‖, p(σ) = aσ + bσ³ + cσ⁵ with torch's (a, b, c): p⁵(1) = 0.696 in exact
    arithmetic, 0.66 to 0.73 per coordinate in torch's bfloat16 (the iterates 0.701,
    1.114, 0.721, 1.090, 0.696 swing around p's repelling fixed point 0.868). Our
    bfloat16 Newton–Schulz equals torch's bit for bit."""
    from torch.optim import _muon

    from optimizers import muon

    a, b, c = _muon.DEFAULT_A, _muon.DEFAULT_B, _muon.DEFAULT_C
    assert (a, b, c) == (muon.NS_A, muon.NS_B, muon.NS_C)
    sigma, iterates = 1.0, []
    for _ in range(_muon.DEFAULT_NS_STEPS):
        sigma = a * sigma + b * sigma**3 + c * sigma**5
        iterates.append(round(sigma, 3))
    assert iterates == [0.701, 1.114, 0.721, 1.090, 0.696]
    fixed = math.sqrt((-b - math.sqrt(b * b - 4 * c * (a - 1))) / (2 * c))
    assert round(fixed, 3) == 0.868
    assert abs(a + 3 * b * fixed**2 + 5 * c * fixed**4) > 1  # p'(σ*) = -1.58
    rng = np.random.default_rng(0)
    ratios = []
    for angle, scale in zip(
        rng.uniform(0, 2 * math.pi, 3000), 10 ** rng.uniform(-6, 6, 3000), strict=True
    ):
        m = scale * np.array([math.cos(angle), math.sin(angle)])
        theirs = _muon._zeropower_via_newtonschulz(
            torch.tensor(m).reshape(1, 2), (a, b, c), 5, _muon.EPS
        )
        theirs = theirs.double().reshape(-1).numpy()
        ours = muon.newton_schulz(m[0], m[1], 5, _muon.EPS)
        assert tuple(theirs) == ours, m
        ratios.extend(theirs / (m / np.linalg.norm(m)))
    assert min(ratios) >= 0.66 and max(ratios) <= 0.73
    assert abs(np.median(ratios) - iterates[-1]) < 0.015


def test_bfloat16_conversion_is_torchs():
    """float64 → bfloat16 goes through float32, each rounding to nearest even:
    1 + 2⁻⁸ + 2⁻³⁰ becomes 1 (directly it would be 1 + 2⁻⁷)."""
    from optimizers._torch_ops import bfloat16

    # ties, a subnormal, bfloat16's largest and an overflow to inf
    values = [1 + 2**-8 + 2**-30, 1 + 2**-8, 1 + 3 * 2**-8, -2.5e-39, 3.0e38, 0.0]
    values += [(2 - 2**-7) * 2.0**127, -3.39e38, 1e-45, 5e-324]
    rng = np.random.default_rng(1)
    values += list(rng.standard_normal(2000) * 10.0 ** rng.uniform(-30, 30, 2000))
    theirs = torch.tensor(values, dtype=torch.float64).bfloat16().double().tolist()
    assert [bfloat16(v) for v in values] == theirs
    assert bfloat16(1 + 2**-8 + 2**-30) == 1.0

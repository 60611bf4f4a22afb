"""Sophia, AdaHessian, Shampoo and SOAP against REAL pytorch_optimizer 4.1, to float64
round-off.

For each: a float64 torch tensor of size 2 as the parameter, its ``.grad`` set to our
``surface.grad`` at each iterate (both follow one gradient field), then ``opt.step()``;
200+ steps; our path must equal pytorch_optimizer's to RTOL (relative to max(|θ|, 1),
max over steps). The cases set every hyperparameter, on two or more surfaces, and a
schedule (the param group's lr set before each step).

* SophiaH and AdaHessian estimate the Hessian diagonal with Hutchinson's trick unless
  given one: ``step(hessian=[d])``, their documented way to pass an external estimate,
  gets the surface's exact diagonal at the steps that refresh it ((t - 1) mod
  update_period = 0), as our kernels use. SophiaH's rule is ours reparametrized
  (optimizers/sophia.py): lr' = lr/ρ, p = ρ, eps' = eps/ρ, weight_decay' = λρ.
* Shampoo: our ``eps`` is its ``matrix_eps``.
* SOAP with ``precondition_1d=True`` (a vector gets its 2x2 preconditioner). Its
  eigenbasis refresh runs ``torch.linalg.qr`` on a float32 copy; the RTOL cases run
  it with that cast made float64 (its module's ``torch`` seen through a proxy whose
  float32 is float64), and `test_soap_differs_only_by_its_float32_qr` measures the
  unpatched one.

Without pytorch_optimizer (pyproject's test extra; it runs over torch) the module is
skipped, except on CI (env var CI set), where it fails.
"""

from __future__ import annotations

import inspect
import os
import types

import numpy as np
import pytest
from oracle_cases import assert_cases_cover

import landscapes
import optimizers

pytestmark = pytest.mark.torch

if os.environ.get("CI"):
    import pytorch_optimizer
    import torch
else:
    torch = pytest.importorskip("torch")
    pytorch_optimizer = pytest.importorskip("pytorch_optimizer")

from pytorch_optimizer.optimizer import soap as soap_module  # noqa: E402

RTOL = 1e-12
STEP_25 = {"name": "step", "gamma": 0.5, "step_size": 25}

SURFACES = {
    "rosenbrock": (("rosenbrock", {}), (-1.5, 2.0)),
    "quadratic": (("quadratic", {"condition_number": 10.0, "angle": 0.4}), (-2.5, 2.0)),
    "himmelblau": (("himmelblau", {}), (0.0, 0.0)),
    "beale": (("beale", {}), (1.0, 1.5)),
}

# (surface, steps, our keyword arguments, schedule)
CASES = {
    "sophia": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 300, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.01,
                "betas": (0.9, 0.95),
                "rho": 0.05,
                "eps": 1e-6,
                "weight_decay": 0.01,
                "update_period": 3,
            },
            None,
        ),
        ("beale", 200, {"lr": 0.01, "rho": 0.02, "update_period": 5}, None),
        ("himmelblau", 200, {"lr": 0.05, "rho": 0.1, "update_period": 1}, STEP_25),
    ],
    "adahessian": [
        ("rosenbrock", 200, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.05,
                "betas": (0.8, 0.99),
                "eps": 1e-4,
                "hessian_power": 0.5,
                "weight_decay": 0.01,
                "update_period": 4,
            },
            None,
        ),
        ("himmelblau", 200, {"lr": 0.1, "hessian_power": 0.8}, STEP_25),
    ],
    # Shampoo's defaults (ε = 1e-6, η = 1e-3) start from a nearly singular εI + g₁g₁ᵀ;
    # pytorch_optimizer's SVD gets its inverse root to ~1e-16 κ ≈ 1e-6 relative
    # (optimizers/matrix2.py), and on Rosenbrock that grows to 1e-10 of the path: the
    # default case is on Beale, the others take a larger ε.
    "shampoo": [
        ("beale", 300, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.02,
                "momentum": 0.5,
                "weight_decay": 0.01,
                "eps": 1e-3,
                "preconditioning_compute_steps": 3,
            },
            None,
        ),
        ("quadratic", 300, {"lr": 0.1, "eps": 0.1}, None),
        ("himmelblau", 300, {"lr": 0.1, "momentum": 0.9}, STEP_25),
    ],
    # SOAP's first move divides the round-off of q₂ᵀg (0 in exact arithmetic) by
    # √v + ε (tests/test_optimizers_match.py's CASES): the cases off the defaults take
    # ε ≥ 1e-6, and normalized steps stop at 200, before they circle the minimum.
    "soap": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 300, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.01,
                "betas": (0.9, 0.99),
                "shampoo_beta": 0.9,
                "eps": 1e-6,
                "weight_decay": 0.0,
                "precondition_frequency": 3,
                "correct_bias": False,
            },
            None,
        ),
        (
            "quadratic",
            200,
            {
                "lr": 0.02,
                "eps": 1e-4,
                "normalize_gradient": True,
                "precondition_frequency": 1,
            },
            None,
        ),
        ("himmelblau", 200, {"lr": 0.05, "eps": 1e-3}, STEP_25),
    ],
}


class _Float64QR(types.ModuleType):
    """torch, but its float32 is float64: SOAP's QR then runs in float64."""

    def __getattr__(self, name):
        return torch.float64 if name == "float32" else getattr(torch, name)


def _resolved(name: str, kwargs: dict) -> dict:
    """Our keywords with the defaults filled in, tuples split (beta1, beta2)."""
    spec = optimizers.spec(name)
    resolved = dict(spec.defaults)
    for key, value in kwargs.items():
        if key in spec.tuples:
            for part, element in zip(spec.tuples[key], value, strict=True):
                resolved[part] = element
        else:
            resolved[key] = value
    return resolved


def reference_optimizer(name: str, parameter, kwargs: dict):
    """(pytorch_optimizer's optimizer for our `name` and keywords, the factor from
    our lr to its lr)."""
    h = _resolved(name, kwargs)
    betas = (h.get("beta1"), h.get("beta2"))
    if name == "sophia":
        rho = h["rho"]
        optimizer = pytorch_optimizer.SophiaH(
            [parameter],
            lr=h["lr"] / rho,
            betas=betas,
            weight_decay=h["weight_decay"] * rho,
            weight_decouple=True,
            p=rho,
            update_period=int(h["update_period"]),
            eps=h["eps"] / rho,
        )
        return optimizer, 1.0 / rho
    if name == "adahessian":
        optimizer = pytorch_optimizer.AdaHessian(
            [parameter],
            lr=h["lr"],
            betas=betas,
            weight_decay=h["weight_decay"],
            weight_decouple=True,
            hessian_power=h["hessian_power"],
            update_period=int(h["update_period"]),
            eps=h["eps"],
        )
        return optimizer, 1.0
    if name == "shampoo":
        optimizer = pytorch_optimizer.Shampoo(
            [parameter],
            lr=h["lr"],
            momentum=h["momentum"],
            weight_decay=h["weight_decay"],
            preconditioning_compute_steps=int(h["preconditioning_compute_steps"]),
            matrix_eps=h["eps"],
        )
        return optimizer, 1.0
    assert name == "soap"
    optimizer = pytorch_optimizer.SOAP(
        [parameter],
        lr=h["lr"],
        betas=betas,
        shampoo_beta=h["shampoo_beta"],
        weight_decay=h["weight_decay"],
        precondition_frequency=int(h["precondition_frequency"]),
        precondition_1d=True,
        correct_bias=bool(h["correct_bias"]),
        normalize_gradient=bool(h["normalize_gradient"]),
        eps=h["eps"],
    )
    return optimizer, 1.0


def reference_path(name, surface, start, steps, kwargs, lrs=None) -> np.ndarray:
    """pytorch_optimizer's iterates: (steps + 1, 2), the start first."""
    parameter = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer, lr_factor = reference_optimizer(name, parameter, kwargs)
    period = int(_resolved(name, kwargs).get("update_period", 1))
    path = [parameter.detach().numpy().copy()]
    for t in range(1, steps + 1):
        if lrs is not None:
            optimizer.param_groups[0]["lr"] = lrs[t - 1] * lr_factor
        x, y = (float(v) for v in parameter.detach())
        parameter.grad = torch.tensor(surface.grad(x, y), dtype=torch.float64)
        if name in ("sophia", "adahessian"):
            diagonal = None
            if (t - 1) % period == 0:
                hessian = surface.hessian(x, y)
                diagonal = [torch.tensor([hessian[0][0], hessian[1][1]])]
            optimizer.step(hessian=diagonal)
        else:
            optimizer.step()
        path.append(parameter.detach().numpy().copy())
    return np.array(path)


def _paths(name, surface_name, steps, kwargs, schedule):
    (landscape, params), start = SURFACES[surface_name]
    surface = landscapes.get(landscape, **params)
    result = optimizers.run(
        name, surface, start=start, steps=steps, schedule=schedule, **kwargs
    )
    lrs = None
    if schedule is not None:
        base = _resolved(name, kwargs)["lr"]
        lrs = optimizers.Schedule(**schedule).learning_rates(base, steps)
    return result, reference_path(name, surface, start, steps, kwargs, lrs)


def _relative_error(ours: np.ndarray, expected: np.ndarray) -> np.ndarray:
    return (np.abs(ours - expected) / np.maximum(np.abs(expected), 1.0)).max(axis=1)


@pytest.fixture
def soap_qr_in_float64(monkeypatch):
    monkeypatch.setattr(soap_module, "torch", _Float64QR("torch"))


@pytest.mark.parametrize("name", list(CASES))
def test_cases_cover_every_hyperparameter(name):
    assert_cases_cover(name, CASES[name], min_steps=200)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_pytorch_optimizer(name, soap_qr_in_float64):
    for surface_name, steps, kwargs, schedule in CASES[name]:
        result, expected = _paths(name, surface_name, steps, kwargs, schedule)
        label = f"{name} on {surface_name}, {steps} steps, {kwargs}, {schedule}"
        assert result.diverged_at is None, label
        assert result.path.shape == expected.shape, label
        error = _relative_error(result.path, expected)
        worst = int(error.argmax())
        assert error[worst] <= RTOL, (
            f"{label}: |ours - pytorch_optimizer| = {error[worst]:.3e} at step "
            f"{worst}: {result.path[worst].tolist()} vs {expected[worst].tolist()}"
        )
        # The path moved: the comparison is not between two resting points.
        assert np.abs(expected[-1] - expected[0]).max() > 0.04, label


def test_soap_differs_only_by_its_float32_qr():
    """Unpatched, pytorch_optimizer's SOAP rounds each refreshed basis to float32
    (~1e-7): the paths part by ~1e-7, more than round-off, less than a method."""
    result, expected = _paths("soap", "rosenbrock", 300, {}, None)
    error = _relative_error(result.path, expected).max()
    assert 1e-9 < error < 1e-5


def test_sophia_and_adahessian_defaults_are_pytorch_optimizers():
    """AdaHessian's defaults are pytorch_optimizer's; Sophia's are SophiaH's in the
    paper's form (η = lr·p, ρ = p), but for ε (the paper's 1e-12 as max(ρh, ε))."""
    sophia = inspect.signature(pytorch_optimizer.SophiaH).parameters
    ours = optimizers.spec("sophia").defaults
    assert ours["lr"] == pytest.approx(
        sophia["lr"].default * sophia["p"].default, rel=1e-15
    )
    assert ours["rho"] == sophia["p"].default
    assert (ours["beta1"], ours["beta2"]) == sophia["betas"].default
    assert ours["update_period"] == sophia["update_period"].default
    assert ours["weight_decay"] == sophia["weight_decay"].default
    assert sophia["weight_decouple"].default is True
    adahessian = inspect.signature(pytorch_optimizer.AdaHessian).parameters
    ours = optimizers.spec("adahessian").defaults
    assert (ours["beta1"], ours["beta2"]) == adahessian["betas"].default
    for key in ("lr", "eps", "hessian_power", "weight_decay", "update_period"):
        assert ours[key] == adahessian[key].default, key
    assert adahessian["weight_decouple"].default is True


def test_shampoo_and_soap_defaults_are_pytorch_optimizers():
    shampoo = inspect.signature(pytorch_optimizer.Shampoo).parameters
    ours = optimizers.spec("shampoo").defaults
    assert ours["eps"] == shampoo["matrix_eps"].default
    for key in ("lr", "momentum", "weight_decay", "preconditioning_compute_steps"):
        assert ours[key] == shampoo[key].default, key
    assert shampoo["weight_decouple"].default is False  # λθ is added to g, as here
    soap = inspect.signature(pytorch_optimizer.SOAP).parameters
    ours = optimizers.spec("soap").defaults
    assert (ours["beta1"], ours["beta2"]) == soap["betas"].default
    for key in (
        "lr",
        "eps",
        "weight_decay",
        "precondition_frequency",
        "correct_bias",
        "normalize_gradient",
    ):
        assert ours[key] == soap[key].default, key
    # Its None means β₂, which is our number at the default betas.
    assert soap["shampoo_beta"].default is None
    assert ours["shampoo_beta"] == ours["beta2"]


def test_soap_leaves_a_vector_unrotated_by_default():
    """The docstring's warning: without precondition_1d pytorch_optimizer keeps no
    preconditioner for a vector."""
    parameter = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    optimizer = pytorch_optimizer.SOAP([parameter])
    parameter.grad = torch.tensor([0.3, -0.4], dtype=torch.float64)
    optimizer.step()
    state = optimizer.state[parameter]
    assert state["GG"] == [[]] and state["Q"] == [[]]

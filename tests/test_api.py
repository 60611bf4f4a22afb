"""Tests of the public `optimizers` API: the registry, `run`, `sweep` and validation.

Expected values never come from the package's own output. The oracles are:

* torch.optim's signatures (``inspect.signature``) when torch is importable, and a
  literal table of torch's documented defaults otherwise;
* a literal table of optax's documented defaults for LAMB, LARS, NovoGrad, Signum
  and ADOPT (test_optax_match.py checks them against optax's signatures too);
* scipy.optimize.rosen / rosen_der for Rosenbrock values and gradients;
* closed forms on the quadratic ½θᵀHθ: gradient descent multiplies each eigen-coordinate
  by (1 - ηλ) per step, Newton lands on the minimum in one step, and the first step
  of the divergence box |x|, |y| > 1e8 (RunResult's documented criterion) follows from
  |1 - ηκ|^k |y₀|;
* the published locations of Himmelblau's four minima;
* for gradient noise: with f = ½‖θ‖² and lr = 1 an iterate is exactly -σ·z of the
  step's noise z, so the draws can be read off a path and tested against N(0, 1) by
  Kolmogorov–Smirnov;
* the averaging formulas of averaging.py's docstring, evaluated in closed form here.

Only a few optimizers are used (gd, momentum, adam, newton, plus rmsprop and
normalized_gd for divergence): each compiles a Numba kernel the first time.
"""

from __future__ import annotations

import dataclasses
import inspect
import math

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der
from scipy.stats import kstest

import landscapes
import optimizers

TORCH_NAMES = [
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
    "adafactor",
    "muon",
    "lbfgs",
]
OTHER_NAMES = [
    "gd",
    "momentum",
    "normalized_gd",
    "newton",
    "cg_fletcher_reeves",
    "cg_polak_ribiere",
    "gd_exact_line_search",
    "gd_armijo",
    "sam",
    "sam_adam",
    "bfgs",
    "nelder_mead",
    "powell",
]

# torch.optim's documented defaults (torch 2.x), typed from its docs; tuple arguments
# (betas, etas, step_sizes) as pairs.
TORCH_DEFAULTS = {
    "sgd": {
        "lr": 1e-3,
        "momentum": 0.0,
        "dampening": 0.0,
        "weight_decay": 0.0,
        "nesterov": False,
    },
    "adagrad": {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    },
    "rmsprop": {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
    },
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
    "adam": {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": False,
    },
    "adamw": {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 1e-2,
        "amsgrad": False,
    },
    "nadam": {
        "lr": 2e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum_decay": 4e-3,
        "decoupled_weight_decay": False,
    },
    "radam": {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "decoupled_weight_decay": False,
    },
    "adamax": {
        "lr": 2e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
    },
    "asgd": {
        "lr": 1e-2,
        "lambd": 1e-4,
        "alpha": 0.75,
        "t0": 1e6,
        "weight_decay": 0.0,
    },
    "rprop": {"lr": 1e-2, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50.0)},
    # eps = (None, 1e-3): None is torch.finfo(float64).eps for float64 parameters.
    "adafactor": {
        "lr": 1e-2,
        "beta2_decay": -0.8,
        "eps": (2.0**-52, 1e-3),
        "d": 1.0,
        "weight_decay": 0.0,
    },
    # adjust_lr_fn=None ("original"): match_rms_adamw False.
    "muon": {
        "lr": 1e-3,
        "weight_decay": 0.1,
        "momentum": 0.95,
        "nesterov": True,
        "eps": 1e-7,
        "ns_steps": 5,
        "match_rms_adamw": False,
    },
    # line_search_fn=None: strong_wolfe False.
    "lbfgs": {
        "lr": 1.0,
        "tolerance_grad": 1e-7,
        "tolerance_change": 1e-9,
        "history_size": 100,
        "strong_wolfe": False,
    },
}
# optax 0.2.8's documented defaults of the methods torch lacks, typed from its docs
# (optax.lamb, .lars, .novograd, .signum, .contrib.adopt, .adan, .contrib.ademamix,
# .contrib.prodigy, .contrib.schedule_free_sgd, .contrib.schedule_free_adamw), under
# torch's names: b1, b2, b3 as betas, Signum's beta and schedule_free_sgd's b1 as
# momentum. optax's None is 0 for warmup_steps (no warm-up) and schedule_free_sgd's
# weight_decay (none), and negative for prodigy's beta3 (√β₂). Where optax has a
# default learning rate (prodigy, schedule-free), it is in the table.
OPTAX_DEFAULTS = {
    "lamb": {"betas": (0.9, 0.999), "eps": 1e-6, "eps_root": 0.0, "weight_decay": 0.0},
    "lars": {
        "weight_decay": 0.0,
        "trust_coefficient": 1e-3,
        "eps": 0.0,
        "momentum": 0.9,
        "nesterov": False,
    },
    "novograd": {
        "betas": (0.9, 0.25),
        "eps": 1e-6,
        "eps_root": 0.0,
        "weight_decay": 0.0,
    },
    "signum": {"momentum": 0.9},
    "adopt": {
        "betas": (0.9, 0.9999),
        "eps": 1e-6,
        "nesterov": False,
        "use_clipping": True,
    },
    "adan": {
        "betas": (0.98, 0.92, 0.99),
        "eps": 1e-8,
        "eps_root": 1e-8,
        "weight_decay": 0.0,
    },
    "ademamix": {
        "betas": (0.9, 0.999, 0.9999),
        "alpha": 5.0,
        "eps": 1e-8,
        "eps_root": 0.0,
        "weight_decay": 0.0,
    },
    "prodigy": {
        "lr": 1.0,
        "betas": (0.9, 0.999),
        "beta3": -1.0,
        "eps": 1e-8,
        "estim_lr0": 1e-6,
        "estim_lr_coef": 1.0,
        "weight_decay": 0.0,
        "safeguard_warmup": False,
    },
    "schedule_free_sgd": {
        "lr": 1.0,
        "warmup_steps": 0,
        "momentum": 0.9,
        "weight_decay": 0.0,
        "weight_lr_power": 2.0,
    },
    "schedule_free_adamw": {
        "lr": 0.0025,
        "warmup_steps": 0,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "weight_lr_power": 2.0,
    },
}
# optax requires the others' learning rate; where its docs' example sets one, that is
# ours, but Adan's: its example's 0.1 (optax.adan's docstring) is ours 0.01.
OPTAX_EXAMPLE_LR = {"lamb": 0.003, "novograd": 0.003, "adopt": 0.003, "ademamix": 0.01}

# Arguments of torch.optim classes that are implementation switches, not hyperparameters.
TORCH_SWITCHES = {
    "params",
    "foreach",
    "maximize",
    "capturable",
    "differentiable",
    "fused",
}
# torch arguments that choose among strings: here a bool named for the choice that
# is not torch's default (a hyperparameter is a number or a bool).
TORCH_CHOICES = {"adjust_lr_fn": "match_rms_adamw", "line_search_fn": "strong_wolfe"}
# torch arguments with no hyperparameter here: Muon's Newton–Schulz coefficients
# (torch's defaults, fixed); L-BFGS's max_iter (a path's step k is max_iter = k) and
# max_eval (unbounded).
NOT_HERE = {"ns_coefficients", "max_iter", "max_eval"}


def torch_value_here(argument, value):
    """A torch argument's value as a spec states it: a choice as a bool (whether it
    is the choice the bool is named for), and in Adafactor's eps = (None, ε₂) the
    None as the number torch takes for it, torch.finfo(float64).eps."""
    if argument in TORCH_CHOICES:
        return value == TORCH_CHOICES[argument]
    if argument == "eps" and isinstance(value, tuple):
        return tuple(float(np.finfo(np.float64).eps) if v is None else v for v in value)
    return value


HIMMELBLAU_MINIMA = np.array(  # Himmelblau (1972); three of them to 6 decimals
    [
        [3.0, 2.0],
        [-2.805118, 3.131312],
        [-3.779310, -3.283186],
        [3.584428, -1.848126],
    ]
)
BOX = 1e8  # RunResult: diverged when |x| or |y| > 1e8 or f is non-finite


def spec_value(spec, name):
    """The spec's default for a torch argument, a tuple for torch's tuple arguments
    (betas: two or three)."""
    if name in spec.tuples:
        return tuple(spec.defaults[element] for element in spec.tuples[name])
    return spec.defaults[name]


def quadratic(kappa, angle=0.0):
    return landscapes.get("quadratic", condition_number=kappa, angle=angle)


def eigenbasis(angle):
    """Columns: eigenvectors of R(α) diag(1, κ) R(α)ᵀ for eigenvalues 1 and κ."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def assert_all_finite(result):
    for name in ("path", "loss", "grad_norm", "lr"):
        array = getattr(result, name)
        assert np.all(np.isfinite(array)), f"{name} has non-finite entries"


# ------------------------------------------------------------------------- registry


def test_names_cover_torch_and_the_lecture_methods():
    names = optimizers.names()
    assert len(names) >= 18
    assert len(set(names)) == len(names)
    for name in TORCH_NAMES + OTHER_NAMES:
        assert name in names


@pytest.mark.parametrize("name", optimizers.names())
def test_every_spec_carries_math_reference_and_lr_first(name):
    spec = optimizers.spec(name)
    assert spec.name == name
    assert spec.latex.strip()
    assert spec.reference.strip()
    assert spec.title.strip()
    assert spec.hyperparameters[0].name == "lr"
    for quantity, slots in spec.state.items():
        assert quantity and len(slots) == 2


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_torch_named_optimizers_have_torchs_defaults_from_the_docs(name):
    spec = optimizers.spec(name)
    assert spec.torch_class is not None and spec.torch_class.lower() == name
    for argument, default in TORCH_DEFAULTS[name].items():
        assert spec_value(spec, argument) == default, argument


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_torch_named_optimizers_match_torch_signature(name):
    torch = pytest.importorskip("torch")
    spec = optimizers.spec(name)
    signature = inspect.signature(getattr(torch.optim, spec.torch_class))
    torch_arguments = {
        argument: torch_value_here(argument, parameter.default)
        for argument, parameter in signature.parameters.items()
        if argument not in TORCH_SWITCHES | NOT_HERE
    }
    for argument, default in torch_arguments.items():
        expected = tuple(default) if isinstance(default, tuple) else default
        here = TORCH_CHOICES.get(argument, argument)
        assert spec_value(spec, here) == expected, argument
    # And every hyperparameter a user may set here is one of torch's arguments.
    element_of = {part: whole for whole, parts in spec.tuples.items() for part in parts}
    element_of |= {choice: argument for argument, choice in TORCH_CHOICES.items()}
    for hyper in spec.hyperparameters:
        if hyper.settable:
            assert element_of.get(hyper.name, hyper.name) in torch_arguments, hyper.name


@pytest.mark.parametrize("name", OPTAX_DEFAULTS)
def test_optax_named_optimizers_have_optaxs_defaults_from_the_docs(name):
    spec = optimizers.spec(name)
    assert spec.torch_class is None
    expected = OPTAX_DEFAULTS[name]
    for argument, default in expected.items():
        assert spec_value(spec, argument) == default, argument
    # Every hyperparameter but lr is one of optax's (by torch's name).
    element_of = {part: whole for whole, parts in spec.tuples.items() for part in parts}
    named = {element_of.get(h.name, h.name) for h in spec.hyperparameters}
    assert named == set(expected) | {"lr"}
    if name in OPTAX_EXAMPLE_LR:
        assert spec.defaults["lr"] == OPTAX_EXAMPLE_LR[name]


def test_torch_class_is_set_exactly_for_the_torch_names():
    with_torch = {n for n in optimizers.names() if optimizers.spec(n).torch_class}
    assert with_torch == set(TORCH_NAMES)


# ------------------------------------------------------------------- result shapes


@pytest.mark.parametrize("name", ["gd", "momentum", "adam", "newton"])
def test_run_result_shapes_and_recorded_values(name):
    steps, start = 40, (-1.2, 1.7)
    lr = {"newton": 0.5}.get(name, 1e-3)
    result = optimizers.run(name, "rosenbrock", start=start, steps=steps, lr=lr)
    assert result.diverged_at is None
    assert result.path.shape == (steps + 1, 2)
    assert result.loss.shape == (steps + 1,)
    assert result.grad_norm.shape == (steps + 1,)
    assert result.lr.shape == (steps,)
    assert tuple(result.path[0]) == start
    np.testing.assert_array_equal(result.final, result.path[-1])
    assert result.final_loss == result.loss[-1]
    # f and ‖∇f‖ along the path, against scipy's Rosenbrock (a = 1, b = 100).
    np.testing.assert_allclose(
        result.loss, rosen(result.path.T), rtol=1e-12, atol=1e-14
    )
    gradient = rosen_der(result.path.T)
    np.testing.assert_allclose(
        result.grad_norm, np.hypot(gradient[0], gradient[1]), rtol=1e-12, atol=1e-14
    )
    # ... and against the landscape object the result carries.
    surface = result.landscape
    np.testing.assert_allclose(
        result.loss, surface.value(result.path[:, 0], result.path[:, 1]), rtol=1e-14
    )
    gx, gy = surface.grad(result.path[:, 0], result.path[:, 1])
    np.testing.assert_allclose(result.grad_norm, np.hypot(gx, gy), rtol=1e-14)
    np.testing.assert_array_equal(result.lr, np.full(steps, lr))


def test_default_start_is_the_landscapes():
    result = optimizers.run("gd", "goldstein_price", steps=3)
    start = landscapes.get("goldstein_price").default_start
    assert tuple(result.path[0]) == tuple(start)
    assert result.hyperparameters == {"lr": 1e-3}


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_a_start_where_f_is_not_finite_is_refused(optimizer):
    """A Landscape object whose f overflows to inf at the start (b = 1e308, off the
    valley floor): run refuses it by name instead of a path diverged at step 0."""
    rosenbrock = landscapes.get("rosenbrock")
    broken = dataclasses.replace(rosenbrock, kernel_params=np.array([1.0, 1e308]))
    assert math.isinf(broken.value(-1.5, 5.0))
    with pytest.raises(ValueError, match=r"start: f\(-1.5, 5.0\) is not finite"):
        optimizers.run(optimizer, broken, start=(-1.5, 5.0), steps=5)


# ----------------------------------------------------------- convergence classics


@pytest.mark.parametrize("lr", [0.3, 0.9])
def test_gd_converges_geometrically_at_rate_max_one_minus_lr_lambda(lr):
    """κ = 2, rotated: error e_k = (I - ηH)^k e_0, so ‖e_k‖ ≤ ρ^k ‖e_0‖ with
    ρ = max|1 - ηλ| over λ ∈ {1, 2}, and each eigen-coordinate is exactly scaled."""
    kappa, angle, steps = 2.0, 0.7, 120
    rho = max(abs(1 - lr), abs(1 - lr * kappa))
    result = optimizers.run(
        "gd", quadratic(kappa, angle), start=(-2.5, 2.0), steps=steps, lr=lr
    )
    assert result.diverged_at is None
    k = np.arange(steps + 1)
    distance = np.linalg.norm(result.path, axis=1)
    assert np.all(distance <= rho**k * distance[0] * (1 + 1e-12) + 1e-300)
    # The ratio of successive distances tends to ρ (the slow eigen-direction wins).
    ratio = distance[41:61] / distance[40:60]
    np.testing.assert_allclose(ratio, rho, rtol=1e-8)
    # Per eigen-coordinate: u_k = u_0 (1 - η)^k, v_k = v_0 (1 - ηκ)^k.
    coordinates = result.path @ eigenbasis(angle)
    u0, v0 = coordinates[0]
    np.testing.assert_allclose(coordinates[:, 0], u0 * (1 - lr) ** k, atol=1e-12)
    np.testing.assert_allclose(
        coordinates[:, 1], v0 * (1 - lr * kappa) ** k, atol=1e-12
    )


def test_gd_just_above_two_over_kappa_diverges_where_the_closed_form_says():
    kappa, lr, y0 = 2.0, 1.05 * 2.0 / 2.0, 1.0
    growth = abs(1 - lr * kappa)  # 1.1
    # First k with |y0| growth^k > 1e8 (193.27... -> 194).
    k_star = math.floor(math.log(BOX / y0) / math.log(growth)) + 1
    assert abs(y0) * growth ** (k_star - 1) <= BOX < abs(y0) * growth**k_star
    result = optimizers.run("gd", quadratic(kappa), start=(0.5, y0), steps=400, lr=lr)
    assert result.diverged_at == k_star
    assert len(result.path) == k_star
    assert len(result.loss) == len(result.grad_norm) == k_star
    assert len(result.lr) == k_star - 1
    assert_all_finite(result)
    assert np.abs(result.path).max() <= BOX
    assert result.steps_to_tolerance is None
    # The recorded iterates follow y_k = y0 (1 - ηκ)^k up to the last good one.
    k = np.arange(k_star)
    np.testing.assert_allclose(
        result.path[:, 1], y0 * (1 - lr * kappa) ** k, rtol=1e-12
    )


def test_newton_solves_a_quadratic_in_one_step():
    result = optimizers.run(
        "newton", quadratic(50.0, 0.7), start=(-2.5, 2.0), steps=5, tolerance=1e-12
    )
    assert result.diverged_at is None
    np.testing.assert_allclose(result.path[1:], 0.0, atol=1e-12)
    assert result.loss[0] > 1e-12
    assert result.steps_to_tolerance == 1


def test_steps_to_tolerance_is_the_first_index_within_tolerance():
    kappa, lr, tolerance, start = 10.0, 0.05, 1e-6, (-2.5, 2.0)
    result = optimizers.run(
        "gd", quadratic(kappa), start=start, steps=500, lr=lr, tolerance=tolerance
    )
    first = int(np.argmax(result.loss - 0.0 <= tolerance))
    assert result.loss[first] <= tolerance and np.all(result.loss[:first] > tolerance)
    assert result.steps_to_tolerance == first
    # The same index from the closed form f_k = ½(x0²(1-η)^{2k} + κ y0²(1-ηκ)^{2k}).
    k = np.arange(501)
    closed = 0.5 * (
        start[0] ** 2 * (1 - lr) ** (2 * k)
        + kappa * start[1] ** 2 * (1 - lr * kappa) ** (2 * k)
    )
    assert first == int(np.argmax(closed <= tolerance))


def test_steps_to_tolerance_on_rosenbrock_and_never():
    result = optimizers.run("adam", "rosenbrock", steps=3000, lr=0.02, tolerance=1e-4)
    within = np.flatnonzero(result.loss - 0.0 <= 1e-4)
    assert len(within) > 0, "adam should reach 1e-4 on Rosenbrock in 3000 steps"
    assert result.steps_to_tolerance == within[0]
    short = optimizers.run("adam", "rosenbrock", steps=5, lr=0.02, tolerance=1e-4)
    assert np.all(short.loss > 1e-4)
    assert short.steps_to_tolerance is None
    everything = optimizers.run("gd", "rosenbrock", steps=5, tolerance=1e9)
    assert everything.steps_to_tolerance == 0


# ------------------------------------------------------------ divergence everywhere


DIVERGING = [
    ("gd", 1.0),
    ("gd", 1e9),
    ("momentum", 1.0),
    ("adam", 1e9),
    ("newton", 1e9),
    ("rmsprop", 1e9),
    ("normalized_gd", 1e9),
]


@pytest.mark.parametrize("surface", ["rosenbrock", "goldstein_price"])
@pytest.mark.parametrize(("name", "lr"), DIVERGING)
def test_huge_lr_stops_cleanly_at_divergence(name, lr, surface):
    result = optimizers.run(name, surface, steps=300, lr=lr)
    assert result.diverged_at is not None, "a huge lr must diverge"
    assert result.diverged_at == len(result.path) >= 1
    assert len(result.loss) == len(result.grad_norm) == len(result.path)
    assert len(result.lr) == len(result.path) - 1
    assert_all_finite(result)
    assert np.abs(result.path).max() <= BOX
    # sweep agrees: same divergence step, and the last good iterate as final point.
    swept = optimizers.sweep(name, surface, steps=300, starts=[result.path[0]], lr=lr)
    assert swept.diverged_at[0] == result.diverged_at
    np.testing.assert_array_equal(swept.final[0], result.path[-1])
    assert swept.final_loss[0] == result.loss[-1]
    assert swept.steps_to_tolerance[0] == (result.steps_to_tolerance or -1)


# ------------------------------------------------------------------ gradient noise


def test_noise_is_reproducible_by_seed():
    kwargs = dict(steps=100, lr=1e-3, gradient_noise=0.5)
    first = optimizers.run("gd", "rosenbrock", seed=3, **kwargs)
    again = optimizers.run("gd", "rosenbrock", seed=3, **kwargs)
    other = optimizers.run("gd", "rosenbrock", seed=4, **kwargs)
    np.testing.assert_array_equal(first.path, again.path)
    np.testing.assert_array_equal(first.loss, again.loss)
    assert np.all(first.path[1:] != other.path[1:])
    noiseless = optimizers.run("gd", "rosenbrock", steps=100, lr=1e-3)
    zero_noise = optimizers.run(
        "gd", "rosenbrock", steps=100, lr=1e-3, gradient_noise=0.0, seed=9
    )
    np.testing.assert_array_equal(noiseless.path, zero_noise.path)
    assert np.all(first.path[1:] != noiseless.path[1:])


def test_sweep_run_zero_is_run_and_noise_is_keyed_by_run_index():
    """_noise.py: each draw is a function of (seed, run index, step); `run` is run 0.

    So row 0 of a sweep equals `run` with the same seed; rows from the same start get
    different noise; and a row does not depend on how many runs share the sweep (the
    kernel chunks runs by 256)."""
    kwargs = dict(steps=60, lr=1e-3, gradient_noise=2.0, seed=11)
    start = (-1.5, 2.0)
    single = optimizers.run("gd", "rosenbrock", start=start, **kwargs)
    swept = optimizers.sweep(
        "gd", "rosenbrock", starts=[start] * 3, keep_paths=True, **kwargs
    )
    np.testing.assert_array_equal(swept.paths[0], single.path)
    assert np.all(swept.paths[1, 1:] != swept.paths[0, 1:])
    assert np.all(swept.paths[2, 1:] != swept.paths[1, 1:])
    small = optimizers.sweep("gd", "rosenbrock", starts=[start] * 300, **kwargs)
    large = optimizers.sweep("gd", "rosenbrock", starts=[start] * 600, **kwargs)
    np.testing.assert_array_equal(small.final, large.final[:300])


def test_noise_across_runs_is_standard_normal():
    """One GD step on f = ½‖θ‖² (κ = 1): θ₁ = (1-η)θ₀ - ησz, so z = ((1-η)θ₀ - θ₁)/(ησ)."""
    n, lr, sigma, start = 20_000, 0.1, 0.7, np.array([1.0, -0.5])
    swept = optimizers.sweep(
        "gd",
        quadratic(1.0),
        steps=1,
        starts=np.tile(start, (n, 1)),
        lr=lr,
        gradient_noise=sigma,
        seed=1234,
    )
    assert np.all(swept.diverged_at == -1)
    z = ((1 - lr) * start - swept.final) / (lr * sigma)
    check_standard_normal(z)


def test_noise_across_steps_is_standard_normal():
    """With κ = 1 and lr = 1, θ_{k+1} = θ_k - (θ_k + σz_k) = -σz_k: the path is noise."""
    steps, sigma = 20_000, 3.0
    result = optimizers.run(
        "gd",
        quadratic(1.0),
        start=(0.2, 0.3),
        steps=steps,
        lr=1.0,
        gradient_noise=sigma,
        seed=77,
    )
    assert result.diverged_at is None
    check_standard_normal(-result.path[1:] / sigma)


def check_standard_normal(z):
    """z (n, 2): both columns N(0, 1) by Kolmogorov–Smirnov, moments, independence."""
    n = len(z)
    for column in (z[:, 0], z[:, 1]):
        assert kstest(column, "norm").pvalue > 1e-3
        assert abs(column.mean()) < 5 / math.sqrt(n)
        assert abs(column.var() - 1) < 5 * math.sqrt(2 / n)
    assert kstest(z.ravel(), "norm").pvalue > 1e-3
    assert abs(np.corrcoef(z[:, 0], z[:, 1])[0, 1]) < 5 / math.sqrt(n)
    # Successive draws are uncorrelated too.
    assert abs(np.corrcoef(z[:-1, 0], z[1:, 0])[0, 1]) < 5 / math.sqrt(n)


# ------------------------------------------------- an optimizer's own draws (rng_seed)

# The optimizers that sample, with settings under which their draws move the path.
SAMPLERS = {
    "simulated_annealing": {"lr": 0.3},
    "entropy_sgd": {"inner_lr": 0.005, "noise": 0.5},
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_an_optimizers_draws_follow_its_rng_seed_not_the_batch(name):
    """_noise.py: keyed by (rng_seed, OPTIMIZER_STREAM, step), never the run's index:
    a sweep's rows from one start take one path; a sweep over rng_seed is the runs
    with those seeds, each its own."""
    kwargs = dict(steps=60, **SAMPLERS[name])
    start = (0.5, 0.5)
    first = optimizers.run(name, "himmelblau", start=start, rng_seed=3, **kwargs)
    again = optimizers.run(name, "himmelblau", start=start, rng_seed=3, **kwargs)
    np.testing.assert_array_equal(first.path, again.path)
    swept = optimizers.sweep(
        name, "himmelblau", starts=[start] * 3, keep_paths=True, rng_seed=3, **kwargs
    )
    for row in swept.paths:
        np.testing.assert_array_equal(row, first.path)
    seeds = optimizers.sweep(
        name,
        "himmelblau",
        start=start,
        grid={"rng_seed": [3, 4, 5]},
        keep_paths=True,
        **kwargs,
    )
    np.testing.assert_array_equal(seeds.paths[0], first.path)
    for i, seed in enumerate([4, 5], start=1):
        alone = optimizers.run(name, "himmelblau", start=start, rng_seed=seed, **kwargs)
        np.testing.assert_array_equal(seeds.paths[i], alone.path)
        assert np.abs(alone.path[-1] - first.path[-1]).max() > 1e-3


@pytest.mark.parametrize(
    "name", ["coordinate_search", "simulated_annealing", "entropy_sgd"]
)
def test_methods_that_evaluate_f_themselves_ignore_gradient_noise(name):
    """Coordinate search and annealing read f only; entropy-SGD takes its own
    gradients along its chain, never the step's (noisy) one."""
    kwargs = dict(start=(0.5, 0.5), steps=60)
    plain = optimizers.run(name, "himmelblau", **kwargs)
    noisy = optimizers.run(name, "himmelblau", gradient_noise=5.0, seed=8, **kwargs)
    np.testing.assert_array_equal(plain.path, noisy.path)


def test_annealings_proposals_are_standard_normal_steps():
    """x′ = θ + σz: z = (x′ − θ)/σ, read off the recorded proposals."""
    sigma = 0.7
    result = optimizers.run(
        "simulated_annealing",
        "rosenbrock",
        start=(-1.0, 1.0),
        steps=20_000,
        lr=sigma,
        rng_seed=5,
        record_state=True,
    )
    assert result.diverged_at is None
    check_standard_normal((result.state["proposal"] - result.path[:-1]) / sigma)


def test_the_acceptance_uniform_is_uniform_and_apart_from_the_proposal():
    from optimizers._noise import OPTIMIZER_STREAM, standard_normal_pair, uniform

    steps = range(20_000)
    u = np.array([uniform(9, OPTIMIZER_STREAM, k) for k in steps])
    z = np.array([standard_normal_pair(9, OPTIMIZER_STREAM, k) for k in steps])
    assert np.all((u > 0) & (u <= 1))
    assert kstest(u, "uniform").pvalue > 1e-3
    bound = 5 / math.sqrt(len(u))
    for column in z.T:
        assert abs(np.corrcoef(u, column)[0, 1]) < bound
        assert abs(np.corrcoef(u, np.abs(column))[0, 1]) < bound
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < bound


# -------------------------------------------------------------------- record_state


def test_momentum_velocity_is_the_step_taken():
    lr, beta, steps = 1e-3, 0.9, 80
    result = optimizers.run(
        "momentum",
        "rosenbrock",
        steps=steps,
        lr=lr,
        momentum=beta,
        record_state=True,
    )
    velocity = result.state["velocity"]
    assert velocity.shape == (steps, 2)
    np.testing.assert_allclose(velocity, np.diff(result.path, axis=0), atol=1e-13)
    # ΔW_k = βΔW_{k-1} - η∇f(W_{k-1}), with scipy's gradient along the recorded path.
    expected = np.zeros(2)
    for k in range(steps):
        expected = beta * expected - lr * rosen_der(result.path[k])
        np.testing.assert_allclose(velocity[k], expected, rtol=1e-10, atol=1e-13)


def test_adam_state_after_the_first_steps():
    lr, beta1, beta2, eps = 0.01, 0.8, 0.99, 1e-8
    result = optimizers.run(
        "adam",
        "rosenbrock",
        steps=3,
        lr=lr,
        betas=(beta1, beta2),
        record_state=True,
    )
    assert set(result.state) >= {"exp_avg", "exp_avg_sq"}
    assert result.state["exp_avg"].shape == (3, 2)
    g0 = rosen_der(result.path[0])
    g1 = rosen_der(result.path[1])
    np.testing.assert_allclose(result.state["exp_avg"][0], (1 - beta1) * g0, rtol=1e-14)
    np.testing.assert_allclose(
        result.state["exp_avg_sq"][0], (1 - beta2) * g0**2, rtol=1e-14
    )
    # Bias corrections cancel in step 1: θ₁ = θ₀ - η g₀/(|g₀| + ε).
    np.testing.assert_allclose(
        result.path[1], result.path[0] - lr * g0 / (np.abs(g0) + eps), rtol=1e-13
    )
    np.testing.assert_allclose(
        result.state["exp_avg"][1],
        beta1 * (1 - beta1) * g0 + (1 - beta1) * g1,
        rtol=1e-12,
    )


# ----------------------------------------------------------------------- averaging


@pytest.mark.parametrize("average_start", [0, 1, 10, 30, 31, 50])
def test_swa_is_the_running_mean_from_average_start(average_start):
    steps = 30
    result = optimizers.run(
        "gd",
        "rosenbrock",
        steps=steps,
        lr=1e-3,
        average="swa",
        average_start=average_start,
    )
    path = result.path
    expected = np.array(
        [
            path[t] if t < average_start else path[average_start : t + 1].mean(axis=0)
            for t in range(steps + 1)
        ]
    )
    assert result.average_path.shape == path.shape
    np.testing.assert_allclose(result.average_path, expected, rtol=1e-13)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 3.0, 10.0])
def test_polynomial_average_matches_shamir_zhang_weights(gamma):
    """θ̄_t = Σ_i w_{t,i} θ_i with α_0 = 1, α_j = (γ+1)/(j+γ+1) and
    w_{t,i} = α_i Π_{j=i+1..t} (1 - α_j): the recursion unrolled into explicit weights."""
    steps = 40
    result = optimizers.run(
        "gd",
        "rosenbrock",
        steps=steps,
        lr=1e-3,
        average="polynomial",
        average_gamma=gamma,
    )
    path = result.path
    alpha = np.array(
        [1.0] + [(gamma + 1) / (j + gamma + 1) for j in range(1, steps + 1)]
    )
    expected = np.empty_like(path)
    for t in range(steps + 1):
        weights = np.array(
            [alpha[i] * np.prod(1 - alpha[i + 1 : t + 1]) for i in range(t + 1)]
        )
        assert weights.sum() == pytest.approx(1.0, rel=1e-12)
        expected[t] = weights @ path[: t + 1]
    np.testing.assert_allclose(result.average_path, expected, rtol=1e-12)
    if gamma == 0.0:
        cumulative_mean = np.cumsum(path, axis=0) / np.arange(1, steps + 2)[:, None]
        np.testing.assert_allclose(result.average_path, cumulative_mean, rtol=1e-12)


def test_no_average_by_default():
    assert optimizers.run("gd", "rosenbrock", steps=3).average_path is None


# --------------------------------------------------------------------------- sweep


def test_grid_sweep_shapes_and_cells_equal_runs():
    lrs, betas = [0.01, 0.05, 0.1], [0.0, 0.5]
    surface = quadratic(4.0, 0.3)
    swept = optimizers.sweep(
        "momentum",
        surface,
        steps=50,
        grid={"lr": lrs, "momentum": betas},
        start=(1.0, -2.0),
    )
    assert list(swept.grid) == ["lr", "momentum"]
    np.testing.assert_array_equal(swept.grid["lr"], lrs)
    assert swept.final.shape == (3, 2, 2)
    for array in (swept.final_loss, swept.steps_to_tolerance, swept.diverged_at):
        assert array.shape == (3, 2)
    assert swept.paths is None
    for i, lr in enumerate(lrs):
        for j, beta in enumerate(betas):
            single = optimizers.run(
                "momentum", surface, start=(1.0, -2.0), steps=50, lr=lr, momentum=beta
            )
            np.testing.assert_allclose(swept.final[i, j], single.final, rtol=1e-13)
            assert swept.final_loss[i, j] == pytest.approx(single.final_loss, rel=1e-12)
            assert swept.diverged_at[i, j] == -1


def test_grid_mixing_adam_flags_in_one_chunk_equals_runs():
    # amsgrad and decoupled weight decay differ between runs of one chunk, so the
    # kernel takes Adam's per-run branch; each cell must be that run made alone.
    flags = [False, True]
    settings = {"lr": 0.05, "weight_decay": 0.1}
    swept = optimizers.sweep(
        "adam",
        "rosenbrock",
        steps=60,
        start=(-1.5, 2.0),
        grid={"amsgrad": flags, "decoupled_weight_decay": flags},
        **settings,
    )
    finals = set()
    for i, amsgrad in enumerate(flags):
        for j, decoupled in enumerate(flags):
            single = optimizers.run(
                "adam",
                "rosenbrock",
                start=(-1.5, 2.0),
                steps=60,
                amsgrad=amsgrad,
                decoupled_weight_decay=decoupled,
                **settings,
            )
            np.testing.assert_allclose(swept.final[i, j], single.final, rtol=1e-13)
            finals.add(tuple(single.final))
    assert len(finals) == 4  # the four flag settings do move differently


def test_grid_over_adam_betas_elements():
    beta1s, beta2s = [0.5, 0.9], [0.9, 0.99, 0.999]
    swept = optimizers.sweep(
        "adam",
        "rosenbrock",
        steps=30,
        grid={"beta1": beta1s, "beta2": beta2s},
        lr=0.01,
    )
    assert list(swept.grid) == ["beta1", "beta2"]
    assert swept.final.shape == (2, 3, 2)
    for i, b1 in enumerate(beta1s):
        for j, b2 in enumerate(beta2s):
            single = optimizers.run(
                "adam", "rosenbrock", steps=30, lr=0.01, betas=(b1, b2)
            )
            np.testing.assert_allclose(swept.final[i, j], single.final, rtol=1e-13)


def test_one_axis_grid_shape():
    swept = optimizers.sweep(
        "gd", "rosenbrock", steps=10, grid={"lr": np.geomspace(1e-4, 1e-3, 5)}
    )
    assert swept.final.shape == (5, 2)
    assert swept.diverged_at.shape == (5,)


def test_starts_sweep_shapes_and_keep_paths():
    starts = np.array([[-1.5, 2.0], [0.0, 0.0], [1.2, 1.3], [-0.5, -0.5]])
    steps = 25
    swept = optimizers.sweep(
        "gd", "rosenbrock", steps=steps, starts=starts, keep_paths=True, lr=1e-3
    )
    assert swept.grid == {}
    assert swept.final.shape == (4, 2)
    assert swept.final_loss.shape == swept.diverged_at.shape == (4,)
    assert swept.paths.shape == (4, steps + 1, 2)
    np.testing.assert_array_equal(swept.paths[:, 0], starts)
    np.testing.assert_array_equal(swept.paths[:, -1], swept.final)
    np.testing.assert_allclose(swept.final_loss, rosen(swept.final.T), rtol=1e-12)


def test_keep_paths_are_nan_after_divergence():
    """κ = 2: lr < 1 converges, lr > 1 diverges; diverged rows are NaN from that step."""
    lrs = [0.3, 1.05, 1.5, 0.9]
    steps = 300
    surface = quadratic(2.0)
    swept = optimizers.sweep(
        "gd", surface, steps=steps, grid={"lr": lrs}, start=(0.5, 1.0), keep_paths=True
    )
    assert swept.paths.shape == (4, steps + 1, 2)
    np.testing.assert_array_equal(swept.diverged_at >= 0, [False, True, True, False])
    for i, lr in enumerate(lrs):
        single = optimizers.run("gd", surface, start=(0.5, 1.0), steps=steps, lr=lr)
        k = swept.diverged_at[i]
        if k >= 0:
            assert k == single.diverged_at
            assert np.all(np.isnan(swept.paths[i, k:]))
            np.testing.assert_array_equal(swept.paths[i, :k], single.path)
            np.testing.assert_array_equal(swept.final[i], swept.paths[i, k - 1])
            assert swept.steps_to_tolerance[i] == -1
        else:
            assert single.diverged_at is None
            np.testing.assert_array_equal(swept.paths[i], single.path)
            assert swept.steps_to_tolerance[i] == single.steps_to_tolerance


def test_himmelblau_basin_map():
    """GD from a grid of starts over [-5, 5]² ends at one of the four minima, and
    every minimum has a basin. lr = 0.005 keeps ηλmax < 2 over the whole window
    (λmax ≈ 326 at the corners)."""
    axis = np.linspace(-4.8, 4.8, 12) + 0.0371
    X, Y = np.meshgrid(axis, axis)
    starts = np.column_stack([X.ravel(), Y.ravel()])
    swept = optimizers.sweep(
        "gd", "himmelblau", steps=3000, starts=starts, lr=0.005, tolerance=1e-10
    )
    assert swept.final.shape == (len(starts), 2)
    assert np.all(swept.diverged_at == -1)
    distances = np.linalg.norm(
        swept.final[:, None, :] - HIMMELBLAU_MINIMA[None, :, :], axis=-1
    )
    nearest = distances.min(axis=1)
    assert np.all(nearest < 1e-3), starts[nearest >= 1e-3]
    basins = distances.argmin(axis=1)
    assert set(basins.tolist()) == {0, 1, 2, 3}
    # The start nearest each minimum lands in that minimum's basin.
    for index, minimum in enumerate(HIMMELBLAU_MINIMA):
        closest = np.argmin(np.linalg.norm(starts - minimum, axis=1))
        assert basins[closest] == index


# -------------------------------------------------------------------- bad arguments


run = optimizers.run
sweep = optimizers.sweep
MAX_STEPS = optimizers.MAX_STEPS
MAX_WORK = optimizers.MAX_WORK

BAD_ARGUMENTS = [
    # (call, positional, keyword, pattern naming the argument and its allowed range)
    (run, ("adamm", "rosenbrock"), {}, r"optimizer 'adamm'; allowed: gd, "),
    (run, ("gd", "rosenbrok"), {}, r"landscape 'rosenbrok'; allowed: rosenbrock"),
    (run, ("gd", "rosenbrock"), {"lr": -0.1}, r"\blr\b.*allowed range \[0, inf\]"),
    (run, ("gd", "rosenbrock"), {"lr": "fast"}, r"\blr\b.*allowed range \[0, inf\]"),
    (run, ("gd", "rosenbrock"), {"steps": 0}, rf"steps.*\[1, {MAX_STEPS}\]"),
    (
        run,
        ("adam", "rosenbrock"),
        {"betas": (0.9,)},
        r"betas=\(0.9,\) must be a tuple of 2 numbers",
    ),
    (
        run,
        ("adan", "rosenbrock"),
        {"betas": (0.9, 0.99)},
        r"betas=\(0.9, 0.99\) must be a tuple of 3 numbers",
    ),
    (
        run,
        ("adan", "rosenbrock"),
        {"betas": 0.9},
        r"betas=0.9 must be a tuple of 3 numbers",
    ),
    (
        run,
        ("gd", "rosenbrock"),
        {"steps": MAX_STEPS + 1},
        rf"steps.*\[1, {MAX_STEPS}\]",
    ),
    (run, ("gd", "rosenbrock"), {"steps": 1.5}, rf"steps.*\[1, {MAX_STEPS}\]"),
    (run, ("gd", "rosenbrock"), {"steps": True}, rf"steps.*\[1, {MAX_STEPS}\]"),
    (
        run,
        ("gd", "rosenbrock"),
        {"start": (math.inf, 0.0)},
        r"start.*finite and within \[-1e\+06, 1e\+06\]",
    ),
    (
        run,
        ("gd", "rosenbrock"),
        {"start": (0.0, math.nan)},
        r"start.*finite and within \[-1e\+06, 1e\+06\]",
    ),
    (
        run,
        ("gd", "rosenbrock"),
        {"start": (1e9, 0.0)},
        r"start.*finite and within \[-1e\+06, 1e\+06\]",
    ),
    (run, ("gd", "rosenbrock"), {"start": (1.0, 2.0, 3.0)}, r"start.*pair"),
    (
        run,
        ("adam", "rosenbrock"),
        {"betas": (1.0, 0.999)},
        r"beta1.*allowed range \[0, 1\)",
    ),
    (
        run,
        ("adam", "rosenbrock"),
        {"betas": (0.9, -0.1)},
        r"beta2.*allowed range \[0, 1\)",
    ),
    (run, ("adam", "rosenbrock"), {"betas": 0.9}, r"betas.*tuple of 2 numbers"),
    (
        run,
        ("gd", "rosenbrock"),
        {"momentum": 0.9},
        r"hyperparameter 'momentum' for gd; allowed: lr",
    ),
    (
        run,
        ("adamw", "rosenbrock"),
        {"decoupled_weight_decay": False},
        r"decoupled_weight_decay is fixed for adamw",
    ),
    (run, ("gd", "rosenbrock"), {"seed": -1}, r"seed.*\[0, 2\*\*63\)"),
    (run, ("gd", "rosenbrock"), {"seed": 2.0}, r"seed.*\[0, 2\*\*63\)"),
    (run, ("gd", "rosenbrock"), {"tolerance": -1}, r"tolerance.*\[0, inf\]"),
    (
        run,
        ("gd", "rosenbrock"),
        {"gradient_noise": math.nan},
        r"gradient_noise.*\[0, 1e\+06\]",
    ),
    (
        run,
        ("gd", "rosenbrock"),
        {"gradient_noise": 1e7},
        r"gradient_noise.*\[0, 1e\+06\]",
    ),
    (run, ("gd", "rosenbrock"), {"average": "ema"}, r"average.*allowed: None, swa"),
    (
        run,
        ("gd", "rosenbrock"),
        {"average": "polynomial", "average_gamma": -1.0},
        r"average_gamma.*\[0, inf\]",
    ),
    (
        run,
        ("gd", "rosenbrock"),
        {"average": "swa", "average_start": -1},
        r"average_start",
    ),
    (
        run,
        ("gd", "rosenbrock"),
        {"average": "swa", "average_start": 2.5},
        r"average_start",
    ),
    (sweep, ("gd", "rosenbrock"), {}, r"exactly one of starts=.*grid="),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"starts": [[0.0, 0.0]], "grid": {"lr": [0.1]}},
        r"exactly one of starts=.*grid=",
    ),
    (
        sweep,
        ("adam", "rosenbrock"),
        {"grid": {"lr": [0.1], "beta1": [0.9], "beta2": [0.99]}},
        r"grid must be a dict of one or two",
    ),
    (sweep, ("gd", "rosenbrock"), {"grid": {}}, r"grid must be a dict of one or two"),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"grid": {"momentum": [0.9]}},
        r"hyperparameter 'momentum' for gd; allowed: lr",
    ),
    (
        sweep,
        ("adam", "rosenbrock"),
        {"grid": {"beta1": [0.5, 1.0]}},
        r"beta1.*allowed range \[0, 1\)",
    ),
    (sweep, ("gd", "rosenbrock"), {"grid": {"lr": []}}, r"grid\['lr'\].*non-empty"),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"steps": MAX_STEPS, "starts": np.zeros((MAX_WORK // MAX_STEPS + 1, 2))},
        rf"runs x steps.*at most {MAX_WORK}",
    ),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"steps": MAX_STEPS, "grid": {"lr": np.full(MAX_WORK // MAX_STEPS + 1, 0.1)}},
        rf"runs x steps.*at most {MAX_WORK}",
    ),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"steps": 1, "starts": np.zeros((optimizers.MAX_RUNS + 1, 2))},
        rf"runs.*at most {optimizers.MAX_RUNS}",
    ),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"steps": 1000, "starts": np.zeros((20_000, 2)), "keep_paths": True},
        rf"keep_paths.*at most {optimizers.MAX_PATH_POINTS}",
    ),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"starts": [[0.0, math.nan]]},
        r"starts.*finite and within",
    ),
    (sweep, ("gd", "rosenbrock"), {"starts": [0.0, 1.0]}, r"starts.*shape \(n, 2\)"),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"starts": [[0.0, 0.0]], "start": (1.0, 1.0)},
        r"start= goes with grid=",
    ),
    (sweep, ("gd", "rosenbrock"), {"grid": {"lr": [0.1]}, "seed": -1}, r"seed"),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"grid": {"lr": [0.1]}, "tolerance": -1},
        r"tolerance.*\[0, inf\]",
    ),
    (
        sweep,
        ("gd", "rosenbrock"),
        {"grid": {"lr": [0.1]}, "gradient_noise": math.nan},
        r"gradient_noise.*\[0, 1e\+06\]",
    ),
]


def _case_id(case):
    call, positional, keyword, _ = case
    shown = ", ".join(
        [repr(p) for p in positional]
        + [
            f"{k}={v!r}"[:40]
            if not isinstance(v, np.ndarray)
            else f"{k}=array{v.shape}"
            for k, v in keyword.items()
        ]
    )
    return f"{call.__name__}({shown})"


@pytest.mark.parametrize(
    ("call", "positional", "keyword", "pattern"),
    BAD_ARGUMENTS,
    ids=[_case_id(case) for case in BAD_ARGUMENTS],
)
def test_bad_arguments_raise_value_error_naming_them(
    call, positional, keyword, pattern
):
    with pytest.raises(ValueError, match=pattern):
        call(*positional, **keyword)


@pytest.mark.parametrize(
    "settings",
    [{"nesterov": True}, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}],
)
def test_sgd_rejects_nesterov_without_momentum_like_torch(settings):
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        optimizers.run("sgd", "rosenbrock", steps=2, **settings)

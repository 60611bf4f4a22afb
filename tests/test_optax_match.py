"""The optax optimizers (Lion, AdaBelief, Yogi, LAMB, LARS, NovoGrad, Signum, ADOPT,
Adan, AdEMAMix, Prodigy and Schedule-Free SGD and AdamW) against REAL optax, to
float64 round-off.

For each optimizer with an optax counterpart: a float64 jax array of size 2 as the
parameter, optax's transformation's ``update`` fed the gradient of the same surface
(our ``surface.grad`` at each iterate, so both follow one gradient field), then
``optax.apply_updates``; 200+ steps; our path must equal optax's to rtol 1e-12 (max
over steps). The cases set every hyperparameter, on two surfaces, and a schedule
(optax's learning rate as a function of its step count). For Schedule-Free the path is
optax's parameters y, and the state x and z must equal optax's
``schedule_free_eval_params`` and its state's z at every step. Each also trains an
MLP (optimizers.train) as optax updates its flat parameter vector (or, for the
tensor-wise ones, its list of per-tensor arrays). ADOPT
also follows pytorch_optimizer's, whose clip runs one step later (shifted back here).

optax (and jax) are test dependencies (pyproject's ``test`` extra): no skip.
"""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from oracle_cases import assert_cases_cover

import landscapes
import optimizers

jax.config.update("jax_enable_x64", True)

RTOL = 1e-12
STEP_25 = {"name": "step", "gamma": 0.5, "step_size": 25}
STEP_50 = {"name": "step", "gamma": 0.5, "step_size": 50}

SURFACES = {
    "rosenbrock": (("rosenbrock", {}), (-1.5, 2.0)),
    "quadratic": (("quadratic", {"condition_number": 10.0, "angle": 0.4}), (-2.5, 2.0)),
    "himmelblau": (("himmelblau", {}), (0.0, 0.0)),
    # Beside Himmelblau's local maximum, where ∇f is small: ADOPT's clip binds.
    "himmelblau_top": (("himmelblau", {}), (-0.3, -0.9)),
    # Curvatures 1 and 1.5: Schedule-Free SGD's default lr (1) converges here.
    "quadratic_1.5": (
        ("quadratic", {"condition_number": 1.5, "angle": 0.4}),
        (-2.5, 2.0),
    ),
}


def _yogi(learning_rate, b1=0.9, b2=0.999, eps=1e-3, initial_accumulator_value=1e-6):
    """optax.yogi with scale_by_yogi's initial_accumulator_value exposed: the same
    chain optax.yogi builds (optax.yogi itself is used at that default)."""
    if initial_accumulator_value == 1e-6:
        return optax.yogi(learning_rate, b1=b1, b2=b2, eps=eps)
    return optax.chain(
        optax.scale_by_yogi(
            b1=b1, b2=b2, eps=eps, initial_accumulator_value=initial_accumulator_value
        ),
        optax.scale_by_learning_rate(learning_rate),
    )


# Our name -> the optax function it matches (yogi: optax.yogi's own chain, with the
# initial accumulator settable).
OPTAX = {
    "lion": optax.lion,
    "adabelief": optax.adabelief,
    "yogi": _yogi,
    "lamb": optax.lamb,
    "lars": optax.lars,
    "novograd": optax.novograd,
    "signum": optax.signum,
    "adopt": optax.contrib.adopt,
    "adan": optax.adan,
    "ademamix": optax.contrib.ademamix,
    "prodigy": optax.contrib.prodigy,
    "schedule_free_sgd": optax.contrib.schedule_free_sgd,
    "schedule_free_adamw": optax.contrib.schedule_free_adamw,
}
SCHEDULE_FREE = ("schedule_free_sgd", "schedule_free_adamw")
# The rules whose update reads a whole tensor (a trust ratio's norms, NovoGrad's
# layer-wise second moment) or the whole model (Prodigy's estimate, which sums
# ⟨g, θ₀ - θ⟩ and |s| over every parameter): on a network optax's norms are per leaf,
# so they train against optax's parameters as the network's list of tensors.
WHOLE_PARAMETER = {"lamb", "lars", "novograd", "prodigy"}
# Our hyperparameter -> optax's argument, where the names differ: torch's betas are
# optax's b1, b2 (and b3), and a few rules spell one otherwise.
OPTAX_KEYWORDS = {"beta1": "b1", "beta2": "b2", "beta3": "b3"}
OPTAX_KEYWORDS_OF = {
    "signum": {"momentum": "beta"},
    "prodigy": {"beta3": "beta3"},  # optax's prodigy takes betas=(b1, b2) and beta3
    "schedule_free_sgd": {"momentum": "b1"},
}

# (surface, steps, our keyword arguments, schedule). Those of adan, ademamix,
# prodigy and schedule_free_* are not chaotic: a start moved by 1e-10 moves our path
# by at most 25e-10 (measured when they were written), so round-off stays far below
# RTOL.
CASES = {
    "lion": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {"lr": 1e-3, "betas": (0.8, 0.95), "weight_decay": 0.1},
            None,
        ),
        (
            "quadratic",
            200,
            {"lr": 0.01, "betas": (0.95, 0.98), "weight_decay": 0.0},
            None,
        ),
        ("himmelblau", 200, {"lr": 0.02, "weight_decay": 0.05}, STEP_50),
    ],
    "adabelief": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-8, "eps_root": 0.0},
            None,
        ),
        (
            "quadratic",
            200,
            {"lr": 0.05, "eps": 1e-6, "eps_root": 1e-10, "nesterov": True},
            None,
        ),
        ("himmelblau", 200, {"lr": 0.05, "nesterov": True}, STEP_25),
    ],
    "yogi": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.01,
                "betas": (0.8, 0.99),
                "eps": 1e-6,
                "initial_accumulator_value": 0.5,
            },
            None,
        ),
        ("quadratic", 200, {"lr": 0.05, "initial_accumulator_value": 0.0}, None),
        ("himmelblau", 200, {"lr": 0.1, "betas": (0.9, 0.9)}, STEP_25),
    ],
    "lamb": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.01,
                "betas": (0.8, 0.99),
                "eps": 1e-8,
                "eps_root": 1e-10,
                "weight_decay": 0.01,
            },
            None,
        ),
        ("quadratic", 200, {"lr": 0.02, "weight_decay": 0.1}, None),
        # From θ = 0: the first trust ratio is 1 (optax's zero-norm rule).
        ("himmelblau", 200, {"lr": 0.05}, STEP_50),
    ],
    "lars": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 3.0,
                "weight_decay": 1e-3,
                "trust_coefficient": 2e-3,
                "eps": 1e-8,
                "momentum": 0.8,
                "nesterov": True,
            },
            None,
        ),
        ("quadratic", 200, {"lr": 20.0, "momentum": 0.0}, None),
        # From θ = 0: the first trust ratio is 1 (optax's zero-norm rule).
        ("himmelblau", 200, {"lr": 0.02, "nesterov": True}, STEP_50),
    ],
    # Not Rosenbrock at the defaults: that path is ill-conditioned near step 190 (a
    # 1-ulp change of the start moves optax's own path there by 3e-11), and XLA's
    # norm, √(fma(x, x, y²)), differs from √(x² + y²) by an ulp at times.
    "novograd": [
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.002,
                "betas": (0.95, 0.5),
                "eps": 1e-8,
                "eps_root": 1e-10,
                "weight_decay": 0.01,
            },
            None,
        ),
        ("quadratic", 200, {"lr": 0.01, "weight_decay": 0.1}, None),
        ("himmelblau", 200, {"lr": 0.01}, STEP_50),
    ],
    "signum": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        ("rosenbrock", 300, {"lr": 0.003, "momentum": 0.5}, None),
        ("quadratic", 200, {"lr": 0.02, "momentum": 0.0}, None),
        ("himmelblau", 200, {"lr": 0.03}, STEP_50),
    ],
    "adopt": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {"lr": 0.01, "betas": (0.8, 0.999), "eps": 1e-8, "nesterov": True},
            None,
        ),
        ("himmelblau_top", 200, {}, None),
        ("himmelblau_top", 200, {"lr": 0.02, "use_clipping": False}, None),
        (
            "himmelblau",
            200,
            {"lr": 0.05, "nesterov": True, "use_clipping": False},
            STEP_50,
        ),
    ],
    "adan": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.002,
                "betas": (0.9, 0.8, 0.95),
                "eps": 1e-6,
                "eps_root": 0.0,
                "weight_decay": 0.05,
            },
            None,
        ),
        (
            "quadratic",
            200,
            {"lr": 0.02, "betas": (0.95, 0.5, 0.999), "eps_root": 1e-10},
            None,
        ),
        ("himmelblau", 200, {"lr": 0.05, "weight_decay": 0.01}, STEP_50),
    ],
    "ademamix": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.005,
                "betas": (0.8, 0.99, 0.999),
                "alpha": 2.0,
                "eps": 1e-6,
                "eps_root": 1e-12,
                "weight_decay": 0.05,
            },
            None,
        ),
        (
            "quadratic",
            200,
            {"lr": 0.02, "betas": (0.9, 0.999, 0.99), "alpha": 8.0},
            None,
        ),
        ("himmelblau", 200, {"lr": 0.05, "alpha": 3.0}, STEP_50),
    ],
    # Not at lr >= 0.3 on Rosenbrock: there the estimate d overshoots and a start
    # moved by 1e-10 moves the path by 1e-7 to 1, so optax's own round-off (XLA
    # multiplies by 1/d₀ where it divides) alone grows past RTOL. These cases
    # amplify a perturbed start at most 25-fold.
    "prodigy": [
        ("quadratic", 200, {}, None),
        ("himmelblau", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.1,
                "betas": (0.8, 0.99),
                "beta3": 0.9,
                "eps": 1e-6,
                "estim_lr0": 1e-4,
                "estim_lr_coef": 0.5,
                "weight_decay": 0.01,
            },
            None,
        ),
        # beta3 left to follow β₂ (√0.99), as optax's None does.
        ("quadratic", 200, {"betas": (0.9, 0.99), "safeguard_warmup": True}, None),
        ("himmelblau", 200, {"lr": 0.8, "estim_lr0": 1e-3}, STEP_50),
    ],
    "schedule_free_sgd": [
        ("quadratic_1.5", 200, {}, None),
        ("rosenbrock", 300, {"lr": 1e-3}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 2e-3,
                "momentum": 0.8,
                "weight_decay": 0.01,
                "weight_lr_power": 1.0,
            },
            None,
        ),
        (
            "quadratic",
            200,
            {"lr": 0.05, "warmup_steps": 10, "momentum": 0.95, "weight_lr_power": 3.0},
            None,
        ),
        ("himmelblau", 200, {"lr": 0.01}, STEP_50),
    ],
    "schedule_free_adamw": [
        ("rosenbrock", 300, {}, None),
        ("quadratic", 200, {}, None),
        (
            "rosenbrock",
            300,
            {
                "lr": 0.02,
                "betas": (0.95, 0.99),
                "eps": 1e-6,
                "weight_decay": 0.01,
                "weight_lr_power": 3.0,
            },
            None,
        ),
        (
            "quadratic",
            200,
            {"lr": 0.05, "warmup_steps": 20, "betas": (0.5, 0.999)},
            None,
        ),
        ("himmelblau", 200, {"lr": 0.05, "weight_decay": 0.05}, STEP_50),
    ],
}


def _as_none(name, key, value) -> bool:
    """Whether our `value` of optax argument `key` stands for optax's None."""
    if name == "prodigy" and key == "beta3":
        return value < 0  # None: √β₂
    if name in SCHEDULE_FREE and key == "warmup_steps":
        return value == 0  # None: no warm-up
    # schedule_free_sgd's weight_decay=None adds nothing; 0 adds 0·y.
    return name == "schedule_free_sgd" and key == "weight_decay" and value == 0


def _optax_arguments(name, kwargs):
    """Our keywords, defaults filled in, as optax's: (learning rate, keywords)."""
    spec = optimizers.spec(name)
    resolved = dict(spec.defaults)
    for key, value in kwargs.items():
        parts = spec.tuples.get(key, (key,))
        values = value if key in spec.tuples else (value,)
        resolved.update(zip(parts, values, strict=True))
    out = {}
    for hyper in spec.hyperparameters:
        value = resolved[hyper.name]
        if hyper.name == "lr":
            continue
        keywords = {**OPTAX_KEYWORDS, **OPTAX_KEYWORDS_OF.get(name, {})}
        key = keywords.get(hyper.name, hyper.name)
        if _as_none(name, key, value):
            out[key] = None
        else:
            # A float warmup_steps (optax accepts one) keeps optax's warm-up in
            # float64: with an int, its int32 count over an int promotes to float32.
            out[key] = bool(value) if hyper.kind == "bool" else float(value)
    if name == "prodigy":
        out["betas"] = (out.pop("b1"), out.pop("b2"))
    return float(resolved["lr"]), out


def _schedule_free_under(name, table, arguments):
    """optax's schedule_free_sgd / schedule_free_adamw chain under the schedule
    `table` (the learning rate of update k). optax's wrapper reads a schedule at its
    own count, which starts at 1, for the averaging weight, and its base optimizer at
    0 for the step; ours (and the paper) weigh step k with step k's rate, so the
    wrapper is given the table one count earlier. The chains are those optax's
    schedule_free_sgd and schedule_free_adamw build (a schedule replaces the warm-up,
    which optax cannot combine with one)."""
    assert arguments["warmup_steps"] is None

    def rate(count):
        return table[count]

    def weight_rate(count):
        return table[count - 1]

    if name == "schedule_free_sgd":
        base = optax.sgd(rate)
        if arguments["weight_decay"] is not None:
            base = optax.chain(
                optax.add_decayed_weights(arguments["weight_decay"]), base
            )
    else:
        base = optax.chain(
            optax.scale_by_rms(
                decay=arguments["b2"],
                eps=arguments["eps"],
                eps_in_sqrt=False,
                bias_correction=True,
            ),
            optax.add_decayed_weights(arguments["weight_decay"]),
            optax.scale_by_learning_rate(rate),
        )
    return optax.contrib.schedule_free(
        base,
        learning_rate=weight_rate,
        b1=arguments["b1"],
        weight_lr_power=arguments["weight_lr_power"],
    )


def optax_transformation(name, kwargs, lrs=None):
    """optax's transformation for our `name` with our keywords `kwargs`; with `lrs`,
    under that schedule (the learning rate of update k is lrs[k])."""
    lr, arguments = _optax_arguments(name, kwargs)
    if lrs is None:
        return OPTAX[name](lr, **arguments)
    table = jnp.asarray(lrs, dtype=jnp.float64)
    if name in SCHEDULE_FREE:
        return _schedule_free_under(name, table, arguments)

    def scheduled(count):  # optax's schedule: the learning rate of update `count`
        return table[count]

    return OPTAX[name](scheduled, **arguments)


def optax_path(name, surface, start, steps, kwargs, lrs=None):
    """optax's iterates (steps + 1, 2), the start first, and its state after each
    update."""
    transformation = optax_transformation(name, kwargs, lrs)
    params = jnp.asarray(start, dtype=jnp.float64)
    state = transformation.init(params)
    path = [np.asarray(params)]
    states = []
    for _ in range(steps):
        x, y = (float(v) for v in params)
        gradient = jnp.asarray(surface.grad(x, y), dtype=jnp.float64)
        updates, state = transformation.update(gradient, state, params)
        params = optax.apply_updates(params, updates)
        path.append(np.asarray(params))
        states.append(state)
    return np.array(path), states


OPTAX_OPTIMIZERS = list(OPTAX)


def test_the_optax_optimizers_are_registered():
    assert set(OPTAX_OPTIMIZERS) <= set(optimizers.names())
    assert list(CASES) == OPTAX_OPTIMIZERS
    assert set(OPTAX) >= WHOLE_PARAMETER


def _optax_signature(name):
    """The optax function whose signature holds `name`'s defaults."""
    if name == "yogi":
        return optax.scale_by_yogi  # initial_accumulator_value's default
    return OPTAX[name]


@pytest.mark.parametrize("name", OPTAX_OPTIMIZERS)
def test_defaults_are_optaxs(name):
    """Every default is optax's; where optax requires a learning rate (no
    default), ours is the spec's choice."""
    parameters = inspect.signature(_optax_signature(name)).parameters
    lr, arguments = _optax_arguments(name, {})
    learning_rate = parameters.get("learning_rate")
    if (
        learning_rate is not None
        and learning_rate.default is not inspect.Parameter.empty
    ):
        assert lr == learning_rate.default
    for key, value in arguments.items():
        assert value == parameters[key].default, key
    if name == "yogi":  # optax.yogi's own defaults agree with scale_by_yogi's
        yogi = inspect.signature(optax.yogi).parameters
        for key in ("b1", "b2", "eps"):
            assert yogi[key].default == parameters[key].default, key


@pytest.mark.parametrize("name", OPTAX_OPTIMIZERS)
def test_cases_cover_every_hyperparameter(name):
    assert_cases_cover(name, CASES[name], min_steps=200)


@pytest.mark.parametrize("name", OPTAX_OPTIMIZERS)
def test_matches_optax(name):
    for surface_name, steps, kwargs, schedule in CASES[name]:
        (landscape, params), start = SURFACES[surface_name]
        surface = landscapes.get(landscape, **params)
        result = optimizers.run(
            name,
            surface,
            start=start,
            steps=steps,
            schedule=schedule,
            record_state=name in SCHEDULE_FREE,
            **kwargs,
        )
        lrs = None
        if schedule is not None:
            base = kwargs.get("lr", optimizers.spec(name).defaults["lr"])
            lrs = optimizers.Schedule(**schedule).learning_rates(base, steps)
        expected, states = optax_path(name, surface, start, steps, kwargs, lrs)
        label = f"{name} on {surface_name}, {steps} steps, {kwargs}, {schedule}"
        assert result.diverged_at is None, label
        assert result.path.shape == expected.shape, label
        assert_close(result.path, expected, label)
        # The path moved: the comparison is not between two resting points.
        assert np.abs(expected[-1] - expected[0]).max() > 0.04, label
        if name in SCHEDULE_FREE:
            # x and z after each step: optax's evaluation point and its z.
            x = [
                optax.contrib.schedule_free_eval_params(state, params)
                for state, params in zip(states, expected[1:], strict=True)
            ]
            assert_close(result.state["x"], np.array(x), f"{label}, x")
            z = np.array([state.z for state in states])
            assert_close(result.state["z"], z, f"{label}, z")
            assert np.abs(z - x).max() > 1e-3, label  # three sequences


def assert_close(ours, expected, label):
    """Every row of `ours` within RTOL of `expected`'s (relative to max(|·|, 1))."""
    scale = np.maximum(np.abs(expected), 1.0)
    error = (np.abs(ours - expected) / scale).max(axis=1)
    worst = int(error.argmax())
    assert error[worst] <= RTOL, (
        f"{label}: |ours - optax| = {error[worst]:.3e} at row {worst}: "
        f"{ours[worst].tolist()} vs {expected[worst].tolist()}"
    )


def _optax_sam(outer, rho):
    """optax.contrib.sam as its docs build drop-in SAM: the adversary a normalized
    SGD step of length ρ, taken once per update (opaque mode, sync period 2)."""
    adversary = optax.chain(optax.contrib.normalize(), optax.sgd(rho))
    return optax.contrib.sam(outer, adversary, sync_period=2, opaque_mode=True)


# (our name, surface, steps, our keywords, optax's outer optimizer)
SAM_CASES = [
    ("sam", "rosenbrock", 300, {"lr": 1e-3, "rho": 0.05}, optax.sgd(1e-3)),
    (
        "sam",
        "quadratic",
        200,
        {"lr": 0.02, "rho": 0.2, "momentum": 0.9},
        optax.sgd(0.02, momentum=0.9),
    ),
    (
        "sam",
        "himmelblau",
        200,
        {"lr": 0.005, "rho": 0.1, "momentum": 0.5},
        optax.sgd(0.005, momentum=0.5),
    ),
    ("sam_adam", "rosenbrock", 300, {"lr": 0.02, "rho": 0.05}, optax.adam(0.02)),
    # 140 steps: by step 154 ‖∇f‖ is 0.003, where the 1e-12 guard is 3e-10 of ε
    # and Adam's normalized step carries that difference into the path.
    (
        "sam_adam",
        "quadratic",
        140,
        {"lr": 0.05, "rho": 0.3, "betas": (0.8, 0.99), "eps": 1e-6},
        optax.adam(0.05, b1=0.8, b2=0.99, eps=1e-6),
    ),
]


@pytest.mark.parametrize("case", SAM_CASES, ids=lambda case: f"{case[0]}-{case[1]}")
def test_sam_and_its_momentum_and_adam_forms_match_optax_contrib_sam(case):
    """Plain SAM, SAM with momentum and SAM with Adam equal optax.contrib.sam with
    outer optimizers sgd, sgd(momentum) and adam. Our ε divides by ‖g‖ + 1e-12
    (the authors' port), optax's by ‖g‖: ε differs by ~1e-12/‖g‖ relative, here
    (‖∇f‖ stays above ~1e-3) ~1e-11 absolute in the path after 200 steps, so
    compared at rtol 1e-9, atol 1e-10 (the torch tests' tolerance)."""
    name, surface_name, steps, kwargs, outer = case
    (landscape, params), start = SURFACES[surface_name]
    surface = landscapes.get(landscape, **params)
    ours = optimizers.run(name, surface, start=start, steps=steps, **kwargs)
    transformation = _optax_sam(outer, kwargs["rho"])
    params = jnp.asarray(start, dtype=jnp.float64)
    state = transformation.init(params)

    def grad_fn(point, _):
        return jnp.asarray(surface.grad(*(float(v) for v in point)), dtype=jnp.float64)

    path = [np.asarray(params)]
    for _ in range(steps):
        updates, state = transformation.update(
            grad_fn(params, 0), state, params, grad_fn=grad_fn
        )
        params = optax.apply_updates(params, updates)
        path.append(np.asarray(params))
    assert ours.diverged_at is None
    assert np.min(ours.grad_norm) > 1e-3
    np.testing.assert_allclose(ours.path, np.array(path), rtol=1e-9, atol=1e-10)


# Network training: each trains an MLP's N parameters with the same step
# (optimizers.train, two coordinates per kernel run, each tensor padded to an even
# count); optax updates the whole flat vector (the coordinatewise ones) or the list of
# the network's tensors in torch's order (WHOLE_PARAMETER: optax's norms and sums are
# per leaf, so per tensor), fed our gradients (test_mlp.py checks those against
# torch). Our parameters after every step equal optax's. Each on minibatches under a
# step schedule, or full batch (Schedule-Free's own warm-up, which optax does not
# combine with a schedule).
STEP_10 = {"name": "step", "gamma": 0.5, "step_size": 10}
# (hidden layers, examples, init seed, optimizers.train's settings, how far the
# parameters must move)
MINIBATCHES = (
    (16, 16),
    64,
    11,
    {"batch_size": 16, "seed": 2, "schedule": STEP_10},
    0.05,
)
FULL_BATCH = ((4,), 32, 5, {}, 0.01)  # 17 parameters: the last run is padded
# (name, setting, our keywords)
TRAINING = [
    ("lion", MINIBATCHES, {"lr": 0.01, "betas": (0.8, 0.95), "weight_decay": 0.1}),
    ("adabelief", MINIBATCHES, {"lr": 0.01, "nesterov": True}),
    ("yogi", MINIBATCHES, {"lr": 0.05, "initial_accumulator_value": 0.5}),
    ("signum", MINIBATCHES, {"lr": 0.01, "momentum": 0.5}),
    ("adopt", MINIBATCHES, {"lr": 0.01, "nesterov": True}),
    ("lion", FULL_BATCH, {"lr": 0.01}),
    ("adabelief", FULL_BATCH, {"lr": 0.01, "nesterov": True}),
    ("yogi", FULL_BATCH, {"lr": 0.01}),
    ("adan", FULL_BATCH, {"lr": 0.01, "weight_decay": 0.01}),
    ("ademamix", FULL_BATCH, {"lr": 0.01, "betas": (0.9, 0.999, 0.99)}),
    (
        "schedule_free_sgd",
        FULL_BATCH,
        {"lr": 0.5, "warmup_steps": 5, "weight_decay": 0.01},
    ),
    ("schedule_free_adamw", FULL_BATCH, {"lr": 0.01, "warmup_steps": 5}),
    (
        "lamb",
        MINIBATCHES,
        {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-5, "weight_decay": 0.01},
    ),
    ("lamb", FULL_BATCH, {"lr": 0.02, "eps_root": 1e-10}),
    (
        "lars",
        MINIBATCHES,
        {"lr": 0.5, "weight_decay": 0.01, "trust_coefficient": 0.05, "eps": 1e-8},
    ),
    ("lars", FULL_BATCH, {"lr": 0.5, "trust_coefficient": 0.02, "nesterov": True}),
    (
        "novograd",
        MINIBATCHES,
        {"lr": 0.01, "betas": (0.8, 0.5), "weight_decay": 0.001, "eps_root": 1e-8},
    ),
    ("novograd", FULL_BATCH, {"lr": 0.01}),
    (
        "prodigy",
        MINIBATCHES,
        {"betas": (0.9, 0.99), "estim_lr0": 1e-3, "weight_decay": 0.01},
    ),
    ("prodigy", FULL_BATCH, {"estim_lr0": 1e-3, "safeguard_warmup": True}),
]


def test_training_covers_the_trainable_ones():
    trainable = set(optimizers.trainable()) & set(OPTAX)
    trained = {name for name, _, _ in TRAINING}
    assert trained == trainable == set(OPTAX)


def _optax_leaves(model, flat, per_tensor):
    """optax's parameters (or gradient): the flat vector `flat`, or with
    `per_tensor` the list of the network's tensors (torch's order and shapes, each
    its own leaf)."""
    flat = jnp.asarray(flat, dtype=jnp.float64)
    if not per_tensor:
        return flat
    return [
        flat[offset : offset + int(np.prod(shape))].reshape(shape)
        for _, shape, offset in model.layout()
    ]


def _flat(leaves) -> np.ndarray:
    return np.concatenate(
        [np.ravel(np.asarray(leaf)) for leaf in jax.tree.leaves(leaves)]
    )


def _trained(name, setting, kwargs, steps=40):
    """(the model, the data, θ₀, our optimizers.train result) of a TRAINING
    case."""
    from landscapes import MLP, datasets

    hidden, n_points, init_seed, settings, _ = setting
    model = MLP(hidden, "tanh")
    data = datasets.make("moons", n_points=n_points, noise=0.15, seed=3)
    theta0 = model.init(init_seed)
    result = optimizers.train(
        name, model, data, theta0, steps=steps, **settings, **kwargs
    )
    assert result.diverged_at is None
    return model, data, theta0, result


def _optax_training(name, setting, kwargs, trained, per_tensor):
    """optax's parameters (steps + 1, N) from θ₀, fed the gradients of our
    minibatches, under our schedule's learning rates when the setting has one."""
    model, data, theta0, result = trained
    lrs = result.lr if "schedule" in setting[3] else None
    transformation = optax_transformation(name, kwargs, lrs)
    params = _optax_leaves(model, theta0, per_tensor)
    state = transformation.init(params)
    path = [_flat(params)]
    for k in range(len(result.lr)):
        batch = None if result.batches is None else result.batches[k]
        gradient = model.grad(_flat(params), data, batch)
        updates, state = transformation.update(
            _optax_leaves(model, gradient, per_tensor), state, params
        )
        params = optax.apply_updates(params, updates)
        path.append(_flat(params))
    return np.array(path)


@pytest.mark.parametrize(
    ("name", "setting", "kwargs"),
    TRAINING,
    ids=[
        f"{name}-{'minibatches' if setting is MINIBATCHES else 'full'}"
        for name, setting, _ in TRAINING
    ],
)
def test_training_equals_optax_at_every_step(name, setting, kwargs):
    trained = _trained(name, setting, kwargs)
    _, _, theta0, result = trained
    path = _optax_training(name, setting, kwargs, trained, name in WHOLE_PARAMETER)
    # Relative to max(|θᵢ|, 1), as on the surfaces: a weight crossing 0 keeps only
    # the absolute round-off of its steps.
    assert_close(result.params, path, f"{name} training {kwargs}")
    moved = setting[-1]
    assert np.abs(result.params[-1] - theta0).max() > moved  # it trained


@pytest.mark.parametrize("name", sorted(WHOLE_PARAMETER))
def test_tensorwise_training_is_per_tensor_and_prodigys_per_network(name):
    """LAMB's, LARS's and NovoGrad's norms are per tensor: optax on the flat vector
    (one tensor of all N parameters) goes elsewhere. Prodigy's estimate sums over
    the whole network: the flat vector gives its path too."""
    setting, kwargs = next((s, k) for n, s, k in TRAINING if n == name)
    trained = _trained(name, setting, kwargs)
    result = trained[-1]
    flat = _optax_training(name, setting, kwargs, trained, False)
    if name == "prodigy":
        assert_close(result.params, flat, f"{name} training, flat")
    else:
        assert np.abs(result.params[-1] - flat[-1]).max() > 0.1


def test_optaxs_warm_up_is_float32_from_an_int_and_ours_from_a_float():
    """optimizers.schedule_free: optax's warm-up with an int warmup_steps is float32;
    with a float it is float64 and equals ours."""
    from optimizers import schedule_free

    for count in range(25):
        ours = schedule_free.warmed_up(0.05, float(count), 10.0)
        counter = jnp.asarray(count, dtype=jnp.int32)  # optax's step counts
        from_float = optax.warmup_constant_schedule(0, 0.05, 10.0)(counter)
        from_int = optax.warmup_constant_schedule(0, 0.05, 10)(counter)
        assert from_float.dtype == jnp.float64 and float(from_float) == ours
        assert from_int.dtype == jnp.float32
        assert abs(float(from_int) - ours) <= 1e-7 * 0.05
    assert float(from_int) != ours  # 0.05 has no float32


def test_prodigy_at_a_stationary_start_is_nan_in_optax_and_diverges_here():
    """optimizers.prodigy: a zero first gradient makes r/‖s‖₁ 0/0."""
    result = optimizers.run("prodigy", "quadratic", start=(0.0, 0.0), steps=5)
    assert result.diverged_at == 1
    expected, states = optax_path(
        "prodigy", landscapes.get("quadratic"), (0.0, 0.0), 1, {}
    )
    assert np.isnan(float(states[0].estim_lr)) and np.isnan(expected[1]).all()


def test_optax_adan_weights_the_gradient_difference_unlike_the_paper():
    """optimizers.adan: optax 0.2.8 weights g_t - g_{t-1} by 1 - β₂ (ours); the
    paper and its authors' code by β₂, as pytorch_optimizer.Adan does (the oracle in
    tests/naive.py with the paper's weight follows it)."""
    import naive
    import pytorch_optimizer
    import torch

    surface = landscapes.get("rosenbrock")
    start, steps, lr = (-1.5, 2.0), 200, 0.01
    theta = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    reference = pytorch_optimizer.Adan([theta], lr=lr, eps=1e-8)
    path = [theta.detach().numpy().copy()]
    for _ in range(steps):
        x, y = (float(v) for v in theta.detach())
        theta.grad = torch.tensor(surface.grad(x, y), dtype=torch.float64)
        reference.step()
        path.append(theta.detach().numpy().copy())
    paper = naive.adan_with_difference_weight(
        surface,
        start,
        steps,
        lr=lr,
        betas=(0.98, 0.92, 0.99),
        eps=1e-8,
        eps_root=0.0,
        weight_decay=0.0,
        lrs=None,
        paper=True,
    )
    np.testing.assert_allclose(paper.path, np.array(path), rtol=1e-12, atol=0)
    ours = optimizers.run("adan", surface, start=start, steps=steps, lr=lr)
    assert np.abs(ours.path - paper.path).max() > 1e-2


# ADOPT against pytorch_optimizer's too: the same algorithm, except that its step count
# starts at 1 on the step that only sets v, so it clips the t-th update at (t + 1)^¼
# where optax (and ours) clips at t^¼. Shifted by one, its clip gives our path.
def _pytorch_optimizer_adopt_path(surface, start, steps, lr, clip_lambda):
    import torch
    from pytorch_optimizer import ADOPT

    p = torch.tensor(start, dtype=torch.float64)
    opt = ADOPT([p], lr=lr, clip_lambda=clip_lambda, foreach=False)
    path = [p.numpy().copy()]
    for _ in range(steps):
        x, y = (float(v) for v in p)
        p.grad = torch.tensor(surface.grad(x, y), dtype=torch.float64)
        opt.step()
        path.append(p.numpy().copy())
    return np.array(path)


def test_adopt_is_pytorch_optimizers_with_its_clip_shifted_by_one_step():
    (landscape, params), start = SURFACES["himmelblau_top"]  # the clip binds there
    surface = landscapes.get(landscape, **params)
    steps, lr = 200, 0.01
    ours = optimizers.run("adopt", surface, start=start, steps=steps, lr=lr).path
    shifted = _pytorch_optimizer_adopt_path(
        surface, start, steps, lr, lambda step: (step - 1) ** 0.25
    )
    np.testing.assert_allclose(ours, shifted, rtol=RTOL, atol=RTOL)
    unclipped = optimizers.run(
        "adopt", surface, start=start, steps=steps, lr=lr, use_clipping=False
    ).path
    free = _pytorch_optimizer_adopt_path(surface, start, steps, lr, None)
    np.testing.assert_allclose(unclipped, free, rtol=RTOL, atol=RTOL)
    # Its own clip, (t + 1)^¼, is another path.
    own = _pytorch_optimizer_adopt_path(
        surface, start, steps, lr, lambda step: step**0.25
    )
    assert np.abs(ours - own).max() > 1e-3

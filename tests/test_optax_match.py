"""The optax optimizers (Lion, AdaBelief, Yogi, LAMB, LARS, NovoGrad, Signum, ADOPT)
against REAL optax, to float64 round-off.

For each optimizer with an optax counterpart: a float64 jax array of size 2 as the
parameter, optax's transformation's ``update`` fed the gradient of the same surface
(our ``surface.grad`` at each iterate, so both follow one gradient field), then
``optax.apply_updates``; 200+ steps; our path must equal optax's to rtol 1e-12 (max
over steps). The cases set every hyperparameter, on two surfaces, and a schedule
(optax's learning rate as a function of its step count). The coordinatewise ones
also train an MLP (optimizers.train) as optax updates its flat parameter vector. ADOPT
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
}
# The rules whose update reads the whole parameter (a trust ratio's norms, NovoGrad's
# layer-wise second moment): on a network each tensor is one layer, which the
# two-coordinates-per-run training driver has not, so they do not train networks.
WHOLE_PARAMETER = {"lamb", "lars", "novograd"}
# Our hyperparameter names that optax spells otherwise (torch's betas are b1, b2).
OPTAX_KEYWORDS = {"beta1": "b1", "beta2": "b2"}
OPTAX_KEYWORDS_OF = {"signum": {"momentum": "beta"}}

# (surface, steps, our keyword arguments, schedule)
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
}


def _optax_arguments(name, kwargs):
    """Our keywords, defaults filled in, as optax's: (learning rate, keywords)."""
    spec = optimizers.spec(name)
    resolved = dict(spec.defaults)
    for key, value in kwargs.items():
        if key in spec.tuples:
            first, second = spec.tuples[key]
            resolved[first], resolved[second] = value
        else:
            resolved[key] = value
    out = {}
    for hyper in spec.hyperparameters:
        value = resolved[hyper.name]
        if hyper.name == "lr":
            continue
        keywords = {**OPTAX_KEYWORDS, **OPTAX_KEYWORDS_OF.get(name, {})}
        key = keywords.get(hyper.name, hyper.name)
        out[key] = bool(value) if hyper.kind == "bool" else float(value)
    return float(resolved["lr"]), out


def optax_path(name, surface, start, steps, kwargs, lrs=None) -> np.ndarray:
    """optax's iterates: (steps + 1, 2), the start first."""
    lr, arguments = _optax_arguments(name, kwargs)
    if lrs is not None:
        table = jnp.asarray(lrs, dtype=jnp.float64)

        def lr(count):  # optax's schedule: the learning rate of update `count`
            return table[count]

    transformation = OPTAX[name](lr, **arguments)
    params = jnp.asarray(start, dtype=jnp.float64)
    state = transformation.init(params)
    path = [np.asarray(params)]
    for _ in range(steps):
        x, y = (float(v) for v in params)
        gradient = jnp.asarray(surface.grad(x, y), dtype=jnp.float64)
        updates, state = transformation.update(gradient, state, params)
        params = optax.apply_updates(params, updates)
        path.append(np.asarray(params))
    return np.array(path)


OPTAX_OPTIMIZERS = [
    "adabelief",
    "yogi",
    "lion",
    "lamb",
    "lars",
    "novograd",
    "signum",
    "adopt",
]


def test_the_optax_optimizers_are_registered():
    assert set(OPTAX_OPTIMIZERS) <= set(optimizers.names())
    assert set(CASES) == set(OPTAX) == set(OPTAX_OPTIMIZERS)
    assert set(OPTAX) >= WHOLE_PARAMETER


@pytest.mark.parametrize("name", OPTAX_OPTIMIZERS)
def test_defaults_are_optaxs(name):
    """Every default but the learning rate (optax has none) is optax's."""
    functions = dict(OPTAX)
    functions["yogi"] = optax.scale_by_yogi  # initial_accumulator_value's default
    parameters = inspect.signature(functions[name]).parameters
    assert "learning_rate" not in parameters or (
        parameters["learning_rate"].default is inspect.Parameter.empty
    )
    _, arguments = _optax_arguments(name, {})
    for key, value in arguments.items():
        assert value == parameters[key].default, key
    if name == "yogi":  # optax.yogi's own defaults agree with scale_by_yogi's
        yogi = inspect.signature(optax.yogi).parameters
        for key in ("b1", "b2", "eps"):
            assert yogi[key].default == parameters[key].default, key


@pytest.mark.parametrize("name", OPTAX_OPTIMIZERS)
def test_cases_cover_every_hyperparameter(name):
    cases = CASES[name]
    spec = optimizers.spec(name)
    assert len({case[0] for case in cases}) >= 2
    assert any(not case[2] and case[3] is None for case in cases)
    assert any(case[3] is not None for case in cases)
    assert all(case[1] >= 200 for case in cases)
    changed = set()
    for _, _, kwargs, _ in cases:
        resolved = optimizers._api.resolve_hyperparameters(name, kwargs)
        changed |= {key for key, v in resolved.items() if v != spec.defaults[key]}
    settable = {h.name for h in spec.hyperparameters if h.settable}
    assert settable <= changed, f"never set: {sorted(settable - changed)}"


@pytest.mark.parametrize("name", OPTAX_OPTIMIZERS)
def test_matches_optax(name):
    for surface_name, steps, kwargs, schedule in CASES[name]:
        (landscape, params), start = SURFACES[surface_name]
        surface = landscapes.get(landscape, **params)
        result = optimizers.run(
            name, surface, start=start, steps=steps, schedule=schedule, **kwargs
        )
        lrs = None
        if schedule is not None:
            base = kwargs.get("lr", optimizers.spec(name).defaults["lr"])
            lrs = optimizers.Schedule(**schedule).learning_rates(base, steps)
        expected = optax_path(name, surface, start, steps, kwargs, lrs)
        label = f"{name} on {surface_name}, {steps} steps, {kwargs}, {schedule}"
        assert result.diverged_at is None, label
        assert result.path.shape == expected.shape, label
        scale = np.maximum(np.abs(expected), 1.0)
        error = (np.abs(result.path - expected) / scale).max(axis=1)
        worst = int(error.argmax())
        assert error[worst] <= RTOL, (
            f"{label}: |ours - optax| = {error[worst]:.3e} at step {worst}: "
            f"{result.path[worst].tolist()} vs {expected[worst].tolist()}"
        )
        # The path moved: the comparison is not between two resting points.
        assert np.abs(expected[-1] - expected[0]).max() > 0.04, label


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


# Network training: the coordinatewise ones train an MLP's N parameters with the same
# step (optimizers.train); optax updates the whole flat vector, fed our minibatch
# gradients (test_mlp.py checks those against torch). Non-default hyperparameters,
# minibatches and a schedule.
STEP_10 = {"name": "step", "gamma": 0.5, "step_size": 10}
TRAINING = {
    "lion": {"lr": 0.01, "betas": (0.8, 0.95), "weight_decay": 0.1},
    "adabelief": {"lr": 0.01, "nesterov": True},
    "yogi": {"lr": 0.05, "initial_accumulator_value": 0.5},
    "signum": {"lr": 0.01, "momentum": 0.5},
    "adopt": {"lr": 0.01, "nesterov": True},
}


def test_training_covers_the_coordinatewise_ones():
    assert set(TRAINING) == set(OPTAX) - WHOLE_PARAMETER


@pytest.mark.parametrize("name", TRAINING)
def test_training_equals_optax_at_every_step(name):
    from landscapes import MLP, datasets

    model = MLP((16, 16), "tanh")
    data = datasets.make("moons", n_points=64, noise=0.15, seed=3)
    theta0 = model.init(11)
    steps = 40
    kwargs = TRAINING[name]
    result = optimizers.train(
        name,
        model,
        data,
        theta0,
        steps=steps,
        batch_size=16,
        seed=2,
        schedule=STEP_10,
        **kwargs,
    )
    assert result.diverged_at is None
    _, arguments = _optax_arguments(name, kwargs)
    table = jnp.asarray(result.lr, dtype=jnp.float64)
    transformation = OPTAX[name](lambda count: table[count], **arguments)
    params = jnp.asarray(theta0, dtype=jnp.float64)
    state = transformation.init(params)
    # Relative to max(|θᵢ|, 1), as on the surfaces: a weight crossing 0 keeps only
    # the absolute round-off of its steps.
    for k in range(steps):
        np.testing.assert_allclose(result.params[k], params, rtol=RTOL, atol=RTOL)
        gradient = model.grad(np.asarray(params), data, result.batches[k])
        updates, state = transformation.update(jnp.asarray(gradient), state, params)
        params = optax.apply_updates(params, updates)
    np.testing.assert_allclose(result.params[steps], params, rtol=RTOL, atol=RTOL)
    assert np.abs(result.params[steps] - theta0).max() > 0.05  # it trained


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

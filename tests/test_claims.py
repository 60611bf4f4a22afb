"""Claims made in docstrings that no other test pins down."""

import numpy as np
import pytest

import landscapes
import optimizers


def test_plateau_is_flat_and_the_cliff_steep():
    plateau = landscapes.get("plateau")
    gx, gy = plateau.grad(-3.0, 1.5)
    assert 1e-4 < np.hypot(gx, gy) < 1e-2  # "the gradient is ~1e-3"
    # At the cliff the sigmoid's slope is k/4 = 5 (k = 20): the Gaussian adds little.
    slope = abs(plateau.grad(0.0, 0.0)[0])
    assert 4.9 < slope < 5.5


def test_heavy_ball_equals_torch_sgd_momentum_at_constant_lr():
    kwargs = {"start": (-1.5, 2.0), "steps": 300, "lr": 1e-3}
    heavy = optimizers.run("momentum", "rosenbrock", momentum=0.9, **kwargs)
    torch_form = optimizers.run("sgd", "rosenbrock", momentum=0.9, **kwargs)
    np.testing.assert_allclose(heavy.path, torch_form.path, rtol=0, atol=1e-10)
    # ... and not under a schedule: the velocity keeps the earlier, larger steps.
    schedule = {"name": "step", "gamma": 0.1, "step_size": 50}
    heavy = optimizers.run(
        "momentum", "rosenbrock", momentum=0.9, schedule=schedule, **kwargs
    )
    torch_form = optimizers.run(
        "sgd", "rosenbrock", momentum=0.9, schedule=schedule, **kwargs
    )
    assert np.abs(heavy.path - torch_form.path).max() > 1e-3


def test_normalized_gd_steps_have_length_lr_and_stop_at_zero_gradient():
    result = optimizers.run("normalized_gd", "quadratic", steps=20, lr=0.05)
    lengths = np.linalg.norm(np.diff(result.path, axis=0), axis=1)
    np.testing.assert_allclose(lengths, 0.05, rtol=1e-12)
    still = optimizers.run("normalized_gd", "quadratic", start=(0.0, 0.0), steps=5)
    assert np.all(still.path == 0.0)


def test_rprop_ignores_the_schedule_after_its_first_step():
    kwargs = {"start": (-1.5, 2.0), "steps": 100, "lr": 0.01}
    plain = optimizers.run("rprop", "rosenbrock", **kwargs)
    scheduled = optimizers.run("rprop", "rosenbrock", schedule="exponential", **kwargs)
    np.testing.assert_array_equal(plain.path, scheduled.path)


@pytest.mark.parametrize(
    "name", ["gd_exact_line_search", "gd_armijo", "cg_polak_ribiere"]
)
def test_line_searches_record_the_step_length_they_used(name):
    result = optimizers.run(name, "quadratic", steps=5)
    # lr[k] is the α that took path[k] to path[k+1] along -∇f (or d for CG).
    assert np.all(result.lr > 0) and not np.allclose(result.lr, result.lr[0])


@pytest.mark.parametrize("name", landscapes.names())
def test_parameter_ranges_are_what_get_enforces(name):
    for parameter, (low, high) in landscapes.parameter_ranges(name).items():
        values = (low, high)
        moved = {}
        if name == "custom":
            # A view's x_min can only reach the low end (x_max the high end), with
            # the other bound of the pair at the opposite end.
            axis, end = parameter.split("_")
            values = (low,) if end == "min" else (high,)
            other = f"{axis}_{'max' if end == 'min' else 'min'}"
            moved = {other: high if end == "min" else low}
        for value in values:
            built = landscapes.get(name, **{parameter: value}, **moved)
            assert built.params[parameter] == value
        for outside in (low - 1.0, high + 1.0):
            with pytest.raises(ValueError, match=parameter):
                landscapes.get(name, **{parameter: outside})


def _python_blocks(path):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / path).read_text()
    return [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]


@pytest.mark.parametrize("path", ["README.md", "docs/library.md"])
def test_the_documents_python_examples_run(path):
    blocks = _python_blocks(path)
    assert blocks  # each document shows the library in use
    for block in blocks:
        exec(compile(block, path, "exec"), {})  # noqa: S102 (our own docs)


def test_the_readme_test_command_is_what_ci_runs():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    command = (root / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert f"\n    {command}\n" in (root / "README.md").read_text()


@pytest.mark.parametrize("name", ["schedule_free_sgd", "schedule_free_adamw"])
def test_schedule_free_warm_up_leaves_the_first_step_in_place(name):
    """optimizers.schedule_free: with optax's warm-up the first step moves z by the
    warm-up's rate at count 0, which is 0."""
    kwargs = {"start": (-2.0, 1.0), "steps": 3, "lr": 0.05}
    warmed = optimizers.run(name, "quadratic", warmup_steps=4, **kwargs)
    assert np.array_equal(warmed.path[1], warmed.path[0])
    assert np.abs(warmed.path[2] - warmed.path[1]).min() > 1e-4
    plain = optimizers.run(name, "quadratic", **kwargs)
    assert np.abs(plain.path[1] - plain.path[0]).min() > 1e-4


def test_schedule_free_sgd_with_beta1_zero_is_sgd_and_its_polyak_average():
    """β₁ = 0: y = z takes plain SGD steps, and with r = 0 (equal weights) x is the
    running mean of z₁, ..., z_t (the paper's Polyak-Ruppert average)."""
    from optimizers import averaging

    kwargs = {"start": (-1.5, 2.0), "steps": 200, "lr": 1e-3}
    free = optimizers.run(
        "schedule_free_sgd",
        "rosenbrock",
        momentum=0.0,
        weight_lr_power=0.0,
        record_state=True,
        **kwargs,
    )
    plain = optimizers.run("gd", "rosenbrock", **kwargs)
    np.testing.assert_array_equal(free.path, plain.path)
    np.testing.assert_array_equal(free.state["z"], plain.path[1:])
    mean = averaging.swa(plain.path, start=1)[1:]
    np.testing.assert_allclose(free.state["x"], mean, rtol=1e-12)
    assert np.abs(mean - plain.path[1:]).max() > 0.1


def test_prodigys_traced_step_size_estimate_never_falls():
    """Prodigy's d (its spec's traced `estim_lr`, the step size it learns) starts
    at estim_lr0 and is a running max (optax: d = max(d, d̂)), so it never falls."""
    result = optimizers.run("prodigy", "quadratic", steps=200, record_state=True)
    d = result.state["estim_lr"]
    assert d.shape == (200,)
    assert d[0] >= optimizers.spec("prodigy").defaults["estim_lr0"]
    assert np.all(np.diff(d) >= 0) and d[-1] > 10 * d[0]

"""The interpreter tier (landscapes._interpreted): the kernels' own source run as plain
Python in a child process gives the compiled kernels' numbers, and the app hands a
kernel's first calls to it while the warm-up compiles (ui.compiling)."""

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import landscapes
import optimizers
from landscapes import _dispatch, _interpreted, _jit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def interpreter():
    child = _interpreted.Interpreter()
    yield child
    child.close()


@pytest.fixture
def interpret(monkeypatch, interpreter):
    """Call it, and every later top-level kernel call (runs, sweeps, contour grids)
    goes to the interpreter."""

    def first_call(kernel, dispatcher, task, work, args, call):
        return call() if args is None else interpreter.call(kernel, work, args)

    return lambda: monkeypatch.setattr(_jit, "first_call", first_call)


CASES = [
    ("adam", "rosenbrock", {"lr": 0.05, "amsgrad": True}),
    ("momentum", "quadratic", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    ("newton", "himmelblau", {"lr": 0.5}),
    ("cg_polak_ribiere", "beale", {}),
    ("gd_exact_line_search", "goldstein_price", {}),
    ("sam", "six_hump_camel", {"lr": 0.01, "rho": 0.05}),
    ("rprop", "rastrigin", {"lr": 0.01}),
    # Its first steps compute the rectifier (NaN at steps 3 and 4) and do not use it.
    ("radam", "rosenbrock", {"lr": 0.01, "weight_decay": 0.05}),
    ("sgd", "linear_regression", {"lr": 0.05, "batch_size": 5, "seed": 3}),
    ("adam", "custom", {"lr": 0.05}),  # a typed surface: the program interpreter
    # Methods that stop on their own (the state row "converged" is read back).
    ("bfgs", "goldstein_price", {"gtol": 1e-8}),
    ("nelder_mead", "himmelblau", {"xatol": 1e-8, "fatol": 1e-10}),
    ("powell", "beale", {}),
    ("adafactor", "himmelblau", {"lr": 0.05, "weight_decay": 0.1}),
    ("muon", "rosenbrock", {"lr": 0.02}),  # bfloat16 Newton–Schulz
    ("lbfgs", "rosenbrock", {"strong_wolfe": True, "history_size": 3}),
]


@pytest.mark.parametrize(("optimizer", "surface", "settings"), CASES)
def test_a_run_in_the_interpreter_is_the_compiled_run(
    optimizer, surface, settings, interpret
):
    start = landscapes.get(surface).default_start
    compiled = optimizers.run(optimizer, surface, start=start, steps=150, **settings)
    interpret()
    plain = optimizers.run(optimizer, surface, start=start, steps=150, **settings)
    for field in ("path", "loss", "grad_norm", "lr"):
        np.testing.assert_allclose(
            getattr(plain, field), getattr(compiled, field), rtol=1e-13, atol=0
        )
    assert plain.diverged_at == compiled.diverged_at
    assert plain.converged_at == compiled.converged_at


def test_a_sweep_that_partly_diverges(interpret):
    grid = {"lr": [0.01, 0.19, 0.25], "momentum": [0.0, 0.5]}
    surface = landscapes.get("quadratic", condition_number=10, angle=0.0)
    compiled = optimizers.sweep("momentum", surface, steps=200, grid=grid)
    interpret()
    plain = optimizers.sweep("momentum", surface, steps=200, grid=grid)
    # lr = 0.25 > 2/λmax = 0.2 diverges without momentum; both tiers must say so
    assert (plain.diverged_at >= 0).any() and (plain.diverged_at < 0).any()
    np.testing.assert_array_equal(plain.diverged_at, compiled.diverged_at)
    np.testing.assert_array_equal(plain.steps_to_tolerance, compiled.steps_to_tolerance)
    np.testing.assert_allclose(plain.final_loss, compiled.final_loss, rtol=1e-13)


def test_grids_hessians_and_examples(interpreter, interpret):
    interpret()
    surface = landscapes.get("goldstein_price")
    x = np.linspace(-2, 2, 57)
    X, Y = np.meshgrid(x, x)
    plain = surface.value(X, Y)  # its grid kernel: through the patched first_call
    risk = landscapes.get("logistic_regression")
    for kernel, args in [
        (
            _dispatch.surface_kernel(surface.lid, "hessian_grid"),
            (surface.kernel_params, X.ravel(), Y.ravel())
            + tuple(np.empty(X.size) for _ in range(3)),
        ),
        (
            _dispatch.surface_kernel(risk.lid, "examples"),
            (risk.kernel_params, 0.3, -0.2)
            + tuple(np.empty(risk.n_examples) for _ in range(3)),
        ),
    ]:
        expected = [a.copy() for a in args[-3:]]
        kernel(*args[:-3], *expected)  # compiled, in this process
        interpreter.call(kernel, None, args)
        for got, want in zip(args[-3:], expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)
    compiled = np.empty(X.size), np.empty(X.size), np.empty(X.size)
    _dispatch.surface_kernel(surface.lid, "grid").dispatcher(
        surface.kernel_params, X.ravel(), Y.ravel(), *compiled, 0, 1
    )
    np.testing.assert_allclose(plain.ravel(), compiled[0], rtol=1e-13)


def test_the_childs_exception_is_raised_here(interpreter):
    class Nowhere:
        locator = ("landscapes._dispatch", "no_such_kernel")

    with pytest.raises(AttributeError, match="no_such_kernel"):
        interpreter.call(Nowhere(), None, ())
    # and the child still serves the next call
    surface = landscapes.get("booth")
    out = np.empty(1), np.empty(1), np.empty(1)
    args = (surface.kernel_params, np.array([1.0]), np.array([3.0]))
    interpreter.call(_dispatch.surface_kernel(surface.lid, "grid"), 1, args + out)
    assert out[0][0] == 0.0  # Booth's minimum is (1, 3), f = 0


def test_on_an_empty_cache_the_page_hook_interprets_and_compiles_nothing(tmp_path):
    """A fresh process on an empty kernel cache with a warm-up 'running': the app's
    hook runs a Playground's work in the interpreter; nothing is compiled in the
    process, and the numbers equal the compiled ones computed here."""
    script = textwrap.dedent(
        """
        import pickle, sys
        from optimizers import warm
        warm.running = lambda: True   # as while the background warm-up compiles
        warm.request = lambda task, waiting=False: None
        from ui import compiling
        compiling.install()
        import landscapes, optimizers
        from landscapes import _dispatch
        from optimizers import _driver
        run = optimizers.run("adam", "rosenbrock", start=(-1.5, 2.0), steps=300,
                             lr=0.05)
        grid = landscapes.get("rosenbrock").grid(40)[2]
        compiled = [k for k in ("adam",) if _driver.named_kernel(k).signatures]
        surface = landscapes.get("rosenbrock")
        compiled += [kind for kind in ("grid", "point")
                     if _dispatch.surface_kernel(surface.lid, kind).signatures]
        compiled += ["surface functions" for f in
                     _dispatch.surface_functions(surface.lid) if f.compiled]
        pickle.dump((run.path, grid, compiled), sys.stdout.buffer)
        """
    )
    environment = {
        **os.environ,
        "NUMBA_CACHE_DIR": str(tmp_path),
        "DESCENT_LAB_WARM": "0",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        check=True,
        timeout=600,
    )
    path, grid, compiled = pickle.loads(done.stdout)
    assert compiled == []
    expected = optimizers.run(
        "adam", "rosenbrock", start=(-1.5, 2.0), steps=300, lr=0.05
    )
    np.testing.assert_allclose(path, expected.path, rtol=1e-13)
    np.testing.assert_allclose(
        grid, landscapes.get("rosenbrock").grid(40)[2], rtol=1e-13
    )


def test_calls_too_large_to_interpret_compile_instead(monkeypatch):
    from ui import compiling

    class Kernel:
        locator = ("landscapes._dispatch", "evaluate_many")
        signatures = []

    calls = []
    monkeypatch.setattr(compiling.warm, "running", lambda: True)
    monkeypatch.setattr(compiling.warm, "request", lambda task: None)
    monkeypatch.setattr(compiling.warm, "wait_for", lambda task, report: True)
    monkeypatch.setattr(_jit, "cached", lambda dispatcher: False)
    monkeypatch.setattr(
        compiling.INTERPRETER, "call", lambda *a: calls.append("interpreted")
    )
    largest = int(_interpreted.MAX_SECONDS / _interpreted.SECONDS_PER_POINT)
    for work in (largest, largest + 1):
        compiling._first_use(
            Kernel(), "surfaces", work, (), lambda: calls.append("compiled")
        )
    assert calls == ["interpreted", "compiled"]
    # network training never goes to the interpreter (its args are not given)
    compiling._first_use(Kernel(), "train:adam", None, None, lambda: calls.append("c"))
    assert calls[-1] == "c"


def test_the_banner_names_what_compiles():
    from ui import compiling

    text = compiling.banner_text(["run:adam", "run:gd", "grid:rosenbrock"])
    assert "Adam" in text and "Gradient descent" in text and "Rosenbrock" in text
    done, total = compiling.warm.progress()
    assert f"{done} of {total} ready" in text


def test_the_interpreter_stops_once_everything_is_compiled(monkeypatch):
    from ui import compiling

    monkeypatch.setattr(compiling, "_done", True)  # installed earlier in this process
    compiling.INTERPRETER.start()
    monkeypatch.setattr(compiling.warm, "complete", lambda: False)
    compiling.install()
    assert compiling.INTERPRETER.started  # still compiling: it stays
    monkeypatch.setattr(compiling.warm, "complete", lambda: True)
    compiling.install()
    assert not compiling.INTERPRETER.started


def test_the_app_starts_the_sympy_process_with_the_warm_up(monkeypatch):
    import threading

    from landscapes import expression
    from ui import compiling

    expression.WORKER.stop()
    monkeypatch.setattr(compiling, "_done", False)  # the process's first script run
    monkeypatch.setattr(compiling.warm, "start_background", lambda: False)
    monkeypatch.setattr(compiling.warm, "running", lambda: False)
    monkeypatch.setattr(compiling._jit, "first_use_hook", None)
    compiling.install()
    for thread in threading.enumerate():
        if thread.name == "symbolic-start":
            thread.join()
    assert expression.WORKER.pid is not None
    # and it answers: the first formula does not start a process of its own
    starts = expression.WORKER.starts
    expression.parse_surface("x^2 + y^2")
    assert expression.WORKER.starts == starts

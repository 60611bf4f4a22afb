"""The kernel contract (optimizers._driver, docs/adding-an-optimizer.md): one
compiled driver per job kind runs every optimizer, whose init and step are compiled
on their own and passed in as first-class functions."""

import importlib

import numpy as np

import landscapes
import optimizers
from landscapes import _dispatch
from optimizers import _driver

train = importlib.import_module("optimizers.train")  # the module, not train()


def test_one_runs_driver_serves_every_optimizer_on_every_surface():
    for name in ("gd", "adam", "rprop", "cg_polak_ribiere"):
        optimizers.run(name, "quadratic", steps=3)
        optimizers.sweep(name, "rosenbrock", steps=3, grid={"lr": [1e-3, 1e-2]})
    optimizers.run("adam", "custom", steps=3)
    # one compiled signature: the optimizer and the surface are arguments (init,
    # step, and the surface's evaluate, point and hessian), not specializations
    assert len(_driver._DRIVER.dispatcher.signatures) == 1
    (signature,) = _driver._DRIVER.dispatcher.signatures
    functions = [signature[i] for i in (0, 1, 4, 5, 6)]
    assert all(type(kind).__name__ == "FunctionType" for kind in functions)


def test_one_training_driver_serves_every_optimizer():
    data = landscapes.datasets.make("moons", n_points=16, seed=0)
    model = landscapes.MLP((2, 3, 1))
    for name in ("sgd", "adam", "adadelta"):
        optimizers.train(name, model, data, steps=3, batch_size=4)
    assert len(train._DRIVER.signatures) == 1


def test_optimizers_share_their_compiled_step_between_runs_and_training():
    entry = optimizers.get("rmsprop")
    assert (
        _driver.named_kernel("rmsprop").pieces[1] is train.trainer("rmsprop").pieces[1]
    )
    assert _driver.compiled(entry.step, _driver.STEP_SIGNATURE).python is (
        entry.step.py_func
    )


def test_steps_are_compiled_with_noalias_arrays():
    """The contract's promise that a step's arrays never overlap is what lets LLVM
    vectorize the step's loop without overlap checks; the flag must reach the
    compiled step (it is set by hand, Numba has no option for it)."""
    optimizers.run("adam", "quadratic", steps=2)
    step = _driver.named_kernel("adam").pieces[1]
    (result,) = step.dispatcher.overloads.values()
    assert result.fndesc.noalias


def test_the_drivers_arrays_are_distinct_allocations():
    """noalias is only true if no two arrays a step receives share memory: the
    driver allocates each. Checked on the plain-Python driver by recording the
    arrays the step sees."""
    seen = []

    def spy_step(
        k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups
    ):
        seen.append((S, H, xs, ys, F, GX, GY, LR, lp, T, groups))

    def no_init(S, H, m):
        pass

    surface = landscapes.get("linear_regression")
    n = 3
    args = _python_driver_args(surface, n, steps=2, batch_size=5)
    surface_functions = [f.python for f in _dispatch.surface_functions(surface.lid)]
    _driver._trajectories(
        no_init, spy_step, False, _driver.STATE_SLOTS, *surface_functions, *args, 0, 1
    )
    assert seen
    for arrays in seen:
        for i, a in enumerate(arrays):
            for b in arrays[i + 1 :]:
                assert not np.shares_memory(a, b)
        # on a plane each run is its own tensor
        np.testing.assert_array_equal(arrays[-1], np.arange(n))
        assert arrays[-1].dtype == np.int64


def test_the_training_driver_pairs_each_tensor_padded_to_even():
    """optimizers.train.paired: each tensor of the network (torch's order) padded to
    an even count, so no run holds two tensors' coordinates; runs numbered by their
    tensor, 0, 1, ..., contiguous."""
    model = landscapes.MLP((3,), "tanh")  # tensors of 6, 3, 3, 1 parameters
    positions, groups = train.paired(model)
    sizes = [int(np.prod(shape)) for _, shape, _ in model.layout()]
    assert sizes == [6, 3, 3, 1]
    np.testing.assert_array_equal(groups, [0, 0, 0, 1, 1, 2, 2, 3])
    assert groups.dtype == positions.dtype == np.int64
    # θ's coordinates in order, a pad after each odd tensor
    pads = [9, 13, 15]
    expected = [p for p in range(2 * groups.size) if p not in pads]
    np.testing.assert_array_equal(positions, expected)
    for tensor, (_, shape, offset) in enumerate(model.layout()):
        for i in range(offset, offset + int(np.prod(shape))):
            assert groups[positions[i] // 2] == tensor


def test_the_training_steps_arrays_are_distinct_allocations():
    """The training driver's arrays, groups among them, never overlap either:
    checked on the plain-Python driver by recording the arrays the step sees."""
    seen = []

    def spy_step(
        k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups
    ):
        seen.append((S, H, xs, ys, F, GX, GY, LR, lp, T, groups))

    model = landscapes.MLP((3,), "tanh")
    data = landscapes.datasets.make("moons", n_points=8, seed=0)
    x, y, _ = model._batch(data, None)
    positions, groups = train.paired(model)
    steps = 2
    records = [np.empty(steps + 1) for _ in range(4)]
    sizes, code = model.kernel_args
    surface_functions = [f.python for f in _dispatch.surface_functions(0)]
    train._train(
        lambda S, H, m: None,
        spy_step,
        _driver.STATE_SLOTS,
        *surface_functions,
        model.init(0),
        positions,
        groups,
        sizes,
        code,
        x,
        y,
        x,
        y,
        np.array([0.01]),
        np.ones(steps),
        np.zeros(steps),
        steps,
        0,
        0,
        np.empty((steps + 1, model.n_parameters)),
        *records,
        np.empty(steps),
    )
    assert len(seen) == steps
    for arrays in seen:
        for i, a in enumerate(arrays):
            for b in arrays[i + 1 :]:
                assert not np.shares_memory(a, b)
        np.testing.assert_array_equal(arrays[-1], groups)
        assert arrays[8].size == 0  # lp: no surface in training


def test_every_surface_gives_the_step_parameters():
    """Prodigy tells network training (one model in all runs) from a plane (each
    run its own model) by an empty lp: every surface's lp has an entry."""
    for name in landscapes.names():
        assert landscapes.get(name).kernel_params.size > 0, name
    custom = landscapes.get("custom", f="x^2 + y^2")
    assert custom.kernel_params.size > 0


def _python_driver_args(surface, n, steps, batch_size):
    starts = np.zeros(n)
    H = np.full((1, n), 0.01)
    ones, zeros = np.ones(steps), np.zeros(steps)
    finals = [np.empty(n) for _ in range(3)]
    counters = [np.empty(n, dtype=np.int64) for _ in range(2)]
    paths = [np.empty((steps + 1, n)) for _ in range(4)] + [np.empty((steps, n))]
    state = np.empty((steps, _driver.STATE_SLOTS, n))
    return (
        surface.kernel_params,
        starts.copy(),
        starts.copy(),
        H,
        ones,
        zeros,
        steps,
        1e-6,
        float(surface.min_value),
        0.0,
        0.0,
        0,
        batch_size,
        True,
        True,
        *finals,
        *counters,
        *paths,
        state,
    )


def test_the_drivers_compile_no_shape_error_message():
    """A row assignment of arrays (``params[k] = theta``) makes Numba compile a
    shape check with a formatted error message (raise_with_shape_context and
    string formatting, ~1.5 s of the training driver's ~3 s compile on an empty
    cache: a first Neural net page waits for it). Neither driver has one; checked
    on a fresh interpreter's empty cache (a driver loaded from the cache has no
    IR to read)."""
    import tempfile

    from test_landscapes import in_fresh_python

    script = """
import importlib
import landscapes, optimizers
from optimizers import _driver
train = importlib.import_module("optimizers.train")
data = landscapes.datasets.make("moons", n_points=8, seed=0)
optimizers.train("gd", landscapes.MLP((2, 3, 1)), data, steps=2, batch_size=4)
optimizers.run("gd", "quadratic", steps=2)
for driver in (train._DRIVER, _driver._DRIVER.dispatcher):
    ir = "".join(driver.inspect_llvm().values())
    print(len(ir) > 0, "raise_with_shape" in ir)
"""
    with tempfile.TemporaryDirectory() as cache:
        printed = in_fresh_python(script, NUMBA_CACHE_DIR=cache).split()
    assert printed == ["True", "False", "True", "False"]


def test_a_first_call_compiles_the_driver_on_its_own_then_the_rest():
    """On an empty cache, the app's first-use hook sees one call per warm-up task
    a kernel needs, the driver's first: the driver is compiled alone for the
    call's argument types (so a page compiles it while a warm-up worker compiles
    the optimizer's step), and is the very driver the call then runs (one
    signature). The page's notice names each part. A call small enough to run
    in the interpreter meanwhile goes to the hook once, named by its
    optimizer."""
    import tempfile

    from test_landscapes import in_fresh_python

    script = """
import importlib
import landscapes, optimizers
from landscapes import _jit
from optimizers import _driver
train = importlib.import_module("optimizers.train")
seen = []

def hook(kernel, task, work, args, call):
    seen.append((task, sum(not isinstance(p, _jit.FirstClass) for p in kernel.parts),
                 _driver.named_kernel("adam").pieces[1].compiled))
    return call()

_jit.first_use_hook = hook
data = landscapes.datasets.make("moons", n_points=8, seed=0)
optimizers.train("adam", landscapes.MLP((2, 3, 1)), data, steps=2, batch_size=4)
# too large to interpret (the hook would run a small one in the interpreter)
optimizers.sweep("momentum", "rosenbrock", steps=10**5, grid={"lr": [1e-3, 1e-2]})
optimizers.run("nadam", "booth", steps=3)  # small: one call of the hook, whole
print(seen)
print(len(train._DRIVER.signatures), len(_driver._DRIVER.dispatcher.signatures))
"""
    with tempfile.TemporaryDirectory() as cache:
        seen, signatures = in_fresh_python(script, NUMBA_CACHE_DIR=cache).splitlines()
    # (task, driver parts, Adam's step compiled yet): the training driver alone
    # (with the stand-ins for a surface's functions it passes the step), then
    # Adam's step, by the task that compiles it for runs too; then the runs
    # driver, Rosenbrock's functions, momentum's step
    assert seen == str(
        [
            ("train", 1, False),
            ("run:adam", 0, False),
            ("run", 1, True),
            ("grid:rosenbrock", 0, True),
            ("run:momentum", 0, True),
            ("run:nadam", 0, True),
        ]
    )
    assert signatures == "1 1"


def test_coordinatewise_training_does_not_depend_on_the_pairing(monkeypatch):
    """A coordinatewise step reads each coordinate's own gradient and state, and a
    pad coordinate (0, gradient 0) stays 0: training with each tensor padded to even
    gives bit for bit the parameters of the plain pairing θ[0::2], θ[1::2] (one
    pad at the end, if N is odd), which training used before it had groups."""
    model = landscapes.MLP((3,), "tanh")  # tensors of 6, 3, 3, 1: three pads
    data = landscapes.datasets.make("moons", n_points=24, noise=0.1, seed=0)
    schedule = {"name": "step", "gamma": 0.5, "step_size": 5}

    def plain_pairing(model):
        n = model.n_parameters
        return np.arange(n), np.zeros((n + 1) // 2, dtype=np.int64)

    names = [n for n in optimizers.trainable() if optimizers.get(n).coordinatewise]
    padded = {
        n: optimizers.train(n, model, data, steps=15, batch_size=8, schedule=schedule)
        for n in names
    }
    monkeypatch.setattr(train, "paired", plain_pairing)
    for name in names:
        plain = optimizers.train(
            name, model, data, steps=15, batch_size=8, schedule=schedule
        )
        np.testing.assert_array_equal(padded[name].params, plain.params, name)
        assert np.abs(plain.params[-1] - plain.params[0]).max() > 0  # it moved


def test_tensorwise_steps_per_run_loop_is_their_per_tensor_loop():
    """LAMB's, LARS's and NovoGrad's steps take a plane's runs (each its own
    tensor) in one loop without `groups`: the same numbers, to the bit, as their
    per-tensor loops, which one more run in the last run's tensor (a zero pad,
    adding 0 to its sums) forces."""
    rng = np.random.default_rng(0)
    m = 7
    xs, ys, GX, GY = rng.normal(size=(4, m))
    for name in ("lamb", "lars", "novograd"):
        entry = optimizers.get(name)
        spec = entry.spec
        H = np.array([[h.default] * m for h in spec.hyperparameters])
        for row, h in enumerate(spec.hyperparameters):  # some non-defaults
            if h.name in ("weight_decay", "momentum", "eps"):
                H[row] = 0.1 if h.name != "eps" else 1e-3
        runs = {}
        for extra in (0, 1):  # the runs alone, then with a pad
            n = m + extra
            pad = np.zeros(extra)
            state = np.zeros((spec.state_slots, n))
            H_n = np.concatenate([H, H[:, -1:]], axis=1) if extra else H.copy()
            x, y = np.concatenate([xs, pad]), np.concatenate([ys, pad])
            groups = np.append(np.arange(m), [m - 1] * extra).astype(np.int64)
            entry.init.py_func(state, H_n, n)
            T = np.empty((_driver.SCRATCH_SLOTS, n))
            for k in range(5):
                gx = np.concatenate([GX * (k + 1), pad])
                gy = np.concatenate([GY - k, pad])
                LR = H_n[0].copy()
                entry.step.py_func(
                    k, state, H_n, n, x, y, np.zeros(n), gx, gy, LR,
                    None, None, None, np.zeros(1), T, groups,
                )  # fmt: skip
            runs[extra] = (x[:m], y[:m], state[:, :m])
        for alone, grouped in zip(runs[0], runs[1], strict=True):
            np.testing.assert_array_equal(alone, grouped, name)
        assert np.all(runs[1][0] != xs)

"""`run` and `sweep`: validate untrusted arguments, build the kernel's arrays, call it.

Validation lives here, never inside a kernel, and every error is a ValueError that
names the argument and its allowed range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import landscapes
import optimizers
from landscapes.base import Landscape
from optimizers import _driver, averaging
from optimizers.minibatch import Minibatches
from optimizers.schedules import Schedule, resolve

MAX_STEPS = 100_000
MAX_RUNS = 1 << 20
MAX_WORK = 500_000_000  # runs x steps in one sweep
MAX_PATH_POINTS = 20_000_000  # runs x (steps + 1) kept when keep_paths=True
START_LIMIT = 1e6
MAX_NOISE = 1e6


@dataclass
class RunResult:
    """One trajectory. ``path[i]`` is the i-th iterate (``path[0]`` the start);
    ``loss`` and ``grad_norm`` are f and ‖∇f‖ there; ``lr[i]`` is the learning rate
    used for the step from ``path[i]`` to ``path[i + 1]`` (for line searches, the step
    length found). If the run diverged at step k (the k-th iterate was non-finite or
    left the box |x|, |y| <= 1e8), ``diverged_at == k`` and the arrays stop before it;
    when the k-th iterate was a point of the box where f is NaN (a typed surface
    outside its domain: log(x) at x < 0), ``undefined_at == k`` too. ``stopped_at``
    is the k-th iterate, the one that stopped the run.
    ``state`` (with ``record_state=True``) maps the optimizer's named quantities, e.g.
    "exp_avg", to arrays (len(path) - 1, 2): their value after each step.
    ``average_path`` holds the averaged iterates when ``average`` was given.
    ``batches`` (with ``batch_size``) is the run's ``Minibatches``: ``batches[k]`` the
    example indices whose mean gradient took step k; ``None`` for full batch.
    ``converged_at == k`` when a method with its own stopping rule (L-BFGS's
    tolerances, Nelder-Mead's) stopped at step k: the path ends at iterate k.
    """

    optimizer: str
    landscape: Landscape
    hyperparameters: dict
    schedule: Schedule
    path: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    diverged_at: int | None
    steps_to_tolerance: int | None
    state: dict = field(default_factory=dict)
    average_path: np.ndarray | None = None
    batches: Minibatches | None = None
    undefined_at: int | None = None
    stopped_at: tuple[float, float] | None = None
    converged_at: int | None = None

    @property
    def final(self) -> np.ndarray:
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


@dataclass
class SweepResult:
    """Many runs, stacked in the shape of `starts` (n,) or of the grid (len(a), len(b)).

    ``final`` (..., 2) is each run's last iterate before any divergence, ``final_loss``
    f there; ``steps_to_tolerance`` the first step with f - min ≤ tolerance and
    ``diverged_at`` the divergence step, both -1 for never; ``paths`` (..., steps+1, 2)
    with keep_paths=True (rows after a divergence are NaN). With ``batch_size`` every
    run takes the same ``batches``.
    """

    optimizer: str
    landscape: Landscape
    grid: dict
    final: np.ndarray
    final_loss: np.ndarray
    steps_to_tolerance: np.ndarray
    diverged_at: np.ndarray
    paths: np.ndarray | None = None
    batches: Minibatches | None = None


def _landscape(landscape) -> Landscape:
    if isinstance(landscape, Landscape):
        return landscape
    if isinstance(landscape, str):
        return landscapes.get(landscape)
    raise ValueError(f"landscape={landscape!r}: give a name or a Landscape")


def _batch_size(surface: Landscape, batch_size) -> int:
    """The kernel's batch size: 0 for full batch (None, or every example)."""
    if batch_size is None:
        return 0
    if not isinstance(surface, landscapes.EmpiricalRisk):
        raise ValueError(
            f"batch_size needs an empirical-risk surface (a mean loss over examples: "
            f"{', '.join(landscapes.EMPIRICAL_RISKS)}); {surface.name} is a formula, so use "
            "gradient_noise, a model of minibatch noise, there"
        )
    return kernel_batch_size(batch_size, surface.n_examples)


def kernel_batch_size(batch_size, n: int) -> int:
    """`batch_size` checked against n examples, as the kernels take it: 0 for the
    full batch (None, or all n)."""
    if batch_size is None:
        return 0
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int | np.integer)
        or not 1 <= batch_size <= n
    ):
        raise ValueError(
            f"Invalid batch_size: {batch_size!r}; allowed: a whole number in [1, {n}] "
            f"(there are {n} examples)"
        )
    # Every example in one batch is the full gradient: the same numbers, bit for bit.
    return 0 if batch_size == n else int(batch_size)


def _batches(surface, batch_size: int, seed: int, steps: int):
    if batch_size == 0:
        return None
    return Minibatches(surface.n_examples, batch_size, seed, steps)


def _steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ValueError(f"steps={steps!r} must be a whole number in [1, {MAX_STEPS}]")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Invalid steps: {steps}; allowed range [1, {MAX_STEPS}]")
    return int(steps)


def _point(name, point) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in point)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={point!r} must be a pair of numbers (x, y)") from None
    if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > START_LIMIT:
        raise ValueError(
            f"Invalid {name}: {point!r}; each coordinate must be finite and within "
            f"[-{START_LIMIT:g}, {START_LIMIT:g}]"
        )
    return x, y


def _nonnegative(name, value, high=math.inf) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}={value!r} is not a number; allowed [0, {high:g}]"
        ) from None
    if not (math.isfinite(number) and 0.0 <= number <= high):
        raise ValueError(f"Invalid {name}: {value!r}; allowed range [0, {high:g}]")
    return number


def _seed(seed) -> int:
    if (
        isinstance(seed, bool)
        or not isinstance(seed, int | np.integer)
        or not (0 <= seed < 2**63)
    ):
        raise ValueError(
            f"Invalid seed: {seed!r}; allowed: a whole number in [0, 2**63)"
        )
    return int(seed)


def _settable(spec, name: str, extra: list[str]):
    """The hyperparameter `name` of `spec`, if a user may set it; else ValueError."""
    try:
        hyper = spec.hyperparameter(name)
    except KeyError:
        allowed = [h.name for h in spec.hyperparameters if h.settable] + extra
        raise ValueError(
            f"unknown hyperparameter {name!r} for {spec.name}; allowed: "
            f"{', '.join(allowed)}"
        ) from None
    if not hyper.settable:
        raise ValueError(f"{name} is fixed for {spec.name}")
    return hyper


def resolve_hyperparameters(name: str, given: dict) -> dict[str, float]:
    """Defaults overlaid with `given` (torch tuples such as betas unpacked), checked."""
    spec = optimizers.spec(name)
    values = dict(spec.defaults)
    for key, value in given.items():
        if key in spec.tuples:
            names = spec.tuples[key]
            try:
                elements = tuple(value)
            except TypeError:
                elements = ()
            if len(elements) != len(names):
                size = "a pair" if len(names) == 2 else f"{len(names)} values"
                raise ValueError(f"{key}={value!r} must be {size}")
            parts = dict(zip(names, elements, strict=True))
        else:
            parts = {key: value}
        for part, part_value in parts.items():
            _settable(spec, part, extra=list(spec.tuples))
            values[part] = part_value
    checked = {h.name: h.check(values[h.name]) for h in spec.hyperparameters}
    problem = spec.constraint(checked) if spec.constraint else None
    if problem:
        raise ValueError(f"{name}: {problem}")
    return checked


def _call_kernel(
    name,
    surface,
    starts,
    H,
    steps,
    schedule,
    tolerance,
    noise,
    seed,
    batch_size,
    record,
    record_state,
):
    kernel = _driver.named_kernel(name)
    n = len(starts)
    factor, offset = schedule.factors(steps)
    finals = [np.empty(n), np.empty(n), np.empty(n)]
    counters = [np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)]
    # np.empty, not NaN-filled (a fill took ~0.1 ms of a 10,000-step run): the kernel
    # writes every entry up to a divergence, and callers cut (run) or NaN (sweep)
    # what lies beyond it.
    if record:
        paths = [np.empty((steps + 1, n)) for _ in range(4)] + [np.empty((steps, n))]
    else:
        paths = [np.empty((0, 0)) for _ in range(5)]
    state = (
        np.empty((steps, optimizers.spec(name).state_slots, n))
        if record_state
        else np.empty((0, 0, 0))
    )
    kernel(
        n * steps * surface.work_per_point,
        surface.lid,
        surface.kernel_params,
        np.ascontiguousarray(starts[:, 0]),
        np.ascontiguousarray(starts[:, 1]),
        np.ascontiguousarray(H),
        factor,
        offset,
        steps,
        float(tolerance),
        float(surface.min_value),
        float(noise),
        seed,
        batch_size,
        record,
        record_state,
        *finals,
        *counters,
        *paths,
        state,
    )
    return finals, counters, paths, state


def run(
    optimizer: str,
    landscape,
    start=None,
    steps: int = 200,
    schedule=None,
    seed: int = 0,
    tolerance: float = 1e-6,
    gradient_noise: float = 0.0,
    batch_size: int | None = None,
    record_state: bool = False,
    average: str | None = None,
    average_start: int = 0,
    average_gamma: float = 3.0,
    **hyperparameters,
) -> RunResult:
    """Follow one trajectory of `optimizer` on `landscape` and record every step.

    Args:
        optimizer: a name from ``optimizers.names()``.
        landscape: a name from ``landscapes.names()`` or a Landscape.
        start: (x, y); default: the landscape's default start.
        steps: number of updates, 1..MAX_STEPS.
        schedule: None (constant), a schedule name, a dict of Schedule fields, or a
            Schedule; it scales the lr step by step.
        seed: seeds the minibatches and `gradient_noise` (same seed, same numbers).
        tolerance: steps_to_tolerance is the first step with f - min ≤ tolerance.
        gradient_noise: standard deviation of Gaussian noise added to each gradient
            component (a model of minibatch noise on analytic surfaces).
        batch_size: on an empirical-risk surface, the minibatch size k: each step
            takes the mean gradient over k examples drawn without replacement, a
            fresh shuffle each epoch (optimizers.minibatch). None or k = N: full
            batch. The recorded loss is always the full training loss.
        record_state: also return the optimizer's state after every step.
        average: None, "swa" (from step `average_start`) or "polynomial"
            (γ = `average_gamma`): adds `average_path`.
        **hyperparameters: torch's names, e.g. lr=0.01, momentum=0.9, betas=(0.9, 0.99).
    """
    entry = optimizers.get(optimizer)
    surface = _landscape(landscape)
    steps = _steps(steps)
    x0, y0 = _point("start", surface.default_start if start is None else start)
    schedule = resolve(schedule)
    tolerance = _nonnegative("tolerance", tolerance)
    noise = _nonnegative("gradient_noise", gradient_noise, MAX_NOISE)
    seed = _seed(seed)
    batch_size = _batch_size(surface, batch_size)
    if average not in (None, *averaging.NAMES):
        raise ValueError(
            f"average={average!r}; allowed: None, {', '.join(averaging.NAMES)}"
        )
    if (
        isinstance(average_start, bool)
        or not isinstance(average_start, int | np.integer)
        or average_start < 0
    ):
        raise ValueError(
            f"Invalid average_start: {average_start!r}; allowed: a whole number >= 0 "
            "(from the last step on, the average path is the path itself)"
        )
    average_gamma = _nonnegative("average_gamma", average_gamma)
    values = resolve_hyperparameters(optimizer, hyperparameters)
    H = np.array([[values[h.name]] for h in entry.spec.hyperparameters])
    # A method that stops on its own tolerances (L-BFGS, Nelder-Mead) says so in its
    # state row "converged"; the path ends there, so the state is read.
    stops = "converged" in entry.spec.internal_state
    finals, counters, paths, state = _call_kernel(
        optimizer,
        surface,
        np.array([[x0, y0]]),
        H,
        steps,
        schedule,
        tolerance,
        noise,
        seed,
        batch_size,
        True,
        bool(record_state) or stops,
    )
    diverged = int(counters[0][0])
    if diverged == 0:
        # The kernel checks the start like every iterate (|start| <= START_LIMIT is
        # inside its box, so only a non-finite f(start) stops it at step 0).
        raise ValueError(f"Invalid start: f{(x0, y0)} is not finite on {surface.name}")
    reached = int(counters[1][0])
    length = diverged if diverged >= 0 else steps + 1
    converged = None
    if stops:
        flags = state[: length - 1, entry.spec.internal_state["converged"], 0]
        done = np.flatnonzero(flags != 0.0)
        if done.size:
            converged = int(done[0])  # step k stopped: the path ends at iterate k
            length = converged + 1
    path = np.column_stack([paths[0][:length, 0], paths[1][:length, 0]])
    result = RunResult(
        optimizer=optimizer,
        landscape=surface,
        hyperparameters=values,
        schedule=schedule,
        path=path,
        # With one run these views are contiguous, and nothing else holds their base.
        loss=paths[2][:length, 0],
        grad_norm=paths[3][:length, 0],
        lr=paths[4][: length - 1, 0],
        diverged_at=diverged if diverged >= 0 else None,
        steps_to_tolerance=reached if reached >= 0 else None,
        batches=_batches(surface, batch_size, seed, length - 1),
        converged_at=converged,
    )
    if diverged > 0:
        x, y = paths[0][diverged, 0], paths[1][diverged, 0]
        # the kernel wrote the iterate that stopped it, and f there
        inside = max(abs(x), abs(y)) <= _driver.DIVERGENCE_BOX
        if inside and np.isnan(paths[2][diverged, 0]):
            result.undefined_at = diverged
        result.stopped_at = (float(x), float(y))
    if record_state:
        result.state = {
            quantity: np.column_stack(
                [state[: length - 1, sx, 0], state[: length - 1, sy, 0]]
            )
            for quantity, (sx, sy) in entry.spec.state.items()
        }
    if average == "swa":
        result.average_path = averaging.swa(path, int(average_start))
    elif average == "polynomial":
        result.average_path = averaging.polynomial(path, average_gamma)
    return result


def sweep(
    optimizer: str,
    landscape,
    steps: int = 200,
    starts=None,
    start=None,
    grid: dict | None = None,
    tolerance: float = 1e-6,
    keep_paths: bool = False,
    schedule=None,
    seed: int = 0,
    gradient_noise: float = 0.0,
    batch_size: int | None = None,
    **hyperparameters,
) -> SweepResult:
    """Many runs in one parallel kernel call; each equals `run` with the same settings.

    Give either `starts` (array (n, 2): one run per start point, shared
    hyperparameters) or `grid` (a dict of one or two hyperparameter names to 1D arrays,
    all runs from `start`; ``beta1``/``beta2`` address the elements of ``betas``).
    Results are shaped (n,) or (len(first), len(second)). ``batch_size`` and
    ``seed`` as in `run`: every run takes the same minibatches.
    """
    entry = optimizers.get(optimizer)
    surface = _landscape(landscape)
    steps = _steps(steps)
    schedule = resolve(schedule)
    tolerance = _nonnegative("tolerance", tolerance)
    noise = _nonnegative("gradient_noise", gradient_noise, MAX_NOISE)
    seed = _seed(seed)
    batch_size = _batch_size(surface, batch_size)
    values = resolve_hyperparameters(optimizer, hyperparameters)
    order = [h.name for h in entry.spec.hyperparameters]
    if (starts is None) == (grid is None):
        raise ValueError("give exactly one of starts= (array (n, 2)) or grid= (dict)")
    if starts is not None:
        if start is not None:
            raise ValueError(
                "start= goes with grid=; with starts= each run has its own"
            )
        points = np.asarray(starts, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(f"starts must have shape (n, 2); got {points.shape}")
        if not np.all(np.isfinite(points)) or np.abs(points).max() > START_LIMIT:
            raise ValueError(
                f"Invalid starts: every coordinate must be finite and within "
                f"[-{START_LIMIT:g}, {START_LIMIT:g}]"
            )
        shape = (len(points),)
        H = np.repeat(np.array([[values[h]] for h in order]), len(points), axis=1)
        grid_axes = {}
    else:
        point = _point("start", surface.default_start if start is None else start)
        grid_axes = _grid_axes(optimizer, grid)
        shape = tuple(len(v) for v in grid_axes.values())
        meshes = np.meshgrid(*grid_axes.values(), indexing="ij")
        n = int(np.prod(shape))
        H = np.repeat(np.array([[values[h]] for h in order]), n, axis=1)
        for name, mesh in zip(grid_axes, meshes, strict=True):
            H[order.index(name)] = mesh.ravel()
        points = np.tile(np.array(point), (n, 1))
    n = len(points)
    if n > MAX_RUNS:
        raise ValueError(f"Invalid number of runs: {n}; allowed at most {MAX_RUNS}")
    if n * steps > MAX_WORK:
        raise ValueError(
            f"runs x steps = {n * steps} is too much work; allowed at most {MAX_WORK}"
        )
    if keep_paths and n * (steps + 1) > MAX_PATH_POINTS:
        raise ValueError(
            f"keep_paths with runs x (steps+1) = {n * (steps + 1)}; allowed at most "
            f"{MAX_PATH_POINTS}"
        )
    finals, counters, paths, _ = _call_kernel(
        optimizer,
        surface,
        points,
        H,
        steps,
        schedule,
        tolerance,
        noise,
        seed,
        batch_size,
        bool(keep_paths),
        False,
    )
    result = SweepResult(
        optimizer=optimizer,
        landscape=surface,
        grid=grid_axes,
        final=np.stack([finals[0], finals[1]], axis=-1).reshape(shape + (2,)),
        final_loss=finals[2].reshape(shape),
        steps_to_tolerance=counters[1].reshape(shape),
        diverged_at=counters[0].reshape(shape),
        batches=_batches(surface, batch_size, seed, steps),
    )
    if keep_paths:
        stacked = np.stack([paths[0].T, paths[1].T], axis=-1)  # (n, steps+1, 2)
        for run_index, k in enumerate(counters[0]):
            if k >= 0:
                stacked[run_index, k:] = np.nan
        result.paths = stacked.reshape(shape + (steps + 1, 2))
    return result


def _grid_axes(optimizer: str, grid) -> dict[str, np.ndarray]:
    spec = optimizers.spec(optimizer)
    if not isinstance(grid, dict) or not 1 <= len(grid) <= 2:
        raise ValueError(
            "grid must be a dict of one or two hyperparameter names to arrays"
        )
    axes = {}
    for name, values in grid.items():
        hyper = _settable(spec, name, extra=[])
        array = np.atleast_1d(np.asarray(values))
        if array.ndim != 1 or len(array) == 0:
            raise ValueError(f"grid[{name!r}] must be a non-empty 1D array")
        axes[name] = np.array([hyper.check(v) for v in array.tolist()])
    return axes

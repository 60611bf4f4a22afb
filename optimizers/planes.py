"""Whole planes of runs: a hyperparameter plane and a basin map, each cell a full run.

A *hyperparameter plane* runs one optimizer from one start for every pair of values of
two of its hyperparameters (lr x momentum, beta1 x beta2, ...); a *basin map* runs it
from every start point of a grid over the surface. Both are `optimizers.sweep` calls,
split into row blocks so a page can show progress, and return a `Plane`: per cell the
final point and loss, the step the loss first came within the tolerance of the minimum,
and the step the run diverged at.

The signed convergence score follows Sohl-Dickstein (2024), "The boundary of neural
network trainability is fractal": converging cells by how fast the loss fell,
diverging cells by how fast it grew, so the structure of the boundary shows. Here, with
T steps and t the step at which the run was *decided*::

    score = -T / (T + t)   the loss came within the tolerance at step t   [-1, -1/2]
    score = +T / (T + t)   the run diverged at step t                      (1/2, 1]

A run still undecided after T steps has its t extrapolated at its average rate so far,
t = T log(g0 / tol) / log(g0 / gT) for gaps g = f - f* that fell, so |score| < 1/2;
a run whose gap did not fall is 0. On a surface unbounded below (no f*) only
divergence is scored.

`basins` labels each start of a basin map by the minimum its run ends at: minima are
found among the final points (clustered, then refined by Newton's method on ∇f = 0),
so local minima count as well as the global ones the surface lists.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import optimizers
from landscapes.base import Landscape
from optimizers._api import _landscape

MAX_RESOLUTION = 1024  # per side: sweep's MAX_RUNS is 1024²
PROGRESS_BLOCKS = 16  # row blocks when a progress callback is given
DIVERGED = -2  # basin label of a diverged run
UNSETTLED = -1  # basin label of a run that ended at no minimum found


@dataclass(frozen=True)
class Axis:
    """One axis of a plane: `resolution` values from `low` to `high`, evenly spaced,
    geometrically when `log`. `name` is a hyperparameter of the optimizer for a
    hyperparameter plane, and a label ("x", "y") for a basin map."""

    name: str
    low: float
    high: float
    resolution: int
    log: bool = False

    def __post_init__(self):
        for end in ("low", "high"):
            value = getattr(self, end)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"axis {self.name}: {end}={value!r} must be finite")
        if not self.low < self.high:
            raise ValueError(
                f"axis {self.name}: low={self.low:g} must be below high={self.high:g}"
            )
        if self.log and self.low <= 0:
            raise ValueError(
                f"axis {self.name}: a log axis needs low > 0; got {self.low:g}"
            )
        if (
            isinstance(self.resolution, bool)
            or not isinstance(self.resolution, int)
            or not 1 <= self.resolution <= MAX_RESOLUTION
        ):
            raise ValueError(
                f"axis {self.name}: resolution={self.resolution!r}; allowed a whole "
                f"number in [1, {MAX_RESOLUTION}]"
            )

    @property
    def values(self) -> np.ndarray:
        if self.resolution == 1:
            return np.array(
                [
                    math.sqrt(self.low * self.high)
                    if self.log
                    else 0.5 * (self.low + self.high)
                ]
            )
        if self.log:
            return np.geomspace(self.low, self.high, self.resolution)
        return np.linspace(self.low, self.high, self.resolution)


def axis_names(optimizer: str) -> list[str]:
    """The optimizer's hyperparameters that can be an axis: its settable numbers
    (torch's betas as beta1 and beta2)."""
    return [
        h.name
        for h in optimizers.spec(optimizer).hyperparameters
        if h.settable and h.kind == "float"
    ]


@dataclass
class Plane:
    """A plane of runs, rows along `y` and columns along `x` (a heat map's layout).

    ``final`` (ny, nx, 2) is each run's last iterate before any divergence,
    ``final_loss`` and ``initial_loss`` f there and at the start;
    ``steps_to_tolerance`` the first step with f - f* ≤ tolerance and
    ``diverged_at`` the divergence step, both -1 for never.
    """

    kind: str  # "hyperparameters" or "starts"
    optimizer: str
    landscape: Landscape
    x: Axis
    y: Axis
    hyperparameters: dict  # the fixed ones, resolved (axes excluded)
    start: tuple[float, float] | None  # the shared start of a hyperparameter plane
    steps: int
    tolerance: float
    schedule: object
    final: np.ndarray
    final_loss: np.ndarray
    initial_loss: np.ndarray
    steps_to_tolerance: np.ndarray
    diverged_at: np.ndarray
    _score: np.ndarray | None = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.final_loss.shape

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def gap(self) -> np.ndarray:
        """f - f* at the final point; NaN where the run diverged (or f* = -inf)."""
        gap = self.final_loss - self.landscape.min_value
        return np.where(self.diverged | ~np.isfinite(gap), np.nan, gap)

    @property
    def score(self) -> np.ndarray:
        """The signed convergence score in [-1, 1] (module docstring)."""
        if self._score is None:
            self._score = convergence_score(
                self.initial_loss - self.landscape.min_value,
                self.final_loss - self.landscape.min_value,
                self.steps_to_tolerance,
                self.diverged_at,
                self.steps,
                self.tolerance,
            )
        return self._score

    def cell(self, row: int, col: int) -> dict:
        """The settings of one cell's run: ``optimizers.run(plane.optimizer,
        plane.landscape, steps=plane.steps, schedule=plane.schedule, **cell)``
        repeats it."""
        if not (0 <= row < self.shape[0] and 0 <= col < self.shape[1]):
            raise ValueError(f"cell ({row}, {col}) is outside the {self.shape} plane")
        x, y = float(self.x.values[col]), float(self.y.values[row])
        if self.kind == "starts":
            return {"start": (x, y), "hyperparameters": dict(self.hyperparameters)}
        return {
            "start": self.start,
            "hyperparameters": {**self.hyperparameters, self.x.name: x, self.y.name: y},
        }

    def to_csv(self, labels: np.ndarray | None = None) -> str:
        """Every cell as one CSV row: its two axis values and its outcomes (and its
        basin label, when `labels` are given)."""
        X, Y = np.meshgrid(self.x.values, self.y.values)
        columns = {
            self.x.name: X,
            self.y.name: Y,
            "final_x": self.final[..., 0],
            "final_y": self.final[..., 1],
            "final_loss": self.final_loss,
            "gap": self.gap,
            "steps_to_tolerance": self.steps_to_tolerance,
            "diverged_at": self.diverged_at,
            "score": self.score,
        }
        if labels is not None:
            columns["basin"] = labels
        names = list(columns)
        if self.x.name == self.y.name:  # never for a valid plane; keep columns apart
            raise ValueError("the two axes share a name")
        table = np.column_stack([np.ravel(columns[n]).astype(float) for n in names])
        out = io.StringIO()
        integer = {"steps_to_tolerance", "diverged_at", "basin"}
        formats = ["%d" if n in integer else "%.17g" for n in names]
        np.savetxt(
            out, table, fmt=formats, delimiter=",", header=",".join(names), comments=""
        )
        return out.getvalue()


def convergence_score(
    initial_gap, final_gap, steps_to_tolerance, diverged_at, steps: int, tolerance
) -> np.ndarray:
    """The signed convergence score of runs (module docstring), elementwise."""
    initial_gap = np.asarray(initial_gap, dtype=float)
    final_gap = np.asarray(final_gap, dtype=float)
    reached = np.asarray(steps_to_tolerance)
    diverged = np.asarray(diverged_at)
    shape = np.broadcast_shapes(
        initial_gap.shape, final_gap.shape, reached.shape, diverged.shape
    )
    decided = np.full(shape, np.inf)
    # A tolerance of 0 is never reached by extrapolation: only `reached` decides.
    with np.errstate(all="ignore"):
        fell = (
            (tolerance > 0)
            & np.isfinite(initial_gap)
            & np.isfinite(final_gap)
            & (final_gap < initial_gap)
            & (initial_gap > tolerance)
        )
        extrapolated = (
            steps
            * np.log(initial_gap / tolerance)
            / np.log(initial_gap / np.maximum(final_gap, tolerance))
        )
    decided = np.where(fell, extrapolated, decided)
    decided = np.where(reached >= 0, reached, decided)
    converging = np.where(np.isfinite(decided), -steps / (steps + decided), 0.0)
    growing = steps / (steps + np.maximum(diverged, 0))
    return np.where(diverged >= 0, growing, converging)


def hyperparameter_plane(
    optimizer: str,
    landscape,
    x: Axis,
    y: Axis,
    start=None,
    steps: int = 500,
    tolerance: float = 1e-6,
    schedule=None,
    progress: Callable[[float], None] | None = None,
    **hyperparameters,
) -> Plane:
    """One run from `start` for every (x, y) pair of values of two hyperparameters.

    `hyperparameters` fix the others (torch's names; defaults otherwise). `progress`,
    if given, is called with the fraction done after each of up to 16 row blocks.
    """
    surface = _landscape(landscape)
    allowed = axis_names(optimizer)
    for axis in (x, y):
        if axis.name not in allowed:
            raise ValueError(
                f"axis {axis.name!r} is not a numeric hyperparameter of {optimizer}; "
                f"allowed: {', '.join(allowed)}"
            )
    if x.name == y.name:
        raise ValueError(f"the two axes must differ; both are {x.name!r}")
    fixed = {k: v for k, v in hyperparameters.items() if k not in (x.name, y.name)}
    point = surface.default_start if start is None else start
    blocks = []
    for rows in _row_blocks(y.resolution, progress):
        blocks.append(
            optimizers.sweep(
                optimizer,
                surface,
                steps=steps,
                start=point,
                grid={y.name: y.values[rows], x.name: x.values},
                tolerance=tolerance,
                schedule=schedule,
                **fixed,
            )
        )
        if progress is not None:
            progress(rows.stop / y.resolution)
    resolved = _resolved(optimizer, fixed)
    initial = surface.value(*map(float, point))
    return _plane(
        "hyperparameters",
        optimizer,
        surface,
        x,
        y,
        {k: v for k, v in resolved.items() if k not in (x.name, y.name)},
        tuple(map(float, point)),
        steps,
        tolerance,
        schedule,
        blocks,
        np.full((y.resolution, x.resolution), initial),
    )


def basin_map(
    optimizer: str,
    landscape,
    x: Axis,
    y: Axis,
    steps: int = 500,
    tolerance: float = 1e-6,
    schedule=None,
    progress: Callable[[float], None] | None = None,
    **hyperparameters,
) -> Plane:
    """One run from every start (x, y) of the grid, with shared hyperparameters.
    `progress` as in `hyperparameter_plane`."""
    surface = _landscape(landscape)
    X, Y = np.meshgrid(x.values, y.values)
    starts = np.stack([X, Y], axis=-1)
    blocks = []
    for rows in _row_blocks(y.resolution, progress):
        block = starts[rows].reshape(-1, 2)
        result = optimizers.sweep(
            optimizer,
            surface,
            steps=steps,
            starts=block,
            tolerance=tolerance,
            schedule=schedule,
            **hyperparameters,
        )
        blocks.append(result)
        if progress is not None:
            progress(rows.stop / y.resolution)
    resolved = _resolved(optimizer, hyperparameters)
    return _plane(
        "starts",
        optimizer,
        surface,
        x,
        y,
        resolved,
        None,
        steps,
        tolerance,
        schedule,
        blocks,
        surface.value(X, Y),
    )


def _resolved(optimizer: str, given: dict) -> dict:
    """Every hyperparameter's value as `run` takes it (switches as bools)."""
    values = optimizers.resolve_hyperparameters(optimizer, given)
    kinds = {h.name: h.kind for h in optimizers.spec(optimizer).hyperparameters}
    return {k: bool(v) if kinds[k] == "bool" else v for k, v in values.items()}


def _row_blocks(rows: int, progress) -> list[slice]:
    count = min(rows, PROGRESS_BLOCKS) if progress is not None else 1
    size = -(-rows // count)
    return [slice(lo, min(rows, lo + size)) for lo in range(0, rows, size)]


def _plane(
    kind,
    optimizer,
    surface,
    x,
    y,
    fixed,
    start,
    steps,
    tolerance,
    schedule,
    blocks,
    initial_loss,
) -> Plane:
    shape = (y.resolution, x.resolution)

    def stacked(name, trailing=()):
        parts = [np.asarray(getattr(b, name)).reshape((-1, *trailing)) for b in blocks]
        return np.concatenate(parts).reshape(shape + trailing)

    return Plane(
        kind=kind,
        optimizer=optimizer,
        landscape=surface,
        x=x,
        y=y,
        hyperparameters=fixed,
        start=start,
        steps=steps,
        tolerance=tolerance,
        schedule=schedule,
        final=stacked("final", (2,)),
        final_loss=stacked("final_loss"),
        initial_loss=np.asarray(initial_loss, dtype=float).reshape(shape),
        steps_to_tolerance=stacked("steps_to_tolerance"),
        diverged_at=stacked("diverged_at"),
    )


@dataclass(frozen=True)
class Minimum:
    """A minimum found at the end of runs: where, f there, whether it is a global
    minimum (f = f*), and how many runs ended there."""

    point: tuple[float, float]
    value: float
    is_global: bool
    count: int


@dataclass
class Basins:
    """``labels`` (ny, nx): the index into ``minima`` of the minimum each run ended
    at, `UNSETTLED` (-1) for a run that ended at none, `DIVERGED` (-2)."""

    labels: np.ndarray
    minima: list[Minimum]


def basins(plane: Plane, radius: float | None = None, max_minima: int = 64) -> Basins:
    """Label each run of `plane` by the minimum it ended at.

    Candidates are the surface's global minima and the final points, clustered on a
    grid of `radius` (default 2% of the larger side of the surface's bounds), each
    refined by Newton's method on ∇f = 0 and kept if the Hessian there is positive
    semidefinite and the gradient vanishes. A run belongs to the nearest minimum within
    `radius` of its final point. At most `max_minima` minima are kept, the most
    visited first.
    """
    surface = plane.landscape
    (x0, x1), (y0, y1) = surface.bounds
    if radius is None:
        radius = 0.02 * max(x1 - x0, y1 - y0)
    if not (isinstance(radius, int | float) and math.isfinite(radius) and radius > 0):
        raise ValueError(f"radius={radius!r} must be a positive number")
    finals = plane.final.reshape(-1, 2)
    alive = ~plane.diverged.ravel() & np.all(np.isfinite(finals), axis=1)
    candidates = _cluster_centres(finals[alive], radius)
    candidates = np.concatenate([np.asarray(surface.minima).reshape(-1, 2), candidates])
    minima = _refined_minima(surface, candidates, radius)
    points = np.array(minima).reshape(-1, 2)
    labels = np.full(len(finals), UNSETTLED)
    labels[~alive] = DIVERGED
    if len(minima):
        distance = np.hypot(
            finals[alive, 0, None] - points[None, :, 0],
            finals[alive, 1, None] - points[None, :, 1],
        )
        nearest = np.argmin(distance, axis=1)
        near = distance[np.arange(len(nearest)), nearest] <= radius
        labels[np.flatnonzero(alive)[near]] = nearest[near]
    counts = np.bincount(labels[labels >= 0], minlength=len(minima))
    order = [k for k in np.argsort(-counts, kind="stable") if counts[k] > 0]
    order = order[:max_minima]
    relabel = np.full(len(minima), UNSETTLED)
    relabel[order] = np.arange(len(order))
    if len(minima):
        labels = np.where(labels >= 0, relabel[np.maximum(labels, 0)], labels)
    values = surface.value(points[:, 0], points[:, 1]) if len(minima) else []
    tolerance = 1e-9 * (1.0 + abs(surface.min_value))
    found = [
        Minimum(
            point=(float(points[k, 0]), float(points[k, 1])),
            value=float(values[k]),
            is_global=bool(values[k] <= surface.min_value + tolerance),
            count=int(counts[k]),
        )
        for k in order
    ]
    return Basins(labels=labels.reshape(plane.shape), minima=found)


def _cluster_centres(points: np.ndarray, radius: float) -> np.ndarray:
    """One representative (the mean) of the points in each occupied cell of a grid
    of side `radius`."""
    if len(points) == 0:
        return np.zeros((0, 2))
    cells = np.floor(points / radius).astype(np.int64)
    cells -= cells.min(axis=0)
    # One integer per cell: a 1D unique is ~20x faster than np.unique(axis=0).
    keys = cells[:, 0] * (int(cells[:, 1].max()) + 1) + cells[:, 1]
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    sums = np.zeros((len(counts), 2))
    np.add.at(sums, inverse, points)
    return sums / counts[:, None]


def _refined_minima(surface: Landscape, candidates: np.ndarray, radius: float):
    """Distinct minima among Newton refinements of `candidates`."""
    points = candidates.copy()
    for _ in range(30):  # Newton's method on ∇f = 0, all candidates at once
        gx, gy = surface.grad(points[:, 0], points[:, 1])
        H = surface.hessian(points[:, 0], points[:, 1])
        det = H[:, 0, 0] * H[:, 1, 1] - H[:, 0, 1] ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            dx = (H[:, 1, 1] * gx - H[:, 0, 1] * gy) / det
            dy = (H[:, 0, 0] * gy - H[:, 0, 1] * gx) / det
        # A singular Hessian (a valley of minima) stops that candidate where it is.
        step = np.where(np.isfinite(dx) & np.isfinite(dy), 1.0, 0.0)
        step *= np.hypot(dx, dy) <= radius  # Newton's jumps leave the basin
        points -= step[:, None] * np.column_stack(
            [np.nan_to_num(dx), np.nan_to_num(dy)]
        )
    gx, gy = surface.grad(points[:, 0], points[:, 1])
    H = surface.hessian(points[:, 0], points[:, 1])
    scale = 1.0 + np.abs(H).max(axis=(1, 2))
    eigenvalues = np.linalg.eigvalsh(np.nan_to_num(H))
    is_minimum = (
        np.isfinite(gx)
        & (np.hypot(gx, gy) <= 1e-6 * scale)
        & (eigenvalues[:, 0] >= -1e-8 * scale)
    )
    kept: list[tuple[float, float]] = []
    for point in points[is_minimum]:
        if all(
            math.hypot(point[0] - p[0], point[1] - p[1]) > 1e-3 * radius for p in kept
        ):
            kept.append((float(point[0]), float(point[1])))
    return kept


def sharpness(landscape, points) -> np.ndarray:
    """λmax of the Hessian at each point of `points` (..., 2); NaN at non-finite
    points. Gradient descent can settle at a minimum only where lr·λmax < 2."""
    surface = _landscape(landscape)
    points = np.asarray(points, dtype=float)
    if points.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2); got {points.shape}")
    flat = points.reshape(-1, 2)
    finite = np.all(np.isfinite(flat), axis=1)
    out = np.full(len(flat), np.nan)
    if finite.any():
        H = surface.hessian(flat[finite, 0], flat[finite, 1])
        out[finite] = np.linalg.eigvalsh(H)[:, -1]
    return out.reshape(points.shape[:-1])

"""The Sweep page's configuration, numbers and text: a heat map over a plane of two
hyperparameters (each cell a full run from one start), or a basin map over start
points (each cell a run from that start), and the theory that predicts them.

The page's whole state is `PAGE` (ui.state): `FIELDS`, among them the optimizer and
its fixed settings as the Playground writes a run (``run=momentum;nesterov=1``) and
the surface's parameters as the Playground writes them. `PAGE.parse` never raises;
`settle` (through `resolve`) makes a configuration consistent (axes the optimizer
has, ranges inside each hyperparameter's allowed range, log axes above 0, start
points inside the surface's bounds, the work cap) with a notice per change. The
numerics are optimizers.planes and optimizers.stability; this module chooses what to
compute and reads the results out. The page's callbacks are here too, as functions
of the session state mapping.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

import landscapes
import optimizers
from optimizers import planes, stability
from ui import codec, export, figures, limits, playground, sweep_figures, tables
from ui.codec import short
from ui.state import TYPED_ERROR, Field, Link, PageState

MODES = ("plane", "basins")
MODE_TITLES = {"plane": "hyperparameter plane", "basins": "basin map"}
OUTCOMES = {
    "plane": ("score", "loss", "steps", "diverged"),
    "basins": ("basin", "steps", "diverged", "sharpness"),
}
OUTCOME_TITLES = {
    "score": "convergence score (blue: converged, faster is darker; red: diverged)",
    "loss": "final loss f − f* (log)",
    "steps": "steps to reach the tolerance",
    "diverged": "diverged or not",
    "basin": "the minimum each start ends in",
    "sharpness": "λmax at the final point × lr/2 (above 1: too sharp for this lr)",
}
MAX_GRID = limits.SWEEP_GRID.value
MAX_STEPS = limits.STEPS.value
DEFAULT_RUN = codec.RunConfig("momentum")
DEFAULT_SURFACE = "quadratic"
DEFAULT_RESOLUTION = 128
DEFAULT_STEPS = 200
START_LIMIT = 1e3  # any start or region coordinate, before the surface's bounds
# Above this a hyperparameter axis is cut, as a link's value is (a learning rate of
# 1e6 only diverges).
AXIS_CEILING = codec.HYPERPARAMETER_CEILING

# What one step of one run costs, relative to a plain gradient step on a formula,
# measured on 12-03's host: a 128 x 128 Rosenbrock basin map x 500 steps per
# optimizer (gd 8.9e-9 s per run-step, momentum, adam and newton within 1.3x of it;
# sgd 1.9e-8, rmsprop 2.4e-8, rprop 3.0e-8, radam 4.4e-8, nadam 8.7e-8, gd_armijo
# 2.7e-7, gd_exact_line_search 8.5e-7, cg 2.5e-6), and a 64 x 64 map x 100 steps per
# surface (mlp_slice 6.9e-7 s per run-step-example, linear_regression 4.0e-9). Line
# searches evaluate f many times per step; a point of the MLP slice is a network
# pass over every example.
OPTIMIZER_COST = {
    "sgd": 2,
    "rmsprop": 3,
    "adamw": 2,
    "nadam": 8,
    "radam": 5,
    "rprop": 3,
    "gd_armijo": 30,
    "gd_exact_line_search": 100,
    "cg_fletcher_reeves": 250,
    "cg_polak_ribiere": 250,
}
SURFACE_COST = {"mlp_slice": 80}  # times its work_per_point (examples)

_ALL_AXES = tuple(
    dict.fromkeys(name for opt in optimizers.names() for name in planes.axis_names(opt))
)


def only_in(mode: str, field: Field) -> Field:
    """`field`, written in the link of `mode`'s map only (the other map's link has
    no such key, whatever the widgets hold)."""

    def written(values) -> bool:
        return values["mode"] == mode and values[field.name] is not None

    return dataclasses.replace(field, written=written)


def _pair(name: str, limit: float, parts: tuple[str, str]) -> Field:
    return Field(name, "pair", None, -limit, limit, parts=parts)


FIELDS = (
    Field("mode", "choice", "plane", choices=MODES),
    Field(
        "surface",
        "choice",
        DEFAULT_SURFACE,
        choices=tuple(landscapes.names()),
        label="Surface",
    ),
    # x, y and outcome: None is "the page decides" (`resolve`), which then names
    # what it uses in place of an unknown one.
    only_in("plane", Field("x", "choice", None, choices=_ALL_AXES)),
    only_in("plane", Field("y", "choice", None, choices=_ALL_AXES)),
    only_in("plane", _pair("x_range", AXIS_CEILING, ("x_low", "x_high"))),
    only_in("plane", _pair("y_range", AXIS_CEILING, ("y_low", "y_high"))),
    only_in("plane", Field("x_log", "bool", None)),
    only_in("plane", Field("y_log", "bool", None)),
    only_in("basins", _pair("region_x", START_LIMIT, ("bx_low", "bx_high"))),
    only_in("basins", _pair("region_y", START_LIMIT, ("by_low", "by_high"))),
    Field(
        "resolution",
        "int",
        DEFAULT_RESOLUTION,
        2,
        MAX_GRID,
        limit=limits.SWEEP_GRID,
        label=f"Resolution (runs per side, at most {MAX_GRID})",
    ),
    Field(
        "steps",
        "int",
        DEFAULT_STEPS,
        1,
        MAX_STEPS,
        limit=limits.STEPS,
        label=f"Steps per run (at most {MAX_STEPS})",
    ),
    # Above 0: the score divides by it (and a tolerance of 0 is never reached).
    Field("tolerance", "float", 1e-6, 1e-12, 1e6, label="tolerance on f − f*"),
    _pair("start", START_LIMIT, ("start_x", "start_y")),
    Field(
        "outcome",
        "choice",
        None,
        choices=tuple(dict.fromkeys(sum(OUTCOMES.values(), ()))),
    ),
    _pair("cell", AXIS_CEILING, ("cell_x", "cell_y")),
    Field("run", "run", DEFAULT_RUN),
    Field("surface_params", "surface_params", None),
)
# The fields of the other mode: not in the link (`only_in`; `settle` makes them
# None), and on the page kept as the widgets hold them (`with_hidden`: a plane's
# axes survive a look at the basin map).
HIDDEN = {
    "plane": ("region_x", "region_y"),
    "basins": ("x", "y", "x_range", "y_range", "x_log", "y_log"),
}
# What the plane depends on: the rest (outcome, the chosen cell, lecturer mode's
# keys) only changes the view.
VIEW_ONLY = ("outcome", "cell", "lecture", "hide", "preset")


# --- configuration --------------------------------------------------------------


def axis_names(optimizer: str) -> list[str]:
    """The hyperparameters of `optimizer` a plane can vary."""
    return list(planes.axis_names(optimizer))


def plane_optimizers() -> list[str]:
    """Optimizers with at least two numeric hyperparameters (a plane needs two)."""
    return [name for name in optimizers.names() if len(axis_names(name)) >= 2]


def allowed_range(optimizer: str, name: str) -> tuple[float, float]:
    """[low, high] a hyperparameter axis may span: the range a link is clamped to
    (codec.hyperparameter_range), so that a cell's link reproduces the cell."""
    return codec.hyperparameter_range(optimizers.spec(optimizer).hyperparameter(name))


def default_axis(optimizer: str, name: str) -> tuple[tuple[float, float], bool]:
    """((low, high), log) an axis opens with: learning rates and small positive
    settings on a log scale around their default, the [0, 1) ones linear."""
    low, high = allowed_range(optimizer, name)
    default = float(optimizers.spec(optimizer).hyperparameter(name).default)
    if name == "lr":
        return (1e-3, 1.0), True
    if high <= 1.0:
        if name in ("beta2", "alpha", "rho") and default > 0.5:
            return (0.5, high), False
        return (low, min(high, 0.99)), False
    if name in ("momentum", "dampening"):
        return (0.0, 0.99), False
    if default > 0:
        return (max(low, default / 100, 1e-12), min(high, default * 100)), True
    return (1e-5, 1.0), True


def surface_of(values: dict) -> landscapes.Landscape:
    return landscapes.get(values["surface"], **values["surface_params"])


def settle(values: dict, notices: list[str], link: Link) -> None:
    """A refused run's optimizer at its defaults (`refused_run`), `resolve`, the
    surface's default start where the link gives none, None for the other mode's
    fields (they are not in its link), and an unknown x, y or outcome named once
    `resolve` has decided what it uses."""
    values["run"] = refused_run(link.params, notices) or values["run"]
    resolve(values, notices)
    if values["start"] is None:
        values["start"] = tuple(map(float, surface_of(values).default_start))
    for name in HIDDEN[values["mode"]]:
        values[name] = None
    for key, text in link.unknown.items():
        if values[key] is None:  # x and y on a basin map: no axes to name
            notices.append(f"Unknown {key} '{text}' was ignored.")
        else:
            notices.append(
                f"Unknown {key} '{text}'; using the default ({values[key]})."
            )


def refused_run(params, notices: list[str]) -> codec.RunConfig | None:
    """The link's optimizer at its defaults when it names a known one whose settings
    it refuses together (``sgd;nesterov=1``: ui.state drops such a run)."""
    text = codec.first(params, "run", [])
    if text is None or codec.parse_run(text, []) is not None:
        return None
    name = text.split(";")[0].strip()
    if name not in optimizers.names():
        return None
    notices.append(f"Using {name} with its default settings.")
    return codec.RunConfig(name)


PAGE = PageState("sw.", FIELDS, settle)
key = PAGE.key


def resolve(values: dict, notices: list[str]) -> None:
    """Make `values` consistent, in place, noting each change."""
    run = values["run"]
    if values["mode"] == "plane" and run.optimizer not in plane_optimizers():
        notices.append(
            f"{run.optimizer} has one numeric hyperparameter, and a plane needs two; "
            f"using {DEFAULT_RUN.optimizer}."
        )
        run = values["run"] = DEFAULT_RUN
    surface = surface_of(values)
    if values["mode"] == "plane":
        _resolve_axes(values, notices)
    else:
        _resolve_region(values, surface, notices)
    if values["start"] is not None:
        values["start"] = _inside(values["start"], surface.bounds, "start", notices)
    if values["outcome"] is None:
        values["outcome"] = OUTCOMES[values["mode"]][0]
    elif values["outcome"] not in OUTCOMES[values["mode"]]:
        fallback = OUTCOMES[values["mode"]][0]
        notices.append(
            f"Outcome '{values['outcome']}' is not shown on a "
            f"{MODE_TITLES[values['mode']]}; showing {fallback}."
        )
        values["outcome"] = fallback
    most_steps = steps_allowed(values)
    if values["steps"] > most_steps:
        notices.append(
            f"{values['resolution']} x {values['resolution']} runs x "
            f"{values['steps']} steps is too much work for one request; using "
            f"{most_steps} steps {limits.notice(limits.SWEEP_WORK)}."
        )
        values["steps"] = most_steps


def steps_allowed(values: dict) -> int:
    """The most steps per run the work cap (limits.SWEEP_WORK) allows at `values`'
    resolution, optimizer and surface."""
    cost = step_cost(values["run"].optimizer, surface_of(values))
    return max(1, limits.SWEEP_WORK.value // (values["resolution"] ** 2 * cost))


def _resolve_axes(values: dict, notices: list[str]) -> None:
    optimizer = values["run"].optimizer
    names = axis_names(optimizer)
    # An axis left out takes the optimizer's first free hyperparameter with the
    # range and scale given; one replaced (unknown, or both the same) its defaults.
    replaced = {}  # axis: its notice, before and after the name it gets
    for axis in ("x", "y"):
        if values[axis] is not None and values[axis] not in names:
            replaced[axis] = (
                f"{optimizer} has no hyperparameter '{values[axis]}' to vary "
                f"(allowed: {', '.join(names)}); using ",
                ".",
            )
            values[axis] = None
    if values["x"] is not None and values["x"] == values["y"]:
        replaced["y"] = (f"Both axes were {values['y']}; the y axis shows ", ".")
        values["y"] = None
    for axis, other in (("x", "y"), ("y", "x")):
        if values[axis] is None:
            values[axis] = next(n for n in names if n != values[other])
        if axis in replaced:
            before, after = replaced[axis]
            notices.append(before + values[axis] + after)
            values[f"{axis}_range"] = values[f"{axis}_log"] = None
        name = values[axis]
        (low, high), log = default_axis(optimizer, name)
        if values[f"{axis}_log"] is None:
            values[f"{axis}_log"] = log
        if values[f"{axis}_range"] is None:
            values[f"{axis}_range"] = (low, high)
        values[f"{axis}_range"] = _axis_range(
            optimizer, name, values[f"{axis}_range"], values[f"{axis}_log"], notices
        )


def _axis_range(optimizer, name, given, log, notices) -> tuple[float, float]:
    """`given` made a range the axis can span, with one notice giving every reason
    it changed and the range used."""
    low, high = allowed_range(optimizer, name)
    reasons = []
    if given[0] > given[1]:
        reasons.append("it runs from high to low")
    a, b = sorted(given)
    if a == b:
        reasons.append("it has no width")
        (a, b), _ = default_axis(optimizer, name)
    clamped = (min(max(a, low), high), min(max(b, low), high))
    if log and clamped[0] <= 0:
        clamped = (max(clamped[1] * 1e-4, 1e-12), clamped[1])
        reasons.append("a log axis starts above 0")
    elif clamped != (a, b):
        reasons.append(f"it must lie in [{short(low)}, {short(high)}]")
    if clamped[0] >= clamped[1]:
        reasons.append("nothing of it is left")
        clamped, _ = default_axis(optimizer, name)
    if reasons:
        notices.append(
            f"The {name} axis {short(given[0])} to {short(given[1])}: "
            f"{'; '.join(reasons)}; using {short(clamped[0])} to "
            f"{short(clamped[1])}."
        )
    return clamped


def _resolve_region(values: dict, surface, notices: list[str]) -> None:
    for axis, (low, high) in zip(("x", "y"), surface.bounds, strict=True):
        key = f"region_{axis}"
        if values[key] is None:
            values[key] = (float(low), float(high))
            continue
        a, b = sorted(values[key])
        clamped = (min(max(a, low), high), min(max(b, low), high))
        if clamped[0] >= clamped[1]:
            notices.append(
                f"The {axis} range was empty inside the surface's bounds; using "
                f"{short(low)} to {short(high)}."
            )
            clamped = (float(low), float(high))
        elif clamped != (a, b):
            notices.append(
                f"Start points must lie in the surface's bounds: {axis} from "
                f"{short(low)} to {short(high)}."
            )
        values[key] = clamped


def _inside(point, bounds, name, notices) -> tuple[float, float]:
    (x0, x1), (y0, y1) = bounds
    moved = (min(max(point[0], x0), x1), min(max(point[1], y0), y1))
    if moved != tuple(point):
        notices.append(f"The {name} point was outside the surface; moved to its edge.")
    return moved


def short_range(low: float, high: float) -> tuple[float, float]:
    """A zoomed range with as few significant digits as keep its ends apart (at
    least 4): a short link, the same view to a pixel."""
    for digits in range(4, 17):
        a, b = (float(f"{v:.{digits}g}") for v in (low, high))
        if a < b:
            return a, b
    return float(low), float(high)


def plane_key(query_: dict) -> tuple:
    """The cache key of a plane: its query without the view-only fields."""
    return tuple(sorted((k, v) for k, v in query_.items() if k not in VIEW_ONLY))


def start_of(values: dict, surface) -> tuple[float, float]:
    if values["start"] is not None:
        return tuple(values["start"])
    return tuple(map(float, surface.default_start))


def axes_of(values: dict) -> tuple[planes.Axis, planes.Axis]:
    n = values["resolution"]
    if values["mode"] == "basins":
        return (
            planes.Axis("x", *values["region_x"], n),
            planes.Axis("y", *values["region_y"], n),
        )
    return (
        planes.Axis(values["x"], *values["x_range"], n, values["x_log"]),
        planes.Axis(values["y"], *values["y_range"], n, values["y_log"]),
    )


def fixed_hyperparameters(values: dict) -> dict:
    """The run's settings that are not on an axis (only those changed from the
    optimizer's defaults, as a link writes them)."""
    hyper = dict(values["run"].hyperparameters)
    if values["mode"] == "plane":
        hyper.pop(values["x"], None)
        hyper.pop(values["y"], None)
    return hyper


def step_cost(optimizer: str, surface) -> int:
    """What one step of one run costs, in plain gradient steps on a formula."""
    return (
        OPTIMIZER_COST.get(optimizer, 1)
        * surface.work_per_point
        * SURFACE_COST.get(surface.name, 1)
    )


def work(values: dict) -> int:
    """Runs x steps x the cost of a step: what a plane costs (the limit
    ui.limits.SWEEP_WORK bounds it)."""
    surface = surface_of(values)
    cost = step_cost(values["run"].optimizer, surface)
    return values["resolution"] ** 2 * values["steps"] * cost


def describe(values: dict) -> str:
    """'128 x 128 runs x 200 steps of momentum on Eccentric quadratic'."""
    n = values["resolution"]
    return (
        f"{n} x {n} runs x {values['steps']} steps of {values['run'].optimizer} "
        f"on {landscapes.title(values['surface'])}"
    )


def compute(values: dict, progress=None):
    """(plane, basins or None): every cell's run, through optimizers.planes."""
    surface = surface_of(values)
    x, y = axes_of(values)
    hyper = fixed_hyperparameters(values)
    common = {
        "steps": values["steps"],
        "tolerance": values["tolerance"],
        "progress": progress,
        **hyper,
    }
    if values["mode"] == "basins":
        plane = planes.basin_map(values["run"].optimizer, surface, x, y, **common)
        return plane, basins_of(plane)
    plane = planes.hyperparameter_plane(
        values["run"].optimizer,
        surface,
        x,
        y,
        start=start_of(values, surface),
        **common,
    )
    return plane, None


def basins_of(plane) -> planes.Basins:
    """planes.basins, and where no run ended at a minimum (8 x 8 starts, 2 steps),
    every start unsettled or diverged: planes.basins indexes an empty relabelling
    then (IndexError, reported to its author)."""
    try:
        return planes.basins(plane)
    except IndexError:
        labels = np.where(plane.diverged, planes.DIVERGED, planes.UNSETTLED)
        return planes.Basins(labels=labels, minima=[])


# A basin map shows basins when at least this share of its starts settle at a
# minimum; below half, the page says why most did not.
SETTLED_SHARE = 0.9
PROBE_GRID = 12  # starts per side of the coarse map that tries settings out
# Work a probe may cost (runs x steps x step cost): a 16th of one plane's cap, so
# the dozen probes of a search cost at most about one plane.
PROBE_WORK = limits.SWEEP_WORK.value // 16
LR_FACTORS = (1.0, 10.0, 100.0)  # the lr tried, times the run's own, in turn


def settled_share(basins) -> float:
    """The share of a basin map's starts that ended at a minimum."""
    return float(np.mean(np.asarray(basins.labels) >= 0))


def settling_settings(values: dict, share: float = SETTLED_SHARE):
    """(steps, run, probed share) that make a basin map of `values` show basins: the
    run's own steps, doubled while the work cap allows, first at its own lr and then
    at 10x and 100x (inside lr's range), the first where at least `share` of a
    coarse PROBE_GRID x PROBE_GRID map of the same starts settle at a minimum. None
    when nothing tried settles (the page then says why) or the settings already do.
    """
    values = {**values, "mode": "basins"}
    optimizer = values["run"].optimizer
    hyper = dict(values["run"].hyperparameters)
    spec = optimizers.spec(optimizer)
    factors = LR_FACTORS
    if "lr" not in spec.defaults or not spec.hyperparameter("lr").settable:
        factors = (1.0,)
    lr = float(hyper.get("lr", spec.defaults.get("lr", 0.0)))
    most = min(MAX_STEPS, steps_allowed(values))
    cost = step_cost(optimizer, surface_of(values))
    for factor in factors:
        run = values["run"]
        if factor != 1.0:
            low, high = allowed_range(optimizer, "lr")
            if not low <= lr * factor <= high:
                break
            run = codec.RunConfig(optimizer, {**hyper, "lr": lr * factor})
        steps = values["steps"]
        while True:
            steps = min(steps, most)
            if PROBE_GRID**2 * steps * cost > PROBE_WORK:
                break
            probe = {**values, "run": run, "steps": steps, "resolution": PROBE_GRID}
            got = settled_share(compute(probe)[1])
            if got >= share:
                if factor == 1.0 and steps == values["steps"]:
                    return None
                return steps, run, got
            if steps >= most:
                break
            steps *= 2
    return None


def unsettled_hint(plane, basins) -> str | None:
    """What to change when most starts of a basin map settled nowhere (None when
    most did settle or diverged, or for a plane: `basins` None)."""
    if basins is None:
        return None
    if float(np.mean(np.asarray(basins.labels) == planes.UNSETTLED)) <= 0.5:
        return None
    return (
        f"Most runs did not reach a minimum within {plane.steps} steps: raise "
        "Steps or lr (the grey starts are still on their way)."
    )


# --- reading a plane ----------------------------------------------------------------


def nearest_cell(plane, point) -> tuple[int, int] | None:
    """(row, col) of the cell nearest `point` (axis values; log axes compared in
    log), or None if the point is outside the plane's ranges."""
    cells = []
    for axis, value in zip((plane.x, plane.y), point, strict=True):
        values = axis.values
        low, high = min(axis.low, axis.high), max(axis.low, axis.high)
        span = (high - low) / max(axis.resolution - 1, 1)
        if not low - span <= value <= high + span:
            return None
        if axis.log:
            if value <= 0:
                return None
            index = int(np.argmin(np.abs(np.log(values) - math.log(value))))
        else:
            index = int(np.argmin(np.abs(values - value)))
        cells.append(index)
    col, row = cells
    return row, col


def boundary_box(plane, margin: int = 2):
    """((x_low, x_high), (y_low, y_high)): the axis values around every cell whose
    neighbour differs in diverging or not, `margin` cells wider; None without a
    boundary (or when it already spans the whole plane)."""
    diverged = plane.diverged
    edge = np.zeros_like(diverged)
    across = diverged[:, 1:] != diverged[:, :-1]
    down = diverged[1:, :] != diverged[:-1, :]
    edge[:, 1:] |= across
    edge[:, :-1] |= across
    edge[1:, :] |= down
    edge[:-1, :] |= down
    if not edge.any():
        return None
    rows, cols = np.nonzero(edge)
    ny, nx = diverged.shape
    r0, r1 = max(rows.min() - margin, 0), min(rows.max() + margin, ny - 1)
    c0, c1 = max(cols.min() - margin, 0), min(cols.max() + margin, nx - 1)
    if (r0, r1, c0, c1) == (0, ny - 1, 0, nx - 1):
        return None
    xs, ys = plane.x.values, plane.y.values
    return (float(xs[c0]), float(xs[c1])), (float(ys[r0]), float(ys[r1]))


def cell_run(plane, row: int, col: int) -> optimizers.RunResult:
    """The full run of one cell, with its recorded path (optimizers.run)."""
    cell = plane.cell(row, col)
    return optimizers.run(
        plane.optimizer,
        plane.landscape,
        start=cell["start"],
        steps=plane.steps,
        tolerance=plane.tolerance,
        **cell["hyperparameters"],
    )


def playground_values(values: dict, plane, row: int, col: int) -> dict:
    """The Playground's values (ui.playground.FIELDS) with one cell's run: same
    surface, start, steps and settings, so that its link reproduces the cell."""
    cell = plane.cell(row, col)
    spec = optimizers.spec(plane.optimizer)
    defaults = spec.defaults
    hyper = {
        k: v
        for k, v in cell["hyperparameters"].items()
        if k in defaults and spec.hyperparameter(k).settable and v != defaults[k]
    }
    return {
        **playground.PAGE.parse({})[0],
        "surface": values["surface"],
        "surface_params": dict(values["surface_params"]),
        "start": tuple(float(v) for v in cell["start"]),
        "steps": plane.steps,
        "run": [codec.RunConfig(plane.optimizer, hyper)],
    }


def playground_link(values: dict) -> str:
    """The Playground's address (the app's root) with its `values` in the query."""
    return "./?" + urlencode(playground.PAGE.query(values), doseq=True)


# --- theory ----------------------------------------------------------------------


def constant_hessian(surface, samples: int = 5) -> np.ndarray | None:
    """The surface's Hessian if it is the same everywhere (a quadratic), else None:
    checked at the bounds' corners, centre and a few seeded points."""
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(0)
    xs = np.concatenate([[x0, x1, x0, x1, (x0 + x1) / 2], rng.uniform(x0, x1, samples)])
    ys = np.concatenate([[y0, y0, y1, y1, (y0 + y1) / 2], rng.uniform(y0, y1, samples)])
    hessians = surface.hessian(xs, ys)
    if not np.all(np.isfinite(hessians)):
        return None
    scale = max(float(np.abs(hessians).max()), 1e-300)
    if np.abs(hessians - hessians[0]).max() > 1e-9 * scale:
        return None
    return hessians[0]


@dataclass
class Theory:
    """What the quadratic theory predicts for a hyperparameter plane."""

    eigenvalues: np.ndarray  # the Hessian's, ascending
    region: np.ndarray | None  # (ny, nx) bool: predicted to converge
    lr_bound: float  # 2 / λmax
    optimal: tuple[float, float, float] | None  # (lr, momentum, predicted rate)
    measured_rate: float | None  # of a run at the optimal pair


def theory(values: dict, plane) -> Theory | None:
    """The predicted region (stability.predicted_region), GD's bound 2/λmax and, on
    an lr x momentum plane of heavy ball, the optimal pair with its predicted and
    measured rate. None unless the surface is a quadratic with λmin > 0."""
    if plane.kind != "hyperparameters":
        return None
    surface = plane.landscape
    hessian = constant_hessian(surface)
    if hessian is None:
        return None
    eigenvalues = np.linalg.eigvalsh(hessian)
    if eigenvalues[0] <= 0:
        return None
    resolved = optimizers.resolve_hyperparameters(
        plane.optimizer, fixed_hyperparameters(values)
    )
    region = stability.predicted_region(
        plane.optimizer,
        resolved,
        plane.x.name,
        plane.x.values,
        plane.y.name,
        plane.y.values,
        eigenvalues,
    )
    optimal = measured = None
    if (
        plane.optimizer == "momentum"
        and not resolved.get("nesterov")
        and {plane.x.name, plane.y.name} == {"lr", "momentum"}
    ):
        lr, momentum, rate = stability.optimal_heavy_ball(
            float(eigenvalues[-1]), float(eigenvalues[0])
        )
        optimal = (float(lr), float(momentum), float(rate))
        measured = measured_rate(plane, lr=lr, momentum=momentum)
    return Theory(
        eigenvalues,
        region,
        float(stability.gd_lr_bound(eigenvalues)),
        optimal,
        measured,
    )


def measured_rate(plane, **hyperparameters) -> float | None:
    """The per-step contraction of the distance to the minimizer of one run with
    `hyperparameters` from the plane's start (`contraction`)."""
    surface = plane.landscape
    if not len(surface.minima):
        return None
    result = optimizers.run(
        plane.optimizer,
        surface,
        start=plane.start,
        steps=max(plane.steps, 200),
        **{**plane.hyperparameters, **hyperparameters},
    )
    return contraction(result.path, surface.minima[0])


def contraction(path: np.ndarray, minimum) -> float | None:
    """(d_k / d_j)^(1/(k-j)) for the distance d to `minimum` over the second half of
    `path`, before it reaches round-off (d < 1e-10 d_0): the measured per-step rate
    (None for a path too short to tell)."""
    distance = np.hypot(*(np.asarray(path) - np.asarray(minimum)).T)
    if not len(distance) or distance[0] == 0:
        return None
    usable = np.nonzero(distance > 1e-10 * distance[0])[0]
    last = int(usable[-1]) if len(usable) else 0
    first = last // 2
    if last - first < 5 or distance[first] == 0:
        return None
    return float((distance[last] / distance[first]) ** (1.0 / (last - first)))


RATE_METHODS = {"gd": "gd", "momentum": "heavy_ball"}


def cell_rates(plane, result, theory) -> tuple[float, float | None] | None:
    """(predicted, measured) per-step rate of one cell's run on a quadratic: the
    iteration's spectral radius (stability.iteration_spectral_radius) and the run's
    own contraction toward the minimizer. None off quadratics and for optimizers
    the closed form does not cover."""
    if theory is None or plane.optimizer not in RATE_METHODS:
        return None
    hyper = result.hyperparameters
    method = RATE_METHODS[plane.optimizer]
    if method == "heavy_ball" and hyper.get("nesterov"):
        method = "nesterov"
    momentum = hyper.get("momentum", 0.0) if method != "gd" else None
    predicted = float(
        stability.iteration_spectral_radius(
            method, hyper["lr"], momentum, theory.eigenvalues
        )
    )
    measured = None
    if result.diverged_at is None and len(plane.landscape.minima):
        measured = contraction(result.path, plane.landscape.minima[0])
    return predicted, measured


def stability_limit(result) -> tuple[np.ndarray, str] | None:
    """The sharpness a run's steps can stand, per step (stability.sharpness_limit:
    2/lr for gradient descent, 2(1 + β)/lr for heavy ball, ...) and its name; None
    for methods it does not cover."""
    limit = stability.sharpness_limit(
        result.optimizer, result.hyperparameters, result.lr
    )
    if limit is None:
        return None
    names = {"gd": "2/lr", "momentum": "2(1 + β)/lr", "sgd": "the SGD bound"}
    name = names.get(result.optimizer, "stability limit")
    if result.optimizer == "momentum" and result.hyperparameters.get("nesterov"):
        name = "2(1 + β)/((1 + 2β) lr)"
    return np.asarray(limit, dtype=float), name


# --- the page's callbacks: they change the session state `state` only ------------

AXIS_KEYS = ("x", "y", "x_low", "x_high", "x_log", "y_low", "y_high", "y_log")
REGION_KEYS = ("bx_low", "bx_high", "by_low", "by_high")
SURFACE_KEYS = ("start_x", "start_y", *REGION_KEYS, "cell_x", "cell_y", "zoom")


def forget(state, *names) -> None:
    for name in names:
        state.pop(key(name), None)


def new_surface(state, typed: bool = False) -> None:
    """A new surface: its own start, basin region and parameters, no chosen cell
    (`typed`: a typed surface's new formula or view, its parameters as given)."""
    forget(state, *SURFACE_KEYS)
    if not typed:  # as ui.state.forget_surface_params, on `state`
        params = (key("param."), key("typed."))
        for name in [k for k in state if str(k).startswith(params)]:
            del state[name]
        state.pop(key(TYPED_ERROR), None)


def new_optimizer(state) -> None:
    forget(state, *AXIS_KEYS, "cell_x", "cell_y", "zoom")


def new_mode(state, held=None) -> None:
    """The other map: its own outcome, no chosen cell; a plane needs an optimizer
    with two numeric hyperparameters; a basin map steps with which its runs settle
    (`settle_for_basins`, on the values `held()` gives: PAGE.values)."""
    forget(state, "outcome", "cell_x", "cell_y", "zoom")
    if state[key("mode")] == "plane" and state[key("optimizer")] not in (
        plane_optimizers()
    ):
        state[key("optimizer")] = DEFAULT_RUN.optimizer
        new_optimizer(state)
    if state[key("mode")] == "basins" and held is not None:
        settle_for_basins(state, PAGE.parse(PAGE.query(held()))[0])


def settle_for_basins(state, values: dict) -> None:
    """Steps (and, if need be, lr) with which most starts of `values`' basin map
    settle (`settling_settings`: a plane's 200 steps leave most of a basin map
    grey), and a note saying so for the page's next run."""
    found = settling_settings(values)
    if found is None:
        return
    steps, run, share = found
    changed = [f"Steps {values['steps']} → {steps}"] if steps != values["steps"] else []
    state[key("steps")] = steps
    if run != values["run"]:
        lr = run.hyperparameters["lr"]
        before = optimizers.resolve_hyperparameters(
            run.optimizer, values["run"].hyperparameters
        )["lr"]
        changed.append(f"lr {before:g} → {lr:g}")
        state[key(f"{run.optimizer}.lr")] = float(lr)
    state[key("settled_note")] = (
        f"{' and '.join(changed)} for the basin map, so that runs can settle: "
        f"{100 * share:.0f}% of a coarse {PROBE_GRID} x {PROBE_GRID} map of "
        "these starts did."
    )


def new_axis(state, axis: str) -> None:
    """A new hyperparameter on `axis`: its own range and scale; the other axis its
    defaults if it showed the same one."""
    forget(state, f"{axis}_low", f"{axis}_high", f"{axis}_log", "cell_x", "cell_y")
    forget(state, "zoom")
    other = "y" if axis == "x" else "x"
    if state[key(axis)] == state.get(key(other)):
        forget(state, other, f"{other}_low", f"{other}_high", f"{other}_log")


def choose_cell(state, x: float, y: float) -> None:
    state[key("cell_x")], state[key("cell_y")] = x, y


def forget_cell(state) -> None:
    forget(state, "cell_x", "cell_y")


def zoom_to(state, x_range, y_range) -> None:
    """A box dragged on the map (None, None: zoomed back out)."""
    zoom = None if x_range is None and y_range is None else (x_range, y_range)
    state[key("zoom")] = zoom


def recompute_view(state) -> None:
    """The zoomed box becomes the map's ranges (computed at full resolution)."""
    zoom = state.pop(key("zoom"), None)
    if not zoom:
        return
    names = ("x", "y") if state[key("mode")] == "plane" else ("bx", "by")
    for name, box in zip(names, zoom, strict=True):
        if box is not None:
            state[key(f"{name}_low")], state[key(f"{name}_high")] = short_range(*box)


def zoom_to_edge(state, box) -> None:
    state[key("zoom")] = box
    recompute_view(state)


def reset_view(state) -> None:
    """The mode's default ranges (the log scales as they are)."""
    keys = AXIS_KEYS[2:] if state[key("mode")] == "plane" else REGION_KEYS
    forget(state, *(k for k in keys if not k.endswith("_log")), "zoom")


def range_inputs(values: dict, surface) -> list[tuple]:
    """The map's ranges as the sidebar sets them: per axis (x, y), its name, whether
    it is a hyperparameter (a plane's) or a start coordinate (a basin map's), and its
    two number inputs (label, low, high, state name): the hyperparameter's allowed
    range (`allowed_range`), the surface's bounds."""
    rows = []
    for axis, bounds in zip("xy", surface.bounds, strict=True):
        if values["mode"] == "basins":
            low, high, first, name = *bounds, f"start {axis} from", f"b{axis}"
        else:
            low, high = allowed_range(values["run"].optimizer, values[axis])
            first, name = "from", axis
        inputs = ((first, low, high, f"{name}_low"), ("to", low, high, f"{name}_high"))
        rows.append((axis, values["mode"] == "plane", inputs))
    return rows


def with_hidden(values: dict, held: dict) -> dict:
    """`values` with the other mode's fields as `held` (the widgets' state) has them,
    to write back to the state without losing them."""
    return {**values, **{name: held[name] for name in HIDDEN[values["mode"]]}}


# --- the page's text ---------------------------------------------------------------

MODE_LABELS = {"plane": "Hyperparameter plane", "basins": "Basins"}
TITLES = {
    "plane": "Sweep: a hyperparameter plane",
    "basins": "Sweep: basins of attraction",
}
OPEN_IN_PLAYGROUND = "Open this run in the Playground"
CHOOSE_A_CELL = (
    "Click a cell of the map: its run appears here on the surface, with its loss, "
    "the curvature it meets and a link that opens it in the Playground."
)
TO_THE_EDGE = "Zoom to the edge of divergence"
EDGE_HELP = (
    "The smallest view holding every cell next to one that behaves otherwise "
    "(diverges where it does not), recomputed at full resolution."
)
PATH_CAPTION = (
    "White x: the start; red dot: where the run ends{diverged}; gold stars: the "
    "global minima."
)
EDGE_OF_STABILITY = (
    "The edge of stability: gradient descent with step lr cannot stay where the "
    "sharpness λmax is above 2/lr (heavy ball: 2(1 + β)/lr); it is thrown out, or, in "
    "a deep net, the sharpness hovers at the line (Cohen et al. 2021)."
)
NO_STABILITY_LINE = (
    " No line here: an adaptive method rescales each coordinate, so its limit is on "
    "a rescaled Hessian."
)
THEORY_INTRO = (
    "On a quadratic with Hessian eigenvalues λ, every method here is a linear "
    "iteration, and it converges exactly when its iteration matrix's spectral radius "
    "is below 1:"
)
THEORY_LATEX = (
    r"\text{GD: } 0 < \eta\lambda < 2 \qquad "
    r"\text{heavy ball: } 0 \le \beta < 1,\ 0 < \eta\lambda < 2(1+\beta) \qquad "
    r"\text{Nesterov: } 0 < \eta\lambda < \tfrac{2(1+\beta)}{1+2\beta}"
)
NO_THEORY = (
    "This surface's Hessian changes from point to point, so no region is drawn: "
    "pick the eccentric quadratic to see the theory on the measurement."
)
LINEAR_NET = (
    "On (1 − xy)²/2 every point of the hyperbola xy = 1 is a minimum, with λmax = "
    "x² + y²: gradient descent can settle only inside the circle lr·(x² + y²) < 2 "
    "(dashed). Colour by the final point's sharpness to see it: no run ends outside."
)


def about(values: dict, surface) -> str:
    """What a cell of the map is."""
    optimizer = values["run"].optimizer
    if values["mode"] == "plane":
        return (
            f"Each cell is one full run of **{optimizer}** on **{surface.title}** "
            "from the same start, with the two settings of its place on the axes. "
            "Click a cell to see its run; drag a box to zoom in, then recompute that "
            "view at full resolution."
        )
    return (
        f"Each cell is one run of **{optimizer}** on **{surface.title}** starting "
        "from that point, coloured by where it ends. Click a start to see its run "
        "and the surface's curvature there."
    )


def recompute_label(plane, zoom, n: int) -> str:
    """The button that recomputes a zoomed box."""
    boxes = [
        f"{axis.name} {box[0]:.4g} to {box[1]:.4g}"
        for axis, box in zip((plane.x, plane.y), zoom, strict=True)
        if box is not None
    ]
    return f"Recompute this view at {n} x {n}: " + ", ".join(boxes)


def map_caption(outcome: str, n: int, steps: int) -> str:
    """What the map's colours mean."""
    if outcome == "score":
        marks = [
            "blue: reached the tolerance (darker: sooner)",
            "red: diverged (darker: sooner)",
            f"pale: neither within {steps} steps (shade: the rate so far)",
        ]
    else:
        marks = ["black: diverged"]
    if outcome == "steps":
        marks.append("grey: tolerance not reached")
    elif outcome == "basin":
        marks.append("grey: did not settle at a minimum")
    return (
        "; ".join(marks) + f". {n} x {n} runs x {steps} steps. Drag a box on the map "
        "to zoom; double-click to zoom back out."
    )


@dataclass
class ChosenCell:
    """A clicked cell: where it is, its run, the point its curvature is taken at
    (None: a diverged run's end), and the text under its heading."""

    row: int
    col: int
    result: optimizers.RunResult
    where: str
    point: tuple[float, float] | None
    outcome: str
    curvature: stability.LocalCurvature | None = None

    @property
    def index(self) -> tuple[int, int]:
        return self.row, self.col

    @property
    def diverged_note(self) -> str:
        return " (diverged)" if self.result.diverged_at is not None else ""


def chosen_cell(plane, surface, point) -> ChosenCell | None:
    """The cell of the plane nearest the chosen `point` (`nearest_cell`): None when
    no point is chosen or it is outside this view (zoomed away)."""
    found = None if point is None else nearest_cell(plane, point)
    if found is None:
        return None
    row, col = found
    cell = plane.cell(row, col)
    result = cell_run(plane, row, col)
    if plane.kind == "starts":
        where = "start ({:.4g}, {:.4g})".format(*cell["start"])
        point = tuple(cell["start"])
    else:
        where = (
            f"{plane.x.name} = {plane.x.values[col]:.4g}, "
            f"{plane.y.name} = {plane.y.values[row]:.4g}"
        )
        point = tuple(result.path[-1]) if result.diverged_at is None else None
    if result.diverged_at is not None:
        outcome = f"**Diverged at step {result.diverged_at}.**"
    else:
        gap = result.final_loss - surface.min_value
        reached = result.steps_to_tolerance
        outcome = f"Final f − f* = {tables.number(gap)}; " + (
            f"reached the tolerance at step {reached}."
            if reached is not None
            else "did not reach the tolerance."
        )
    curvature = None if point is None else stability.local_curvature(surface, *point)
    return ChosenCell(row, col, result, where, point, outcome, curvature)


def cell_path(plane, surface, cell: ChosenCell, image) -> dict:
    """The chosen cell's run on the surface (`image`: its contour picture), with the
    Hessian's eigen-directions where its curvature was taken."""
    circle = sweep_figures.stability_circle(plane)
    return sweep_figures.path_figure(
        surface, cell.result, image, cell.curvature, cell.point, circle
    )


def cell_notes(plane, theory_, cell: ChosenCell) -> list[tuple[str, str]]:
    """The text under a chosen cell's run, as (element, text): its rate per step
    against the theory's, and the Hessian where its curvature was taken."""
    blocks = [("caption", PATH_CAPTION.format(diverged=cell.diverged_note))]
    rates = cell_rates(plane, cell.result, theory_)
    if rates is not None:
        blocks.append(("markdown", rates_text(rates)))
    if cell.curvature is not None:
        blocks.append(("caption", hessian_caption(plane, cell.curvature)))
    return blocks


def cell_curves(surface, result) -> tuple[dict, dict, str]:
    """A chosen cell's loss and sharpness figures, and the sharpness's caption."""
    loss = figures.loss_gap_figure([result.loss], ["this cell"], surface.min_value, 300)
    limit = stability_limit(result)
    sharpness = sweep_figures.sharpness_figure(
        stability.sharpness_along(surface, result.path),
        None if limit is None else limit[0],
        "" if limit is None else limit[1],
    )
    caption = EDGE_OF_STABILITY + ("" if limit is not None else NO_STABILITY_LINE)
    return loss, sharpness, caption


def rates_text(rates) -> str:
    predicted, measured = rates
    return (
        f"Rate per step: theory (the iteration's spectral radius) "
        f"**{predicted:.4f}**; measured on this run "
        f"**{'—' if measured is None else f'{measured:.4f}'}**."
    )


def hessian_caption(plane, curvature) -> str:
    eigenvalues = np.asarray(curvature.eigenvalues, dtype=float)
    at = "this start" if plane.kind == "starts" else "the run's end"
    return (
        f"Hessian at {at}: λ = {eigenvalues[0]:.4g}, {eigenvalues[1]:.4g} "
        f"(arrows: the eigen-directions); condition number "
        f"{curvature.condition_number:.4g}; 2/λmax = {curvature.lr_bound:.4g}."
    )


def theory_text(plane, theory_: Theory) -> str:
    """What the quadratic theory says of this plane, and how the measurement
    agrees."""
    lines = [
        f"Here λ = {theory_.eigenvalues[0]:.4g} and {theory_.eigenvalues[-1]:.4g}: "
        f"gradient descent diverges for lr > 2/λmax = {theory_.lr_bound:.4g}."
    ]
    if theory_.region is None:
        lines.append(
            f"No closed form is drawn for {plane.optimizer} on "
            f"{plane.x.name} x {plane.y.name}."
        )
    else:
        agree = float(np.mean(theory_.region == ~plane.diverged))
        lines.append(
            "The dashed magenta line bounds the predicted region; the prediction "
            f"and the measured divergence agree on {100 * agree:.1f}% of the cells "
            f"(cells near the line may need more than {plane.steps} steps to show "
            "which side they are on)."
        )
    if theory_.optimal is not None:
        lr_opt, momentum_opt, rate = theory_.optimal
        measured = theory_.measured_rate
        lines.append(
            f"The optimal heavy-ball pair (gold star): lr = {lr_opt:.4g}, β = "
            f"{momentum_opt:.4g}, predicted rate (√κ − 1)/(√κ + 1) = {rate:.4f} per "
            f"step; measured on a run there: "
            f"{'—' if measured is None else f'{measured:.4f}'}."
        )
    return " ".join(lines)


def under_the_map(plane, basins, theory_, surface) -> list[tuple[str, str]]:
    """What the page says under the map, as (element, text): the theory (a plane)
    or the minima its starts reach (a basin map)."""
    if basins is None:
        return theory_blocks(plane, theory_)
    return basins_blocks(plane, basins, surface)


def theory_blocks(plane, theory_: Theory | None) -> list[tuple[str, str]]:
    """The plane's theory section, as (element, text)."""
    blocks = [
        ("subheader", "Theory: exact on quadratics"),
        ("markdown", THEORY_INTRO),
        ("latex", THEORY_LATEX),
    ]
    if theory_ is None:
        return [*blocks, ("caption", NO_THEORY)]
    return [*blocks, ("markdown", theory_text(plane, theory_))]


def basins_blocks(plane, basins, surface) -> list[tuple[str, str]]:
    """Under a basin map, as (element, text): the minima most starts end in, what
    diverged and what did not settle."""
    rows = basin_rows(plane, basins, sweep_figures.LEGEND_MINIMA)
    blocks = []
    if rows:
        table = tables.markdown_table(rows, align_right=("starts ending here",))
        blocks.append(("markdown", table))
    blocks.append(("caption", basins_caption(plane, basins)))
    if surface.name == "linear_net":
        blocks.append(("markdown", LINEAR_NET))
    return blocks


def basin_rows(plane, basins, most: int) -> list[dict]:
    """The `most` minima most starts end in, with their share of the starts."""
    minimum_label = sweep_figures.minimum_label
    total = plane.final_loss.size
    chosen = sorted(basins.minima, key=lambda m: -m.count)[:most]
    return [
        {
            "minimum": minimum_label(minimum),
            "starts ending here": f"{100 * minimum.count / total:.1f}%",
        }
        for minimum in chosen
    ]


def basins_caption(plane, basins) -> str:
    diverged = float(np.mean(plane.diverged))
    unsettled = float(np.mean(basins.labels == -1))
    return (
        f"{len(basins.minima)} minima reached; {100 * diverged:.1f}% of the starts "
        f"diverged, {100 * unsettled:.1f}% did not settle within {plane.steps} steps."
    )


def downloads(view, values: dict, heatmap: dict, link: str, plane, basins):
    """The page's two downloads: (label, data, file name, mime) each; the HTML is
    titled by the Gallery preset the page was opened from, if any."""
    from ui.presets import BY_KEY

    preset = BY_KEY[view.preset] if view.preset else None
    title = preset.title if preset else "Descent Lab: " + describe(values)
    lesson = preset.lesson if preset else ""
    return (
        (
            "Heat map (HTML, works offline)",
            lambda: export.standalone_html(
                {**heatmap, "frames": []}, title, lesson, link
            ),
            "descent-lab-sweep.html",
            "text/html",
        ),
        (
            "Every cell (CSV)",
            lambda: plane.to_csv(None if basins is None else basins.labels),
            "descent-lab-sweep.csv",
            "text/csv",
        ),
    )

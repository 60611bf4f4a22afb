"""The Stochastic page's configuration and pictures: full batch vs minibatch vs online
SGD on an empirical risk, from the same start.

Each panel is the Playground's animated trajectory figure with four additions: the
current minibatch's own loss contours, redrawn every frame (the surface the step
actually descends, which fluctuates from batch to batch), the points where an epoch
begins, the averaged iterate, and for linear regression the region of confusion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import contourpy
import numpy as np

import landscapes
import optimizers
from landscapes.linear_regression import confusion_region
from optimizers import schedules
from optimizers.averaging import NAMES as AVERAGES
from ui import codec, export, figures, limits, tables
from ui.state import Field, Link, PageState, cap_batch

SURFACES = ("linear_regression", "logistic_regression")
# The data's ranges, the empirical risks' own (both have the same).
DATA = landscapes.parameter_ranges(SURFACES[0])
MAX_POINTS = limits.STOCHASTIC_POINTS.value
MAX_STEPS = limits.STOCHASTIC_STEPS.value  # every frame carries its batch's contours
CONTOUR_GRID = limits.BATCH_CONTOUR_GRID.value  # per side: a batch's contour grid
CONTOUR_LEVELS = 5
AXIS_TITLES = {
    "linear_regression": ("slope θ₁", "intercept θ₂"),
    "logistic_regression": ("weight w₁", "weight w₂"),
}

# An epoch's mark is drawn only this share of the view's larger side away from the
# last one drawn: a diamond of 8 px is about 2% of a panel's ~350 px plot, and
# closer marks smear into a black band (logistic regression, batch 10: 40 epochs
# 0.3% to 1.4% of the view apart).
EPOCH_MARK_GAP = 0.02


def _schedule_setting(name: str, default: float, **kw) -> Field:
    low, high, whole = codec.schedule_range(name)
    return Field(name, "int" if whole else "float", default, low, high, **kw)


FIELDS = (
    Field("surface", "choice", "linear_regression", choices=SURFACES),
    Field(
        "n_points",
        "int",
        50,
        int(DATA["n_points"][0]),
        MAX_POINTS,
        limit=limits.STOCHASTIC_POINTS,
    ),
    Field("noise", "float", 0.5, *DATA["noise"]),
    Field("data_seed", "int", 0, *map(int, DATA["seed"])),
    Field("optimizer", "choice", "sgd", choices=tuple(optimizers.names())),
    Field("lr", "float", 0.1, 1e-5, 10.0),
    Field("batch", "int", 5, 1, MAX_POINTS, limit=limits.STOCHASTIC_POINTS),
    Field("steps", "int", 200, 1, MAX_STEPS, limit=limits.STOCHASTIC_STEPS),
    Field("schedule", "choice", "constant", choices=schedules.NAMES),
    _schedule_setting("decay_rate", 0.05),
    _schedule_setting("gamma", 0.5),
    Field("step_size", "int", 50, 1, MAX_STEPS, limit=limits.STOCHASTIC_STEPS),
    Field("average", "choice", "polynomial", choices=("none", *AVERAGES)),
    Field("seed", "int", 0, 0, 2**31 - 1),
    Field("start", "pair", None, -1e3, 1e3),
)


def settle(values: dict, notices: list[str], link: Link) -> None:
    """A batch no larger than the data; no start: the data's default start."""
    cap_batch(values, notices)
    if values["start"] is None:
        values["start"] = tuple(map(float, surface_of(values).default_start))


PAGE = PageState("sto.", FIELDS, settle)


@dataclass
class Panel:
    """One of the three runs: its label, batch size (None: full batch) and result."""

    label: str
    batch_size: int | None
    result: optimizers.RunResult


def surface_of(values: dict) -> landscapes.EmpiricalRisk:
    return landscapes.get(
        values["surface"],
        n_points=values["n_points"],
        noise=values["noise"],
        seed=values["data_seed"],
    )


def schedule_of(values: dict) -> schedules.Schedule:
    return schedules.Schedule(
        name=values["schedule"],
        decay_rate=values["decay_rate"],
        gamma=values["gamma"],
        step_size=values["step_size"],
    )


def start_of(values: dict, surface) -> tuple[float, float]:
    return surface.default_start if values["start"] is None else values["start"]


def panels(values: dict) -> list[Panel]:
    """Full batch, minibatch and online (batch 1) runs with the same settings."""
    surface = surface_of(values)
    n = surface.n_examples
    average = None if values["average"] == "none" else values["average"]
    chosen = [
        ("full batch", None),
        (f"minibatch of {values['batch']}", values["batch"]),
        ("online (batch 1)", 1),
    ]
    out = []
    for label, batch in chosen:
        result = optimizers.run(
            values["optimizer"],
            surface,
            start=start_of(values, surface),
            steps=values["steps"],
            lr=values["lr"],
            schedule=schedule_of(values),
            seed=values["seed"],
            batch_size=None if batch in (None, n) else batch,
            average=average,
            average_start=values["steps"] // 2,
        )
        out.append(Panel(label, batch, result))
    return out


def contour_levels(surface, resolution: int = CONTOUR_GRID) -> tuple[np.ndarray, ...]:
    """(xs, ys, levels): the grid a batch's loss is traced on, and the loss values the
    contours are drawn at (log-spaced over the full loss in view, so every batch's
    lines are read against the same scale)."""
    (x0, x1), (y0, y1) = surface.bounds
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.value(X, Y)
    low = max(float(Z.min()), 1e-12)
    high = float(np.quantile(Z, 0.6))
    return xs, ys, np.geomspace(low * 1.05, max(high, low * 2), CONTOUR_LEVELS)


def contour_lines(generator, levels, decimals: int) -> tuple[list, list]:
    """x and y of every contour line at `levels`, lines separated by None, rounded to
    `decimals` (display only: every frame carries them)."""
    x_out: list = []
    y_out: list = []
    for level in levels:
        for line in generator.lines(level):
            x_out.extend(np.round(line[:, 0], decimals).tolist() + [None])
            y_out.extend(np.round(line[:, 1], decimals).tolist() + [None])
    return x_out, y_out


def panel_figure(
    surface, panel: Panel, start, height: int = 480, image: str | None = None
) -> dict:
    """The animated figure of one run, with its batch contours, epochs, average;
    `image` is the surface's contour picture (drawn here if not given)."""
    result = panel.result
    figure = figures.trajectory_figure(
        surface,
        [result.path],
        [panel.label],
        [result.diverged_at],
        start,
        height=height,
        image=image,
    )
    # Small panels: the page names each panel and explains its marks in a caption,
    # so the legend's room goes to the plot.
    layout = figure["layout"]
    layout["showlegend"] = False
    layout["margin"]["t"] = 30
    plot_height = layout["height"] - 30 - layout["margin"]["b"]
    controls = figures.play_controls([], plot_height)  # placed for the new margin
    layout["updatemenus"][0]["y"] = controls["updatemenus"][0]["y"]
    layout["sliders"][0]["y"] = controls["sliders"][0]["y"]
    # The step counter sits just above the plot, in the top margin: at its top left
    # corner it covered the start marker (the default start is there).
    (_, _), (_, y1) = surface.bounds
    counter = next(t for t in figure["data"] if t.get("name") == "step counter")
    counter.update(y=[y1], textposition="top right", cliponaxis=False)
    first, second = AXIS_TITLES.get(surface.name, ("a", "b"))
    layout["xaxis"]["title"] = {"text": first}
    layout["yaxis"]["title"] = {"text": second}
    data, frames = figure["data"], figure["frames"]
    if result.average_path is not None:
        data.append(
            {
                "type": "scatter",
                "x": result.average_path[:, 0].tolist(),
                "y": result.average_path[:, 1].tolist(),
                "mode": "lines",
                "name": "averaged iterate",
                "line": {"color": "white", "width": 2, "dash": "dot"},
                "hoverinfo": "skip",
            }
        )
    if result.batches is not None:
        starts = result.batches.epoch_starts
        starts = starts[starts < len(result.path)]
        kept = epoch_marks(result.path[starts], surface.bounds)
        data.append(
            {
                "type": "scatter",
                "x": result.path[starts[kept], 0].tolist(),
                "y": result.path[starts[kept], 1].tolist(),
                "customdata": (kept + 1).tolist(),
                "mode": "markers",
                "name": "epoch starts",
                "marker": {"symbol": "diamond", "size": 8, "color": "black"},
                "hovertemplate": "epoch %{customdata} starts<extra></extra>",
            }
        )
    if surface.name == "linear_regression":
        boundary, rho = confusion_region(surface)
        data.append(
            {
                "type": "scatter",
                "x": boundary[:, 0].tolist(),
                "y": boundary[:, 1].tolist(),
                "mode": "lines",
                "name": f"region of confusion (ρ = {rho:.3g})",
                "line": {"color": "#ff69b4", "width": 2},
                "hoverinfo": "skip",
            }
        )
    if result.batches is not None and len(result.batches):
        xs, ys, levels = contour_levels(surface)
        X, Y = np.meshgrid(xs, ys)
        # 1/500 of the view: under a pixel at the panels' size.
        (x0, x1), (y0, y1) = surface.bounds
        decimals = max(0, 3 - math.ceil(math.log10(max(x1 - x0, y1 - y0) * 2)))
        index = len(data)
        data.append(
            {
                "type": "scatter",
                "x": [],
                "y": [],
                "mode": "lines",
                "name": "this step's minibatch loss",
                "line": {"color": "rgba(255, 255, 255, 0.85)", "width": 1},
                "hoverinfo": "skip",
            }
        )
        for k, frame in enumerate(frames):
            step = min(k, len(result.batches) - 1)
            Z = surface.batch_values(X, Y, result.batches[step])
            generator = contourpy.contour_generator(xs, ys, Z)
            x_line, y_line = contour_lines(generator, levels, decimals)
            frame["data"].append({"x": x_line, "y": y_line})
            frame["traces"] = [*frame["traces"], index]
        data[index].update(frames[0]["data"][-1])
    return figure


def epoch_marks(points: np.ndarray, bounds, gap: float = EPOCH_MARK_GAP) -> np.ndarray:
    """Indices of the epoch starts `points` (in order) to mark: the first, then
    each one at least `gap` of the view's larger side from the last one marked, so
    that marks never pile up where the path slows down."""
    (x0, x1), (y0, y1) = bounds
    least = gap * max(x1 - x0, y1 - y0)
    kept: list[int] = []
    for i, point in enumerate(np.asarray(points, dtype=float)):
        if not np.all(np.isfinite(point)):
            continue
        if not kept or math.dist(point, points[kept[-1]]) >= least:
            kept.append(i)
    return np.array(kept, dtype=int)


def epochs_run(result: optimizers.RunResult) -> int:
    """The epochs a run's steps make: a full-batch step is one whole epoch."""
    steps = len(result.lr)
    if result.batches is None:
        return steps
    return result.batches.epoch(steps - 1) + 1 if steps else 0


def summary_rows(surface, panels_: list[Panel]) -> list[dict]:
    """The table under the panels: each run's final loss, distance to θ* (and its
    averaged iterate's), epochs and divergence."""
    rows = []
    for panel in panels_:
        result = panel.result
        final = result.average_path[-1] if result.average_path is not None else None
        rows.append(
            {
                "run": panel.label,
                "final loss": tables.number(result.final_loss),
                "distance to θ*": tables.number(
                    surface.distance_to_nearest_minimum(*result.final)
                ),
                "averaged: distance to θ*": tables.number(
                    None
                    if final is None
                    else surface.distance_to_nearest_minimum(*final)
                ),
                "epochs": tables.number(epochs_run(result)),
                "diverged at step": tables.number(result.diverged_at),
            }
        )
    return rows


def follower(figure: dict) -> dict:
    """A panel without its own ▶ Play, ❚❚ Pause and scrubber: on the page it follows
    the first panel's (ui.listeners.figure_followers), so the panels stay in step.
    The figure keeps its height, so the panels' plots line up."""
    layout = {
        key: value
        for key, value in figure["layout"].items()
        if key not in ("updatemenus", "sliders")
    }
    return {**figure, "layout": layout}


def epoch_shapes(panels_: list[Panel]) -> list[dict]:
    """Vertical dotted lines on the loss plot where each minibatch run's epochs
    begin, in the run's colour."""
    shapes = []
    for i, panel in enumerate(panels_):
        batches = panel.result.batches
        if batches is None:
            continue
        for k in batches.epoch_starts[1:]:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": int(k),
                    "x1": int(k),
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": figures.color(i), "width": 1, "dash": "dot"},
                }
            )
    return shapes


def step_size_sums(result: optimizers.RunResult) -> tuple[float, float]:
    """(Σ η_k, Σ η_k²) over the run's steps."""
    return float(np.sum(result.lr)), float(np.sum(result.lr**2))


def page_data(values: dict):
    """(surface, panels, panel figures, loss figure): everything the page draws."""
    surface = surface_of(values)
    runs = panels(values)
    start = start_of(values, surface)
    image = figures.surface_image(surface)  # one picture for every panel
    panel_figures = [panel_figure(surface, panel, start, image=image) for panel in runs]
    loss = figures.loss_gap_figure(
        [p.result.loss for p in runs],
        [p.label for p in runs],
        surface.min_value,
        height=360,
        titles=("full training loss − L(θ*)", "full training loss"),
    )
    loss["layout"]["shapes"] = epoch_shapes(runs)
    loss["layout"]["showlegend"] = True
    loss["layout"]["legend"] = {"orientation": "h", "y": -0.25}
    loss["layout"]["margin"]["b"] = 90
    return surface, runs, panel_figures, loss


# The page's text, beside the numbers it explains.
EXPLANATION = (
    "Each step descends the loss of one **minibatch** $B_k$ — drawn without "
    "replacement, a fresh shuffle each **epoch** (one pass over the data) — "
    "rather than the full training loss. The white lines in the middle and right "
    "panels are that step's own loss surface; under ▶ Play they move with every "
    "batch."
)
UPDATE_LATEX = (
    r"\theta_{k+1} = \theta_k - \eta_k\,\frac{1}{|B_k|}\sum_{i \in B_k} "
    r"\nabla \ell_i(\theta_k)"
)
AVERAGE_LABELS = {
    "none": "none",
    "swa": "SWA (uniform, second half)",
    "polynomial": "polynomial decay (γ = 3)",
}
ROBBINS_MONRO = (
    "SGD converges to θ* when $\\sum_k \\eta_k = \\infty$ (the steps can reach "
    "anywhere) and $\\sum_k \\eta_k^2 < \\infty$ (the noise they carry dies out)."
)
CONFUSION_LATEX = (
    r"\|\nabla L(\theta)\| = \|2M(\theta - \theta^*)\| \le \rho",
    r"\rho = \sqrt{\tfrac1N \textstyle\sum_i \|\nabla \ell_i(\theta^*)\|^2}",
    r"M = \tfrac1N \textstyle\sum_i (x_i, 1)(x_i, 1)^\top",
)


def panels_caption(values: dict, surface) -> str:
    """What the panels' marks mean."""
    marks = [
        "★ is θ*, the full loss's minimizer, on the full loss's contours",
        "white lines: the loss of the batch this step uses",
        "◆ where an epoch begins (where they would crowd, only marks "
        f"{100 * EPOCH_MARK_GAP:g}% of the view apart; hover for the epoch)",
    ]
    if values["average"] != "none":
        marks.append("dotted white: the averaged iterate")
    if surface.name == "linear_regression":
        marks.append("pink: the region of confusion")
    return (
        "; ".join(marks)
        + ". ▶ Play and the slider under the first panel move all three to the same "
        "step: the animation runs in your browser."
    )


def confusion_text(surface) -> str:
    """The region of confusion, with this data's ρ."""
    _, rho = confusion_region(surface)
    return (
        "**Region of confusion** (pink): where the full gradient is smaller than "
        f"the spread of the examples' gradients at θ*, ρ = {rho:.4g}. Inside it a "
        "single example's step can point anywhere; constant-lr SGD keeps bouncing "
        "there, a decaying lr lets it settle."
    )


def robbins_monro_rows(schedule: schedules.Schedule, result) -> tuple[list, str]:
    """The table of Σ ηₖ and Σ ηₖ² (this run's, and in the limit), and its caption."""
    infinite, finite_squares, why = schedules.robbins_monro(schedule)
    sums = step_size_sums(result)
    rows = [
        {
            "": "this run's partial sum",
            "Σ ηₖ": tables.number(sums[0]),
            "Σ ηₖ²": tables.number(sums[1]),
        },
        {
            "": "as k → ∞",
            "Σ ηₖ": "∞ ✓" if infinite else "finite ✗",
            "Σ ηₖ²": "finite ✓" if finite_squares else "∞ ✗",
        },
    ]
    return rows, f"{schedule.name}: {why}."


def downloads(query: dict, panels_: list[Panel], panel_figures: list) -> tuple:
    """The page's three downloads (see ui.widgets.export_buttons)."""
    labels = [panel.label for panel in panels_]
    results = [panel.result for panel in panels_]
    return (
        (
            "Minibatch panel (HTML, plays offline)",
            panel_figures[1],
            "descent-lab-stochastic.html",
        ),
        (
            "Paths (CSV)",
            lambda: export.paths_csv(labels, results),
            "descent-lab-stochastic.csv",
        ),
        (
            "Paths (JSON)",
            lambda: export.paths_json(query, labels, results),
            "descent-lab-stochastic.json",
        ),
    )

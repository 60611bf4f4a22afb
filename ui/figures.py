"""Plotly figures for the pages, built as plain dicts (no per-frame validation).

The animated trajectory figure sends each path once as a static faint line; its frames
update only small traces (each run's head and a short tail, and a "step k" counter). The
scrubber has at most SLIDER_STOPS positions: plotly.js draws every slider step as a tick
and a label, and 1,001 of them took the browser 2 s, a third of the time to first figure;
Play still shows every step. The surface is a PNG under
``layout.images`` rather than a contour trace: plotly.js drops a contour trace from view
while frames that touch only scatter traces play, and an image stays.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import sample_colorscale

import optimizers
from landscapes.base import Landscape
from ui import limits

PALETTE = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4")
TAIL = 8  # points in each run's animated tail
DISPLAY_DIGITS = 5  # paths and frames keep 1e-5 of the plot's width (display only)
FRAME_MS = 30
PATH_OPACITY = 0.7  # whole paths, under the animated heads
CLICK_GRID = 21  # invisible clickable points per side (a click snaps to the nearest)
SLIDER_STOPS = 101  # scrubber positions, at most (plus the initial frame)
FRAMES_RECIPE = "descent_lab_frames"  # layout.meta key: frames the browser builds
CONTROLS_BELOW = 56  # px from the plot's bottom edge to the Play/Pause buttons
BUTTON_ROW = 36  # px from the buttons' top to the scrubber's, under them
SLIDER_PAD_TOP = 6  # px from the scrubber's top to its rail


# plotly.js rejects the promise of an animation that another one interrupts (❚❚ Pause,
# a scrubber click during ▶ Play) with `undefined`, and its own buttons and scrubber
# never handle it: each Pause was an "Uncaught (in promise) undefined" page error.
# Their Plots module is not reachable from outside (window.Plotly.Plots is a copy),
# so this marks such a rejection as handled when it comes: `undefined`, within a
# second of figure `gd` reporting an interrupted animation. Every figure listener
# (ui.widgets) and the offline export (ui.export) run it on their figure:
# QUIET_INTERRUPTIONS_JS.replace("GRAPH_DIV", <the figure's JavaScript name>).
QUIET_INTERRUPTIONS_JS = """
    ((gd) => {
      if (!window.descentLabQuiet) {
        window.descentLabQuiet = { interrupted: -Infinity };
        window.addEventListener("unhandledrejection", (event) => {
          const since = performance.now() - window.descentLabQuiet.interrupted;
          if (event.reason === undefined && since < 1000) event.preventDefault();
        });
      }
      gd.on("plotly_animationinterrupted", () => {
        window.descentLabQuiet.interrupted = performance.now();
      });
    })(GRAPH_DIV);
"""

# Every log axis labels each tick, a decade or a digit between decades, with this
# d3 format: plain numbers with thousands grouped (2,000; 0.02; 0.000001), exponent
# form only outside 1e-6 ... 999,999 (1e-16). With a tickformat set plotly.js formats
# all log ticks with it; without one it writes the digits between decades as a bare
# "2" or "5" and other ticks with SI prefixes (100μ, 1n, 1T).
LOG_TICKFORMAT = ",~g"


def value_axis(log: bool, **settings) -> dict:
    """A plotly axis, logarithmic with plain-number ticks (`LOG_TICKFORMAT`) or
    linear; `settings` are the axis's other attributes."""
    if log:
        return {**settings, "type": "log", "tickformat": LOG_TICKFORMAT}
    return {**settings, "type": "linear"}


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _lut(name: str = "Viridis", size: int = 256) -> np.ndarray:
    samples = sample_colorscale(name, np.linspace(0, 1, size), colortype="tuple")
    return (np.array(samples) * 255).round().astype(np.uint8)


_VIRIDIS = _lut()


def log_levels(values: np.ndarray, floor: float) -> np.ndarray:
    """log10(f - floor + δ), δ scaled to the data, finite everywhere: the colour scale
    of every surface figure (surfaces span many decades)."""
    finite = values[np.isfinite(values)]
    spread = float(finite.max() - floor) if finite.size else 1.0
    delta = max(spread * 1e-6, 1e-12)
    return np.log10(
        np.clip(
            np.nan_to_num(values, nan=finite.max() if finite.size else 0.0) - floor,
            0.0,
            None,
        )
        + delta
    )


def png_data_uri(rgb: np.ndarray) -> str:
    """An (rows, columns, 3) uint8 array, row 0 at the bottom (y min), as a PNG
    data URI for ``layout.images``."""
    image = Image.fromarray(
        np.ascontiguousarray(rgb[::-1])
    )  # row 0 of a PNG is the top
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def surface_image(
    surface: Landscape, resolution: int = limits.SURFACE_GRID.value, bands: int = 28
) -> str:
    """The surface over its bounds as a banded (contour-like) PNG data URI; where f
    is not finite (a typed log(x) at x <= 0), grey diagonal stripes."""
    _, _, Z = surface.grid(resolution)
    defined = np.isfinite(Z)
    finite = Z[defined]
    if finite.size == 0:
        return png_data_uri(undefined_stripes(Z.shape))
    levels = log_levels(Z, float(finite.min()))
    low, high = float(levels[defined].min()), float(levels[defined].max())
    scaled = (levels - low) / (high - low) if high > low else np.zeros_like(levels)
    banded = np.floor(scaled * bands) / bands  # bands read as filled contours
    rgb = _VIRIDIS[np.clip((banded * 255).astype(int), 0, 255)]
    rgb[~defined] = undefined_stripes(Z.shape)[~defined]
    return png_data_uri(rgb)


UNDEFINED_NOTE = "Grey stripes: where f(x, y) is undefined or infinite."


def undefined_stripes(shape: tuple[int, int], width: int = 6) -> np.ndarray:
    """Light and dark grey diagonal stripes, (rows, columns, 3) uint8: the colour of
    "f is not defined here", unlike any colour of the scale."""
    rows, columns = np.indices(shape)
    light = ((rows + columns) // width) % 2 == 0
    rgb = np.empty((*shape, 3), dtype=np.uint8)
    rgb[light] = (222, 222, 222)
    rgb[~light] = (160, 160, 160)
    return rgb


def _display_decimals(bounds) -> int:
    (x0, x1), (y0, y1) = bounds
    width = max(x1 - x0, y1 - y0)
    return max(0, DISPLAY_DIGITS - int(math.floor(math.log10(width))))


def _rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    """Short JSON numbers for display-only traces (the exports keep full precision)."""
    return np.round(values, decimals)


def slider_stops(n_frames: int, initial_frame: int = 0) -> list[int]:
    """The frames the scrubber can stop at: evenly spaced, at most SLIDER_STOPS of them,
    always the first, the last and `initial_frame`."""
    stride = max(1, math.ceil((n_frames - 1) / (SLIDER_STOPS - 1)))
    return sorted(set(range(0, n_frames, stride)) | {n_frames - 1, initial_frame})


def minima_label(surface: Landscape) -> str:
    """What the stars are: a typed surface's were found numerically, in its view."""
    return "lowest minima in view" if surface.name == "custom" else "global minima"


def _minima_trace(surface: Landscape, size: int, **extra) -> dict:
    """Gold stars on every global minimum."""
    return {
        "type": "scatter",
        "x": surface.minima[:, 0].tolist(),
        "y": surface.minima[:, 1].tolist(),
        "mode": "markers",
        "marker": {
            "symbol": "star",
            "size": size,
            "color": "gold",
            "line": {"color": "black", "width": 1},
        },
        **extra,
    }


def _start_trace(start: tuple[float, float], size: int, **extra) -> dict:
    """A white cross, outlined, on the start point."""
    return {
        "type": "scatter",
        "x": [start[0]],
        "y": [start[1]],
        "mode": "markers",
        "marker": {
            "symbol": "x",
            "size": size,
            "color": "white",
            "line": {"color": "black", "width": 1},
        },
        **extra,
    }


def _legend_rows(names: list[str], width: float = 450.0) -> int:
    """Rows a horizontal legend of `names` takes at `width` px (overestimated: ~7.5 px
    per character and 40 px per entry at plotly's 12 px font, every entry as wide as
    the longest: plotly.js put one long entry per row where the widths of the
    entries themselves would have fitted two, and the last row was cut off)."""
    if not names:
        return 1
    entry = 40 + 7.5 * max(len(name) for name in names)
    per_row = max(1, int(width // entry))
    return math.ceil(len(names) / per_row)


def _counter_position(bounds) -> tuple[float, float]:
    (x0, x1), (y0, y1) = bounds
    return x0 + 0.02 * (x1 - x0), y1 - 0.04 * (y1 - y0)


def trajectory_figure(
    surface: Landscape,
    paths: list[np.ndarray],
    labels: list[str],
    diverged_at: list[int | None],
    start: tuple[float, float],
    height: int = 620,
    image: str | None = None,
    initial_frame: int = 0,
    arrows: list[list[tuple[str, np.ndarray]]] | None = None,
    notes: list[list[str]] | None = None,
    extra_legend: tuple[str, ...] = (),
    undefined_at: list[int | None] | None = None,
    frames_in_browser: bool = False,
    companions: list[tuple[int, str, np.ndarray]] | None = None,
) -> dict:
    """An animated contour view: every path, with Play/Pause and a step scrubber that
    run in the browser. `paths[i]` is (len_i, 2); a run that diverged ends early,
    marked "diverged at step k", or "f undefined at step k" where `undefined_at[i]`
    says its step k landed where f is not defined.

    `arrows[i]`, when given, is run i's list of (label, vectors): vectors[k] is drawn
    as an arrow from path[k] in every frame k (see `internals_arrows`), so the arrows
    follow Play and the scrubber. `notes[i][k]`, when given, is a line shown under the
    step counter in frame k (see `effective_lr_notes`); none once run i has ended.
    `extra_legend` names the traces a caller will add, so the legend's rows fit.
    `companions` are (run i, label, points) that move with run i, drawn dashed in
    its colour with their own tail and head (an optimizer's `positions`: ASGD's
    average, Schedule-Free's x and z, a simplex's vertices; see `companion_paths`).

    With `frames_in_browser` (and no arrows or notes) the figure carries no frames
    but a recipe in ``layout.meta`` (FRAMES_RECIPE): the page's figure listener
    (ui.listeners.FRAMES_HANDLER) builds the frames from the path traces, as
    `with_frames` does here. Frames are ~90% of a 1,000-step figure's JSON (0.94 MB
    with them, 0.10 MB without); building and sending them was the largest part of
    a Playground rerun's server CPU."""
    companions = companions or []
    # Each moving thing: (run whose colour it takes, label, points, is a companion).
    movers = [
        (i, label, path, False)
        for i, (path, label) in enumerate(zip(paths, labels, strict=True))
    ]
    movers += [(i, label, points, True) for i, label, points in companions]
    n_frames = max(len(points) for _, _, points, _ in movers)
    decimals = _display_decimals(surface.bounds)
    data = [_click_grid(surface.bounds, decimals)]
    # Coordinates rounded for display, as two flat lists per run: the whole path's
    # trace and every frame's tail are slices of them.
    shown = [_rounded(points, decimals).T.tolist() for _, _, points, _ in movers]
    path_traces = []
    legend_labels = set()  # a run's companions share one legend entry
    for (i, label, _, companion), (xs, ys) in zip(movers, shown, strict=True):
        path_traces.append(len(data))
        trace = _path_trace(i, xs, ys, label, companion)
        trace["showlegend"] = label not in legend_labels
        legend_labels.add(label)
        data.append(trace)
    if len(surface.minima):
        data.append(_minima_trace(surface, 16, name=minima_label(surface)))
    data.append(_start_trace(start, 12, name="start"))
    animated = []
    for i, label, points, companion in movers:
        for trace in _head_traces(i, points[0], label, companion):
            animated.append(len(data))
            data.append(trace)
    arrow_traces = []  # (trace index, path, vectors)
    for i, run_arrows in enumerate(arrows or []):
        for kind, (label, vectors) in enumerate(run_arrows):
            arrow_traces.append((len(data), paths[i], vectors))
            animated.append(len(data))
            data.append(_arrow_trace(i, kind, label))
    animated.append(len(data))
    data.append(_counter_trace(surface.bounds, bool(notes)))
    initial_frame = min(max(initial_frame, 0), n_frames - 1)
    recipe = None
    if frames_in_browser and not arrow_traces and not notes:
        recipe = {
            "paths": path_traces,
            "traces": animated,
            "steps": n_frames,
            "tail": TAIL,
        }
        first_frame = _frame(shown, initial_frame)
    else:
        frames = [
            {
                "name": str(k),
                "data": _frame(shown, k, arrow_traces, notes, decimals),
                "traces": animated,
            }
            for k in range(n_frames)
        ]
        first_frame = frames[initial_frame]["data"]
    for trace_index, frame_trace in zip(animated, first_frame, strict=True):
        data[trace_index].update(frame_trace)
    annotations = _ending_notes(
        surface.bounds, paths, labels, diverged_at, undefined_at or [None] * len(paths)
    )
    stops = slider_stops(n_frames, initial_frame)
    legend_names = [
        *labels,
        *dict.fromkeys(label for _, label, _ in companions),
        *extra_legend,
        minima_label(surface),
        "start",
    ]
    layout = _trajectory_layout(surface, legend_names, height, image)
    plot_height = layout.pop("plot_height")
    layout["annotations"] = annotations
    layout.update(play_controls(stops, plot_height, active=stops.index(initial_frame)))
    if recipe is not None:
        layout["meta"] = {FRAMES_RECIPE: recipe}
        return {"data": data, "layout": layout}
    return {"data": data, "layout": layout, "frames": frames}


def _click_grid(bounds, decimals: int) -> dict:
    """Invisible points everywhere: a click on the figure selects the nearest one,
    which is how the page learns where to start."""
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(
        np.linspace(x0, x1, CLICK_GRID), np.linspace(y0, y1, CLICK_GRID)
    )
    return {
        "type": "scatter",
        "x": _rounded(gx.ravel(), decimals).tolist(),
        "y": _rounded(gy.ravel(), decimals).tolist(),
        "mode": "markers",
        "marker": {"size": 12, "opacity": 0},
        "showlegend": False,
        "hovertemplate": "start here: (%{x:.3g}, %{y:.3g})<extra></extra>",
        "name": "click to start",
    }


def _path_trace(
    i: int, xs: list, ys: list, label: str, companion: bool = False
) -> dict:
    """Run i's whole path, faint: the animated tail and head run along it (a
    companion's dashed, in run i's colour)."""
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "name": label,
        "legendgroup": str(i),
        "line": {
            "color": color(i),
            "width": 2,
            "dash": "dash" if companion else "solid",
        },
        "opacity": PATH_OPACITY,
        "hoverinfo": "skip",
    }


def _head_traces(
    i: int, first: np.ndarray, label: str, companion: bool = False
) -> tuple[dict, dict]:
    """Run i's animated tail (a thick line) and head (a marker), at its start; a
    companion's tail is dashed and its head an open diamond."""
    common = {"showlegend": False, "legendgroup": str(i), "x": [first[0]]}
    tail = {
        **common,
        "type": "scatter",
        "y": [first[1]],
        "mode": "lines",
        "hoverinfo": "skip",
        "line": {
            "color": color(i),
            "width": 2 if companion else 4,
            "dash": "dash" if companion else "solid",
        },
    }
    marker = {"size": 13, "color": color(i), "line": {"color": "white", "width": 2}}
    if companion:
        marker = {"size": 11, "color": color(i), "symbol": "diamond-open-dot"}
    head = {
        **common,
        "type": "scatter",
        "y": [first[1]],
        "mode": "markers",
        "name": label,
        "marker": marker,
    }
    return tail, head


def companion_paths(results) -> list[tuple[int, str, np.ndarray]]:
    """The points that move with each run (its optimizer's spec `positions`, read
    from the run's recorded state) as `trajectory_figure`'s companions: frame 0 is
    the run's start, frame k the quantity after step k. Runs recorded without
    state give none."""
    companions = []
    for i, result in enumerate(results):
        spec = optimizers.spec(result.optimizer)
        drawn = [quantity for quantity in spec.positions if quantity in result.state]
        # One label for all of a run's (one legend entry: "1. Nelder–Mead: vertex_1,
        # vertex_2, vertex_3").
        label = f"{i + 1}. {spec.title}: {', '.join(drawn)}"
        for quantity in drawn:
            points = np.vstack([result.path[:1], result.state[quantity]])
            companions.append((i, label, points))
    return companions


def _arrow_trace(i: int, kind: int, label: str) -> dict:
    """Run i's arrow number `kind` (see `internals_arrows`), filled in per frame."""
    return {
        "type": "scatter",
        "x": [],
        "y": [],
        "mode": "lines+markers",
        "name": f"{i + 1}: {label}",
        "legendgroup": str(i),
        "showlegend": False,
        "hoverinfo": "skip",
        "line": {
            "color": "black" if kind == 0 else color(i),
            "width": 4 if kind == 1 else 2,
            "dash": "solid" if kind < 2 else "dot",
        },
        "marker": {
            "symbol": "arrow",
            "angleref": "previous",
            "size": [0, 14],
            "color": "black" if kind == 0 else color(i),
        },
    }


def _counter_trace(bounds, notes: bool) -> dict:
    """The "step k" counter in the plot's corner (and each frame's notes under it)."""
    counter_x, counter_y = _counter_position(bounds)
    return {
        "type": "scatter",
        "x": [counter_x],
        "y": [counter_y],
        "mode": "text",
        "text": ["step 0"],
        # Notes hang below the counter's line instead of centring on it.
        "textposition": "bottom right" if notes else "middle right",
        "textfont": {
            "size": 12 if notes else 16,
            "color": "black",
            "shadow": "0 0 3px white",
        },
        "showlegend": False,
        "hoverinfo": "skip",
        "name": "step counter",
    }


def _ending_notes(bounds, paths, labels, diverged_at, undefined_at) -> list[dict]:
    """ "<run> diverged at step k" (or "f undefined at step k") where a run ended,
    inside the view."""
    (x0, x1), (y0, y1) = bounds
    annotations = []
    for i, (path, k) in enumerate(zip(paths, diverged_at, strict=True)):
        if k is None:
            continue
        x, y = path[-1]
        why = "f undefined" if undefined_at[i] == k else "diverged"
        annotations.append(
            {
                "x": min(max(x, x0), x1),
                "y": min(max(y, y0), y1),
                "text": f"{labels[i]} {why} at step {k}",
                "showarrow": True,
                "arrowcolor": color(i),
                "font": {"color": "white", "size": 14},
                "bgcolor": color(i),
            }
        )
    return annotations


def _trajectory_layout(surface, legend_names: list[str], height: int, image) -> dict:
    """The contour view's layout without its controls, with "plot_height" (the
    plot's own height, for the controls) to pop."""
    (x0, x1), (y0, y1) = surface.bounds
    # Fixed margins (autoexpand off): legend, buttons and slider pushing the margins
    # out made plotly.js lay the figure out twice, ~0.6 s in the browser.
    top = 24 + 30 * _legend_rows(legend_names)
    # The controls' two rows (buttons, then the scrubber) take BUTTON_ROW more than
    # one row did: the figure grows by it and the plot keeps its height.
    height += BUTTON_ROW
    bottom = 130 + BUTTON_ROW
    plot_height = max(height - top - bottom, 100)
    return {
        "height": height,
        "margin": {"l": 50, "r": 20, "t": top, "b": bottom, "autoexpand": False},
        "hoverdistance": -1,  # the nearest click point answers wherever one clicks
        "xaxis": {
            "range": [x0, x1],
            "constrain": "domain",
            "title": {"text": "x"},
            "showgrid": False,
            "zeroline": False,
        },
        "yaxis": {
            "range": [y0, y1],
            "title": {"text": "y"},
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",  # equal units: gradients look perpendicular to contours
            "scaleratio": 1,
            "constrain": "domain",
        },
        "legend": {"orientation": "h", "y": 1 + 12 / plot_height, "yanchor": "bottom"},
        "images": [image_under(image or surface_image(surface), surface.bounds)],
        "plot_height": plot_height,
    }


def _frame(
    shown: list[list[list[float]]],
    k: int,
    arrow_traces=(),
    notes: list[list[str]] | None = None,
    decimals: int = 0,
):
    """Frame k's trace updates (`shown`: each run's [xs, ys]). Each run gives its
    last TAIL+1 points (the tail) and the head: a fixed amount of data per frame, so
    a figure grows linearly with the steps. A run that ended stays at its last
    point."""
    frame_data = []
    for xs, ys in shown:
        last = min(k, len(xs) - 1)
        first = max(0, last - TAIL)
        frame_data.append({"x": xs[first : last + 1], "y": ys[first : last + 1]})
        frame_data.append({"x": [xs[last]], "y": [ys[last]]})
    for _, path, vectors in arrow_traces:
        frame_data.append(_arrow_at(path, vectors, k, decimals))
    lines = [f"step {k}"]
    lines += [run_notes[k] for run_notes in notes or [] if k < len(run_notes)]
    frame_data.append({"text": ["<br>".join(lines)]})
    return frame_data


def with_frames(figure: dict) -> dict:
    """`figure` with its frames: as it is if it has them, else built from its recipe
    (see trajectory_figure's `frames_in_browser`) as the browser builds them. For
    exports and tests; the recipe is dropped."""
    layout = figure.get("layout", {})
    recipe = (
        layout.get("meta", {}).get(FRAMES_RECIPE) if "frames" not in figure else None
    )
    if recipe is None:
        return figure
    data = figure["data"]
    shown = [[data[i]["x"], data[i]["y"]] for i in recipe["paths"]]
    frames = [
        {"name": str(k), "data": _frame(shown, k), "traces": recipe["traces"]}
        for k in range(recipe["steps"])
    ]
    meta = {key: value for key, value in layout["meta"].items() if key != FRAMES_RECIPE}
    layout = {key: value for key, value in layout.items() if key != "meta"}
    if meta:
        layout["meta"] = meta
    return {**figure, "layout": layout, "frames": frames}


def image_under(source: str, bounds) -> dict:
    """A layout image filling the axes' `bounds`, under the traces."""
    (x0, x1), (y0, y1) = bounds
    return {
        "source": source,
        "xref": "x",
        "yref": "y",
        "x": x0,
        "y": y1,
        "sizex": x1 - x0,
        "sizey": y1 - y0,
        "sizing": "stretch",
        "layer": "below",
    }


def play_controls(
    stops,
    plot_height: float,
    below: float = CONTROLS_BELOW,
    frame_ms: int = FRAME_MS,
    active: int = 0,
) -> dict:
    """Layout ``updatemenus`` (▶ Play, ❚❚ Pause) and ``sliders`` (a scrubber over the
    frames named by `stops`), all in the browser: the buttons `below` px under the
    plot (of `plot_height` px), and the scrubber under them across the plot's whole
    width. Side by side, the Pause button covered the scrubber's handle wherever the
    figure was narrow (a Neural net column, a Stochastic panel)."""
    buttons_y = -below / plot_height
    slider_y = -(below + BUTTON_ROW) / plot_height
    still = {"duration": 0, "redraw": False}
    slider_steps = [
        {
            "method": "animate",
            "label": str(k),
            "args": [
                [str(k)],
                {"mode": "immediate", "frame": still, "transition": {"duration": 0}},
            ],
        }
        for k in stops
    ]
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": buttons_y,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 0, "r": 0, "b": 0, "l": 0},
                "showactive": False,
                "buttons": [
                    {
                        "label": "▶ Play",
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": frame_ms, "redraw": False},
                                "transition": {"duration": 0},
                                "fromcurrent": True,
                                "mode": "immediate",
                            },
                        ],
                    },
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [
                            [None],
                            {
                                "frame": still,
                                "mode": "immediate",
                                "transition": {"duration": 0},
                            },
                        ],
                    },
                ],
            }
        ],
        "sliders": [
            {
                "active": active,
                "x": 0.0,
                "len": 1.0,
                "y": slider_y,
                "yanchor": "top",
                "pad": {"t": SLIDER_PAD_TOP, "r": 0, "b": 0, "l": 0},
                # The counter on the plot follows every frame; this label would lag.
                "currentvalue": {"visible": False},
                "transition": {"duration": 0},
                "steps": slider_steps,
            }
        ],
    }


def sharpness_figure(
    sharpness: list[np.ndarray],
    limits: list[np.ndarray | None],
    labels: list[str],
    height: int = 300,
) -> dict:
    """λmax of the Hessian at every iterate (solid), against the largest λmax at
    which each run's step is stable (dashed, where theory gives one): the edge of
    stability (Cohen et al. 2021)."""
    data = []
    for i, (values, limit, label) in enumerate(
        zip(sharpness, limits, labels, strict=True)
    ):
        data.append(
            {
                "type": "scatter",
                "y": values.tolist(),
                "mode": "lines",
                "name": f"{label}: λmax",
                "line": {"color": color(i)},
            }
        )
        if limit is not None:
            data.append(
                {
                    "type": "scatter",
                    "y": np.where(np.isfinite(limit), limit, np.nan).tolist(),
                    "mode": "lines",
                    "name": f"{label}: stable below",
                    "line": {"color": color(i), "dash": "dash"},
                }
            )
    finite = np.concatenate([v[np.isfinite(v)] for v in sharpness] + [np.ones(1)])
    return {
        "data": data,
        "layout": {
            "height": height,
            "title": {"text": "sharpness λmax (solid) and its stable limit (dashed)"},
            "margin": {"l": 55, "r": 20, "t": 40, "b": 45, "autoexpand": False},
            "xaxis": {"title": {"text": "step"}},
            "yaxis": value_axis(bool(finite.min() > 0)),
            "showlegend": False,
        },
    }


def series_figure(
    series: list[np.ndarray],
    labels: list[str],
    title: str,
    log: bool,
    height: int = 260,
    legend: bool = False,
    runs: list[int] | None = None,
) -> dict:
    """Lines over the step index, one per run (loss, gradient norm, lr). With
    `legend`, a legend under the plot names them (for a chart with no figure beside
    it whose legend gives the colours). `runs[i]` is the run whose colour line i
    takes (default: line i is run i)."""
    runs = list(range(len(series))) if runs is None else runs
    data = [
        {
            "type": "scatter",
            "y": s.tolist(),
            "mode": "lines",
            "name": label,
            "line": {"color": color(run)},
        }
        for s, label, run in zip(series, labels, runs, strict=True)
    ]
    figure = {
        "data": data,
        "layout": {
            "height": height,
            "title": {"text": title},
            "margin": {"l": 55, "r": 20, "t": 40, "b": 45, "autoexpand": False},
            "xaxis": {"title": {"text": "step"}},
            "yaxis": value_axis(log),
            "showlegend": False,
        },
    }
    return legend_below(figure) if legend else figure


# px per row of a horizontal legend, and between the x axis's title and the legend:
# room for lecturer mode's 15 px figure type too (at 12 px a row takes ~20 px).
LEGEND_ROW = 26
LEGEND_GAP = 10


def legend_below(figure: dict, width: float = 450.0) -> dict:
    """`figure` with a legend naming each of its traces, in rows where its bottom
    margin (the x axis's labels and title) ends. The figure grows by the legend's
    rows, so the plot itself keeps its height."""
    layout = figure["layout"]
    names = [t["name"] for t in figure["data"] if t.get("showlegend", True)]
    rows = _legend_rows(names, width)
    margin = layout["margin"]
    plot_height = layout["height"] - margin["t"] - margin["b"]
    layout["height"] += LEGEND_ROW * rows + LEGEND_GAP
    layout["margin"] = {**margin, "b": margin["b"] + LEGEND_ROW * rows + LEGEND_GAP}
    layout["showlegend"] = True
    layout["legend"] = {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": -(margin["b"] + LEGEND_GAP) / plot_height,
        "yanchor": "top",
    }
    return figure


def loss_gap(loss: np.ndarray, min_value: float) -> tuple[np.ndarray, bool]:
    """(values to plot, log scale?): f - f* on a log axis when f* is known, else f."""
    if math.isfinite(min_value):
        return np.maximum(loss - min_value, 1e-16), True
    return loss, False


def loss_gap_figure(
    losses: list,
    labels: list[str],
    min_value: float,
    height: int = 260,
    titles: tuple[str, str] = ("f − f*", "f"),
    **kw,
) -> dict:
    """The runs' loss over the steps: f - f* on a log axis when the surface's
    minimum f* is known (`titles[0]`), else f (`titles[1]`); `kw`: `series_figure`'s,
    e.g. legend."""
    gaps = [loss_gap(loss, min_value) for loss in losses]
    log_scale = all(log for _, log in gaps)
    return series_figure(
        [gap for gap, _ in gaps],
        labels,
        titles[0] if log_scale else titles[1],
        log_scale,
        height=height,
        **kw,
    )


def surface_3d_figure(
    surface: Landscape, paths: list[np.ndarray], labels: list[str], height: int = 520
) -> dict:
    """The surface (log-scaled height) with every path lifted onto it."""
    xs, ys, Z = surface.grid(120)
    floor = float(Z[np.isfinite(Z)].min())
    # Holes where f is undefined (None in JSON), not a plateau at the top.
    heights = np.where(np.isfinite(Z), log_levels(Z, floor), np.nan)
    data = [
        {
            "type": "surface",
            "x": xs.tolist(),
            "y": ys.tolist(),
            "z": heights.tolist(),
            "colorscale": "Viridis",
            "showscale": False,
            "opacity": 0.9,
        }
    ]
    for i, (path, label) in enumerate(zip(paths, labels, strict=True)):
        z = log_levels(surface.value(path[:, 0], path[:, 1]), floor)
        data.append(
            {
                "type": "scatter3d",
                "x": path[:, 0].tolist(),
                "y": path[:, 1].tolist(),
                "z": (z + 0.02).tolist(),
                "mode": "lines",
                "name": label,
                "line": {"color": color(i), "width": 5},
            }
        )
    return {
        "data": data,
        "layout": {
            "height": height,
            "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
            "scene": {
                "xaxis": {"title": {"text": "x"}},
                "yaxis": {"title": {"text": "y"}},
                "zaxis": {"title": {"text": "log f"}},
            },
        },
    }


def small_multiples(
    surface: Landscape,
    paths: list[np.ndarray],
    titles: list[str],
    start: tuple[float, float],
    image: str | None = None,
    columns: int = 3,
    panel_height: int = 300,
) -> dict:
    """One panel per run on the same surface, same axes and colour scale."""
    (x0, x1), (y0, y1) = surface.bounds
    image = image or surface_image(surface)
    rows = -(-len(paths) // columns)
    gap = 0.04
    # Between rows: room for the x tick labels above and the next panel's title.
    row_gap = 48 / max(panel_height * rows - 60, 1)
    width = (1 - gap * (columns - 1)) / columns
    height = (1 - row_gap * (rows - 1)) / rows
    data, images, annotations = [], [], []
    layout = {
        "height": panel_height * rows,
        "showlegend": False,
        "margin": {"l": 30, "r": 10, "t": 30, "b": 30, "autoexpand": False},
    }
    for index, (path, title) in enumerate(zip(paths, titles, strict=True)):
        row, col = divmod(index, columns)
        suffix = "" if index == 0 else str(index + 1)
        left = col * (width + gap)
        top = 1 - row * (height + row_gap)
        layout[f"xaxis{suffix}"] = {
            "domain": [left, left + width],
            "range": [x0, x1],
            "anchor": f"y{suffix}",
            "showgrid": False,
            "zeroline": False,
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [top - height, top],
            "range": [y0, y1],
            "anchor": f"x{suffix}",
            "showgrid": False,
            "zeroline": False,
        }
        images.append(
            {
                "source": image,
                "xref": f"x{suffix}",
                "yref": f"y{suffix}",
                "x": x0,
                "y": y1,
                "sizex": x1 - x0,
                "sizey": y1 - y0,
                "sizing": "stretch",
                "layer": "below",
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": path[:, 0].tolist(),
                "y": path[:, 1].tolist(),
                "mode": "lines+markers",
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "name": title,
                "line": {"color": "white", "width": 1.5},
                "marker": {"size": 3, "color": "white"},
            }
        )
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "hoverinfo": "skip"}
        data.append(_start_trace(start, 10, **axes))
        if len(surface.minima):
            data.append(_minima_trace(surface, 12, **axes))
        annotations.append(
            {
                "text": f"<b>{title}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": left + width / 2,
                "y": top,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14},
            }
        )
    layout["images"] = images
    layout["annotations"] = annotations
    return {"data": data, "layout": layout}


ARROW_FRACTION = 0.12  # direction arrows are this fraction of the plot's width


def internals_at(surface: Landscape, result, k: int) -> dict | None:
    """What the optimizer saw and did at step k: the gradient, the step taken, its
    buffer (momentum/velocity/first moment, when it has one) and the effective
    per-coordinate learning rate step_i / (-∂f/∂θ_i). None past the path's end."""
    if k >= len(result.path) - 1:
        return None
    point = result.path[k]
    gradient = np.array(surface.grad(point[0], point[1]))
    step = result.path[k + 1] - point
    name = _buffer_name(result)
    buffer = None if name is None else (name, result.state[name][k])
    return {
        "point": point,
        "gradient": gradient,
        "step": step,
        "effective_lr": _effective_lr(step, gradient),
        "buffer": buffer,
    }


def _effective_lr(step: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """step_i / (-∂f/∂θ_i), per coordinate (NaN where that gradient component is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gradient != 0, step / -gradient, np.nan)


def effective_lr_notes(surface: Landscape, result, label: str) -> list[str]:
    """Per step k, run `label`'s effective learning rate per coordinate
    step_i / (-∂f/∂θ_i) as a line of text: the learning rate itself for gradient
    descent, a different one per coordinate where an adaptive method rescales."""
    points = result.path[:-1]
    gradient = np.stack(surface.grad(points[:, 0], points[:, 1]), axis=-1)
    rates = _effective_lr(np.diff(result.path, axis=0), gradient)
    return [f"{label}: lr per coordinate {_short(a)}, {_short(b)}" for a, b in rates]


def _short(value: float) -> str:
    return f"{value:.2e}" if math.isfinite(value) else "—"


def internals_arrows(surface: Landscape, result) -> list[tuple[str, np.ndarray]]:
    """Arrows for every step k of a run, drawn from path[k]: −∇f and the optimizer's
    buffer as directions (a fixed ARROW_FRACTION of the plot's width), and the step
    actually taken at its true length."""
    (x0, x1), (y0, y1) = surface.bounds
    length = ARROW_FRACTION * max(x1 - x0, y1 - y0)
    points = result.path[:-1]
    gradient = np.stack(surface.grad(points[:, 0], points[:, 1]), axis=-1)
    arrows = [
        ("−∇f (direction)", -_directions(gradient) * length),
        ("step taken", np.diff(result.path, axis=0)),
    ]
    name = _buffer_name(result)
    if name is not None:
        arrows.append((f"{name} (direction)", _directions(result.state[name]) * length))
    return arrows


def _buffer_name(result) -> str | None:
    """The recorded state slot that is the optimizer's step buffer, if it has one."""
    for name in ("velocity", "momentum_buffer", "exp_avg", "direction"):
        if name in result.state:
            return name
    return None


def _directions(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors along `vectors` (rows of zeros or non-finite stay zero)."""
    norms = np.hypot(vectors[:, 0], vectors[:, 1])[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        units = vectors / norms
    return np.where(np.isfinite(units), units, 0.0)


def _arrow_at(path: np.ndarray, vectors: np.ndarray, k: int, decimals: int) -> dict:
    """The frame update of one arrow trace at step k: [tail, tip], or nothing where
    the run has no step k (it ended) or the vector is zero."""
    if k >= len(vectors) or not np.any(vectors[k]):
        return {"x": [], "y": []}
    tail = path[k]
    tip = tail + vectors[k]
    xs = _rounded(np.array([tail[0], tip[0]]), decimals).tolist()
    ys = _rounded(np.array([tail[1], tip[1]]), decimals).tolist()
    return {"x": xs, "y": ys}


class Prebuilt(go.Figure):
    """A figure given as a finished plotly.js dict, for `st.plotly_chart`.

    `st.plotly_chart(dict)` rebuilds the dict as a validated `go.Figure`, which for
    1,000 frames took 4.5 s of the 6 s a Playground rerun cost. A Figure is taken as
    already valid and only its `to_dict()` is read, so this one returns the dict as is.
    The figure builders here are the validation: tests render their output in Chromium.
    `go.Figure.__init__` is not run: it deep-copies the default template, 7% of a
    Playground rerun's server time for four figures, and nothing reads it here.
    """

    def __init__(self, spec: dict):  # no super().__init__(), on purpose
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def resized(figure: dict, height: int) -> dict:
    """`figure` (a finished plotly.js dict) at another `height` in px, a new dict:
    legends, buttons, sliders and paper-anchored notes placed above or below the plot
    area (paper y outside 0-1, set in px by the builders) keep their distance from it
    in px. Lecturer mode sizes cached figures to the screen with it."""
    layout = figure["layout"]
    margin = layout.get("margin", {})
    vertical = margin.get("t", 100) + margin.get("b", 80)
    old = max(layout.get("height", 450) - vertical, 1)
    new = max(height - vertical, 1)

    def moved(item: dict) -> dict:
        y = item.get("y")
        if not isinstance(y, int | float) or 0 <= y <= 1:
            return item
        edge = 0 if y < 0 else 1
        return {**item, "y": edge + (y - edge) * old / new}

    layout = {**layout, "height": int(height)}
    if "legend" in layout:
        layout["legend"] = moved(layout["legend"])
    for name in ("updatemenus", "sliders"):
        if name in layout:
            layout[name] = [moved(item) for item in layout[name]]
    if "annotations" in layout:
        layout["annotations"] = [
            moved(a) if a.get("yref") == "paper" else a for a in layout["annotations"]
        ]
    return {**figure, "layout": layout}


def natural_height(figure: dict, width: float) -> float | None:
    """The height in px at which `figure`, drawn `width` px wide, has a plot area
    exactly as tall as its equal units need (None if its axes are not tied by
    `scaleanchor`, or have no ranges)."""
    layout = figure["layout"]
    xaxis, yaxis = layout.get("xaxis", {}), layout.get("yaxis", {})
    if yaxis.get("scaleanchor") != "x" or "range" not in xaxis or "range" not in yaxis:
        return None
    (x0, x1), (y0, y1) = xaxis["range"], yaxis["range"]
    margin = layout.get("margin", {})
    plot_width = width - margin.get("l", 80) - margin.get("r", 80)
    ratio = abs(y1 - y0) / abs(x1 - x0) * yaxis.get("scaleratio", 1)
    return plot_width * ratio + margin.get("t", 100) + margin.get("b", 80)

"""The Sweep page's pictures, as plain plotly.js dicts: the heat map of a plane (one
outcome per cell, diverged cells in one dark colour, the theory drawn on top), the
chosen cell's run on the surface, and its curves.

A plane's per-cell arrays go to the browser as plotly.js typed arrays (float32,
base64: ``{"dtype": "f4", "bdata": ..., "shape": "ny,nx"}``): a 512 x 512 plane is
262,144 cells, and as JSON numbers its figure took 2.5 s to build and 7 MB; as
typed arrays it is a few milliseconds. The CSV export keeps full precision.
"""

from __future__ import annotations

import base64
import math

import numpy as np

from ui import figures

DIVERGED = "#111111"  # every diverged cell, on every outcome but the score
NOT_REACHED = "#c8c8c8"  # cells with no value (tolerance not reached, not settled)
THEORY = "#ff00ff"  # the predicted region's boundary
BOUND = "#00c853"  # gradient descent's lr bound 2/λmax
# Colorbrewer's RdBu, blue for converging (score < 0), red for diverging (> 0).
SCORE_SCALE = [
    [0.0, "#053061"],
    [0.25, "#4393c3"],
    [0.5, "#f7f7f7"],
    [0.75, "#d6604d"],
    [1.0, "#67001f"],
]
# Basins: one colour per minimum (cycled past 12), distinct from black and grey.
BASIN_COLOURS = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#bfef45",
    "#fabed4",
    "#469990",
    "#dcbeff",
    "#9a6324",
)
LEGEND_MINIMA = 12  # minima named in a basin map's legend (the most visited first)


def typed(values, dtype: str = "f4") -> dict:
    """`values` as a plotly.js typed array (NaN stays NaN: a gap in a heat map)."""
    array = np.ascontiguousarray(values, dtype="<" + dtype)
    return {
        "dtype": dtype,
        "bdata": base64.b64encode(array.tobytes()).decode("ascii"),
        "shape": ",".join(str(n) for n in array.shape),
    }


def decode(spec) -> np.ndarray:
    """A typed array back as NumPy (what plotly.js reads), or a list as an array."""
    if isinstance(spec, dict) and "bdata" in spec:
        shape = tuple(int(n) for n in spec["shape"].split(","))
        raw = base64.b64decode(spec["bdata"])
        return np.frombuffer(raw, dtype="<" + spec["dtype"]).reshape(shape)
    return np.array(spec, dtype=float)


def significant(values: np.ndarray, digits: int = 3) -> list:
    """`values` as a nested list of floats with `digits` significant digits (None
    for NaN): short JSON for display."""
    flat = np.asarray(values, dtype=float).ravel()
    text = np.char.mod(f"%.{digits}g", flat)
    out = [None if t == "nan" else float(t) for t in text.tolist()]
    return np.array(out, dtype=object).reshape(np.shape(values)).tolist()


def _rounded(values: np.ndarray, decimals: int = 3) -> list:
    """Short JSON numbers for small display-only arrays (None for non-finite)."""
    array = np.round(np.asarray(values, dtype=float), decimals).astype(object)
    array[~np.isfinite(np.asarray(values, dtype=float))] = None
    return array.tolist()


def _axis_text(name: str) -> str:
    return {"beta1": "β₁", "beta2": "β₂", "momentum": "momentum β"}.get(name, name)


def outcome_values(plane, outcome: str, basins=None) -> dict:
    """The heat map's z for `outcome`, with its colour scale and colour-bar title:
    {z, colorscale, zmin, zmax, title, diverged_overlay}."""
    diverged = plane.diverged
    surface = plane.landscape
    if outcome == "score":
        return {
            "z": typed(plane.score),
            "colorscale": SCORE_SCALE,
            "zmin": -1.0,
            "zmax": 1.0,
            "title": "score",
            "overlay": False,
        }
    if outcome == "loss":
        if math.isfinite(surface.min_value):
            gap = np.maximum(plane.final_loss - surface.min_value, 1e-16)
            z = np.where(diverged, np.nan, np.log10(gap))
            title = "log₁₀(f − f*)"
        else:
            z = np.where(diverged, np.nan, plane.final_loss)
            title = "final f"
        return {
            "z": typed(z),
            "colorscale": "Viridis",
            "zmin": None,
            "zmax": None,
            "title": title,
            "overlay": True,
        }
    if outcome == "steps":
        steps = plane.steps_to_tolerance.astype(float)
        z = np.where((steps < 0) | diverged, np.nan, steps)
        return {
            "raw": z,
            "z": typed(z),
            "colorscale": "Viridis",
            "zmin": 0,
            "zmax": None,
            "title": "steps to tolerance",
            "overlay": True,
        }
    if outcome == "diverged":
        return {
            "z": typed(diverged),
            "colorscale": [
                [0, "#9ecae1"],
                [0.5, "#9ecae1"],
                [0.5, DIVERGED],
                [1, DIVERGED],
            ],
            "zmin": 0,
            "zmax": 1,
            "title": "diverged",
            "overlay": False,
            "ticks": {"tickvals": [0.25, 0.75], "ticktext": ["no", "yes"]},
        }
    if outcome == "basin":
        labels = basins.labels
        n = len(BASIN_COLOURS)
        lookup = np.array(colour_indices(basins, plane.landscape) + [0]) % n
        z = np.where(labels >= 0, lookup[np.maximum(labels, 0)], np.nan)
        scale = []
        for i, colour in enumerate(BASIN_COLOURS):
            scale += [[i / n, colour], [(i + 1) / n, colour]]
        return {
            "raw": z,
            "z": typed(z),
            "colorscale": scale,
            "zmin": -0.5,
            "zmax": n - 0.5,
            "title": "basin",
            "overlay": True,
            "showscale": False,
        }
    if outcome == "sharpness":
        z = np.where(diverged, np.nan, final_sharpness_ratio(plane))
        return {
            "z": typed(z),
            "colorscale": SCORE_SCALE,
            "zmin": 0.0,
            "zmax": 2.0,
            "title": "λmax·lr/2",
            "overlay": True,
        }
    raise ValueError(f"unknown outcome {outcome!r}")


def final_sharpness_ratio(plane) -> np.ndarray:
    """λmax of the Hessian at each run's final point, times lr/2: above 1 the final
    point is too sharp for gradient descent with this lr to stay (NaN where the
    optimizer has no lr)."""
    from optimizers import planes

    lr = plane.hyperparameters.get("lr")
    final = np.where(plane.diverged[..., None], 0.0, plane.final)
    sharp = planes.sharpness(plane.landscape, final)
    if lr is None:
        return np.full(plane.final_loss.shape, np.nan)
    return sharp * lr / 2


def _hover(plane) -> tuple[dict, str]:
    """customdata per cell and the hover template: the axis values, f − f* (or f),
    steps to tolerance and the divergence step."""
    surface = plane.landscape
    known = math.isfinite(surface.min_value)
    loss = plane.final_loss - surface.min_value if known else plane.final_loss
    loss = np.where(plane.diverged, np.nan, loss)
    data = np.stack(
        [loss, plane.steps_to_tolerance, plane.diverged_at], axis=-1
    ).astype(float)
    x_name, y_name = _axis_text(plane.x.name), _axis_text(plane.y.name)
    template = (
        f"{x_name} = %{{x:.4g}}<br>{y_name} = %{{y:.4g}}<br>"
        + ("f − f*" if known else "f")
        + " = %{customdata[0]:.3g}<br>steps to tolerance: %{customdata[1]}"
        " (−1: not reached)<br>diverged at step: %{customdata[2]} (−1: never)"
        "<extra></extra>"
    )
    return typed(data), template


def heatmap_figure(
    plane,
    outcome: str,
    basins=None,
    theory=None,
    selected: tuple[int, int] | None = None,
    height: int = 560,
    revision: str = "",
) -> dict:
    """The plane as a heat map of `outcome`, every cell's numbers on hover, diverged
    cells dark with "diverged at step k", and (when given) the theory's predicted
    boundary, GD's bound 2/λmax, the optimal heavy-ball pair and the chosen cell.
    `revision` keeps the browser's zoom while the same plane is shown."""
    xs, ys = plane.x.values, plane.y.values
    shown = outcome_values(plane, outcome, basins)
    custom, template = _hover(plane)
    main = {
        "type": "heatmap",
        # Exact axis values (at most 512 each): a click reports the cell's own.
        "x": xs.tolist(),
        "y": ys.tolist(),
        "z": shown["z"],
        "colorscale": shown["colorscale"],
        "customdata": custom,
        "hovertemplate": template,
        "name": outcome,
        "showscale": shown.get("showscale", True),
        "colorbar": {"title": {"text": shown["title"], "side": "right"}, "len": 0.8},
        "hoverongaps": False,
    }
    main["colorbar"].update(shown.get("ticks", {}))
    for bound in ("zmin", "zmax"):
        if shown[bound] is not None:
            main[bound] = shown[bound]
    data = [main]
    empty = ~plane.diverged & ~np.isfinite(np.asarray(shown.get("raw", 0.0)))
    if outcome in ("steps", "basin") and empty.any():
        # Runs that did not reach the tolerance (or settle): grey, read on hover.
        data.append(
            {
                "type": "heatmap",
                "x": main["x"],
                "y": main["y"],
                "z": typed(np.where(empty, 1.0, np.nan)),
                "colorscale": [[0, NOT_REACHED], [1, NOT_REACHED]],
                "showscale": False,
                "hovertemplate": (
                    f"{_axis_text(plane.x.name)} = %{{x:.4g}}<br>"
                    f"{_axis_text(plane.y.name)} = %{{y:.4g}}<br>"
                    + (
                        f"not within the tolerance in {plane.steps} steps"
                        if outcome == "steps"
                        else f"at no minimum after {plane.steps} steps"
                    )
                    + "<extra></extra>"
                ),
                "name": "no value",
                "hoverongaps": False,
            }
        )
    if shown["overlay"] and plane.diverged.any():
        data.append(
            {
                "type": "heatmap",
                "x": main["x"],
                "y": main["y"],
                # z is the divergence step, drawn in one colour, read on hover.
                "z": typed(np.where(plane.diverged, plane.diverged_at, np.nan)),
                "colorscale": [[0, DIVERGED], [1, DIVERGED]],
                "showscale": False,
                "hovertemplate": (
                    f"{_axis_text(plane.x.name)} = %{{x:.4g}}<br>"
                    f"{_axis_text(plane.y.name)} = %{{y:.4g}}<br>"
                    "<b>diverged at step %{z}</b><extra></extra>"
                ),
                "name": "diverged",
                "hoverongaps": False,
            }
        )
    # On the score map diverged cells are its red side; elsewhere one dark colour.
    legend = [] if outcome == "score" else [("diverged", DIVERGED, "square")]
    if outcome == "steps":
        legend.append(("tolerance not reached", NOT_REACHED, "square"))
    if outcome == "basin":
        legend.append(("did not settle", NOT_REACHED, "square"))
    for name, colour, symbol in legend:
        data.append(_legend_entry(name, colour, symbol))
    if basins is not None and outcome == "basin":
        data.extend(_minima_markers(basins, plane.landscape))
    if plane.kind == "starts":
        data.append(_contours(plane))
        circle = stability_circle(plane)
        if circle is not None:
            data.append(circle)
    if theory is not None:
        data.extend(_theory_traces(plane, theory))
    if selected is not None:
        row, col = selected
        data.append(
            {
                "type": "scatter",
                "x": [float(xs[col])],
                "y": [float(ys[row])],
                "mode": "markers",
                "name": "chosen cell",
                "marker": {
                    "symbol": "square-open",
                    "size": 16,
                    "color": "white",
                    "line": {"width": 3, "color": "white"},
                },
                "hoverinfo": "skip",
            }
        )
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 10, "t": 70, "b": 50},
        "plot_bgcolor": "white",
        "uirevision": revision,
        "dragmode": "zoom",
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "xaxis": _axis_layout(plane.x),
        "yaxis": _axis_layout(plane.y),
    }
    if plane.kind == "starts":
        layout["yaxis"]["scaleanchor"] = "x"
        layout["yaxis"]["scaleratio"] = 1
        layout["xaxis"]["constrain"] = layout["yaxis"]["constrain"] = "domain"
    return {"data": data, "layout": layout}


def cell_edges(axis) -> list[float]:
    """The axis range the heat map's cells fill exactly (half a cell past the first
    and last values), in the axis's own units (log10 on a log axis, as plotly.js
    takes a log axis's range)."""
    values = np.log10(axis.values) if axis.log else axis.values
    half = (values[-1] - values[0]) / max(len(values) - 1, 1) / 2 or 0.5
    return [float(values[0] - half), float(values[-1] + half)]


def _axis_layout(axis) -> dict:
    settings = {
        "title": {"text": _axis_text(axis.name)},
        # Markers near an edge would pad the autorange with empty grey.
        "range": cell_edges(axis),
        "showgrid": False,
        "zeroline": False,
    }
    if not axis.log:
        settings["exponentformat"] = "power"
    return figures.value_axis(axis.log, **settings)


def _legend_entry(name: str, colour: str, symbol: str) -> dict:
    """A legend line for something drawn by a heat map (which has no legend)."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": name,
        "marker": {"symbol": symbol, "size": 12, "color": colour},
        "hoverinfo": "skip",
    }


def basin_colour(index: int) -> str:
    return BASIN_COLOURS[index % len(BASIN_COLOURS)]


def colour_indices(basins, surface) -> list[int]:
    """A colour index per found minimum that does not depend on the run: the
    surface's own global minima keep their place in its list (so Himmelblau's four
    have the same colours under every optimizer), the others follow by position."""
    listed = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    (x0, x1), (y0, y1) = surface.bounds
    near = 1e-3 * max(x1 - x0, y1 - y0)
    indices: dict[int, int] = {}
    for k, minimum in enumerate(basins.minima):
        if len(listed):
            distance = np.hypot(*(listed - np.array(minimum.point)).T)
            if distance.min() <= near:
                indices[k] = int(np.argmin(distance))
    others = sorted(
        (k for k in range(len(basins.minima)) if k not in indices),
        key=lambda k: basins.minima[k].point,
    )
    for rank, k in enumerate(others):
        indices[k] = len(listed) + rank
    return [indices[k] for k in range(len(basins.minima))]


def minimum_label(minimum) -> str:
    x, y = minimum.point
    kind = "global minimum" if minimum.is_global else "minimum"
    return f"{kind} ({x:.3g}, {y:.3g}), f = {minimum.value:.3g}"


def _minima_markers(basins, surface) -> list[dict]:
    """Each minimum at its place, in its basin's colour, named in the legend (the
    LEGEND_MINIMA most visited)."""
    colours = colour_indices(basins, surface)
    order = sorted(range(len(basins.minima)), key=lambda k: -basins.minima[k].count)
    traces = []
    for rank, k in enumerate(order):
        minimum = basins.minima[k]
        traces.append(
            {
                "type": "scatter",
                "x": [minimum.point[0]],
                "y": [minimum.point[1]],
                "mode": "markers",
                "name": minimum_label(minimum),
                "showlegend": rank < LEGEND_MINIMA,
                "marker": {
                    "symbol": "star" if minimum.is_global else "circle",
                    "size": 16 if minimum.is_global else 11,
                    "color": basin_colour(colours[k]),
                    "line": {"color": "black", "width": 1.5},
                },
                "hovertemplate": minimum_label(minimum)
                + f"<br>{minimum.count} starts end here<extra></extra>",
            }
        )
    return traces


def _contours(plane, resolution: int = 120) -> dict:
    """Contour lines of f over the basin map's region (log-spaced, white)."""
    xs = np.linspace(plane.x.low, plane.x.high, resolution)
    ys = np.linspace(plane.y.low, plane.y.high, resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = plane.landscape.value(X, Y)
    finite = Z[np.isfinite(Z)]
    levels = figures.log_levels(Z, float(finite.min()) if finite.size else 0.0)
    return {
        "type": "contour",
        "x": significant(xs, 5),
        "y": significant(ys, 5),
        "z": typed(levels),
        "contours": {"coloring": "lines"},
        "ncontours": 14,
        "colorscale": [[0, "rgba(255,255,255,0.75)"], [1, "rgba(255,255,255,0.75)"]],
        "line": {"width": 1},
        "showscale": False,
        "hoverinfo": "skip",
        "name": "contours of f",
        "showlegend": True,
    }


def stability_circle(plane) -> dict | None:
    """On the two-layer linear net (1 − xy)²/2 with a fixed lr: the circle
    x² + y² = 2/lr. A minimum (x, 1/x) has λmax = x² + y², so gradient descent can
    settle only in the minima inside it."""
    if plane.landscape.name != "linear_net" or "lr" not in plane.hyperparameters:
        return None
    from optimizers import stability

    radius = float(stability.linear_net_stability_radius(plane.hyperparameters["lr"]))
    t = np.linspace(0, 2 * np.pi, 241)
    return {
        "type": "scatter",
        "x": _rounded(radius * np.cos(t), 5),
        "y": _rounded(radius * np.sin(t), 5),
        "mode": "lines",
        "name": "lr·(x² + y²) = 2: minima inside are stable",
        "line": {"color": THEORY, "width": 3, "dash": "dash"},
        "hoverinfo": "skip",
    }


def _theory_traces(plane, theory) -> list[dict]:
    traces = []
    if theory.region is not None and theory.region.any() and not theory.region.all():
        traces.append(
            {
                "type": "contour",
                "x": plane.x.values.tolist(),
                "y": plane.y.values.tolist(),
                "z": typed(theory.region, "u1"),
                "contours": {"coloring": "none", "start": 0.5, "end": 0.5, "size": 1},
                "line": {"color": THEORY, "width": 3, "dash": "dash"},
                "showscale": False,
                "showlegend": True,
                "name": "theory (exact on quadratics)",
                "hoverinfo": "skip",
            }
        )
    for axis, other, flip in ((plane.x, plane.y, False), (plane.y, plane.x, True)):
        if axis.name != "lr":
            continue
        bound = theory.lr_bound
        if not min(axis.low, axis.high) <= bound <= max(axis.low, axis.high):
            continue
        ends = [float(other.values[0]), float(other.values[-1])]
        line = ([bound, bound], ends) if not flip else (ends, [bound, bound])
        traces.append(
            {
                "type": "scatter",
                "x": line[0],
                "y": line[1],
                "mode": "lines",
                "name": f"2/λmax = {bound:.3g} (gradient descent's bound)",
                "line": {"color": BOUND, "width": 3, "dash": "dot"},
                "hoverinfo": "skip",
            }
        )
    if theory.optimal is not None:
        lr, momentum, rate = theory.optimal
        point = {"lr": lr, "momentum": momentum}
        measured = (
            f", measured {theory.measured_rate:.3f}"
            if theory.measured_rate is not None
            else ""
        )
        traces.append(
            {
                "type": "scatter",
                "x": [point[plane.x.name]],
                "y": [point[plane.y.name]],
                "mode": "markers",
                "name": (
                    f"optimal heavy ball (lr {lr:.3g}, β {momentum:.3g}): "
                    f"rate {rate:.3f} predicted{measured}"
                ),
                "marker": {
                    "symbol": "star",
                    "size": 18,
                    "color": "gold",
                    "line": {"color": "black", "width": 1.5},
                },
                "hoverinfo": "name",
            }
        )
    return traces


# --- one cell's run ---------------------------------------------------------------


def path_figure(
    surface,
    result,
    image: str,
    curvature=None,
    point=None,
    circle: dict | None = None,
    height: int = 460,
) -> dict:
    """One run on the surface's contour picture: its path, start (white x), end
    (dot), the global minima; optionally the Hessian's eigen-directions at `point`
    (arrows, longer for the larger |λ|) and the linear net's stability circle."""
    (x0, x1), (y0, y1) = surface.bounds
    path = result.path
    data = [
        {
            "type": "scatter",
            "x": path[:, 0].tolist(),
            "y": path[:, 1].tolist(),
            "mode": "lines+markers",
            "name": "this cell's run",
            "line": {"color": "white", "width": 2},
            "marker": {"size": 3, "color": "white"},
            "hovertemplate": "(%{x:.4g}, %{y:.4g})<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [float(path[-1, 0])],
            "y": [float(path[-1, 1])],
            "mode": "markers",
            "name": "diverged here"
            if result.diverged_at is not None
            else "where it ends",
            "showlegend": False,
            "marker": {
                "size": 12,
                "color": "#e6194b",
                "line": {"color": "white", "width": 2},
            },
        },
    ]
    # The page's caption names these marks; the legend keeps to the run and arrows.
    if len(surface.minima):
        data.append(
            figures._minima_trace(surface, 14, name="global minima", showlegend=False)
        )
    data.append(
        figures._start_trace(tuple(path[0]), 12, name="start", showlegend=False)
    )
    if circle is not None:
        data.append(circle)
    if curvature is not None and point is not None:
        data.extend(eigen_arrows(surface, curvature, point))
    annotations = []
    if result.diverged_at is not None:
        annotations.append(
            {
                "x": min(max(float(path[-1, 0]), x0), x1),
                "y": min(max(float(path[-1, 1]), y0), y1),
                "text": f"diverged at step {result.diverged_at}",
                "showarrow": True,
                "font": {"color": "white", "size": 14},
                "bgcolor": DIVERGED,
            }
        )
    return {
        "data": data,
        "layout": {
            "height": height,
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
            "xaxis": {
                "range": [x0, x1],
                "constrain": "domain",
                "showgrid": False,
                "zeroline": False,
                "title": {"text": "x"},
            },
            "yaxis": {
                "range": [y0, y1],
                "scaleanchor": "x",
                "scaleratio": 1,
                "constrain": "domain",
                "showgrid": False,
                "zeroline": False,
                "title": {"text": "y"},
            },
            "images": [figures.image_under(image, surface.bounds)],
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            "annotations": annotations,
        },
    }


def eigen_arrows(surface, curvature, point, fraction: float = 0.15) -> list[dict]:
    """The Hessian's eigen-directions at `point` as arrows both ways, the larger |λ|
    the longer (the largest a `fraction` of the plot's width), labelled with λ."""
    (x0, x1), (y0, y1) = surface.bounds
    eigenvalues = np.asarray(curvature.eigenvalues, dtype=float)
    vectors = np.asarray(curvature.eigenvectors, dtype=float)
    largest = max(float(np.abs(eigenvalues).max()), 1e-300)
    traces = []
    for i, (value, colour) in enumerate(
        zip(eigenvalues, ("#42d4f4", "#f58231"), strict=True)
    ):
        length = fraction * max(x1 - x0, y1 - y0) * max(abs(value) / largest, 0.25)
        direction = vectors[:, i] * length
        tail = np.array(point) - direction
        tip = np.array(point) + direction
        traces.append(
            {
                "type": "scatter",
                "x": [float(tail[0]), float(point[0]), float(tip[0])],
                "y": [float(tail[1]), float(point[1]), float(tip[1])],
                "mode": "lines+markers",
                "name": f"eigen-direction, λ{'₁₂'[i]} = {value:.3g}",
                "line": {"color": colour, "width": 4},
                "marker": {
                    "symbol": "arrow",
                    "angleref": "previous",
                    "size": [0, 0, 14],
                    "color": colour,
                },
                "hoverinfo": "name",
            }
        )
    return traces


def sharpness_figure(
    sharpness: np.ndarray, limit: np.ndarray | None, name: str, height: int = 300
) -> dict:
    """λmax of the Hessian at each iterate against the largest sharpness the step
    can stand (2/lr for gradient descent): where the curve is above the line the
    run cannot stay (the edge of stability)."""
    data = [
        {
            "type": "scatter",
            "y": _rounded(sharpness, 6),
            "mode": "lines",
            "name": "λmax at the iterate",
            "line": {"color": figures.color(2)},
        }
    ]
    limit = None if limit is None else np.atleast_1d(np.asarray(limit, dtype=float))
    if limit is not None and limit.size:
        # One value per iterate: a step's limit holds at the iterate it starts from.
        n = len(sharpness)
        limit = np.concatenate([limit, np.repeat(limit[-1], max(n - len(limit), 0))])
        limit = limit[:n]
        constant = bool(np.all(limit == limit[0])) if len(limit) else True
        first = float(limit[0]) if len(limit) else float("nan")
        data.append(
            {
                "type": "scatter",
                "y": _rounded(limit, 6),
                "mode": "lines",
                "name": f"{name} = {first:.3g}" if constant else name,
                "line": {"color": "black", "dash": "dash"},
            }
        )
    finite = sharpness[np.isfinite(sharpness)]
    positive = bool(finite.size and np.all(finite > 0))
    return {
        "data": data,
        "layout": {
            "height": height,
            "title": {"text": "sharpness λmax along the path vs the step's limit"},
            "margin": {"l": 55, "r": 20, "t": 40, "b": 45},
            "xaxis": {"title": {"text": "step"}},
            "yaxis": figures.value_axis(positive),
            "legend": {"orientation": "h", "y": -0.3},
        },
    }

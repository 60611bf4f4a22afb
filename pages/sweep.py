"""Sweep: a heat map over a plane of two hyperparameters, or a basin map over start
points, each cell a full run; the theory drawn on it; a clicked cell's run."""

import numpy as np
import streamlit as st

import landscapes
import optimizers
from optimizers import stability
from ui import codec, export, figures, tables
from ui import config as cfg
from ui import state as state_layer
from ui import sweep as sw
from ui import sweep_figures as sf
from ui import widgets as w
from ui.presets import BY_KEY
from ui.router import ensure_navigation

ensure_navigation()

P = "sw."
state = st.session_state
AXIS_KEYS = ("x", "y", "x_low", "x_high", "x_log", "y_low", "y_high", "y_log")
REGION_KEYS = ("bx_low", "bx_high", "by_low", "by_high")


def write_state(values: dict) -> None:
    """Fill the widgets' state from resolved `values` (one mode's keys)."""
    state[P + "mode"] = values["mode"]
    state[P + "surface"] = values["surface"]
    state_layer.write_surface_params(P, sw.surface_of(values).params)
    run = values["run"]
    state[P + "optimizer"] = run.optimizer
    for hyper in optimizers.spec(run.optimizer).hyperparameters:
        if hyper.settable:
            value = run.hyperparameters.get(hyper.name, hyper.default)
            key = f"{P}hp.{run.optimizer}.{hyper.name}"
            state[key] = bool(value) if hyper.kind == "bool" else float(value)
    if values["mode"] == "plane":
        for axis in ("x", "y"):
            state[P + axis] = values[axis]
            state[f"{P}{axis}_low"], state[f"{P}{axis}_high"] = map(
                float, values[f"{axis}_range"]
            )
            state[f"{P}{axis}_log"] = bool(values[f"{axis}_log"])
    else:
        for axis in ("x", "y"):
            low, high = values[f"region_{axis}"]
            state[f"{P}b{axis}_low"], state[f"{P}b{axis}_high"] = (
                float(low),
                float(high),
            )
    state[P + "resolution"] = int(values["resolution"])
    state[P + "steps"] = int(values["steps"])
    state[P + "tolerance"] = float(values["tolerance"])
    surface = sw.surface_of(values)
    state[P + "start_x"], state[P + "start_y"] = map(
        float, sw.start_of(values, surface)
    )
    state[P + "outcome"] = values["outcome"]
    state[P + "cell"] = values["cell"]


def values_from_state() -> dict:
    """The page's values as the widgets hold them (None where a widget has no state
    yet: `sw.resolve` fills in the defaults)."""
    get = state.get
    optimizer = get(P + "optimizer", sw.DEFAULT_RUN.optimizer)
    spec = optimizers.spec(optimizer)
    hyper = {}
    for h in spec.hyperparameters:
        key = f"{P}hp.{optimizer}.{h.name}"
        if h.settable and key in state and state[key] != h.default:
            hyper[h.name] = state[key]
    surface = get(P + "surface", sw.DEFAULT_SURFACE)
    params = state_layer.surface_params_from_state(P, surface)

    def pair(low, high):
        if get(low) is None or get(high) is None:
            return None
        return (state[low], state[high])

    start = pair(P + "start_x", P + "start_y")
    return {
        "mode": get(P + "mode", "plane"),
        "surface": surface,
        "surface_params": params,
        "run": codec.RunConfig(optimizer, hyper),
        "x": get(P + "x"),
        "y": get(P + "y"),
        "x_range": pair(P + "x_low", P + "x_high"),
        "y_range": pair(P + "y_low", P + "y_high"),
        "x_log": get(P + "x_log"),
        "y_log": get(P + "y_log"),
        "region_x": pair(P + "bx_low", P + "bx_high"),
        "region_y": pair(P + "by_low", P + "by_high"),
        "resolution": get(P + "resolution", sw.DEFAULT_RESOLUTION),
        "steps": get(P + "steps", sw.DEFAULT_STEPS),
        "tolerance": get(P + "tolerance", 1e-6),
        "start": start,
        "outcome": get(P + "outcome"),
        "cell": get(P + "cell"),
    }


def forget(*keys) -> None:
    for key in keys:
        state.pop(P + key, None)


def new_surface():
    forget("start_x", "start_y", *REGION_KEYS, "cell", "zoom")
    state_layer.forget_surface_params(P)


def new_typed_surface():
    # a new formula or view: its own start and basin region, no chosen cell
    forget("start_x", "start_y", *REGION_KEYS, "cell", "zoom")


def new_optimizer():
    forget(*AXIS_KEYS, "cell", "zoom")


def new_mode():
    forget("outcome", "cell", "zoom")
    if state[P + "mode"] == "plane" and state[P + "optimizer"] not in (
        sw.plane_optimizers()
    ):
        state[P + "optimizer"] = sw.DEFAULT_RUN.optimizer
        new_optimizer()
    if state[P + "mode"] == "basins":
        settle_for_basins()


def settle_for_basins():
    """Steps (and, if need be, lr) with which most starts settle: a plane's 200
    steps leave most of a basin map grey."""
    values, _ = sw.from_query(sw.query(values_from_state()))
    found = sw.settling_settings(values)
    if found is None:
        return
    steps, run, share = found
    changed = [f"Steps {values['steps']} → {steps}"] if steps != values["steps"] else []
    state[P + "steps"] = steps
    if run != values["run"]:
        lr = run.hyperparameters["lr"]
        before = optimizers.resolve_hyperparameters(
            run.optimizer, values["run"].hyperparameters
        )["lr"]
        changed.append(f"lr {before:g} → {lr:g}")
        state[f"{P}hp.{run.optimizer}.lr"] = float(lr)
    state[P + "settled_note"] = (
        f"{' and '.join(changed)} for the basin map, so that runs can settle: "
        f"{100 * share:.0f}% of a coarse {sw.PROBE_GRID} x {sw.PROBE_GRID} map of "
        "these starts did."
    )


def new_axis(axis):
    forget(f"{axis}_low", f"{axis}_high", f"{axis}_log", "cell", "zoom")
    other = "y" if axis == "x" else "x"
    if state[P + axis] == state.get(P + other):
        forget(other, f"{other}_low", f"{other}_high", f"{other}_log")


def choose_cell(x, y):
    state[P + "cell"] = (x, y)


def zoom_to(x_range, y_range):
    state[P + "zoom"] = (
        None
        if x_range is None and y_range is None
        else (
            x_range,
            y_range,
        )
    )


def recompute_view():
    zoom = state.pop(P + "zoom", None)
    if not zoom:
        return
    names = ("x", "y") if state[P + "mode"] == "plane" else ("bx", "by")
    for name, box in zip(names, zoom, strict=True):
        if box is not None:
            state[f"{P}{name}_low"], state[f"{P}{name}_high"] = sw.short_range(*box)


def zoom_to_edge(box):
    state[P + "zoom"] = box
    recompute_view()


def reset_view():
    keys = AXIS_KEYS[2:] if state[P + "mode"] == "plane" else REGION_KEYS
    forget(*(k for k in keys if not k.endswith("_log")), "zoom")


w.load_page_from_url(P, sw.from_query, write_state)
view = w.page_header(P)
hidden = set(view.hidden)
values, edits = sw.from_query(sw.query(values_from_state()))
write_state(values)
for notice in edits:
    st.warning(w.literal(notice), icon=":material/edit:")
if P + "settled_note" in state:
    st.info(state.pop(P + "settled_note"), icon=":material/tune:")
mode = values["mode"]
FIELD = sw.FIELD

with st.sidebar:
    st.radio(
        "Map",
        sw.MODES,
        key=P + "mode",
        format_func=lambda m: {"plane": "Hyperparameter plane", "basins": "Basins"}[m],
        horizontal=True,
        on_change=new_mode,
    )
    if "surface" not in hidden:
        st.header("Surface")
        st.selectbox(
            "Surface",
            landscapes.names(),
            key=P + "surface",
            format_func=landscapes.title,
            on_change=new_surface,
        )
        w.surface_inputs(P, values["surface"], on_change=new_typed_surface)
    if "runs" not in hidden:
        st.header("Optimizer")
        choices = sw.plane_optimizers() if mode == "plane" else optimizers.names()
        optimizer = st.selectbox(
            "Optimizer", choices, key=P + "optimizer", on_change=new_optimizer
        )
        spec = optimizers.spec(optimizer)
        on_axes = {values["x"], values["y"]} if mode == "plane" else set()
        for hyper in spec.hyperparameters:
            if not hyper.settable or hyper.name in on_axes:
                continue
            key = f"{P}hp.{optimizer}.{hyper.name}"
            if hyper.kind == "bool":
                st.checkbox(hyper.name, key=key, help=hyper.help)
            else:
                low, high = sw.allowed_range(optimizer, hyper.name)
                st.number_input(
                    hyper.name,
                    min_value=low,
                    max_value=high,
                    key=key,
                    format="%g",
                    help=hyper.help,
                )
    st.header("Axes")
    if mode == "plane":
        names = sw.axis_names(values["run"].optimizer)
        for axis in ("x", "y"):
            st.selectbox(
                f"{axis} axis",
                names,
                key=P + axis,
                on_change=new_axis,
                args=(axis,),
            )
            low, high = sw.allowed_range(values["run"].optimizer, values[axis])
            left, right = st.columns(2)
            left.number_input("from", low, high, key=f"{P}{axis}_low", format="%g")
            right.number_input("to", low, high, key=f"{P}{axis}_high", format="%g")
            st.checkbox("log scale", key=f"{P}{axis}_log")
    else:
        surface_bounds = sw.surface_of(values).bounds
        for axis, (low, high) in zip(("x", "y"), surface_bounds, strict=True):
            left, right = st.columns(2)
            left.number_input(
                f"start {axis} from", float(low), float(high), key=f"{P}b{axis}_low"
            )
            right.number_input("to", float(low), float(high), key=f"{P}b{axis}_high")
    st.slider(
        f"Resolution (runs per side, at most {sw.MAX_GRID})",
        2,
        sw.MAX_GRID,
        key=P + "resolution",
    )
    st.slider(
        f"Steps per run (at most {sw.MAX_STEPS})", 1, sw.MAX_STEPS, key=P + "steps"
    )
    st.number_input(
        "tolerance on f − f*",
        FIELD["tolerance"].low,
        FIELD["tolerance"].high,
        key=P + "tolerance",
        format="%g",
    )
    if mode == "plane" and "start" not in hidden:
        (x0, x1), (y0, y1) = sw.surface_of(values).bounds
        left, right = st.columns(2)
        left.number_input(
            "start x", float(x0), float(x1), key=P + "start_x", format="%.4f"
        )
        right.number_input(
            "start y", float(y0), float(y1), key=P + "start_y", format="%.4f"
        )

w.limits_panel("sweep")

query = {**sw.query(values), **cfg.view_to_query(view)}
surface = sw.surface_of(values)

if mode == "plane":
    st.title("Sweep: a hyperparameter plane")
    about = (
        f"Each cell is one full run of **{values['run'].optimizer}** on "
        f"**{surface.title}** from the same start, with the two settings of its "
        "place on the axes. Click a cell to see its run; drag a box to zoom in, then "
        "recompute that view at full resolution."
    )
else:
    st.title("Sweep: basins of attraction")
    about = (
        f"Each cell is one run of **{values['run'].optimizer}** on **{surface.title}** "
        "starting from that point, coloured by where it ends. Click a start to see "
        "its run and the surface's curvature there."
    )
if not view.lecture:  # in lecturer mode beside the map, which fills the screen
    st.markdown(about)
st.query_params.from_dict(query)  # a long computation: the link is there already
try:
    plane, basins = w.sweep_plane(sw.plane_key(query))
except ValueError as error:
    st.error(w.literal(f"These settings cannot run: {error}"))
    st.stop()

theory = sw.theory(values, plane) if mode == "plane" else None
hint = None if basins is None else sw.unsettled_hint(plane, basins)
if hint is not None:
    st.info(hint, icon=":material/hourglass_empty:")
selected = None
if values["cell"] is not None:
    selected = sw.nearest_cell(plane, values["cell"])
    if selected is None:  # outside this view (zoomed away): no longer chosen
        state[P + "cell"] = None
        query.pop("cell")
st.query_params.from_dict(query)


def colour_by():
    st.radio(
        "Colour by",
        sw.OUTCOMES[mode],
        key=P + "outcome",
        format_func=sw.OUTCOME_TITLES.get,
        horizontal=True,
    )


if not view.lecture:
    colour_by()
revision = str(hash(sw.plane_key(query)))
height = w.lecture_height(P + "map", 560) if view.lecture else 560
heatmap = sf.heatmap_figure(
    plane, values["outcome"], basins, theory, selected, height, revision
)
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(figures.Prebuilt(heatmap), key=P + "map")
    w.figure_clicks(P + "clicks", P + "map", choose_cell)
    w.figure_zooms(P + "zooms", P + "map", zoom_to)
    if view.lecture:
        w.viewport_probe(P + "map")
    zoom = state.get(P + "zoom")
    n = values["resolution"]
    if zoom:
        boxes = []
        for axis, box in zip((plane.x, plane.y), zoom, strict=True):
            if box is not None:
                boxes.append(f"{axis.name} {box[0]:.4g} to {box[1]:.4g}")
        st.button(
            f"Recompute this view at {n} x {n}: " + ", ".join(boxes),
            key=P + "recompute",
            on_click=recompute_view,
            type="primary",
        )
    buttons = st.columns(2)
    buttons[0].button("Reset view", key=P + "reset", on_click=reset_view)
    boundary = sw.boundary_box(plane)
    buttons[1].button(
        "Zoom to the edge of divergence",
        key=P + "edge",
        on_click=zoom_to_edge,
        args=(boundary,),
        disabled=boundary is None,
        help="The smallest view holding every cell next to one that behaves "
        "otherwise (diverges where it does not), recomputed at full resolution.",
    )
    if values["outcome"] == "score":
        marks = [
            "blue: reached the tolerance (darker: sooner)",
            "red: diverged (darker: sooner)",
            f"pale: neither within {plane.steps} steps (shade: the rate so far)",
        ]
    else:
        marks = ["black: diverged"]
    if values["outcome"] in ("steps", "basin"):
        marks.append(
            "grey: "
            + (
                "tolerance not reached"
                if values["outcome"] == "steps"
                else "did not settle at a minimum"
            )
        )
    st.caption(
        "; ".join(marks)
        + f". {n} x {n} runs x {plane.steps} steps. Drag a box on the map to zoom; "
        "double-click to zoom back out."
    )

with right:
    if view.lecture:
        colour_by()
        st.markdown(about)
    if selected is None:
        st.info(
            "Click a cell of the map: its run appears here on the surface, with its "
            "loss, the curvature it meets and a link that opens it in the Playground."
        )
    else:
        row, col = selected
        cell = plane.cell(row, col)
        result = sw.cell_run(plane, row, col)
        if plane.kind == "starts":
            where = "start ({:.4g}, {:.4g})".format(*cell["start"])
            point = tuple(cell["start"])
        else:
            where = f"{plane.x.name} = {plane.x.values[col]:.4g}, {plane.y.name} = {plane.y.values[row]:.4g}"
            point = tuple(result.path[-1]) if result.diverged_at is None else None
        st.subheader("The chosen cell")
        st.markdown(w.literal(where))
        if result.diverged_at is not None:
            st.markdown(f"**Diverged at step {result.diverged_at}.**")
        else:
            gap = result.final_loss - surface.min_value
            reached = result.steps_to_tolerance
            st.markdown(
                f"Final f − f* = {tables.number(gap)}; "
                + (
                    f"reached the tolerance at step {reached}."
                    if reached is not None
                    else "did not reach the tolerance."
                )
            )
        curvature = None
        if point is not None:
            curvature = stability.local_curvature(surface, *point)
        image = w.surface_image(*w.landscape_key(surface))
        circle = sf.stability_circle(plane)
        st.plotly_chart(
            figures.Prebuilt(
                sf.path_figure(surface, result, image, curvature, point, circle)
            ),
            key=P + "path",
        )
        playground = sw.playground_config(values, plane, row, col)
        st.caption(
            "White x: the start; red dot: where the run ends"
            + (" (diverged)" if result.diverged_at is not None else "")
            + "; gold stars: the global minima."
        )
        st.link_button(
            "Open this run in the Playground",
            sw.playground_link(playground),
            icon=":material/arrow_forward:",
            icon_position="right",
        )
        rates = sw.cell_rates(plane, result, theory)
        if rates is not None:
            predicted, measured = rates
            st.markdown(
                f"Rate per step: theory (the iteration's spectral radius) "
                f"**{predicted:.4f}**; measured on this run "
                f"**{'—' if measured is None else f'{measured:.4f}'}**."
            )
        if curvature is not None:
            eigenvalues = np.asarray(curvature.eigenvalues, dtype=float)
            at = "this start" if plane.kind == "starts" else "the run's end"
            bound = curvature.lr_bound
            st.caption(
                f"Hessian at {at}: λ = {eigenvalues[0]:.4g}, {eigenvalues[1]:.4g} "
                f"(arrows: the eigen-directions); condition number "
                f"{curvature.condition_number:.4g}; 2/λmax = "
                f"{bound:.4g}."
            )

if selected is not None:
    gaps, log_scale = figures.loss_gap(result.loss, surface.min_value)
    a, b = st.columns(2)
    a.plotly_chart(
        figures.Prebuilt(
            figures.series_figure(
                [gaps], ["this cell"], "f − f*" if log_scale else "f", log_scale, 300
            )
        ),
        key=P + "loss",
    )
    limit = sw.stability_limit(result)
    sharpness = stability.sharpness_along(surface, result.path)
    b.plotly_chart(
        figures.Prebuilt(
            sf.sharpness_figure(
                sharpness,
                None if limit is None else limit[0],
                "" if limit is None else limit[1],
            )
        ),
        key=P + "sharpness",
    )
    b.caption(
        "The edge of stability: gradient descent with step lr cannot stay where the "
        "sharpness λmax is above 2/lr (heavy ball: 2(1 + β)/lr); it is thrown out, "
        "or, in a deep net, the sharpness hovers at the line (Cohen et al. 2021)."
        + (
            ""
            if limit is not None
            else " No line here: an adaptive method rescales each coordinate, so "
            "its limit is on a rescaled Hessian."
        )
    )

if mode == "plane":
    st.subheader("Theory: exact on quadratics")
    st.markdown(
        "On a quadratic with Hessian eigenvalues λ, every method here is a linear "
        "iteration, and it converges exactly when its iteration matrix's spectral "
        "radius is below 1:"
    )
    st.latex(
        r"\text{GD: } 0 < \eta\lambda < 2 \qquad "
        r"\text{heavy ball: } 0 \le \beta < 1,\ 0 < \eta\lambda < 2(1+\beta) \qquad "
        r"\text{Nesterov: } 0 < \eta\lambda < \tfrac{2(1+\beta)}{1+2\beta}"
    )
    if theory is None:
        st.caption(
            "This surface's Hessian changes from point to point, so no region is "
            "drawn: pick the eccentric quadratic to see the theory on the measurement."
        )
    else:
        lines = [
            f"Here λ = {theory.eigenvalues[0]:.4g} and {theory.eigenvalues[-1]:.4g}: "
            f"gradient descent diverges for lr > 2/λmax = {theory.lr_bound:.4g}."
        ]
        if theory.region is None:
            lines.append(
                f"No closed form is drawn for {plane.optimizer} on "
                f"{plane.x.name} x {plane.y.name}."
            )
        else:
            inside = theory.region
            agree = float(np.mean(inside == ~plane.diverged))
            lines.append(
                "The dashed magenta line bounds the predicted region; the prediction "
                f"and the measured divergence agree on {100 * agree:.1f}% of the cells "
                f"(cells near the line may need more than {plane.steps} steps to show "
                "which side they are on)."
            )
        if theory.optimal is not None:
            lr_opt, momentum_opt, rate = theory.optimal
            measured = (
                f"{theory.measured_rate:.4f}"
                if theory.measured_rate is not None
                else "—"
            )
            lines.append(
                f"The optimal heavy-ball pair (gold star): lr = {lr_opt:.4g}, β = "
                f"{momentum_opt:.4g}, predicted rate (√κ − 1)/(√κ + 1) = {rate:.4f} "
                f"per step; measured on a run there: {measured}."
            )
        st.markdown(" ".join(lines))
else:
    rows = []
    total = plane.final_loss.size
    for minimum in sorted(basins.minima, key=lambda m: -m.count)[: sf.LEGEND_MINIMA]:
        rows.append(
            {
                "minimum": sf.minimum_label(minimum),
                "starts ending here": f"{100 * minimum.count / total:.1f}%",
            }
        )
    diverged = float(np.mean(plane.diverged))
    unsettled = float(np.mean(basins.labels == -1))
    if rows:
        st.markdown(tables.markdown_table(rows, align_right=("starts ending here",)))
    st.caption(
        f"{len(basins.minima)} minima reached; {100 * diverged:.1f}% of the starts "
        f"diverged, {100 * unsettled:.1f}% did not settle within {plane.steps} steps."
    )
    if surface.name == "linear_net":
        st.markdown(
            "On (1 − xy)²/2 every point of the hyperbola xy = 1 is a minimum, with "
            "λmax = x² + y²: gradient descent can settle only inside the circle "
            "lr·(x² + y²) < 2 (dashed). Colour by the final point's sharpness to see "
            "it: no run ends outside."
        )

spec = optimizers.spec(plane.optimizer)
a, b = st.columns(2)
with a:
    st.markdown(f"**{spec.title}**")
    st.latex(spec.latex)
    st.caption(spec.reference)
with b:
    st.markdown(f"**{surface.title}**")
    st.latex(surface.latex)
    st.caption(surface.reference)

st.subheader("Share and export")
link = w.share_link_control(query, key=P + "share")
title = (
    BY_KEY[view.preset].title if view.preset else "Descent Lab: " + sw.describe(values)
)
c1, c2 = st.columns(2)
c1.download_button(
    "Heat map (HTML, works offline)",
    data=lambda: export.standalone_html(
        {**heatmap, "frames": []},
        title,
        BY_KEY[view.preset].lesson if view.preset else "",
        link,
    ),
    file_name="descent-lab-sweep.html",
    mime="text/html",
    key=P + "html",
)
c2.download_button(
    "Every cell (CSV)",
    data=lambda: plane.to_csv(None if basins is None else basins.labels),
    file_name="descent-lab-sweep.csv",
    mime="text/csv",
    key=P + "csv",
)

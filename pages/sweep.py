"""Sweep: a heat map over a plane of two hyperparameters, or a basin map over start
points, each cell a full run; the theory drawn on it; a clicked cell's run.

Layout only: the page's state is `sw.PAGE` (ui/sweep.py declares its fields), what it
computes and says, and its callbacks, are in ui/sweep.py and ui/sweep_figures.py."""

import streamlit as st

import landscapes
import optimizers
from optimizers import stability
from ui import figures, tables
from ui import state as state_layer
from ui import sweep as sw
from ui import sweep_figures as sf
from ui import widgets as w
from ui.presets import BY_KEY
from ui.router import ensure_navigation

PAGE = sw.PAGE
key = PAGE.key
state = st.session_state


def current() -> dict:
    """The page's values as the widgets hold them, made consistent (sw.settle)."""
    return PAGE.parse(PAGE.query(PAGE.values()))[0]


def new_surface():
    sw.new_surface(state)
    state_layer.forget_surface_params(PAGE.prefix)


def new_mode():
    sw.new_mode(state)
    if state[key("mode")] == "basins":
        sw.settle_for_basins(state, current())


def hyperparameter_inputs(optimizer: str, on_axes: set) -> None:
    """SHARED WIDGET (issue #21): the optimizer's settings not on an axis; to be
    replaced by ui.widgets' one hyperparameter widget (Playground, Compare)."""
    for hyper in optimizers.spec(optimizer).hyperparameters:
        if not hyper.settable or hyper.name in on_axes:
            continue
        name = key(f"{optimizer}.{hyper.name}")
        if hyper.kind == "bool":
            st.checkbox(hyper.name, key=name, help=hyper.help)
            continue
        low, high = sw.allowed_range(optimizer, hyper.name)
        st.number_input(hyper.name, low, high, key=name, format="%g", help=hyper.help)


def axes(values: dict, plane_mode: bool) -> None:
    st.header("Axes")
    if not plane_mode:
        bounds = sw.surface_of(values).bounds
        for axis, (low, high) in zip(("x", "y"), bounds, strict=True):
            left, right = st.columns(2)
            low, high = float(low), float(high)
            left.number_input(f"start {axis} from", low, high, key=key(f"b{axis}_low"))
            right.number_input("to", low, high, key=key(f"b{axis}_high"))
        return
    optimizer = values["run"].optimizer
    for axis in ("x", "y"):
        st.selectbox(
            f"{axis} axis",
            sw.axis_names(optimizer),
            key=key(axis),
            on_change=sw.new_axis,
            args=(state, axis),
        )
        low, high = sw.allowed_range(optimizer, values[axis])
        left, right = st.columns(2)
        left.number_input("from", low, high, key=key(f"{axis}_low"), format="%g")
        right.number_input("to", low, high, key=key(f"{axis}_high"), format="%g")
        st.checkbox("log scale", key=key(f"{axis}_log"))


def sidebar(values: dict, hidden: set) -> None:
    plane_mode = values["mode"] == "plane"
    st.radio(
        "Map",
        sw.MODES,
        key=key("mode"),
        format_func=sw.MODE_LABELS.get,
        horizontal=True,
        on_change=new_mode,
    )
    if "surface" not in hidden:
        st.header("Surface")
        PAGE.selectbox(
            "surface", "Surface", format_func=landscapes.title, on_change=new_surface
        )
        w.surface_inputs(
            PAGE.prefix, values["surface"], on_change=lambda: sw.new_surface(state)
        )
    if "runs" not in hidden:
        st.header("Optimizer")
        choices = sw.plane_optimizers() if plane_mode else optimizers.names()
        optimizer = st.selectbox(
            "Optimizer",
            choices,
            key=key("optimizer"),
            on_change=sw.new_optimizer,
            args=(state,),
        )
        hyperparameter_inputs(optimizer, {values["x"], values["y"]} - {None})
    axes(values, plane_mode)
    PAGE.slider("resolution", f"Resolution (runs per side, at most {sw.MAX_GRID})")
    PAGE.slider("steps", f"Steps per run (at most {sw.MAX_STEPS})")
    PAGE.number_input("tolerance", "tolerance on f − f*", format="%g")
    if plane_mode and "start" not in hidden:
        (x0, x1), (y0, y1) = sw.surface_of(values).bounds
        left, right = st.columns(2)
        left.number_input(
            "start x", float(x0), float(x1), key=key("start_x"), format="%.4f"
        )
        right.number_input(
            "start y", float(y0), float(y1), key=key("start_y"), format="%.4f"
        )


def colour_by(mode: str) -> None:
    st.radio(
        "Colour by",
        sw.OUTCOMES[mode],
        key=key("outcome"),
        format_func=sw.OUTCOME_TITLES.get,
        horizontal=True,
    )


def heat_map(view, values, plane, heatmap) -> None:
    st.plotly_chart(figures.Prebuilt(heatmap), key=key("map"))
    w.figure_clicks(key("clicks"), key("map"), lambda x, y: sw.choose_cell(state, x, y))
    w.figure_zooms(key("zooms"), key("map"), lambda a, b: sw.zoom_to(state, a, b))
    if view.lecture:
        w.viewport_probe(key("map"))
    n = values["resolution"]
    if state.get(key("zoom")):
        st.button(
            sw.recompute_label(plane, state[key("zoom")], n),
            key=key("recompute"),
            on_click=sw.recompute_view,
            args=(state,),
            type="primary",
        )
    buttons = st.columns(2)
    buttons[0].button(
        "Reset view", key=key("reset"), on_click=sw.reset_view, args=(state,)
    )
    boundary = sw.boundary_box(plane)
    buttons[1].button(
        "Zoom to the edge of divergence",
        key=key("edge"),
        on_click=sw.zoom_to_edge,
        args=(state, boundary),
        disabled=boundary is None,
        help=sw.EDGE_HELP,
    )
    st.caption(sw.map_caption(values["outcome"], n, plane.steps))


def cell_panel(values, plane, surface, theory, cell) -> None:
    st.subheader("The chosen cell")
    st.markdown(w.literal(cell.where))
    st.markdown(cell.outcome)
    result = cell.result
    curvature = None
    if cell.point is not None:
        curvature = stability.local_curvature(surface, *cell.point)
    image = w.surface_image(*w.landscape_key(surface))
    path = sf.path_figure(
        surface, result, image, curvature, cell.point, sf.stability_circle(plane)
    )
    st.plotly_chart(figures.Prebuilt(path), key=key("path"))
    diverged = " (diverged)" if result.diverged_at is not None else ""
    st.caption(sw.PATH_CAPTION.format(diverged=diverged))
    playground = sw.playground_config(values, plane, cell.row, cell.col)
    st.link_button(
        "Open this run in the Playground",
        sw.playground_link(playground),
        icon=":material/arrow_forward:",
        icon_position="right",
    )
    rates = sw.cell_rates(plane, result, theory)
    if rates is not None:
        st.markdown(sw.rates_text(rates))
    if curvature is not None:
        st.caption(sw.hessian_caption(plane, curvature))


def cell_curves(surface, result) -> None:
    gaps, log_scale = figures.loss_gap(result.loss, surface.min_value)
    loss = figures.series_figure(
        [gaps], ["this cell"], "f − f*" if log_scale else "f", log_scale, 300
    )
    limit = sw.stability_limit(result)
    sharpness = sf.sharpness_figure(
        stability.sharpness_along(surface, result.path),
        None if limit is None else limit[0],
        "" if limit is None else limit[1],
    )
    a, b = st.columns(2)
    a.plotly_chart(figures.Prebuilt(loss), key=key("loss"))
    b.plotly_chart(figures.Prebuilt(sharpness), key=key("sharpness"))
    b.caption(
        sw.EDGE_OF_STABILITY + ("" if limit is not None else sw.NO_STABILITY_LINE)
    )


def theory_section(plane, theory) -> None:
    st.subheader("Theory: exact on quadratics")
    st.markdown(sw.THEORY_INTRO)
    st.latex(sw.THEORY_LATEX)
    if theory is None:
        st.caption(sw.NO_THEORY)
    else:
        st.markdown(sw.theory_text(plane, theory))


def basins_section(plane, basins, surface) -> None:
    rows = sw.basin_rows(plane, basins, sf.LEGEND_MINIMA)
    if rows:
        st.markdown(tables.markdown_table(rows, align_right=("starts ending here",)))
    st.caption(sw.basins_caption(plane, basins))
    if surface.name == "linear_net":
        st.markdown(sw.LINEAR_NET)


def formulas(spec, surface) -> None:
    for column, item in zip(st.columns(2), (spec, surface), strict=True):
        column.markdown(f"**{item.title}**")
        column.latex(item.latex)
        column.caption(item.reference)


def main() -> None:
    ensure_navigation()
    PAGE.load()
    view = PAGE.header()
    held = PAGE.values()
    values, edits = PAGE.parse(PAGE.query(held))
    PAGE.write(sw.with_hidden(values, held))
    for notice in edits:
        st.warning(w.literal(notice), icon=":material/edit:")
    if key("settled_note") in state:
        st.info(state.pop(key("settled_note")), icon=":material/tune:")
    mode = values["mode"]
    with st.sidebar:
        sidebar(values, set(view.hidden))
    w.limits_panel("sweep")
    surface = sw.surface_of(values)
    st.title(sw.TITLES[mode])
    if not view.lecture:  # in lecturer mode beside the map, which fills the screen
        st.markdown(sw.about(values, surface))
    query = PAGE.publish(values)  # a long computation: the link is there already
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
            sw.forget_cell(state)
            query = PAGE.publish({**values, "cell": None})

    if not view.lecture:
        colour_by(mode)
    revision = str(hash(sw.plane_key(query)))
    height = w.lecture_height(key("map"), 560) if view.lecture else 560
    heatmap = sf.heatmap_figure(
        plane, values["outcome"], basins, theory, selected, height, revision
    )
    left, right = st.columns([3, 2])
    with left:
        heat_map(view, values, plane, heatmap)
    with right:
        if view.lecture:
            colour_by(mode)
            st.markdown(sw.about(values, surface))
        if selected is None:
            st.info(sw.CHOOSE_A_CELL)
        else:
            cell = sw.chosen_cell(plane, surface, *selected)
            cell_panel(values, plane, surface, theory, cell)
    if selected is not None:
        cell_curves(surface, cell.result)
    if mode == "plane":
        theory_section(plane, theory)
    else:
        basins_section(plane, basins, surface)
    formulas(optimizers.spec(plane.optimizer), surface)

    st.subheader("Share and export")
    link = w.share_link_control(query, key=key("share"))
    preset = BY_KEY[view.preset] if view.preset else None
    title = preset.title if preset else "Descent Lab: " + sw.describe(values)
    lesson = preset.lesson if preset else ""
    for column, (label, data, name, mime) in zip(
        st.columns(2),
        sw.downloads(heatmap, title, lesson, link, plane, basins),
        strict=True,
    ):
        column.download_button(
            label, data=data, file_name=name, mime=mime, key=key(name.split(".")[-1])
        )


main()

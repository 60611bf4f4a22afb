"""Sweep: a heat map over a plane of two hyperparameters, or a basin map over start
points, each cell a full run. Layout only: the page's state is `sw.PAGE`; what it
computes and says, and its callbacks, are in ui/sweep.py and ui/sweep_figures.py."""

from functools import partial

import streamlit as st

import landscapes
import optimizers
from ui import cache, figures, listeners
from ui import sweep as sw
from ui import sweep_figures as sf
from ui import widgets as w
from ui.router import ensure_navigation

PAGE = sw.PAGE
key = PAGE.key
state = st.session_state


def pair(*inputs, **kw) -> None:
    """Two number inputs side by side: (label, low, high, state name) each."""
    for column, (label, low, high, name) in zip(st.columns(2), inputs, strict=True):
        column.number_input(label, float(low), float(high), key=key(name), **kw)


def axes(values: dict, surface) -> None:
    st.header("Axes")
    names = sw.axis_names(values["run"].optimizer)
    for axis, hyperparameter, inputs in sw.range_inputs(values, surface):
        if hyperparameter:
            new_axis = partial(sw.new_axis, state, axis)
            st.selectbox(f"{axis} axis", names, key=key(axis), on_change=new_axis)
        pair(*inputs, format="%g" if hyperparameter else None)
        if hyperparameter:
            st.checkbox("log scale", key=key(f"{axis}_log"))


def sidebar(values: dict, surface, hidden: set) -> None:
    plane = values["mode"] == "plane"
    new_mode = partial(sw.new_mode, state, PAGE.values)
    radio("Map", sw.MODES, "mode", sw.MODE_LABELS, on_change=new_mode)
    if "surface" not in hidden:
        st.header("Surface")
        new = partial(sw.new_surface, state)
        PAGE.selectbox("surface", format_func=landscapes.title, on_change=new)
        typed = partial(sw.new_surface, state, True)
        w.surface_inputs(PAGE.prefix, values["surface"], on_change=typed)
    if "runs" not in hidden:
        st.header("Optimizer")
        names = sw.plane_optimizers() if plane else None
        new = partial(sw.new_optimizer, state)
        chosen = w.optimizer_menu("Optimizer", key("optimizer"), names, on_change=new)
        w.hyperparameter_inputs(key(""), chosen, skip={values["x"], values["y"]})
    axes(values, surface)
    PAGE.slider("resolution")
    PAGE.slider("steps")
    PAGE.number_input("tolerance", format="%g")
    if plane and "start" not in hidden:
        (x0, x1), (y0, y1) = surface.bounds
        start = (("start x", x0, x1, "start_x"), ("start y", y0, y1, "start_y"))
        pair(*start, format="%.4f")


def radio(label: str, options, name: str, labels: dict, **kw) -> None:
    kw = {"format_func": labels.get, "horizontal": True, **kw}
    st.radio(label, options, key=key(name), **kw)


def heat_map(view, values, plane, heatmap) -> None:
    st.plotly_chart(figures.Prebuilt(heatmap), key=key("map"))
    listeners.figure_clicks(key("clicks"), key("map"), partial(sw.choose_cell, state))
    listeners.figure_zooms(key("zooms"), key("map"), partial(sw.zoom_to, state))
    if view.lecture:
        listeners.viewport_probe(key("map"))
    n, zoom = values["resolution"], state.get(key("zoom"))
    if zoom:
        label = sw.recompute_label(plane, zoom, n)
        recompute = partial(sw.recompute_view, state)
        st.button(label, key=key("recompute"), on_click=recompute, type="primary")
    reset, edge = st.columns(2)
    reset.button("Reset view", key=key("reset"), on_click=partial(sw.reset_view, state))
    box = sw.boundary_box(plane)
    to_edge = partial(sw.zoom_to_edge, state, box)
    kw = {"disabled": box is None, "help": sw.EDGE_HELP}
    edge.button(sw.TO_THE_EDGE, key=key("edge"), on_click=to_edge, **kw)
    st.caption(sw.map_caption(values["outcome"], n, plane.steps))


def show(blocks) -> None:
    """(element, text) blocks: st.markdown, st.caption, ... of each text."""
    for element, text in blocks:
        getattr(st, element)(text)


def cell_panel(view, values, plane, surface, theory, cell) -> None:
    if view.lecture:
        radio("Colour by", sw.OUTCOMES[values["mode"]], "outcome", sw.OUTCOME_TITLES)
        st.markdown(sw.about(values, surface))
    if cell is None:
        st.info(sw.CHOOSE_A_CELL)
        return
    show([("subheader", "The chosen cell"), ("markdown", w.literal(cell.where))])
    st.markdown(cell.outcome)
    image = cache.surface_image(*cache.landscape_key(surface))
    path = sw.cell_path(plane, surface, cell, image)
    st.plotly_chart(figures.Prebuilt(path), key=key("path"))
    notes = sw.cell_notes(plane, theory, cell)
    show(notes[:1])
    link = sw.playground_link(sw.playground_values(values, plane, cell.row, cell.col))
    st.link_button(
        sw.OPEN_IN_PLAYGROUND,
        link,
        icon=":material/arrow_forward:",
        icon_position="right",
    )
    show(notes[1:])


def settled() -> dict:
    """The widgets' values settled as a link's would be, each change a notice."""
    held = PAGE.values()
    values, edits = PAGE.parse(PAGE.query(held))
    PAGE.write(sw.with_hidden(values, held))
    for notice in edits:
        st.warning(w.literal(notice), icon=":material/edit:")
    if key("settled_note") in state:
        st.info(state.pop(key("settled_note")), icon=":material/tune:")
    return values


def main() -> None:
    ensure_navigation()
    PAGE.load()
    view = PAGE.header()
    values = settled()
    mode, surface = values["mode"], sw.surface_of(values)
    with st.sidebar:
        sidebar(values, surface, set(view.hidden))
    w.limits_panel("sweep")
    st.title(sw.TITLES[mode])
    if not view.lecture:  # in lecturer mode beside the map, which fills the screen
        st.markdown(sw.about(values, surface))
    query = PAGE.publish(values)  # a long computation: the link is there already
    try:
        plane, basins = cache.sweep_plane(sw.plane_key(query))
    except ValueError as error:
        st.error(w.literal(f"These settings cannot run: {error}"))
        st.stop()
    theory = sw.theory(values, plane)
    if hint := sw.unsettled_hint(plane, basins):
        st.info(hint, icon=":material/hourglass_empty:")
    cell = sw.chosen_cell(plane, surface, values["cell"])
    if cell is None and values["cell"] is not None:  # zoomed away: no longer chosen
        sw.forget_cell(state)
        query = PAGE.publish({**values, "cell": None})
    if not view.lecture:
        radio("Colour by", sw.OUTCOMES[mode], "outcome", sw.OUTCOME_TITLES)
    px = listeners.lecture_height(key("map"), 560) if view.lecture else 560
    at, rev = cell and cell.index, str(hash(sw.plane_key(query)))
    heatmap = sf.heatmap_figure(plane, values["outcome"], basins, theory, at, px, rev)
    left, right = st.columns([3, 2])
    with left:
        heat_map(view, values, plane, heatmap)
    with right:
        cell_panel(view, values, plane, surface, theory, cell)
    if cell is not None:
        loss, sharpness, caption = sw.cell_curves(surface, cell.result)
        a, b = st.columns(2)
        a.plotly_chart(figures.Prebuilt(loss), key=key("loss"))
        b.plotly_chart(figures.Prebuilt(sharpness), key=key("sharpness"))
        b.caption(caption)
    show(sw.under_the_map(plane, basins, theory, surface))
    rule, formula = st.columns(2)
    w.update_rule(optimizers.spec(plane.optimizer), rule)
    formula.markdown(f"**{surface.title}**")
    formula.latex(surface.latex)
    formula.caption(surface.reference)
    st.subheader("Share and export")
    link = w.share_link_control(query, key=key("share"))
    files = sw.downloads(view, values, heatmap, link, plane, basins)
    for column, (text, data, name, mime) in zip(st.columns(2), files, strict=True):
        kind = name.rsplit(".", 1)[-1]
        column.download_button(
            text, data=data, file_name=name, mime=mime, key=key(kind)
        )


main()

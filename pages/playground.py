"""Playground: several optimizers on one surface, animated in the browser.

Layout only: the page's state is `pg.PAGE` (ui/playground.py declares its fields),
what it computes and says is in ui/playground.py. Callbacks (new_surface, start_at,
move_frame) run before the widgets are drawn, so they may set the widgets' state."""

import streamlit as st

import landscapes
from ui import cache, figures, listeners, tables
from ui import playground as pg
from ui import state as page_state
from ui import widgets as w
from ui.router import ensure_navigation

PAGE = pg.PAGE
key = PAGE.key


def new_surface(typed: bool = False) -> None:
    """A new surface starts from its own parameters and default start; a typed
    surface's new formula or view (`typed`) keeps the start where it can."""
    if not typed:
        fresh = landscapes.get(st.session_state[key("surface")])
        page_state.forget_surface_params(PAGE.prefix)
        page_state.write_surface_params(PAGE.prefix, fresh.params)
    values = PAGE.values()
    surface = page_state.surface_of(values)
    if not (typed and pg.in_view(surface, values["start"])):
        start_at(*surface.default_start)


def start_at(x, y) -> None:  # also a click on the figure: its nearest grid point
    st.session_state[key("start_x")], st.session_state[key("start_y")] = x, y


def move_frame(steps) -> None:
    pg.move_frame(st.session_state, listeners.shown_frame(key("figure_clicks")), steps)


def sidebar(hidden: set) -> None:
    with st.sidebar:
        if "surface" not in hidden:
            st.header("Surface")
            PAGE.selectbox(
                "surface", format_func=landscapes.title, on_change=new_surface
            )
            typed = lambda: new_surface(typed=True)  # noqa: E731
            w.surface_inputs(PAGE.prefix, st.session_state[key("surface")], typed)
        if "start" not in hidden:
            PAGE.pair_inputs("start", format="%.4f")
            PAGE.slider("steps")
        if "runs" not in hidden:
            st.header("Runs")
            w.runs_inputs(PAGE, "run", pg.next_run)
        if "schedule" not in hidden:
            st.header("Schedule")
            w.schedule_inputs(PAGE.prefix)
        if "noise" not in hidden:
            st.header("Gradient noise and clipping")
            PAGE.number_input("noise")
            PAGE.number_input("seed")
            PAGE.number_input("clip", format="%g")
    w.limits_panel("playground")


def trajectory(view, values, surface, results, labels) -> dict:
    """The animated figure, its listener and, in lecturer mode, its height probe.
    Tall enough that an equal-units plot fills the column's width at 1,500 px (at
    620 px a square surface's plot area was ~350 px wide); in lecturer mode, the
    screen's height under the figure's top (less the row the controls add)."""
    state = st.session_state
    height = 760
    if view.lecture:
        height = listeners.lecture_height(key("figure"), 560) - figures.BUTTON_ROW
    image = cache.surface_image(*cache.landscape_key(surface))
    internals = state.get(key("internals"), False)
    figure = pg.trajectory(
        surface, values, results, labels, image, height, state[key("frame")], internals
    )
    st.plotly_chart(
        figures.Prebuilt(figure), key=key("figure"), config={"displaylogo": False}
    )
    on_shown = lambda k: pg.show_frame(state, k)  # noqa: E731
    listeners.figure_clicks(key("figure_clicks"), key("figure"), start_at, on_shown)
    if view.lecture:
        listeners.viewport_probe(key("figure"))
    if not state[key("figure_drawn")]:
        # A session's first run ends here: the browser fetches, compiles and draws
        # the figure with nothing else competing, then signals for the rest of the
        # page (first figure at 1.2-1.3x a bare page's time; 1.6-1.7x all at once).
        drawn = lambda: state.__setitem__(key("figure_drawn"), True)  # noqa: E731
        listeners.rerun_when_figure_drawn(key("figure_drawn_signal"), on_drawn=drawn)
        st.stop()
    return figure


def under_the_figure(surface, results, labels) -> None:
    st.html(tables.NUMBER_CELL_CSS)
    # Buttons as wide as their labels: in equal columns "Start" and "Step" read "St…".
    with st.container(horizontal=True):
        moves = {"on_click": move_frame, "width": "content"}
        right = {"icon_position": "right", **moves}
        st.button(
            "Start",
            icon=":material/skip_previous:",
            key=key("rewind"),
            args=(None,),
            **moves,
        )
        st.button(
            "Step", icon=":material/play_arrow:", key=key("step1"), args=(1,), **right
        )
        st.button(
            "+10",
            icon=":material/fast_forward:",
            key=key("step10"),
            args=(10,),
            **right,
        )
    if st.toggle("Show the optimizer's internals at every step", key=key("internals")):
        frame = st.session_state[key("frame")]
        st.caption(pg.internals_caption(frame))
        st.markdown(pg.internals_table(surface, labels, results, frame))
    st.caption(pg.PLAY_CAPTION)
    if cache.undefined_somewhere(*cache.landscape_key(surface)):
        st.caption(figures.UNDEFINED_NOTE)
    # The results sit under the figure, where a row of five columns fits; in the
    # side column the last one ("diverged at step") was cut off at 1,500 px.
    st.markdown(pg.results_table(surface, labels, results))


def beside_the_figure(surface, runs) -> None:
    st.subheader(surface.title)
    st.latex(surface.latex)
    st.caption(surface.reference)
    for spec in pg.optimizer_specs(runs):
        w.update_rule(spec)


def curves(surface, results, labels) -> None:
    charts = pg.curves(surface, results, labels).items()
    for column, (name, figure) in zip(st.columns(3), charts, strict=True):
        column.plotly_chart(figures.Prebuilt(figure), key=key(name))
    if (tracked := pg.traced_figure(results, labels)) is not None:
        st.plotly_chart(figures.Prebuilt(tracked), key=key("traced"))
    label = "Show the edge of stability: the sharpness λmax along each path"
    if st.toggle(label, key=key("sharpness")):
        figure = pg.sharpness(surface, results, labels)
        st.plotly_chart(figures.Prebuilt(figure), key=key("sharpness_chart"))
        st.caption(pg.SHARPNESS_CAPTION)


def main() -> None:
    ensure_navigation()
    state = st.session_state
    if not state.get(key("loaded")):  # a session's first run, or a Gallery preset's
        state[key("frame")], state[key("figure_drawn")] = 0, False
    PAGE.load()
    # The URL's notices stay through the first complete run (see `trajectory`).
    view = PAGE.header(keep_notices=not state[key("figure_drawn")])
    state.pop(key("frame_moved"), None)  # set by this run's callbacks only
    values = PAGE.values()
    query = PAGE.publish(values)
    problem = pg.cannot_run(values["run"])
    if problem:
        st.error(w.literal(problem))
        sidebar(set(view.hidden))
        st.stop()
    # The sidebar's widgets are drawn last: the browser then fetches and draws the
    # figure first (0.4 s sooner on a first visit). Their values are already in state.
    internals = state.get(key("internals"), False)
    results = cache.compute_runs(pg.query_key(values), record_state=internals)
    surface = page_state.surface_of(values)
    labels = pg.labels(values["run"], values["clip"])
    last = max(len(r.path) for r in results) - 1  # the last step any figure shows
    state[key("frame")] = min(state[key("frame")], last)
    main_column, side = st.columns([5, 2] if view.lecture else [3, 2])
    with main_column:
        figure = trajectory(view, values, surface, results, labels)
        under_the_figure(surface, results, labels)
    with side:
        beside_the_figure(surface, values["run"])
    curves(surface, results, labels)

    st.subheader("Share and export")
    link = w.share_link_control(query, key=key("share"))
    st.caption(pg.SHARE_CAPTION)
    downloads = pg.downloads(query, labels, results, figure)
    w.export_buttons(key(""), view, link, downloads, f"Descent Lab: {surface.title}")
    # WebGL is costly to draw: the 3D view is built only when asked for.
    if st.toggle("Show the 3D surface", key=key("show3d")):
        figure = figures.surface_3d_figure(surface, [r.path for r in results], labels)
        st.plotly_chart(figures.Prebuilt(figure), key=key("3d"))
    sidebar(set(view.hidden))


main()

"""Playground: several optimizers on one surface, animated in the browser."""

import streamlit as st

import landscapes
import optimizers
from optimizers import schedules, stability
from ui import codec, export, figures, tables
from ui import config as cfg
from ui import state as state_layer
from ui import widgets as w
from ui.router import ensure_navigation

ensure_navigation()

P = w.PREFIX
w.load_playground_from_url()
state = st.session_state

view = state[P + "view"]
hidden = set(view.hidden)
if view.lecture:
    st.markdown(w.LECTURE_CSS, unsafe_allow_html=True)
# The URL's notices stay through the first complete run (the first run of a session
# draws only the figure; see below).
notices = state.get(P + "notices", [])
if state.get(P + "figure_drawn", True):
    state.pop(P + "notices", None)
for notice in notices:
    st.warning(w.literal(notice), icon=":material/link:")
w.lesson(view)


def sync_surface_state():
    surface_name = state[P + "surface"]
    if state.get(P + "previous_surface") != surface_name:
        # A new surface: start from its own default start and parameters.
        fresh = landscapes.get(surface_name)
        state[P + "start_x"], state[P + "start_y"] = map(float, fresh.default_start)
        state_layer.forget_surface_params(P)
        state_layer.write_surface_params(P, fresh.params)
        state[P + "previous_surface"] = surface_name


def surface_section():
    st.header("Surface")
    surface_name = st.selectbox(
        "Surface",
        landscapes.names(),
        key=P + "surface",
        format_func=landscapes.title,
    )
    w.surface_inputs(P, surface_name, on_change=start_in_new_view)


def start_in_new_view():
    # A typed surface's new formula or view: keep the start if it is in view and f
    # is defined there, else move it to the surface's own default start.
    name = state[P + "surface"]
    fresh = landscapes.get(name, **state_layer.surface_params_from_state(P, name))
    x, y = state[P + "start_x"], state[P + "start_y"]
    (x0, x1), (y0, y1) = fresh.bounds
    if not (x0 <= x <= x1 and y0 <= y <= y1 and codec.defined_at(fresh, x, y)):
        state[P + "start_x"], state[P + "start_y"] = map(float, fresh.default_start)


def start_section():
    left, right = st.columns(2)
    left.number_input(
        "start x", min_value=-1e3, max_value=1e3, key=P + "start_x", format="%.4f"
    )
    right.number_input(
        "start y", min_value=-1e3, max_value=1e3, key=P + "start_y", format="%.4f"
    )
    st.slider("Steps", 1, cfg.MAX_STEPS_PAGE, key=P + "steps")


def add_run():
    # Callbacks run before the widgets are drawn, so they may rewrite widget state.
    runs = w.playground_config_from_state().runs
    w.write_run_state(state[P + "run_count"], cfg.next_run(runs))
    state[P + "run_count"] += 1


def remove_run(index):
    config = w.playground_config_from_state()
    del config.runs[index]
    w.write_playground_state(config)


def runs_section():
    st.header("Runs")
    for i in range(state[P + "run_count"]):
        current = state.get(f"{P}run{i}.optimizer", "sgd")
        with st.expander(f"Run {i + 1}: {current}", expanded=i == 0):
            name = st.selectbox(
                "optimizer", optimizers.names(), key=f"{P}run{i}.optimizer"
            )
            w.hyperparameter_inputs(f"{P}run{i}.", name)
            if state[P + "run_count"] > 1:
                st.button(
                    "Remove this run",
                    key=f"{P}remove{i}",
                    on_click=remove_run,
                    args=(i,),
                )
    if state[P + "run_count"] < cfg.MAX_RUNS:
        st.button("Add run", icon=":material/add:", key=P + "add", on_click=add_run)


def schedule_section():
    st.header("Schedule")
    schedule_name = st.selectbox(
        "Learning-rate schedule", schedules.NAMES, key=P + "schedule"
    )
    if schedule_name in ("inverse_time", "exponential"):
        st.number_input(
            "decay rate", 0.0, 10.0, key=P + "sched.decay_rate", format="%.4f"
        )
    if schedule_name == "step":
        st.number_input("gamma", 0.0, 1.0, key=P + "sched.gamma")
        st.number_input(
            "step size t_u", 1, cfg.MAX_STEPS_PAGE, key=P + "sched.step_size"
        )
    if schedule_name == "cosine":
        st.number_input("eta_min", 0.0, 10.0, key=P + "sched.eta_min", format="%.5f")
    st.number_input(
        "linear warm-up steps", 0, cfg.MAX_STEPS_PAGE, key=P + "sched.warmup"
    )


def noise_section():
    st.header("Noise")
    st.number_input(
        "gradient noise σ",
        0.0,
        cfg.MAX_NOISE,
        key=P + "noise",
        help=cfg.NOISE_HELP,
    )
    st.number_input("seed", 0, 2**31 - 1, key=P + "seed")


SECTIONS = {
    "surface": surface_section,
    "start": start_section,
    "runs": runs_section,
    "schedule": schedule_section,
    "noise": noise_section,
}


def draw_sidebar():
    with st.sidebar:
        for section, draw in SECTIONS.items():
            if section not in hidden:
                draw()
    w.limits_panel("playground")


def start_from_click(x, y):
    # A click on the figure reports the nearest invisible grid point.
    state[P + "start_x"], state[P + "start_y"] = x, y


def mark_figure_drawn():
    state[P + "figure_drawn"] = True


def show_frame(k):
    # The figure settled on frame k in the browser (Pause, Play's end, the scrubber).
    # A Step in the same run already counted from it (move_frame).
    if not state.get(P + "frame_moved"):
        state[P + "frame"] = k


def move_frame(steps):
    # From the frame on screen: this run's report of it, if the browser sent one
    # with the click, else the last.
    shown = w.shown_frame(P + "figure_clicks")
    frame = state[P + "frame"] if shown is None else shown
    state[P + "frame"] = 0 if steps is None else frame + steps
    state[P + "frame_moved"] = True


def cannot_run(config) -> str | None:
    for number, run in enumerate(config.runs, start=1):
        try:  # a combination the widgets allow but the optimizer does not
            optimizers.resolve_hyperparameters(run.optimizer, run.hyperparameters)
        except ValueError as error:
            return f"Run {number} cannot run: {error}. Change it in the sidebar."
    return None


state.pop(P + "frame_moved", None)  # set by this run's callbacks only
sync_surface_state()
config = w.playground_config_from_state()
query = {**cfg.to_query(config), **cfg.view_to_query(view)}
st.query_params.from_dict(query)
problem = cannot_run(config)
if problem:
    st.error(w.literal(problem))
    draw_sidebar()
    st.stop()
# The sidebar's widgets are drawn last: the browser then fetches and draws the
# figure first (0.4 s sooner on a first visit). Their values are already in state.
show_internals = state.get(P + "internals", False)
results = w.compute_runs(w.query_key(config), record_state=show_internals)
surface = config.landscape()
labels = [f"{i + 1}. {run.label()}" for i, run in enumerate(config.runs)]
paths = [r.path for r in results]
steps_shown = max(len(p) for p in paths) - 1
state[P + "frame"] = min(state[P + "frame"], steps_shown)

figure = figures.trajectory_figure(
    surface,
    paths,
    labels,
    [r.diverged_at for r in results],
    config.resolved_start(),
    undefined_at=[r.undefined_at for r in results],
    image=w.surface_image(*w.landscape_key(surface)),
    # Tall enough that an equal-units plot fills the column's width at 1,500 px
    # (at 620 px a square surface's plot area was ~350 px wide); in lecturer mode,
    # the screen's height under the figure's top (less the row the controls add).
    height=(
        w.lecture_height(P + "figure", 560) - figures.BUTTON_ROW
        if view.lecture
        else 760
    ),
    initial_frame=state[P + "frame"],
    frames_in_browser=True,  # built by the figure_clicks listener below
    arrows=[figures.internals_arrows(surface, r) for r in results]
    if show_internals
    else None,
    notes=[
        figures.effective_lr_notes(surface, r, f"run {i + 1}")
        for i, r in enumerate(results)
    ]
    if show_internals
    else None,
)
main, side = st.columns([5, 2] if view.lecture else [3, 2])
with main:
    st.plotly_chart(
        figures.Prebuilt(figure), key=P + "figure", config={"displaylogo": False}
    )
    w.figure_clicks(
        P + "figure_clicks",
        P + "figure",
        on_click=start_from_click,
        on_shown=show_frame,
    )
    if view.lecture:
        w.viewport_probe(P + "figure")
    if not state.get(P + "figure_drawn", True):
        # A session's first run ends here: the browser fetches, compiles and draws
        # the figure with nothing else competing, then signals for the rest of the
        # page (first figure at 1.2-1.3x a bare page's time; 1.6-1.7x all at once).
        w.rerun_when_figure_drawn(P + "figure_drawn_signal", on_drawn=mark_figure_drawn)
        st.stop()
    st.html(tables.NUMBER_CELL_CSS)
    back, forward, forward10, _ = st.columns([1, 1, 1, 4])
    back.button(
        "Start",
        icon=":material/skip_previous:",
        key=P + "rewind",
        on_click=move_frame,
        args=(None,),
    )
    forward.button(
        "Step",
        icon=":material/play_arrow:",
        icon_position="right",
        key=P + "step1",
        on_click=move_frame,
        args=(1,),
    )
    forward10.button(
        "+10",
        icon=":material/fast_forward:",
        icon_position="right",
        key=P + "step10",
        on_click=move_frame,
        args=(10,),
    )
    st.toggle("Show the optimizer's internals at every step", key=P + "internals")
    if show_internals:
        st.caption(
            "Arrows follow Play and the scrubber. Black: the direction of −∇f. Thick: "
            "the step taken, at its true length. Dotted: the direction of the "
            "optimizer's buffer (velocity, momentum or first moment). Under the step "
            "counter, each run's learning rate per coordinate, step / (−∂f/∂θ): "
            "where an adaptive method rescales, the two differ. The table is at step "
            f"{state[P + 'frame']}: where Pause, the slider or the Step buttons "
            "left the figure."
        )
        # One row per run and quantity, x and y in columns: narrow enough for the
        # column with every number on one line.
        rows = []
        for label, result in zip(labels, results, strict=True):
            item = figures.internals_at(surface, result, state[P + "frame"])
            for quantity, field, sign in (
                ("−∇f", "gradient", -1),
                ("step taken", "step", 1),
                ("lr per coordinate", "effective_lr", 1),
            ):
                x, y = (None, None) if item is None else sign * item[field]
                rows.append(
                    {
                        "run": label,
                        "quantity": quantity,
                        "x": tables.number(x),
                        "y": tables.number(y),
                    }
                )
        st.markdown(tables.markdown_table(rows, align_right=("x", "y")))
    st.caption(
        "Press ▶ Play or drag the step slider: the animation runs in your browser. "
        "Click any point of the figure to start from there."
    )
    if w.undefined_somewhere(*w.landscape_key(surface)):
        st.caption(figures.UNDEFINED_NOTE)
    # The results sit under the figure, where a row of five columns fits; in the
    # side column the last one ("diverged at step") was cut off at 1,500 px.
    rows = []
    for label, result in zip(labels, results, strict=True):
        x, y = result.final
        rows.append(
            {
                "run": label,
                "final loss": tables.number(result.final_loss),
                "distance to minimum": tables.number(
                    surface.distance_to_nearest_minimum(x, y)
                ),
                "steps to 1e-6": tables.number(result.steps_to_tolerance),
                "diverged at step": tables.number(result.diverged_at)
                + (" (f undefined)" if result.undefined_at is not None else ""),
            }
        )
    st.markdown(
        tables.markdown_table(rows, align_right=tuple(rows[0])[1:]),
    )
with side:
    st.subheader(surface.title)
    st.latex(surface.latex)
    st.caption(surface.reference)
    for name in dict.fromkeys(run.optimizer for run in config.runs):
        spec = optimizers.spec(name)
        st.markdown(f"**{spec.title}**")
        st.latex(spec.latex)
        st.caption(spec.reference)

gaps = [figures.loss_gap(r.loss, surface.min_value) for r in results]
log_scale = all(g[1] for g in gaps)
a, b, c = st.columns(3)
a.plotly_chart(
    figures.Prebuilt(
        figures.series_figure(
            [g[0] for g in gaps], labels, "f - f*" if log_scale else "f", log_scale
        )
    ),
    key=P + "loss",
)
b.plotly_chart(
    figures.Prebuilt(
        figures.series_figure(
            [r.grad_norm for r in results], labels, "gradient norm", True
        )
    ),
    key=P + "grad",
)
c.plotly_chart(
    figures.Prebuilt(
        figures.series_figure(
            [r.lr for r in results], labels, "learning rate used", False
        )
    ),
    key=P + "lr",
)
if st.toggle(
    "Show the edge of stability: the sharpness λmax along each path",
    key=P + "sharpness",
):
    st.plotly_chart(
        figures.Prebuilt(
            figures.sharpness_figure(
                [stability.sharpness_along(surface, r.path) for r in results],
                [
                    stability.sharpness_limit(r.optimizer, r.hyperparameters, r.lr)
                    for r in results
                ],
                labels,
            )
        ),
        key=P + "sharpness_chart",
    )
    st.caption(
        "λmax is the Hessian's largest eigenvalue at each iterate. Near a minimum a "
        "step is stable only while λmax stays below the dashed line: 2/lr for "
        "gradient descent, 2(1 + β)/lr with heavy-ball momentum β, "
        "2(1 + β)/((1 + 2β)·lr) with Nesterov (exact on quadratics). Cohen et al. "
        "(2021) found full-batch gradient descent on neural networks pushing λmax up "
        "to 2/lr and hovering there: the edge of stability. Adaptive methods have "
        "no line here: they rescale each coordinate."
    )
st.subheader("Share and export")
link = w.share_link_control(query, key=P + "share")
st.caption("Whoever opens this link sees this exact figure.")
w.export_buttons(
    P,
    view,
    link,
    (
        ("Animation (HTML, plays offline)", figure, "descent-lab.html"),
        (
            "Paths (CSV)",
            lambda: export.paths_csv(labels, results),
            "descent-lab-paths.csv",
        ),
        (
            "Paths (JSON)",
            lambda: export.paths_json(query, labels, results),
            "descent-lab-paths.json",
        ),
    ),
    title=f"Descent Lab: {surface.title}",
)
# WebGL is costly to draw: the 3D view is built only when asked for.
if st.toggle("Show the 3D surface", key=P + "show3d"):
    st.plotly_chart(
        figures.Prebuilt(figures.surface_3d_figure(surface, paths, labels)),
        key=P + "3d",
    )
draw_sidebar()

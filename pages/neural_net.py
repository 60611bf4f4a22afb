"""Neural net: a small MLP trained live, its decision boundary, and its loss slices.

Layout only: the page's state is `nn.PAGE` (ui/neural_net.py declares its fields and
runs), what it computes and says is in ui/neural_net.py."""

import streamlit as st

import optimizers
from ui import cache, figures, listeners, tables
from ui import neural_net as nn
from ui import widgets as w
from ui.playground import next_run
from ui.router import ensure_navigation

PAGE = nn.PAGE
key = PAGE.key


def add_run():
    runs = PAGE.values()["runs"]
    runs.append(nn.TrainingRun(next_run([t.run for t in runs], nn.ADD_CANDIDATES)))
    PAGE.write_runs(runs)


def remove_run(index):
    runs = PAGE.values()["runs"]
    del runs[index]
    PAGE.write_runs(runs)


def new_dataset():
    """A new data set: the settings still at the old one's defaults take its own."""
    state = st.session_state
    values = {f.name: state[key(f.name)] for f in nn.FIELDS}
    before = state.get(key("dataset_before"), values["dataset"])
    changed = nn.switch_dataset(values, before)
    for name, value in changed.items():
        state[key(name)] = value
    if changed:
        state[key("dataset_note")] = nn.dataset_note(values["dataset"], changed)


def data_and_network():
    st.header("Data and network")
    st.session_state[key("dataset_before")] = st.session_state[key("dataset")]
    PAGE.selectbox("dataset", on_change=new_dataset)
    PAGE.number_input("n_points")
    PAGE.number_input("noise")
    PAGE.number_input("data_seed")
    PAGE.selectbox("hidden")
    PAGE.selectbox("activation")
    PAGE.number_input("init_seed")


def run_inputs(i: int, count: int):
    state = st.session_state
    with st.expander(
        f"Run {i + 1}: {state[key(f'run{i}.optimizer')]}", expanded=i == 0
    ):
        name = w.optimizer_menu(
            "optimizer", key(f"run{i}.optimizer"), optimizers.trainable()
        )
        w.hyperparameter_inputs(key(f"run{i}."), name, only=nn.SHOWN_HYPERPARAMETERS)
        st.number_input(
            "own batch size (0: the page's)", 0, nn.MAX_POINTS, key=key(f"run{i}.batch")
        )
        if count > 1:
            st.button(
                "Remove this run", key=key(f"remove{i}"), on_click=remove_run, args=(i,)
            )


def sidebar(hidden: set):
    state = st.session_state
    if "surface" not in hidden:
        data_and_network()
    st.header("Training")
    state[key("batch")] = min(state[key("batch")], state[key("n_points")])
    PAGE.slider("batch", high=state[key("n_points")])
    PAGE.slider("steps")
    PAGE.number_input("weight_decay", format="%g")
    PAGE.number_input("seed")
    count = state[key("run_count")]
    if "runs" not in hidden:
        st.header("Runs")
        for i in range(count):
            run_inputs(i, count)
        if count < nn.MAX_RUNS:
            st.button(
                "Add run", icon=":material/add:", key=key("add"), on_click=add_run
            )
    st.header("Slice")
    PAGE.selectbox("slice", format_func=nn.SLICE_LABELS.get)
    if state[key("slice")] == "random":
        PAGE.number_input("slice_seed")
    state[key("center")] = min(state[key("center")], count)
    PAGE.selectbox("center", options=list(range(1, count + 1)))


def training(view, page):
    st.title("Neural net: training a small MLP")
    if key("dataset_note") in st.session_state:
        st.info(st.session_state.pop(key("dataset_note")), icon=":material/tune:")
    st.markdown(nn.intro(page["model_text"]))
    loss, accuracy = page["loss"], page["accuracy"]
    if view.lecture:  # both as tall as the screen has room for under the first
        height = listeners.lecture_height(key("loss"), loss["layout"]["height"])
        loss, accuracy = (
            figures.resized(loss, height),
            figures.resized(accuracy, height),
        )
    left, right = st.columns(2)
    left.plotly_chart(figures.Prebuilt(loss), key=key("loss"))
    right.plotly_chart(figures.Prebuilt(accuracy), key=key("accuracy"))
    if view.lecture:
        with left:
            listeners.viewport_probe(key("loss"))


def views(page):
    rows = nn.results_rows(page["labels"], page["results"], page["sharpness"])
    st.markdown(tables.markdown_table(rows, align_right=tuple(rows[0])[1:]))
    st.caption(nn.SHARPNESS_CAPTION)

    st.subheader("Decision boundary through training")
    columns = st.columns(len(page["results"]))
    for i, (column, figure) in enumerate(zip(columns, page["boundaries"], strict=True)):
        column.plotly_chart(figures.Prebuilt(figure), key=key(f"boundary{i}"))
    st.caption(nn.BOUNDARY_CAPTION)

    st.subheader("The loss on a plane through parameter space")
    st.markdown(page["slice_text"])
    left, right = st.columns([3, 2])
    left.plotly_chart(figures.Prebuilt(page["slice"]), key=key("slice_chart"))
    right.plotly_chart(figures.Prebuilt(page["illusion"]), key=key("illusion"))
    st.caption(nn.illusion_caption(page["n_parameters"]))
    if st.toggle("Show the slice in 3D", key=key("show3d")):
        st.plotly_chart(figures.Prebuilt(page["slice3d"]), key=key("slice3d"))


def main():
    ensure_navigation()
    PAGE.load()
    view = PAGE.header()
    with st.sidebar:
        sidebar(set(view.hidden))
    w.limits_panel("neural_net")
    query = PAGE.publish(PAGE.values())
    query_key = tuple(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(query.items())
    )
    with st.spinner("Training the networks…"):
        page = cache.neural_page(query_key)
    training(view, page)
    with st.spinner("Drawing decision boundaries and loss slices…"):
        page = {**page, **cache.neural_page(query_key, "views")}
    views(page)

    st.subheader("Share and export")
    link = w.share_link_control(query, key=key("share"))
    w.export_buttons(key(""), view, link, nn.downloads(query, page))


main()

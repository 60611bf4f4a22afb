"""Neural net: a small MLP trained live, its decision boundary, and its loss slices."""

import streamlit as st

import optimizers
from ui import codec, export, figures, tables
from ui import config as cfg
from ui import neural as nn
from ui import widgets as w
from ui.router import ensure_navigation

ensure_navigation()

P = "nn."
state = st.session_state


def write_runs(runs):
    state[P + "run_count"] = len(runs)
    for i, training in enumerate(runs):
        hyper = training.run.hyperparameters
        spec = optimizers.spec(training.run.optimizer)
        state[f"{P}run{i}.base"] = training.run
        state[f"{P}run{i}.optimizer"] = training.run.optimizer
        state[f"{P}run{i}.lr"] = float(
            hyper.get("lr", spec.hyperparameter("lr").default)
        )
        if "momentum" in spec.defaults:
            default = spec.hyperparameter("momentum").default
            state[f"{P}run{i}.momentum"] = float(hyper.get("momentum", default))
        state[f"{P}run{i}.batch"] = int(training.batch_size or 0)


def write_state(values):
    for name, value in values.items():
        if name != "runs":
            state[P + name] = value
    write_runs(values["runs"])


w.load_page_from_url(P, nn.from_query, write_state)
view = w.page_header(P)
hidden = set(view.hidden)

FIELD = {f.name: f for f in nn.FIELDS}


def bounds(name):
    return FIELD[name].low, FIELD[name].high


def runs_from_state() -> list[nn.TrainingRun]:
    runs = []
    for i in range(state[P + "run_count"]):
        name = state[f"{P}run{i}.optimizer"]
        base = state.get(f"{P}run{i}.base")
        hyper = dict(base.hyperparameters) if base and base.optimizer == name else {}
        hyper["lr"] = float(state[f"{P}run{i}.lr"])
        spec = optimizers.spec(name)
        if "momentum" in spec.defaults and f"{P}run{i}.momentum" in state:
            hyper["momentum"] = float(state[f"{P}run{i}.momentum"])
        defaults = spec.defaults
        hyper = {k: v for k, v in hyper.items() if v != defaults.get(k)}
        batch = int(state[f"{P}run{i}.batch"])
        runs.append(nn.TrainingRun(codec.RunConfig(name, hyper), batch or None))
    return runs


def add_run():
    runs = runs_from_state()
    added = cfg.next_run([t.run for t in runs], nn.ADD_CANDIDATES)
    runs.append(nn.TrainingRun(added))
    write_runs(runs)


def new_dataset():
    values = {f.name: state[P + f.name] for f in nn.FIELDS}
    before = state.get(P + "dataset_before", values["dataset"])
    changed = nn.switch_dataset(values, before)
    for name, value in changed.items():
        state[P + name] = value
    if changed:
        state[P + "dataset_note"] = nn.dataset_note(values["dataset"], changed)


def remove_run(index):
    runs = runs_from_state()
    del runs[index]
    write_runs(runs)


with st.sidebar:
    if "surface" not in hidden:
        st.header("Data and network")
        state[P + "dataset_before"] = state[P + "dataset"]
        st.selectbox("Data set", nn.DATASETS, key=P + "dataset", on_change=new_dataset)
        st.number_input(
            "examples N (and as many held out)", *bounds("n_points"), key=P + "n_points"
        )
        st.number_input("input noise", *bounds("noise"), key=P + "noise")
        st.number_input("data seed", *bounds("data_seed"), key=P + "data_seed")
        st.selectbox("hidden widths", nn.ARCHITECTURES, key=P + "hidden")
        st.selectbox("activation", ("tanh", "relu"), key=P + "activation")
        st.number_input(
            "initialization seed (shared by every run)",
            *bounds("init_seed"),
            key=P + "init_seed",
        )
    st.header("Training")
    state[P + "batch"] = min(state[P + "batch"], state[P + "n_points"])
    st.slider("batch size", 1, state[P + "n_points"], key=P + "batch")
    st.slider(f"Steps (at most {nn.MAX_STEPS})", 1, nn.MAX_STEPS, key=P + "steps")
    st.number_input(
        "weight decay λ (runs that take it)",
        *bounds("weight_decay"),
        key=P + "weight_decay",
        format="%g",
    )
    st.number_input("shuffle seed", *bounds("seed"), key=P + "seed")
    if "runs" not in hidden:
        st.header("Runs")
        for i in range(state[P + "run_count"]):
            with st.expander(
                f"Run {i + 1}: {state[f'{P}run{i}.optimizer']}", expanded=i == 0
            ):
                name = st.selectbox(
                    "optimizer", optimizers.trainable(), key=f"{P}run{i}.optimizer"
                )
                st.number_input("lr", 1e-6, 10.0, key=f"{P}run{i}.lr", format="%g")
                if "momentum" in optimizers.spec(name).defaults:
                    state.setdefault(f"{P}run{i}.momentum", 0.0)
                    st.number_input("momentum", 0.0, 0.999, key=f"{P}run{i}.momentum")
                st.number_input(
                    "own batch size (0: the page's)",
                    0,
                    nn.MAX_POINTS,
                    key=f"{P}run{i}.batch",
                )
                if state[P + "run_count"] > 1:
                    st.button(
                        "Remove this run",
                        key=f"{P}remove{i}",
                        on_click=remove_run,
                        args=(i,),
                    )
        if state[P + "run_count"] < nn.MAX_RUNS:
            st.button("Add run", icon=":material/add:", key=P + "add", on_click=add_run)
    st.header("Slice")
    st.selectbox(
        "plane",
        ("pca", "random"),
        key=P + "slice",
        format_func={
            "pca": "PCA of the runs' paths",
            "random": "random, filter-normalized",
        }.get,
    )
    if state[P + "slice"] == "random":
        st.number_input("direction seed", *bounds("slice_seed"), key=P + "slice_seed")
    state[P + "center"] = min(state[P + "center"], state[P + "run_count"])
    st.selectbox(
        "through the final weights of run",
        list(range(1, state[P + "run_count"] + 1)),
        key=P + "center",
    )

w.limits_panel("neural_net")

values = {name: state[P + name] for name in (f.name for f in nn.FIELDS)}
values["runs"] = runs_from_state()
query = {**nn.query(values), **cfg.view_to_query(view)}
st.query_params.from_dict(query)
key = tuple(
    (k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(query.items())
)
with st.spinner("Training the networks…"):
    page = w.neural_page(key)
labels = page["labels"]
results = page["results"]

st.title("Neural net: training a small MLP")
if P + "dataset_note" in state:
    st.info(state.pop(P + "dataset_note"), icon=":material/tune:")
st.markdown(
    f"A {page['model_text']} classifier with a logit output and binary cross-entropy, "
    "trained by each run from the **same initial weights** on the same minibatches "
    "(drawn without replacement, a fresh shuffle each epoch). Optimization is not "
    "generalization: watch the held-out (test) curves."
)
loss, accuracy = page["loss"], page["accuracy"]
if view.lecture:  # both as tall as the screen has room for under the first
    height = w.lecture_height(P + "loss", loss["layout"]["height"])
    loss, accuracy = figures.resized(loss, height), figures.resized(accuracy, height)
left, right = st.columns(2)
left.plotly_chart(figures.Prebuilt(loss), key=P + "loss")
right.plotly_chart(figures.Prebuilt(accuracy), key=P + "accuracy")
if view.lecture:
    with left:
        w.viewport_probe(P + "loss")
with st.spinner("Drawing decision boundaries and loss slices…"):
    page = {**page, **w.neural_page(key, "views")}

rows = []
for label, result, sharp in zip(labels, results, page["sharpness"], strict=True):
    rows.append(
        {
            "run": label,
            "train loss": tables.number(result.loss[-1]),
            "test loss": tables.number(result.test_loss[-1]),
            "train accuracy": f"{100 * result.accuracy[-1]:.1f}%",
            "test accuracy": f"{100 * result.test_accuracy[-1]:.1f}%",
            f"sharpness (r = {nn.SHARPNESS_RADIUS:g})": tables.number(sharp),
            "diverged at step": tables.number(result.diverged_at),
        }
    )
st.markdown(tables.markdown_table(rows, align_right=tuple(rows[0])[1:]))
st.caption(
    "Sharpness: how much the training loss rises, on average, a step of "
    f"{nn.SHARPNESS_RADIUS:g} away from the final weights along random "
    "filter-normalized directions (each neuron moved by half its own size). Flat "
    "minima rise little; sharp ones, often reached with large batches, a lot."
)

st.subheader("Decision boundary through training")
columns = st.columns(len(results))
for i, (column, figure) in enumerate(zip(columns, page["boundaries"], strict=True)):
    column.plotly_chart(figures.Prebuilt(figure), key=f"{P}boundary{i}")
st.caption(
    "● class 0, ■ class 1 (training points); the background is the final network's "
    "P(y = 1), the black line its decision boundary s(x) = 0 at the step shown."
)

st.subheader("The loss on a plane through parameter space")
st.markdown(page["slice_text"])
left, right = st.columns([3, 2])
left.plotly_chart(figures.Prebuilt(page["slice"]), key=P + "slice_chart")
right.plotly_chart(figures.Prebuilt(page["illusion"]), key=P + "illusion")
st.caption(
    "Right: a projected path is not the path. Solid, the true training loss at each "
    "iterate; dotted, the plane's loss at its projection; below, how far each iterate "
    f"lies off the plane (the network has {page['n_parameters']} parameters; the "
    "plane shows two directions of them)."
)
if st.toggle("Show the slice in 3D", key=P + "show3d"):
    st.plotly_chart(figures.Prebuilt(page["slice3d"]), key=P + "slice3d")

st.subheader("Share and export")
link = w.share_link_control(query, key=P + "share")
w.export_buttons(
    P,
    view,
    link,
    (
        (
            "Decision boundary of run 1 (HTML, plays offline)",
            page["boundaries"][0],
            "descent-lab-neural-net.html",
        ),
        (
            "Training curves (CSV)",
            lambda: export.training_csv(
                labels, results, page["coords"], page["distance"]
            ),
            "descent-lab-training.csv",
        ),
        (
            "Runs with every parameter vector (JSON)",
            lambda: export.training_json(query, labels, results),
            "descent-lab-training.json",
        ),
    ),
)

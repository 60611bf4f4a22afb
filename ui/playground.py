"""The Playground: several optimizers on one surface, animated in the browser.

Its state is `PAGE` (the fields below: the surface and its parameters, the start,
steps, the runs, the lr schedule, gradient noise and its seed, the gradient clip).
Link format (repeat
``run`` for several runs)::

    ?surface=quadratic&condition_number=10&angle=0.3&start=-2.5,2&steps=300
    &run=sgd;lr=0.05;momentum=0.9&run=adam;lr=0.1;betas=0.9,0.999
    &schedule=step;gamma=0.5;step_size=100&noise=0.5&seed=0&clip=1

What it computes (`run_all`), its figures, tables and text are pure functions here,
tested without Streamlit; pages/playground.py is layout. No `settle` step: the fields
alone describe the page (a start of None is the surface's default start,
`start_of`).
"""

from __future__ import annotations

from collections.abc import Mapping

import landscapes
import optimizers
from optimizers import stability
from ui import codec, export, figures, limits, tables
from ui.codec import RunConfig
from ui.state import Field, PageState, surface_of

DEFAULT_SURFACE = "rosenbrock"
DEFAULT_STEPS = 1000
START_LIMIT = 1e3  # a start's widgets, before the link clamps it into the view

NOISE_HELP = (
    "Gaussian noise added to each gradient component, seeded: a model of minibatch "
    "noise on a formula, not SGD. True minibatches of real examples: the Stochastic "
    "page, or an empirical-risk surface with a batch size."
)


CLIP_HELP = (
    "Off by default. c > 0 clips each gradient to norm c before the optimizer sees "
    "it, as torch.nn.utils.clip_grad_norm_(max_norm=c) does: the paths then show "
    "clipped dynamics, and the legend says so."
)


def default_runs() -> list[RunConfig]:
    """Rosenbrock's classic comparison; settings equal to defaults are left out."""
    return [
        RunConfig("gd"),  # lr = 1e-3
        RunConfig("momentum"),  # lr = 1e-3, momentum = 0.9
        RunConfig("rmsprop"),  # lr = 1e-2
        RunConfig("adam", {"lr": 0.05}),
    ]


def _noisy(values: Mapping) -> bool:
    # Noise and its seed are in the link only when there is noise: without it the
    # seed changes nothing, and links (and the cache) that differ only there are one.
    return values["noise"] != 0


FIELDS = (
    Field(
        "surface",
        "choice",
        DEFAULT_SURFACE,
        choices=tuple(landscapes.names()),
        label="Surface",
    ),
    Field("surface_params", "surface_params", None),
    Field("start", "start", None, -START_LIMIT, START_LIMIT),
    Field(
        "steps",
        "int",
        DEFAULT_STEPS,
        1,
        limits.STEPS.value,
        limit=limits.STEPS,
        label="Steps",
    ),
    Field("run", "runs", default_runs()),
    Field("schedule", "schedule", {}),
    Field(
        "noise",
        "float",
        0.0,
        0.0,
        limits.NOISE.value,
        limit=limits.NOISE,
        label="gradient noise σ",
        help=NOISE_HELP,
        written=_noisy,
    ),
    Field("seed", "int", 0, 0, 2**31 - 1, label="seed", written=_noisy),
    Field(
        "clip",
        "float",
        0.0,
        0.0,
        1e6,
        label="clip gradient norm to (0: off)",
        help=CLIP_HELP,
        written=lambda values: values["clip"] != 0,
    ),
)
PAGE = PageState("pg.", FIELDS)

# --- "Add run" --------------------------------------------------------------------

# What "Add run" adds, in turn: the first whose optimizer no run uses yet (torch's
# defaults). sgd comes last: without noise it is gd step for step; adamw is left out:
# at torch's defaults it is Adam to within a line's width.
ADD_CANDIDATES = tuple(
    RunConfig(name)
    for name in (
        "gd",
        "momentum",
        "adam",
        "rmsprop",
        "adagrad",
        "nadam",
        "radam",
        "rprop",
        "adadelta",
        "normalized_gd",
        "newton",
        "sgd",
    )
)


def next_run(runs: list[RunConfig], candidates=ADD_CANDIDATES) -> RunConfig:
    """The run "Add run" adds beside `runs`, so that it does not hide one of them:
    the first candidate whose optimizer no run uses; when every one is used, the
    last run's optimizer at half the smallest lr any run of it has."""
    used = {run.optimizer for run in runs}
    for candidate in candidates:
        if candidate.optimizer not in used:
            return RunConfig(candidate.optimizer, dict(candidate.hyperparameters))
    last = runs[-1] if runs else candidates[0]
    spec = optimizers.spec(last.optimizer)
    if "lr" not in spec.defaults:
        return RunConfig(last.optimizer, dict(last.hyperparameters))
    lrs = [
        float(run.hyperparameters.get("lr", spec.defaults["lr"]))
        for run in runs
        if run.optimizer == last.optimizer
    ]
    lr = min(lrs, default=float(spec.defaults["lr"])) / 2
    return RunConfig(last.optimizer, {**last.hyperparameters, "lr": lr})


# --- what the page computes -------------------------------------------------------


def start_of(values: Mapping, surface: landscapes.Landscape | None = None):
    """Where every run starts: the link's start, else the surface's default."""
    if values["start"] is not None:
        return tuple(values["start"])
    return (surface or surface_of(values)).default_start


def query_key(values: Mapping) -> tuple:
    """The page's link as a hashable, canonical key (what the cache keys runs by)."""
    return tuple(
        (key, tuple(value) if isinstance(value, list) else value)
        for key, value in sorted(PAGE.query(values).items())
    )


def run_all(values: Mapping, record_state: bool = False) -> list:
    """Every run, from the shared start with the shared steps, schedule, noise and
    seed (`record_state`: keep each optimizer's buffers, for the internals view)."""
    surface = surface_of(values)
    return [
        optimizers.run(
            run.optimizer,
            surface,
            start=start_of(values, surface),
            steps=values["steps"],
            schedule=values["schedule"] or None,
            seed=values["seed"],
            gradient_noise=values["noise"],
            max_grad_norm=values["clip"] or None,
            # A run whose optimizer keeps points of the plane (an average, a
            # simplex) records its state: the figure draws them beside the path.
            record_state=record_state or _draws_state(run.optimizer),
            **run.hyperparameters,
        )
        for run in values["run"]
    ]


def _draws_state(optimizer: str) -> bool:
    """Does the page draw some of `optimizer`'s state (points beside its path, or
    quantities over the steps)? Then its runs record their state."""
    spec = optimizers.spec(optimizer)
    return bool(spec.positions or spec.traced)


def traced_figure(results, labels_) -> dict | None:
    """The optimizers' own quantities over the steps (each spec's `traced`: the
    annealing temperature, ...), one line per run and quantity; None if no run has
    any."""
    series, names, runs, quantities = [], [], [], {}
    for run, (result, label) in enumerate(zip(results, labels_, strict=True)):
        for name in optimizers.spec(result.optimizer).traced:
            if name in result.state:
                quantity = name.replace("_", " ")
                series.append(result.state[name])
                names.append(f"{label}: {quantity}")
                runs.append(run)
                quantities[quantity] = None
    if not series:
        return None
    title = "what the optimizers track: " + ", ".join(quantities)
    return figures.series_figure(series, names, title, True, legend=True, runs=runs)


def cannot_run(runs: list[RunConfig]) -> str | None:
    """Why a run cannot run (a combination the widgets allow and the optimizer
    does not, e.g. Nesterov without momentum), else None."""
    for number, run in enumerate(runs, start=1):
        try:
            optimizers.resolve_hyperparameters(run.optimizer, run.hyperparameters)
        except ValueError as error:
            return f"Run {number} cannot run: {error}. Change it in the sidebar."
    return None


def labels(runs: list[RunConfig], clip: float = 0.0) -> list[str]:
    """The runs' legend entries; with a gradient clip each says it."""
    clipped = f", ‖g‖ clipped to {clip:g}" if clip else ""
    return [f"{i + 1}. {run.label()}{clipped}" for i, run in enumerate(runs)]


# --- the animation's step -----------------------------------------------------
#
# "frame" in the page's state: the step the figure shows, as the browser last
# reported it (Pause, Play's end, the scrubber) or the Step buttons moved it.


def show_frame(state, k: int) -> None:
    """The browser settled on frame k; a Step in the same run already counted from
    it (`move_frame`)."""
    if not state.get(PAGE.key("frame_moved")):
        state[PAGE.key("frame")] = k


def move_frame(state, shown: int | None, steps: int | None) -> None:
    """Step `steps` on from the frame on screen (`shown`, if the browser reported it
    with the click, else the last known); None: back to the start."""
    frame = state[PAGE.key("frame")] if shown is None else shown
    state[PAGE.key("frame")] = 0 if steps is None else frame + steps
    state[PAGE.key("frame_moved")] = True


# --- figures ----------------------------------------------------------------------


def trajectory(
    surface, values, results, labels_, image, height, frame, internals
) -> dict:
    """The animated figure: every run's path from the start, built in the browser
    from a recipe (frames_in_browser) unless `internals` draws each step's arrows
    and learning rates per coordinate."""
    return figures.trajectory_figure(
        surface,
        [r.path for r in results],
        labels_,
        [r.diverged_at for r in results],
        start_of(values, surface),
        undefined_at=[r.undefined_at for r in results],
        image=image,
        height=height,
        initial_frame=frame,
        frames_in_browser=True,
        companions=figures.companion_paths(results),
        arrows=[figures.internals_arrows(surface, r) for r in results]
        if internals
        else None,
        notes=[
            figures.effective_lr_notes(surface, r, f"run {i + 1}")
            for i, r in enumerate(results)
        ]
        if internals
        else None,
    )


def curves(surface, results, labels_) -> dict[str, dict]:
    """Loss (f − f* on a log axis where f* is known), gradient norm and learning
    rate over the steps, by the page's key for each."""
    losses = [r.loss for r in results]
    series = figures.series_figure
    return {
        "loss": figures.loss_gap_figure(losses, labels_, surface.min_value),
        "grad": series([r.grad_norm for r in results], labels_, "gradient norm", True),
        "lr": series([r.lr for r in results], labels_, "learning rate used", False),
    }


def sharpness(surface, results, labels_) -> dict:
    """λmax along each path against each optimizer's stability line."""
    return figures.sharpness_figure(
        [stability.sharpness_along(surface, r.path) for r in results],
        [
            stability.sharpness_limit(r.optimizer, r.hyperparameters, r.lr)
            for r in results
        ],
        labels_,
    )


def downloads(query: dict, labels_, results, figure: dict) -> tuple:
    """What export_buttons offers: the animation, and the paths as CSV and JSON."""
    return (
        ("Animation (HTML, plays offline)", figure, "descent-lab.html"),
        (
            "Paths (CSV)",
            lambda: export.paths_csv(labels_, results),
            "descent-lab-paths.csv",
        ),
        (
            "Paths (JSON)",
            lambda: export.paths_json(query, labels_, results),
            "descent-lab-paths.json",
        ),
    )


# --- tables and text --------------------------------------------------------------


def results_table(surface, labels_, results) -> str:
    """Where each run ended, as a Markdown table: its loss, its distance to the
    nearest minimum, the step it came within 1e-6, and where it diverged."""
    rows = []
    for label, result in zip(labels_, results, strict=True):
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
    return tables.markdown_table(rows, align_right=tuple(rows[0])[1:])


def internals_table(surface, labels_, results, frame: int) -> str:
    """Each run's −∇f, step taken and lr per coordinate at step `frame`, as a
    Markdown table: a row per run and quantity, x and y in columns (narrow enough
    for the figure's column)."""
    rows = []
    for label, result in zip(labels_, results, strict=True):
        item = figures.internals_at(surface, result, frame)
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
    return tables.markdown_table(rows, align_right=("x", "y"))


def internals_caption(frame: int) -> str:
    return (
        "Arrows follow Play and the scrubber. Black: the direction of −∇f. Thick: "
        "the step taken, at its true length. Dotted: the direction of the "
        "optimizer's buffer (velocity, momentum or first moment). Under the step "
        "counter, each run's learning rate per coordinate, step / (−∂f/∂θ): "
        "where an adaptive method rescales, the two differ. The table is at step "
        f"{frame}: where Pause, the slider or the Step buttons left the figure."
    )


PLAY_CAPTION = (
    "Press ▶ Play or drag the step slider: the animation runs in your browser. "
    "Click any point of the figure to start from there."
)
SHARPNESS_CAPTION = (
    "λmax is the Hessian's largest eigenvalue at each iterate. Near a minimum a "
    "step is stable only while λmax stays below the dashed line: 2/lr for "
    "gradient descent, 2(1 + β)/lr with heavy-ball momentum β, "
    "2(1 + β)/((1 + 2β)·lr) with Nesterov (exact on quadratics). Cohen et al. "
    "(2021) found full-batch gradient descent on neural networks pushing λmax up "
    "to 2/lr and hovering there: the edge of stability. Adaptive methods have "
    "no line here: they rescale each coordinate."
)
SHARE_CAPTION = "Whoever opens this link sees this exact figure."


def optimizer_specs(runs: list[RunConfig]) -> list:
    """The spec of each optimizer the runs use, once each, in the runs' order (the
    side column shows each one's update rule)."""
    return [optimizers.spec(name) for name in dict.fromkeys(r.optimizer for r in runs)]


def in_view(surface, start) -> bool:
    """Whether a start is inside the surface's view and f is defined there."""
    (x0, x1), (y0, y1) = surface.bounds
    x, y = start
    return x0 <= x <= x1 and y0 <= y <= y1 and codec.defined_at(surface, x, y)

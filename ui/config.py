"""A page's whole configuration, and its round trip through the URL query string.

Query strings are untrusted: `from_query` never raises. Unknown names fall back to
defaults, numbers are clamped into range, garbage is ignored, and every change is
reported as a short notice the page shows.

Format (repeat ``run`` for several runs)::

    ?surface=quadratic&condition_number=10&angle=0.3&start=-2.5,2&steps=300
    &run=sgd;lr=0.05;momentum=0.9&run=adam;lr=0.1;betas=0.9,0.999
    &schedule=step;gamma=0.5;step_size=100&noise=0&seed=0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import landscapes
import optimizers
from ui import limits
from ui.codec import (
    MAX_VALUE_LENGTH,
    RunConfig,
    clamped,
    defined_at,
    first,
    format_run,
    format_schedule,
    number,
    parse_run,
    parse_schedule,
    parse_surface_params,
    short,
    surface_query,
)

# The web app's bounds live in ui.limits; these names are kept for the pages.
MAX_RUNS = limits.RUNS.value
MAX_STEPS_PAGE = limits.STEPS.value
DEFAULT_SURFACE = "rosenbrock"
DEFAULT_STEPS = 1000
MAX_NOISE = limits.NOISE.value


NOISE_HELP = (
    "Gaussian noise added to each gradient component, seeded: a model of minibatch "
    "noise on a formula, not SGD. True minibatches of real examples: the Stochastic "
    "page, or an empirical-risk surface with a batch size."
)


@dataclass
class PlaygroundConfig:
    surface: str = DEFAULT_SURFACE
    surface_params: dict[str, float] = field(default_factory=dict)
    start: tuple[float, float] | None = None
    steps: int = DEFAULT_STEPS
    runs: list[RunConfig] = field(default_factory=list)
    schedule: dict = field(default_factory=dict)
    noise: float = 0.0
    seed: int = 0

    def landscape(self) -> landscapes.Landscape:
        return landscapes.get(self.surface, **self.surface_params)

    def resolved_start(self) -> tuple[float, float]:
        return self.start if self.start is not None else self.landscape().default_start

    def run(self, record_state: bool = False) -> list[optimizers.RunResult]:
        """Every run of this configuration, with its shared start, steps, schedule,
        noise and seed."""
        surface = self.landscape()
        return [
            optimizers.run(
                run.optimizer,
                surface,
                start=self.resolved_start(),
                steps=self.steps,
                schedule=self.schedule or None,
                seed=self.seed,
                gradient_noise=self.noise,
                record_state=record_state,
                **run.hyperparameters,
            )
            for run in self.runs
        ]


def default_runs() -> list[RunConfig]:
    """Rosenbrock's classic comparison; settings equal to defaults are left out."""
    return [
        RunConfig("gd"),  # lr = 1e-3
        RunConfig("momentum"),  # lr = 1e-3, momentum = 0.9
        RunConfig("rmsprop"),  # lr = 1e-2
        RunConfig("adam", {"lr": 0.05}),
    ]


def default_config() -> PlaygroundConfig:
    return PlaygroundConfig(runs=default_runs())


# What "Add run" adds on the Playground, in turn: the first whose optimizer no run
# uses yet (torch's defaults). sgd comes last: without noise it is gd step for step;
# adamw is left out: at torch's defaults it is Adam to within a line's width.
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


def from_query(params: Mapping) -> tuple[PlaygroundConfig, list[str]]:
    """The configuration a query string describes, and notices of what was changed.

    `params` maps keys to a string or a list of strings (st.query_params.to_dict() or
    {key: st.query_params.get_all(key)}). Never raises.
    """
    notices: list[str] = []
    config = default_config()
    if not params:
        return config, notices
    surface = first(params, "surface", notices)
    if surface is not None:
        if surface in landscapes.names():
            config.surface = surface
        else:
            notices.append(
                f"Unknown surface '{surface[:40]}'; using {DEFAULT_SURFACE}."
            )
    config.surface_params = parse_surface_params(config.surface, params, notices)
    surface_object = config.landscape()
    start = first(params, "start", notices)
    if start is not None:
        parts = start.split(",")
        numbers = [number(p) for p in parts]
        if len(parts) != 2 or None in numbers:
            notices.append(
                f"'start={start[:40]}' is not two numbers; using the default."
            )
        else:
            (x0, x1), (y0, y1) = surface_object.bounds
            x = min(max(numbers[0], x0), x1)
            y = min(max(numbers[1], y0), y1)
            if (x, y) != tuple(numbers):
                notices.append(
                    "The start point was outside the plot; moved to its edge."
                )
            config.start = (x, y)
            if not defined_at(surface_object, x, y):
                notices.append(
                    f"f is undefined at the start ({short(x)}, {short(y)}); "
                    "using the surface's default start."
                )
                config.start = None
    config.steps = clamped(
        "steps",
        first(params, "steps", notices),
        1,
        MAX_STEPS_PAGE,
        DEFAULT_STEPS,
        notices,
        whole=True,
        limit=limits.STEPS,
    )
    raw_runs = params.get("run")
    if raw_runs is not None:
        if isinstance(raw_runs, str):
            raw_runs = [raw_runs]
        runs = []
        for text in raw_runs:
            if len(text) > MAX_VALUE_LENGTH:
                notices.append(
                    "A run description was too long and was dropped "
                    f"{limits.notice(limits.VALUE_LENGTH)}."
                )
                continue
            run = parse_run(text, notices)
            if run is not None:
                runs.append(run)
        if len(runs) > MAX_RUNS:
            notices.append(
                f"Only the first {MAX_RUNS} runs are shown "
                f"{limits.notice(limits.RUNS)}."
            )
            runs = runs[:MAX_RUNS]
        if runs:
            config.runs = runs
        else:
            notices.append("No valid run in the link; showing the default runs.")
    config.schedule = parse_schedule(first(params, "schedule", notices), notices)
    config.noise = clamped(
        "noise",
        first(params, "noise", notices),
        0.0,
        MAX_NOISE,
        0.0,
        notices,
        limit=limits.NOISE,
    )
    config.seed = clamped(
        "seed", first(params, "seed", notices), 0, 2**31 - 1, 0, notices, whole=True
    )
    return config, notices


def to_query(config: PlaygroundConfig) -> dict[str, str | list[str]]:
    """The query parameters that reproduce `config` (defaults left out)."""
    query: dict[str, str | list[str]] = {"surface": config.surface}
    query.update(surface_query(config.surface_params))
    if config.start is not None:
        query["start"] = f"{short(config.start[0])},{short(config.start[1])}"
    query["steps"] = str(config.steps)
    query["run"] = [format_run(run) for run in config.runs]
    schedule = format_schedule(config.schedule)
    if schedule:
        query["schedule"] = schedule
    if config.noise:
        query["noise"] = short(config.noise)
        query["seed"] = str(config.seed)
    return query


HIDEABLE = ("surface", "runs", "schedule", "noise", "start")


@dataclass
class ViewOptions:
    """How a page is shown, not what it computes: lecturer mode for a projector."""

    lecture: bool = False
    hidden: tuple[str, ...] = ()
    preset: str | None = None


def is_lecture(value: str | None) -> bool:
    """Whether a URL's ``lecture=`` value turns lecturer mode on."""
    return value is not None and value.strip().lower() in ("1", "true", "yes")


def view_from_query(params: Mapping) -> tuple[ViewOptions, list[str]]:
    """Lecturer-mode flags: ``lecture=1``, ``hide=runs,schedule``, ``preset=<key>``."""
    from ui.presets import BY_KEY

    notices: list[str] = []
    view = ViewOptions()
    view.lecture = is_lecture(first(params, "lecture", notices))
    hide = first(params, "hide", notices)
    if hide:
        names = [h.strip() for h in hide.split(",") if h.strip()]
        unknown = [h for h in names if h not in HIDEABLE]
        if unknown:
            notices.append(
                f"Cannot hide '{unknown[0][:40]}'; hideable: {', '.join(HIDEABLE)}."
            )
        view.hidden = tuple(h for h in names if h in HIDEABLE)
    preset = first(params, "preset", notices)
    if preset is not None:
        if preset in BY_KEY:
            view.preset = preset
        else:
            notices.append(f"Unknown preset '{preset[:40]}' was ignored.")
    return view, notices


def view_to_query(view: ViewOptions) -> dict[str, str]:
    query = {}
    if view.lecture:
        query["lecture"] = "1"
    if view.hidden:
        query["hide"] = ",".join(view.hidden)
    if view.preset:
        query["preset"] = view.preset
    return query

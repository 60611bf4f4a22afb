"""The Compare page's state and runs: small multiples of one optimizer as one
hyperparameter (or the lr schedule, each at its default settings) varies.

A link's keys that Compare shares with the Playground (surface and its parameters,
start, steps, schedule, noise, seed) are read as the Playground reads them, notices
and all; a link without a surface or steps shows Compare's own (`settle`). The page
runs from the surface's default start and ignores schedule, noise and seed: they are
read for their notices only and never written back.
"""

from __future__ import annotations

import math

import numpy as np

import landscapes
import optimizers
from optimizers import schedules
from ui import codec, limits
from ui.state import Field, Link, PageState, never, surface_of

MAX_PANELS = limits.PANELS.value
SCHEDULE_AXIS = "schedule"  # `vary` for one panel per schedule
# What a link without them shows.
SURFACE = "quadratic"
SURFACE_PARAMS = {"condition_number": 20.0, "angle": 0.3}
STEPS = 100
VARY = "momentum"
VALUES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)  # the classic momentum ladder
# What a link's unknown surface or unreadable steps fall back to (the Playground's).
LINK_SURFACE = "rosenbrock"
LINK_STEPS = 1000
SPREAD = (0.1, 0.3, 1.0, 3.0)  # panels at these multiples of a default's gap
VALUES_HELP = (
    "Separated by commas, semicolons or spaces. Numbers, or for "
    f"'{SCHEDULE_AXIS}' any of: " + ", ".join(schedules.NAMES)
)

FIELDS = (
    Field("surface", "choice", LINK_SURFACE, choices=tuple(landscapes.names())),
    Field("surface_params", "surface_params", None),
    Field("start", "start", None, written=never),
    Field("steps", "int", LINK_STEPS, 1, limits.STEPS.value, limit=limits.STEPS),
    Field("schedule", "schedule", {}, written=never),
    Field(
        "noise",
        "float",
        0.0,
        0.0,
        limits.NOISE.value,
        limit=limits.NOISE,
        written=never,
    ),
    Field("seed", "int", 0, 0, 2**31 - 1, written=never),
    Field("run", "run", codec.RunConfig("momentum", {"lr": 0.01})),
    Field("vary", "text", None),
    Field("values", "text", None),
)


def settle(values: dict, notices: list[str], link: Link) -> None:
    """Compare's own surface and steps where the link has none; `vary` one the run's
    optimizer has; `values` read against it: the panels' values in "panels", the
    link's text of them in "values"."""
    if "surface" not in link.params:
        values["surface"], values["surface_params"] = SURFACE, dict(SURFACE_PARAMS)
    if "steps" not in link.params:
        values["steps"] = STEPS
    values["start"] = None  # the page runs from the surface's default start
    vary, panels = read_values(
        values["run"].optimizer, values["vary"], values["values"], notices
    )
    values["vary"], values["panels"] = vary, panels
    values["values"] = values_text(panels)


PAGE = PageState("cmp.", FIELDS, settle)


def axes(optimizer: str) -> list[str]:
    """What Compare can vary for `optimizer`: its settable float hyperparameters and
    the schedule."""
    spec = optimizers.spec(optimizer)
    floats = [h.name for h in spec.hyperparameters if h.settable and h.kind == "float"]
    return [*floats, SCHEDULE_AXIS]


def read_values(
    optimizer: str, vary: str | None, text: str | None, notices: list[str]
) -> tuple[str, tuple]:
    """(vary, the panels' values) from a link's or the Values box's text."""
    if vary == SCHEDULE_AXIS:
        return SCHEDULE_AXIS, _schedule_names(text, notices)
    settable = axes(optimizer)[:-1]
    if vary is not None and vary not in settable:
        notices.append(f"Cannot vary '{vary[:40]}' for {optimizer}; using lr.")
        vary = "lr"
    elif vary is None:
        vary = VARY if VARY in settable else "lr"
    offered = defaults(optimizer, vary)
    if text is None:
        return vary, offered
    spec = optimizers.spec(optimizer)
    parts = codec.split_values(text)
    parsed = []
    for part in parts[: MAX_PANELS + 1]:
        if codec.number(part) is None:
            notices.append(f"'{part[:40]}' in 'values' is not a number; dropped.")
            continue
        holder: dict[str, float] = {}
        codec.set_hyperparameter(optimizer, spec, vary, part, holder, notices)
        if vary in holder:
            parsed.append(holder[vary])
    if len(parts) > MAX_PANELS:
        notices.append(
            f"At most {MAX_PANELS} panels; the rest were dropped "
            f"{limits.notice(limits.PANELS)}."
        )
    if parsed:
        return vary, tuple(parsed[:MAX_PANELS])
    notices.append(
        f"No {vary} values given; using the defaults {codec.format_values(offered)}."
    )
    return vary, offered


def _schedule_names(text: str | None, notices: list[str]) -> tuple[str, ...]:
    if text is None:
        return schedules.NAMES
    parts = codec.split_values(text)
    chosen = [n for n in parts if n in schedules.NAMES]
    unknown = [n for n in parts if n not in schedules.NAMES]
    if unknown:
        notices.append(
            "Unknown schedule names in 'values' were dropped: "
            + ", ".join(f"'{n[:40]}'" for n in unknown[:3])
            + ("." if len(unknown) <= 3 else ", ...")
        )
    if chosen:
        return tuple(dict.fromkeys(chosen))
    notices.append(
        "No schedule names given; using all of them: "
        f"{codec.format_values(schedules.NAMES)}."
    )
    return schedules.NAMES


def values_text(values) -> str:
    """The panels' values as the link writes them."""
    return ",".join(v if isinstance(v, str) else codec.short(v) for v in values)


def spread(hyper: optimizers.Hyperparameter) -> tuple[float, ...]:
    """A few values of `hyper` around its default, all inside its range: the gap
    between the default and the nearer end of the range times 0.1, 0.3, 1 and 3, so
    lr = 1e-3 gives 1e-4 ... 3e-3 and β = 0.9 in [0, 1) gives 0.7 ... 0.99. A default
    on an end (a weight decay of 0) spreads over the range when it is bounded, else
    over decades from that end."""
    low, high, default = hyper.low, hyper.high, hyper.default
    gaps = [
        (gap, end, sign)
        for gap, end, sign in ((default - low, low, 1.0), (high - default, high, -1.0))
        if math.isfinite(gap) and gap > 0
    ]
    if gaps:
        gap, end, sign = min(gaps, key=lambda g: g[0])
        candidates = sorted(end + sign * gap * f for f in SPREAD)
    else:  # the default is the low end and the range is unbounded above
        candidates = [default + f for f in (0.0, 0.01, 0.1, 1.0)]
    values = []
    for value in candidates:
        value = float(f"{value:.12g}")  # 1 - 0.1 * 0.1 is 0.99, not 0.9899999...
        if inside(hyper, value) and value not in values:
            values.append(value)
    return tuple(values)


def defaults(optimizer: str, vary: str) -> tuple[float | str, ...]:
    """The values Compare offers for `vary` of `optimizer`: every schedule, the
    classic momentum ladder, or `spread` of the hyperparameter."""
    if vary == SCHEDULE_AXIS:
        return schedules.NAMES
    hyper = optimizers.spec(optimizer).hyperparameter(vary)
    if vary == VARY and all(inside(hyper, v) for v in VALUES):
        return VALUES
    return spread(hyper)


def inside(hyper: optimizers.Hyperparameter, value: float) -> bool:
    try:
        hyper.check(value)
    except ValueError:
        return False
    return True


def own_params(surface: str, params: dict) -> dict:
    """The surface parameters a link carries: a typed surface's all, another's those
    that differ from its defaults (the page has no widgets for them)."""
    if landscapes.text_parameters(surface):
        return dict(params)
    built = landscapes.get(surface).params
    return {k: v for k, v in params.items() if v != built.get(k)}


def current(values: dict) -> tuple[dict, list[str]]:
    """The widgets' values settled as their link would be: the Values box read
    against Vary and the optimizer, with notices of what was changed."""
    own = own_params(values["surface"], values["surface_params"])
    return PAGE.parse(PAGE.query({**values, "surface_params": own}))


def runs(values: dict) -> tuple[landscapes.Landscape, list[np.ndarray], list[str]]:
    """(surface, each panel's path, each panel's title)."""
    surface = surface_of(values)
    run, vary, panels = values["run"], values["vary"], values["panels"]
    start = surface.default_start
    if vary == SCHEDULE_AXIS:
        # A schedule is not a kernel hyperparameter: one run per schedule.
        results = [
            optimizers.run(
                run.optimizer,
                surface,
                steps=values["steps"],
                start=start,
                schedule=name,
                **run.hyperparameters,
            )
            for name in panels
        ]
        paths = [r.path for r in results]
        diverged_at = [-1 if r.diverged_at is None else r.diverged_at for r in results]
        names = [str(v) for v in panels]
    else:
        result = optimizers.sweep(
            run.optimizer,
            surface,
            steps=values["steps"],
            start=start,
            grid={vary: np.array(panels)},
            keep_paths=True,
            **run.hyperparameters,
        )
        paths = [p[~np.isnan(p[:, 0])] for p in result.paths]
        diverged_at = result.diverged_at.tolist()
        names = [f"{vary} = {v:g}" for v in panels]
    titles = [
        name + (f" · diverged at {k}" if k >= 0 else "")
        for name, k in zip(names, diverged_at, strict=True)
    ]
    return surface, paths, titles


def losses(surface, paths: list[np.ndarray]) -> list[np.ndarray]:
    """f along each panel's path."""
    return [surface.value(p[:, 0], p[:, 1]) for p in paths]

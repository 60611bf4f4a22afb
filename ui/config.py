"""What is left of the pages' hand codecs (issue #21 replaces them with ui.state's
fields, page by page): Schedules and Compare, the view's keys, and the Playground's
configuration as one object for Compare and the Sweep.

Query strings are untrusted: a `*_from_query` never raises. Unknown names fall back to
defaults, numbers are clamped into range, garbage is ignored, and every change is
reported as a short notice the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import landscapes
import optimizers
from ui import limits
from ui import playground as _playground
from ui.codec import (
    RunConfig,
    first,
)
from ui.playground import (  # noqa: F401 (kept for the pages not yet on ui.state)
    ADD_CANDIDATES,
    DEFAULT_STEPS,
    DEFAULT_SURFACE,
    NOISE_HELP,
    default_runs,
    next_run,
)

# The web app's bounds live in ui.limits; these names are kept for the pages.
MAX_RUNS = limits.RUNS.value
MAX_STEPS_PAGE = limits.STEPS.value
MAX_NOISE = limits.NOISE.value


@dataclass
class PlaygroundConfig:
    """The Playground's values (ui.playground.FIELDS) as one object, for Compare's
    surface, start and steps and the Sweep's link to a cell's run. Read and written
    by the Playground's own fields (`from_query`, `to_query`), so there is one
    codec."""

    surface: str = DEFAULT_SURFACE
    surface_params: dict[str, float] = field(default_factory=dict)
    start: tuple[float, float] | None = None
    steps: int = DEFAULT_STEPS
    runs: list[RunConfig] = field(default_factory=list)
    schedule: dict = field(default_factory=dict)
    noise: float = 0.0
    seed: int = 0

    def values(self) -> dict:
        """The Playground page's values (its fields' names)."""
        values = {k: v for k, v in vars(self).items() if k != "runs"}
        return {**values, "run": self.runs}

    def landscape(self) -> landscapes.Landscape:
        return landscapes.get(self.surface, **self.surface_params)

    def resolved_start(self) -> tuple[float, float]:
        return _playground.start_of(self.values(), self.landscape())

    def run(self, record_state: bool = False) -> list[optimizers.RunResult]:
        """Every run of this configuration (ui.playground.run_all)."""
        return _playground.run_all(self.values(), record_state)


def default_config() -> PlaygroundConfig:
    return PlaygroundConfig(runs=default_runs())


def from_query(params: Mapping) -> tuple[PlaygroundConfig, list[str]]:
    """The Playground's configuration for a query string, and notices of what was
    changed (ui.playground.PAGE.parse). Never raises."""
    values, notices = _playground.PAGE.parse(params)
    values["runs"] = values.pop("run")
    return PlaygroundConfig(**values), notices


def to_query(config: PlaygroundConfig) -> dict[str, str | list[str]]:
    """The query parameters that reproduce `config` (ui.playground.PAGE.query)."""
    return _playground.PAGE.query(config.values())


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

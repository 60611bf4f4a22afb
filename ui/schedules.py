"""The Schedules page's state and runs: several learning-rate schedules sharing their
settings, their curves, and their effect on one noisy run.

The page has widgets for a typed surface's formula and view only: a link's other
surface parameters are read (with their notices) and left out, the surface shown at
its defaults, as before."""

from __future__ import annotations

import landscapes
import optimizers
from optimizers import schedules
from ui import codec, limits
from ui.state import Field, Link, PageState, surface_of

SCHEDULES = ("constant", "inverse_time", "exponential", "step", "cosine")
SETTINGS = ("decay_rate", "gamma", "step_size", "eta_min", "warmup")
# The run's figure keeps ~220 px for its legend, Play buttons and scrubber.
PANEL_HEIGHT = 520


def _setting(name: str, default: float) -> Field:
    """A schedule setting over the engine's range (`codec.schedule_range`)."""
    low, high, whole = codec.schedule_range(name)
    if whole:
        return Field(name, "int", default, low, high, limit=limits.STEPS)
    return Field(name, "float", default, low, high)


def _typed(values) -> bool:
    return bool(landscapes.text_parameters(values["surface"]))


FIELDS = (
    Field(
        "schedules",
        "names",
        SCHEDULES,
        choices=schedules.NAMES,
        unknown="Unknown schedule '{text}' was dropped.",
    ),
    Field("lr", "float", 0.1, 1e-6, 10.0),
    Field("steps", "int", 300, 1, limits.STEPS.value, limit=limits.STEPS),
    _setting("decay_rate", 0.02),
    _setting("gamma", 0.5),
    _setting("step_size", 100),
    _setting("eta_min", 0.0),
    _setting("warmup", 0),
    Field("noise", "float", 0.5, 0.0, limits.NOISE.value, limit=limits.NOISE),
    Field("seed", "int", 0, 0, 2**31 - 1),
    Field("optimizer", "choice", "gd", choices=tuple(optimizers.names())),
    Field("surface", "choice", "quadratic", choices=tuple(landscapes.names())),
    Field("surface_params", "surface_params", None, written=_typed),
)


def settle(values: dict, notices: list[str], link: Link) -> None:
    """No schedule named: the default ones; a surface with no typed formula at its
    defaults (the page has no widgets for its parameters)."""
    values["schedules"] = tuple(values["schedules"]) or SCHEDULES
    if not _typed(values):
        values["surface_params"] = {}


PAGE = PageState("sc.", FIELDS, settle)


def current(values: dict) -> dict:
    """The widgets' values as the page runs them: no schedule chosen is constant."""
    return {**values, "schedules": tuple(values["schedules"]) or ("constant",)}


def chosen(values: dict) -> list[schedules.Schedule]:
    """The schedules shown, each with the page's shared settings."""
    settings = {name: values[name] for name in SETTINGS}
    return [
        schedules.Schedule.from_dict({"name": name, **settings})
        for name in values["schedules"]
    ]


def curves(values: dict) -> list:
    """Each schedule's learning rate at every step."""
    return [s.learning_rates(values["lr"], values["steps"]) for s in chosen(values)]


def runs(values: dict) -> list[optimizers.RunResult]:
    """One run of the optimizer on the surface under each schedule, from the
    surface's default start, with the page's gradient noise and seed."""
    surface = surface_of(values)
    return [
        optimizers.run(
            values["optimizer"],
            surface,
            steps=values["steps"],
            lr=values["lr"],
            schedule=schedule,
            gradient_noise=values["noise"],
            seed=values["seed"],
        )
        for schedule in chosen(values)
    ]


def run_title(values: dict, surface) -> str:
    return (
        f"{optimizers.spec(values['optimizer']).title} on {surface.title}, "
        f"noise σ = {values['noise']:g}"
    )

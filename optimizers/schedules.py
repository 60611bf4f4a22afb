r"""Learning-rate schedules η_t, t = 0, 1, ... the step index.

==============  =====================================================================
constant        η_t = η₀
inverse_time    η_t = η₀ / (1 + r t)            (the lecture notes' 1/k schedule)
exponential     η_t = η₀ e^{-λ t}
step            η_t = η₀ γ^{⌊t / t_u⌋}
cosine          η_t = η_min + (η₀ - η_min)(1 + cos(π min(t, T)/T)) / 2
==============  =====================================================================

``warmup = w > 0`` puts a linear warm-up in front of any of them: η_t = η₀ (t+1)/w for
t < w, then the schedule restarts its clock: η_t = sched(t - w).

Every schedule is affine in η₀: η_t = η₀·factor_t + offset_t (offset is non-zero only for
cosine's η_min), so one pair of arrays serves a whole grid of base learning rates.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

NAMES = ("constant", "inverse_time", "exponential", "step", "cosine")
MAX_WARMUP = 100_000
# Each setting's allowed range (low, high, whole number?), and the settings each
# schedule uses besides `warmup`, which every schedule has.
RANGES = {
    "decay_rate": (0.0, 1e6, False),
    "gamma": (0.0, 1.0, False),
    "step_size": (1, 10**9, True),
    "t_max": (1, 10**9, True),
    "eta_min": (0.0, 1e6, False),
    "warmup": (0, MAX_WARMUP, True),
}
USES = {
    "constant": (),
    "inverse_time": ("decay_rate",),
    "exponential": ("decay_rate",),
    "step": ("gamma", "step_size"),
    "cosine": ("t_max", "eta_min"),
}
# Where the useful values end, below the allowed ceiling: a decay rate or an
# eta_min above 10 leaves no run worth watching. Pages offer up to these.
USEFUL_HIGH = {"decay_rate": 10.0, "eta_min": 10.0}

LATEX = {
    "constant": r"\eta_t = \eta_0",
    "inverse_time": r"\eta_t = \frac{\eta_0}{1 + r\,t}",
    "exponential": r"\eta_t = \eta_0\,e^{-\lambda t}",
    "step": r"\eta_t = \eta_0\,\gamma^{\lfloor t / t_u \rfloor}",
    "cosine": (
        r"\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})"
        r"\left(1 + \cos\frac{\pi \min(t, T)}{T}\right)"
    ),
}
WARMUP_LATEX = r"\eta_t = \eta_0\,\frac{t+1}{w}\ \ (t < w)"


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule. Fields used per name:

    inverse_time: ``decay_rate`` r; exponential: ``decay_rate`` λ; step: ``gamma``,
    ``step_size`` t_u; cosine: ``t_max`` T (None: the rest of the run), ``eta_min``.
    """

    name: str = "constant"
    decay_rate: float = 0.01
    gamma: float = 0.5
    step_size: int = 100
    t_max: int | None = None
    eta_min: float = 0.0
    warmup: int = 0

    def __post_init__(self):
        if self.name not in NAMES:
            raise ValueError(
                f"unknown schedule {self.name!r}; allowed: {', '.join(NAMES)}"
            )
        for setting, (low, high, whole) in RANGES.items():
            if getattr(self, setting) is not None:  # t_max None: the rest of the run
                _check(setting, getattr(self, setting), low, high, whole)

    @classmethod
    def from_dict(cls, spec: dict) -> Schedule:
        unknown = set(spec) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(
                f"unknown schedule field {sorted(unknown)[0]!r}; "
                f"allowed: {', '.join(cls.__dataclass_fields__)}"
            )
        return cls(**spec)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def latex(self) -> str:
        if self.warmup:
            return WARMUP_LATEX + r",\ \text{then } " + LATEX[self.name]
        return LATEX[self.name]

    def factors(self, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """(factor, offset), each of length `steps`: η_t = η₀·factor[t] + offset[t]."""
        if self.name == "constant" and not self.warmup:
            return np.ones(steps), np.zeros(steps)  # the common case, without the clock
        t = np.arange(steps, dtype=np.float64)
        w = self.warmup
        clock = np.maximum(t - w, 0.0)
        offset = np.zeros(steps)
        if self.name == "constant":
            factor = np.ones(steps)
        elif self.name == "inverse_time":
            factor = 1.0 / (1.0 + self.decay_rate * clock)
        elif self.name == "exponential":
            factor = np.exp(-self.decay_rate * clock)
        elif self.name == "step":
            factor = self.gamma ** np.floor(clock / self.step_size)
        else:
            horizon = self.t_max if self.t_max is not None else max(steps - w, 1)
            factor = 0.5 * (
                1.0 + np.cos(math.pi * np.minimum(clock, horizon) / horizon)
            )
            offset = self.eta_min * (1.0 - factor)
        if w:
            warming = t < w
            factor = np.where(warming, (t + 1.0) / w, factor)
            offset = np.where(warming, 0.0, offset)
        return factor, offset

    def learning_rates(self, lr: float, steps: int) -> np.ndarray:
        """η_t for t = 0 .. steps-1 from base rate `lr`."""
        factor, offset = self.factors(steps)
        return lr * factor + offset


def robbins_monro(schedule: Schedule) -> tuple[bool, bool, str]:
    """(Σ η_t = ∞, Σ η_t² < ∞, why) for the infinite run of `schedule` with η₀ > 0:
    the conditions under which SGD converges (Robbins & Monro 1951) that the lecture
    notes state. A warm-up is finitely many steps and changes neither sum.

    constant: both sums grow without bound; inverse_time (r > 0): the harmonic series
    diverges, its squares converge (π²/6-like), so both conditions hold; exponential
    (λ > 0) and step (γ < 1): geometric series, both finite, so the steps stop short;
    cosine: η_t = η_min after T, so both sums are finite when η_min = 0 and infinite
    otherwise. With r = 0, λ = 0 or γ = 1 the schedule is constant.
    """
    name = schedule.name
    if name == "inverse_time" and schedule.decay_rate > 0:
        return True, True, "Σ 1/(1+rt) diverges like log t; Σ 1/(1+rt)² converges"
    if name == "exponential" and schedule.decay_rate > 0:
        return (
            False,
            True,
            "geometric in e^{-λ}: both sums finite, the steps stop short",
        )
    if name == "step" and schedule.gamma < 1:
        return False, True, "geometric in γ: both sums finite, the steps stop short"
    if name == "cosine":
        if schedule.eta_min > 0:
            return True, False, "η_min > 0 forever after T: a constant tail"
        return False, True, "η = 0 after T: both sums finite"
    return True, False, "a constant lr: Σ η and Σ η² both grow without bound"


def _check(name, value, low, high, whole=False):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"schedule {name}={value!r} is not a number") from None
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(
            f"schedule {name}={value!r} is out of range; allowed [{low}, {high}]"
        )
    if whole and number != int(number):
        raise ValueError(f"schedule {name}={value!r} must be a whole number")


def resolve(schedule) -> Schedule:
    """A Schedule from None, a name, a dict of fields, or a Schedule."""
    if schedule is None:
        return Schedule()
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, str):
        return Schedule(name=schedule)
    if isinstance(schedule, dict):
        return Schedule.from_dict(schedule)
    raise ValueError(f"schedule={schedule!r}: give a name, a dict or a Schedule")

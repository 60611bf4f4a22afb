"""Tests of `optimizers.schedules` and of schedules inside `optimizers.run`.

The oracles are the formulas themselves, evaluated in this file with scalar Python
arithmetic (``math.exp``, ``math.cos``, integer floor division), never the package's
arrays:

    constant      η_t = η₀
    inverse_time  η_t = η₀ / (1 + r t)
    exponential   η_t = η₀ e^{-λ t}
    step          η_t = η₀ γ^{⌊t / t_u⌋}
    cosine        η_t = η_min + (η₀ - η_min)(1 + cos(π min(t, T)/T)) / 2
    warm-up w     η_t = η₀ (t + 1)/w for t < w, then sched(t - w)

plus the harmonic-number and integral bounds behind the Robbins–Monro conditions, and
the closed form of gradient descent on a separable quadratic,
x_n = x_0 Π_t (1 - η_t λ) per coordinate.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
import optimizers
from optimizers.schedules import MAX_WARMUP, NAMES, Schedule, resolve


def oracle(schedule: Schedule, lr: float, steps: int) -> list[float]:
    """η_t for t = 0 .. steps-1, straight from the formulas (scalar Python)."""
    w = schedule.warmup
    horizon = schedule.t_max if schedule.t_max is not None else steps - w
    rates = []
    for t in range(steps):
        if t < w:
            rates.append(lr * (t + 1) / w)
            continue
        s = t - w
        if schedule.name == "constant":
            rate = lr
        elif schedule.name == "inverse_time":
            rate = lr / (1 + schedule.decay_rate * s)
        elif schedule.name == "exponential":
            rate = lr * math.exp(-schedule.decay_rate * s)
        elif schedule.name == "step":
            rate = lr * schedule.gamma ** (s // int(schedule.step_size))
        elif schedule.name == "cosine":
            rate = (
                schedule.eta_min
                + (lr - schedule.eta_min)
                * (1 + math.cos(math.pi * min(s, horizon) / horizon))
                / 2
            )
        else:  # pragma: no cover
            raise AssertionError(schedule.name)
        rates.append(rate)
    return rates


def assert_rates(actual, expected, lr, eta_min=0.0):
    scale = max(abs(lr), eta_min, 1e-300)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-14 * scale)


schedules = st.builds(
    Schedule,
    name=st.sampled_from(NAMES),
    decay_rate=st.floats(0.0, 5.0),
    gamma=st.floats(0.0, 1.0),
    step_size=st.integers(1, 40),
    t_max=st.none() | st.integers(1, 300),
    eta_min=st.floats(0.0, 0.5),
    warmup=st.integers(0, 40),
)


# --------------------------------------------------------------------------- formulas


@settings(max_examples=300, deadline=None)
@given(
    schedule=schedules,
    lr=st.floats(0.0, 10.0),
    steps=st.integers(1, 250),
)
def test_learning_rates_equal_the_formulas(schedule, lr, steps):
    rates = schedule.learning_rates(lr, steps)
    assert rates.shape == (steps,)
    assert_rates(rates, oracle(schedule, lr, steps), lr, schedule.eta_min)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("warmup", [0, 1, 7])
def test_each_schedule_at_fixed_parameters(name, warmup):
    schedule = Schedule(
        name=name,
        decay_rate=0.3,
        gamma=0.25,
        step_size=4,
        t_max=20,
        eta_min=0.01,
        warmup=warmup,
    )
    lr, steps = 0.7, 60
    assert_rates(
        schedule.learning_rates(lr, steps), oracle(schedule, lr, steps), lr, 0.01
    )


def test_pinned_values():
    """Values worked out by hand, no formula evaluation at all."""
    lr = 0.8
    np.testing.assert_allclose(Schedule().learning_rates(lr, 4), [0.8] * 4, rtol=0)
    np.testing.assert_allclose(
        Schedule("inverse_time", decay_rate=1.0).learning_rates(lr, 4),
        [0.8, 0.4, 0.8 / 3, 0.2],
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        Schedule("step", gamma=0.5, step_size=3).learning_rates(lr, 8),
        [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2],
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        Schedule("exponential", decay_rate=math.log(2)).learning_rates(lr, 4),
        [0.8, 0.4, 0.2, 0.1],
        rtol=1e-14,
    )
    # Cosine with T = 4: η₀, mid-way between at T/2, η_min from T on.
    cosine = Schedule("cosine", t_max=4, eta_min=0.2).learning_rates(lr, 7)
    half = 0.2 + 0.6 * (1 + math.sqrt(0.5)) / 2
    quarter = 0.2 + 0.6 * (1 - math.sqrt(0.5)) / 2
    np.testing.assert_allclose(
        cosine, [0.8, half, 0.5, quarter, 0.2, 0.2, 0.2], rtol=1e-14
    )
    # Cosine without T spans the rest of the run: steps = 4, so η_2 is the midpoint.
    np.testing.assert_allclose(
        Schedule("cosine").learning_rates(1.0, 4)[2], 0.5, rtol=1e-14
    )
    # Warm-up of 4 in front of step decay: η₀/4, η₀/2, 3η₀/4, η₀, then the step clock
    # restarts at 0.
    np.testing.assert_allclose(
        Schedule("step", gamma=0.5, step_size=2, warmup=4).learning_rates(lr, 9),
        [0.2, 0.4, 0.6, 0.8, 0.8, 0.8, 0.4, 0.4, 0.2],
        rtol=1e-15,
    )


def test_cosine_without_t_max_spans_the_steps_after_warm_up():
    schedule = Schedule("cosine", eta_min=0.1, warmup=10)
    rates = schedule.learning_rates(1.0, 110)
    # T = 100: the last rate (clock 99) is one step short of η_min.
    expected_last = 0.1 + 0.9 * (1 + math.cos(math.pi * 99 / 100)) / 2
    assert rates[9] == pytest.approx(1.0, rel=1e-15)
    assert rates[10] == pytest.approx(1.0, rel=1e-15)
    assert rates[-1] == pytest.approx(expected_last, rel=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_learning_rates_are_affine_in_the_base_rate(name):
    """The module's promise η_t = η₀·factor_t + offset_t, checked with the oracle."""
    schedule = Schedule(name, t_max=30, eta_min=0.05, warmup=3)
    factor, offset = schedule.factors(50)
    for lr in (0.0, 0.3, 2.0):
        assert_rates(lr * factor + offset, oracle(schedule, lr, 50), lr, 0.05)


# --------------------------------------------------------------------- Robbins–Monro


@pytest.mark.parametrize("n", [10, 100, 1_000, 10_000, 100_000])
def test_inverse_time_one_over_k_harmonic_bounds(n):
    """η_t = 1/(1+t): Σ_{t<n} η_t = H_n and Σ η_t² = Σ_{k≤n} 1/k².

    ln(n+1) ≤ H_n ≤ 1 + ln n  (grows like log n, so Σ η = ∞), and
    π²/6 - 1/n ≤ Σ_{k≤n} 1/k² ≤ π²/6 - 1/(n+1)  (converges, so Σ η² < ∞).
    """
    rates = Schedule("inverse_time", decay_rate=1.0).learning_rates(1.0, n)
    total = math.fsum(rates)
    squares = math.fsum(rates * rates)
    slack = 1e-13
    assert math.log(n + 1) - slack <= total <= 1 + math.log(n) + slack
    zeta2 = math.pi**2 / 6
    assert zeta2 - 1 / n - slack <= squares <= zeta2 - 1 / (n + 1) + slack
    assert total / math.log(n) == pytest.approx(1.0, abs=1.0 / math.log(n) + 1e-12)


@settings(max_examples=50, deadline=None)
@given(
    lr=st.floats(0.01, 5.0),
    rate=st.floats(0.01, 10.0),
    n=st.integers(2, 200_000),
)
def test_inverse_time_robbins_monro_integral_bounds(lr, rate, n):
    """For η_t = η₀/(1+rt), comparing the sums with integrals of 1/(1+rt):

    η₀ ln(1+rn)/r ≤ Σ_{t<n} η_t ≤ η₀ (1 + ln(1+r(n-1))/r)    (→ ∞ like log n)
    Σ_{t<n} η_t² ≤ η₀² (1 + 1/r)                              (bounded for every n)
    """
    rates = Schedule("inverse_time", decay_rate=rate).learning_rates(lr, n)
    total = math.fsum(rates)
    squares = math.fsum(rates * rates)
    rel = 1e-12
    assert total >= lr * math.log1p(rate * n) / rate * (1 - rel)
    assert total <= lr * (1 + math.log1p(rate * (n - 1)) / rate) * (1 + rel)
    assert squares <= lr**2 * (1 + 1 / rate) * (1 + rel)


def test_exponential_schedule_fails_robbins_monro():
    """Contrast: Σ η₀ e^{-λt} is a geometric series with the finite sum η₀/(1-e^{-λ})."""
    lr, decay = 0.5, 0.01
    rates = Schedule("exponential", decay_rate=decay).learning_rates(lr, 100_000)
    assert math.fsum(rates) == pytest.approx(lr / -math.expm1(-decay), rel=1e-10)


# ---------------------------------------------------------------- validation, dicts


BAD_FIELDS = [
    ("decay_rate", -0.1),
    ("decay_rate", math.nan),
    ("decay_rate", math.inf),
    ("decay_rate", 1e7),
    ("decay_rate", "fast"),
    ("gamma", -0.1),
    ("gamma", 1.5),
    ("gamma", math.nan),
    ("step_size", 0),
    ("step_size", -3),
    ("step_size", 2.5),
    ("t_max", 0),
    ("t_max", 1.5),
    ("eta_min", -1.0),
    ("eta_min", math.nan),
    ("warmup", -1),
    ("warmup", 2.5),
    ("warmup", MAX_WARMUP + 1),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_bad_field_value_raises_naming_the_field(field, value):
    with pytest.raises(ValueError, match=rf"\b{field}\b"):
        Schedule(name="cosine", **{field: value})
    with pytest.raises(ValueError, match=rf"\b{field}\b"):
        Schedule.from_dict({"name": "step", field: value})


def test_bad_schedule_name_raises_with_the_allowed_names():
    with pytest.raises(ValueError, match=r"schedule 'linear'.*allowed: constant"):
        Schedule(name="linear")
    with pytest.raises(ValueError, match=r"schedule 'cosinus'.*allowed"):
        resolve("cosinus")


@pytest.mark.parametrize("field", ["T", "lr", "warm_up"])
def test_unknown_field_raises_naming_it(field):
    with pytest.raises(ValueError, match=rf"'{field}'.*allowed: name"):
        Schedule.from_dict({"name": "cosine", field: 10})


@pytest.mark.parametrize("value", [3.0, ["cosine"], ("step", 0.5)])
def test_resolve_rejects_other_types(value):
    with pytest.raises(ValueError, match="schedule"):
        resolve(value)


def test_resolve_accepts_each_documented_form():
    assert resolve(None) == Schedule()
    assert resolve("exponential") == Schedule(name="exponential")
    assert resolve({"name": "step", "gamma": 0.1}) == Schedule("step", gamma=0.1)
    schedule = Schedule("cosine", t_max=5)
    assert resolve(schedule) is schedule


@settings(max_examples=200, deadline=None)
@given(schedule=schedules)
def test_dict_round_trip(schedule):
    data = schedule.to_dict()
    assert set(data) == {
        "name",
        "decay_rate",
        "gamma",
        "step_size",
        "t_max",
        "eta_min",
        "warmup",
    }
    assert Schedule.from_dict(data) == schedule
    # A share link stores the dict as JSON: that must round-trip too.
    assert Schedule.from_dict(json.loads(json.dumps(data))) == schedule
    assert resolve(data) == schedule


def test_run_rejects_bad_schedules_naming_the_field():
    with pytest.raises(ValueError, match=r"\bgamma\b"):
        optimizers.run(
            "gd", "quadratic", steps=5, schedule={"name": "step", "gamma": 2}
        )
    with pytest.raises(ValueError, match=r"'warm_up'"):
        optimizers.run("gd", "quadratic", steps=5, schedule={"warm_up": 3})
    with pytest.raises(ValueError, match=r"schedule 'linear'"):
        optimizers.run("gd", "quadratic", steps=5, schedule="linear")


# ----------------------------------------------------------- schedules inside run()


@settings(max_examples=40, deadline=None)
@given(
    schedule=schedules,
    kappa=st.floats(1.0, 20.0),
    lr_fraction=st.floats(0.0, 0.95),
    start=st.tuples(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0)),
    steps=st.integers(1, 150),
)
def test_gd_on_separable_quadratic_matches_closed_form(
    schedule, kappa, lr_fraction, start, steps
):
    """f = ½(x² + κy²): x_n = x_0 Π_{t<n}(1 - η_t), y_n = y_0 Π_{t<n}(1 - η_t κ)."""
    lr = lr_fraction * 2.0 / kappa
    eta_min = min(schedule.eta_min, lr)  # keep every η_t below 2/κ
    schedule = Schedule(**{**schedule.to_dict(), "eta_min": eta_min})
    surface = landscapes.get("quadratic", condition_number=kappa, angle=0.0)
    result = optimizers.run(
        "gd", surface, start=start, steps=steps, schedule=schedule, lr=lr
    )
    rates = oracle(schedule, lr, steps)

    assert result.diverged_at is None
    assert_rates(result.lr, rates, lr, eta_min)
    np.testing.assert_allclose(
        result.lr, schedule.learning_rates(lr, steps), rtol=1e-15, atol=0
    )

    x, y = float(start[0]), float(start[1])
    expected = [(x, y)]
    for rate in rates:
        x *= 1.0 - rate
        y *= 1.0 - rate * kappa
        expected.append((x, y))
    assert result.path.shape == (steps + 1, 2)
    np.testing.assert_allclose(result.path, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "schedule",
    [
        None,
        "inverse_time",
        {"name": "exponential", "decay_rate": 0.05},
        {"name": "step", "gamma": 0.3, "step_size": 7},
        {"name": "cosine", "eta_min": 0.01, "warmup": 5},
        Schedule("inverse_time", decay_rate=1.0, warmup=3),
    ],
)
def test_run_records_the_schedules_learning_rates(schedule):
    lr, steps = 0.15, 60
    result = optimizers.run("gd", "quadratic", steps=steps, schedule=schedule, lr=lr)
    expected = oracle(resolve(schedule), lr, steps)
    assert result.schedule == resolve(schedule)
    assert_rates(result.lr, expected, lr, result.schedule.eta_min)


@pytest.mark.parametrize(
    "spec",
    [
        {"name": "constant"},
        {"name": "inverse_time", "decay_rate": 0.05},
        {"name": "inverse_time", "decay_rate": 0.0},
        {"name": "exponential", "decay_rate": 0.01},
        {"name": "step", "gamma": 0.5, "step_size": 100},
        {"name": "step", "gamma": 1.0, "step_size": 100},
        {"name": "cosine", "t_max": 500, "eta_min": 0.0},
        {"name": "cosine", "t_max": 500, "eta_min": 0.01},
        {"name": "inverse_time", "decay_rate": 0.05, "warmup": 50},
    ],
    ids=lambda s: "-".join(f"{v}" for v in s.values()),
)
def test_robbins_monro_verdicts_match_the_partial_sums(spec):
    """Σηₜ = ∞ shows as a tail that keeps adding (the sum over [10⁵, 10⁶) is a sizeable
    part of the whole); a finite sum has a tail that is nothing next to it."""
    from optimizers.schedules import Schedule, robbins_monro

    schedule = Schedule.from_dict(spec)
    rates = schedule.learning_rates(1.0, 1_000_000)
    infinite, finite_squares, why = robbins_monro(schedule)
    for values, diverges in ((rates, infinite), (rates**2, not finite_squares)):
        head, tail = values[:100_000].sum(), values[100_000:].sum()
        if diverges:
            assert tail > 0.1 * head
        else:
            assert tail < 1e-3 * head
    assert why

"""The Schedules page's state without Streamlit (ui/schedules.py): its link, its
notices, and the ranges of its schedule settings, which are the engine's."""

import pytest

from optimizers import schedules
from ui import codec
from ui import schedules as sc


def test_the_default_link():
    values, notices = sc.PAGE.parse({})
    assert notices == []
    assert values["schedules"] == sc.SCHEDULES
    assert sc.PAGE.query(values) == {
        "schedules": "constant,inverse_time,exponential,step,cosine",
        "lr": "0.1",
        "steps": "300",
        "decay_rate": "0.02",
        "gamma": "0.5",
        "step_size": "100",
        "eta_min": "0",
        "warmup": "0",
        "noise": "0.5",
        "seed": "0",
        "optimizer": "gd",
        "surface": "quadratic",
    }


@pytest.mark.parametrize("setting", ["decay_rate", "gamma", "step_size", "eta_min"])
def test_schedule_settings_range_over_the_engines(setting):
    field = sc.PAGE.field[setting]
    low, high, whole = codec.schedule_range(setting)
    assert (field.low, field.high, field.kind) == (
        low,
        high,
        "int" if whole else "float",
    )
    assert setting in {s for uses in schedules.USES.values() for s in uses}


def test_unknown_schedules_are_dropped_and_none_left_is_the_default():
    values, notices = sc.PAGE.parse({"schedules": "warp,step,step"})
    assert values["schedules"] == ("step",)
    assert notices == ["Unknown schedule 'warp' was dropped."]
    values, notices = sc.PAGE.parse({"schedules": "warp"})
    assert values["schedules"] == sc.SCHEDULES
    values, _ = sc.PAGE.parse({"schedules": ""})
    assert values["schedules"] == sc.SCHEDULES


def test_no_schedule_chosen_on_the_page_runs_constant():
    values, _ = sc.PAGE.parse({})
    shown = sc.current({**values, "schedules": []})
    assert shown["schedules"] == ("constant",)
    assert [s.name for s in sc.chosen(shown)] == ["constant"]


def test_only_a_typed_surface_carries_its_parameters():
    values, notices = sc.PAGE.parse({"condition_number": "0"})
    assert notices == ["'condition_number' = 0 is outside [1, 1000]; using 1."]
    assert values["surface_params"] == {}  # no widgets for them: the defaults
    assert "condition_number" not in sc.PAGE.query(values)
    link = {"surface": "custom", "f": "x^2 + y^2"}
    values, notices = sc.PAGE.parse(link)
    assert notices == [] and sc.PAGE.query(values)["f"] == "x^2 + y^2"


def test_the_curves_and_runs_follow_the_settings():
    values, _ = sc.PAGE.parse({"schedules": "step", "lr": "0.2", "steps": "30"})
    values = {**values, "step_size": 10}
    (curve,) = sc.curves(values)
    assert curve == pytest.approx([0.2 * 0.5 ** (t // 10) for t in range(30)])
    (run,) = sc.runs(values)
    assert len(run.lr) == 30

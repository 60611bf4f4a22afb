"""Compare's Values box and link (issue #21): the values it offers lie in the varied
hyperparameter's range, typed ones outside it or unreadable ones give a notice and
never a traceback, changing Vary starts from the new parameter's own values."""

import re

import pytest
from test_pages import app, figure, qp

import optimizers
from optimizers import schedules
from ui import compare as cmp

PAGE = "pages/compare.py"


def notices(at) -> str:
    """Every warning on the page, with the Markdown escapes taken out."""
    return "\n".join(w.value.replace("\\", "") for w in at.warning)


def panel_values(at, vary: str) -> list[float]:
    """The number each panel of the figure is titled with ("<b>beta1 = 0.7</b>")."""
    titles = [a["text"] for a in figure(at, "cmp.panels")["layout"]["annotations"]]
    pattern = re.compile(rf"<b>{vary} = ([^ <]+)")
    return [float(pattern.match(t).group(1)) for t in titles]


def inside(hyper, value: float) -> bool:
    try:
        hyper.check(value)
    except ValueError:
        return False
    return True


FLOAT_AXES = [
    (name, h)
    for name in optimizers.names()
    for h in optimizers.spec(name).hyperparameters
    if h.settable and h.kind == "float"
]


@pytest.mark.parametrize(
    ("optimizer", "hyper"), FLOAT_AXES, ids=[f"{o}.{h.name}" for o, h in FLOAT_AXES]
)
def test_the_values_offered_for_every_hyperparameter_lie_in_its_range(optimizer, hyper):
    values, notices_ = cmp.PAGE.parse({"run": optimizer, "vary": hyper.name})
    assert not notices_
    assert values["vary"] == hyper.name
    assert len(set(values["panels"])) >= 3  # a comparison, not copies of one panel
    for value in values["panels"]:
        assert inside(hyper, value), (value, hyper.describe_range())


def test_adam_beta1_opens_with_betas_and_draws_them():
    at = app(PAGE, run="adam", vary="beta1")
    assert not at.exception
    beta1 = optimizers.spec("adam").hyperparameter("beta1")
    shown = panel_values(at, "beta1")
    assert len(shown) >= 3 and all(inside(beta1, b) for b in shown)
    typed = [float(v) for v in at.text_input(key="cmp.values").value.split(",")]
    assert typed == pytest.approx(shown)


@pytest.mark.parametrize("source", ["box", "link"])
def test_a_beta_outside_its_range_is_clamped_with_a_notice(source):
    text = "0.09, 0.27, 0.9, 2.7"
    if source == "link":
        at = app(PAGE, run="adam", vary="beta1", values=text)
    else:
        at = app(PAGE, run="adam", vary="beta1")
        at.text_input(key="cmp.values").set_value(text).run()
    assert not at.exception
    assert "2.7" in notices(at)
    beta1 = optimizers.spec("adam").hyperparameter("beta1")
    shown = panel_values(at, "beta1")
    assert shown[:3] == pytest.approx([0.09, 0.27, 0.9])
    assert all(inside(beta1, b) for b in shown)


@pytest.mark.parametrize("source", ["box", "link"])
@pytest.mark.parametrize("text", ["0.5 0.9", "0.5;0.9", " 0.5 ;  0.9, "])
def test_spaces_and_semicolons_separate_values(source, text):
    if source == "link":
        at = app(PAGE, run="adam", vary="beta1", values=text)
    else:
        at = app(PAGE, run="adam", vary="beta1")
        at.text_input(key="cmp.values").set_value(text).run()
    assert not at.exception and not at.warning
    assert panel_values(at, "beta1") == [0.5, 0.9]
    assert qp(at, "values") == ["0.5,0.9"]


def test_a_word_among_the_values_is_quoted_as_typed():
    at = app(PAGE, run="adam", vary="beta1")
    at.text_input(key="cmp.values").set_value("0.5 zz 0.9").run()
    assert not at.exception
    assert "'zz'" in notices(at)
    assert panel_values(at, "beta1") == [0.5, 0.9]


@pytest.mark.parametrize("source", ["box", "link"])
def test_an_empty_box_falls_back_to_the_defaults_with_a_notice(source):
    defaults = cmp.PAGE.parse({"run": "adam", "vary": "beta1"})[0]["panels"]
    if source == "link":
        at = app(PAGE, run="adam", vary="beta1", values="")
    else:
        at = app(PAGE, run="adam", vary="beta1")
        at.text_input(key="cmp.values").set_value("").run()
    assert not at.exception
    assert "default" in notices(at)
    assert panel_values(at, "beta1") == pytest.approx(defaults)


def test_changing_vary_starts_from_the_new_parameters_values():
    at = app(PAGE)  # heavy ball, varying its momentum
    assert at.selectbox(key="cmp.vary").value == "momentum"
    at.selectbox(key="cmp.vary").select("lr").run()
    assert not at.exception and not at.warning
    lr = optimizers.spec("momentum").hyperparameter("lr")
    shown = panel_values(at, "lr")
    assert all(v > 0 and inside(lr, v) for v in shown)
    assert shown == pytest.approx(
        cmp.PAGE.parse({"run": "momentum", "vary": "lr"})[0]["panels"]
    )
    at.selectbox(key="cmp.vary").select(cmp.SCHEDULE_AXIS).run()
    assert not at.exception and not at.warning
    titles = [a["text"] for a in figure(at, "cmp.panels")["layout"]["annotations"]]
    assert titles == [f"<b>{name}</b>" for name in schedules.NAMES]


def test_an_optimizer_without_the_varied_setting_starts_from_lr_values():
    at = app(PAGE, run="adam", vary="beta1")
    at.selectbox(key="cmp.optimizer").select("gd").run()
    assert not at.exception and not at.warning
    assert at.selectbox(key="cmp.vary").value == "lr"
    assert panel_values(at, "lr") == pytest.approx(
        cmp.PAGE.parse({"run": "gd", "vary": "lr"})[0]["panels"]
    )


def test_lecturer_mode_is_kept_in_the_link_and_sizes_the_panels_to_the_screen():
    """Compare ignored lecture=1: it dropped it from its link and kept 300 px panels.
    Once the browser has measured the screen (state the probe writes), every row of
    panels fits under the figure's top."""
    at = app(PAGE, lecture="1", vary="lr", values="0.01,0.02,0.03,0.04")  # 2 rows
    assert not at.exception
    assert qp(at, "lecture") == ["1"]
    assert figure(at, "cmp.panels")["layout"]["height"] == 600  # not measured yet
    at.session_state["lecture.viewport"] = {
        "height": 720,
        "figures": {"cmp.panels": {"top": 150, "width": 1200}},
    }
    at.run()
    assert figure(at, "cmp.panels")["layout"]["height"] == 2 * ((720 - 150 - 16) // 2)


# Without Streamlit: the page's state (ui/compare.py)


def test_a_link_without_surface_or_steps_shows_compares_own():
    values, notices_ = cmp.PAGE.parse({})
    assert notices_ == []
    assert values["surface"] == "quadratic"
    assert values["surface_params"] == {"condition_number": 20.0, "angle": 0.3}
    assert values["steps"] == 100
    assert values["vary"] == "momentum"
    assert values["panels"] == (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
    assert cmp.PAGE.query(values) == {
        "surface": "quadratic",
        "condition_number": "20",
        "angle": "0.3",
        "steps": "100",
        "run": "momentum;lr=0.01",
        "vary": "momentum",
        "values": "0,0.5,0.8,0.9,0.95,0.99",
    }


def test_keys_shared_with_the_playground_are_read_as_it_reads_them():
    """An unknown surface or unreadable steps fall back to the Playground's
    defaults, as before; start, schedule, noise and seed give their notices and are
    never written back."""
    values, notices_ = cmp.PAGE.parse(
        {"surface": "nope", "steps": "x", "noise": "y", "start": "a", "b": "0"}
    )
    assert values["surface"] == "rosenbrock" and values["steps"] == 1000
    assert "Unknown surface 'nope'; using rosenbrock." in notices_
    assert "'steps=x' is not a number; using 1000." in notices_
    assert "'noise=y' is not a number; using 0." in notices_
    assert "'start=a' is not two numbers; using the default." in notices_
    assert "'b' = 0 is outside [0.1, 1000]; using 0.1." in notices_
    query = cmp.PAGE.query(values)
    assert not {"start", "schedule", "noise", "seed", "given"} & set(query)


def test_a_link_round_trips():
    link = {"surface": "rosenbrock", "b": "50", "steps": "40", "run": "adam;lr=0.1"}
    values, notices_ = cmp.PAGE.parse({**link, "vary": "beta1", "values": "0.5 0.9"})
    assert notices_ == []
    query = cmp.PAGE.query(values)
    assert query == {**link, "vary": "beta1", "values": "0.5,0.9"}
    again, more = cmp.PAGE.parse(query)
    assert more == [] and again["panels"] == values["panels"] == (0.5, 0.9)


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        ("1,2", "'momentum.momentum' = 1 is outside [0, 0.9999]; using 0.9999."),
        ("nan", "'nan' in 'values' is not a number; dropped."),
        ("", "No momentum values given; using the defaults 0, 0.5, 0.8, 0.9, "),
    ],
)
def test_the_values_text_is_read_against_vary(text, notice):
    _, notices_ = cmp.PAGE.parse({"values": text})
    assert any(n.startswith(notice) for n in notices_), notices_


def test_schedule_names_and_an_unknown_vary():
    values, notices_ = cmp.PAGE.parse({"vary": "schedule", "values": "step zz cosine"})
    assert values["panels"] == ("step", "cosine")
    assert notices_ == ["Unknown schedule names in 'values' were dropped: 'zz'."]
    values, notices_ = cmp.PAGE.parse({"run": "gd", "vary": "momentum"})
    assert values["vary"] == "lr"
    assert notices_ == ["Cannot vary 'momentum' for gd; using lr."]


def test_a_link_carries_the_surface_parameters_that_are_not_the_defaults():
    assert cmp.own_params("rosenbrock", {"a": 1.0, "b": 50.0}) == {"b": 50.0}
    typed = {"f": "x^2 + y^2", "x_min": -3.0}
    assert cmp.own_params("custom", typed) == typed

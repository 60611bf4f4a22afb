"""The declarative URL codec: untrusted values never raise, are clamped with a notice,
and every value written reads back as itself."""

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import landscapes
import optimizers
from optimizers import schedules
from ui import codec
from ui import stochastic as sto
from ui.state import (
    Field,
    PageState,
    never,
    parse,
    to_query,
    view_fields,
    view_of,
)

FIELDS = (
    Field("rate", "float", 0.1, 1e-5, 10.0),
    Field("count", "int", 5, 1, 200),
    Field("kind", "choice", "a", choices=("a", "b")),
    Field("flag", "bool", False),
    Field("start", "pair", None, -1e3, 1e3),
)


def test_clamps_and_falls_back_with_notices():
    values, notices = parse(
        FIELDS,
        {"rate": "50", "count": "2.6", "kind": "c", "flag": "1", "start": "1,x"},
    )
    assert values == {
        "rate": 10.0,
        "count": 3,
        "kind": "a",
        "flag": True,
        "start": None,
    }
    assert len(notices) == 4  # rate clamped, count rounded, kind unknown, start bad
    values, notices = parse(FIELDS, {"start": ["9,9", "-2000,4"]})
    assert values["start"] == (-1e3, 4.0) and len(notices) == 1


def test_written_values_read_back_unchanged():
    values = {
        "rate": 0.1 + 0.2,
        "count": 7,
        "kind": "b",
        "flag": True,
        "start": (1.5, -2e-7),
    }
    again, notices = parse(FIELDS, to_query(FIELDS, values))
    assert notices == [] and again == values


text = st.text(max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([f.name for f in sto.FIELDS] + ["x"]), text))
def test_the_stochastic_pages_fields_never_raise(params):
    values, notices = sto.PAGE.parse(params)
    assert values["batch"] <= values["n_points"]
    assert isinstance(notices, list)
    again, more = sto.PAGE.parse(sto.PAGE.query(values))
    assert more == [] and again == values


# The composite kinds: runs, a schedule, a surface's parameters and start, names,
# and the view every page has.


DEFAULT_RUNS = [codec.RunConfig("gd")]
COMPOSITE = (
    Field("surface", "choice", "quadratic", choices=tuple(landscapes.names())),
    Field("surface_params", "surface_params", {"condition_number": 20.0}),
    Field("start", "start", None),
    Field("run", "runs", DEFAULT_RUNS),
    Field("schedule", "schedule", {}),
    Field("schedules", "names", ("constant",), choices=schedules.NAMES),
)


@st.composite
def runs(draw):
    """A RunConfig whose every setting is inside its range (bools as bools)."""
    name = draw(st.sampled_from(optimizers.names()))
    hyperparameters = {}
    for hyper in optimizers.spec(name).hyperparameters:
        if not hyper.settable or not draw(st.booleans()):
            continue
        if hyper.kind == "bool":
            value = draw(st.booleans())
        elif hyper.kind == "int":
            value = draw(st.integers(int(hyper.low), int(min(hyper.high, 1e6))))
        else:
            low = max(hyper.low, 1e-12) if hyper.open_low else hyper.low
            high = min(hyper.high, 0.9999 if hyper.high == 1.0 else 1e6)
            value = draw(st.floats(low, high, exclude_max=hyper.open_high))
        if value != hyper.default:
            hyperparameters[hyper.name] = value
    try:  # a combination the optimizer refuses (Nesterov without momentum)
        optimizers.resolve_hyperparameters(name, hyperparameters)
    except ValueError:
        assume(False)
    return codec.RunConfig(name, hyperparameters)


@settings(max_examples=200, deadline=None)
@given(st.lists(runs(), min_size=1, max_size=4))
def test_runs_read_back_as_written(written):
    values, notices = parse(
        COMPOSITE,
        to_query(COMPOSITE[:1], {"surface": "quadratic"})
        | {"run": [codec.format_run(r) for r in written]},
    )
    assert notices == []
    assert values["run"] == written


def test_runs_in_a_link_drop_the_bad_and_keep_the_rest():
    values, notices = parse(COMPOSITE, {"run": ["adam;lr=0.1", "nope", "x" * 401]})
    assert values["run"] == [codec.RunConfig("adam", {"lr": 0.1})]
    assert notices == [
        "Unknown optimizer 'nope' was dropped.",
        "A run description was too long and was dropped (this server's limit: "
        "characters in one link value ≤ 400).",
    ]
    values, notices = parse(COMPOSITE, {"run": "nope"})
    assert values["run"] == DEFAULT_RUNS
    assert notices[-1] == "No valid run in the link; showing the default runs."


def test_a_schedule_reads_back_and_is_clamped_to_the_engines_range():
    values, notices = parse(COMPOSITE, {"schedule": "step;gamma=0.25;step_size=7"})
    assert values["schedule"] == {"name": "step", "gamma": 0.25, "step_size": 7}
    assert notices == []
    assert to_query(COMPOSITE[4:5], values)["schedule"] == "step;gamma=0.25;step_size=7"
    values, notices = parse(COMPOSITE, {"schedule": "step;gamma=2"})
    assert values["schedule"]["gamma"] == schedules.RANGES["gamma"][1] == 1.0
    assert len(notices) == 1 and "outside [0, 1]" in notices[0]


def test_the_surface_params_default_holds_only_without_a_surface_in_the_link():
    values, _ = parse(COMPOSITE, {})
    assert values["surface_params"] == {"condition_number": 20.0}
    values, notices = parse(COMPOSITE, {"surface": "quadratic", "angle": "0.5"})
    assert values["surface_params"] == {"angle": 0.5} and notices == []


def test_a_start_is_moved_into_the_view_or_dropped_where_f_is_undefined():
    values, notices = parse(COMPOSITE, {"surface": "quadratic", "start": "1e9,0"})
    (x0, x1), _ = landscapes.get("quadratic").bounds
    assert values["start"] == (x1, 0.0)
    assert notices == ["The start point was outside the plot; moved to its edge."]
    typed = {"surface": "custom", "f": "log(x) + y^2", "start": "-1,0"}
    values, notices = parse(COMPOSITE, typed)
    assert values["start"] is None
    assert notices == [
        "f is undefined at the start (-1, 0); using the surface's default start."
    ]
    assert math.isfinite(
        landscapes.get("custom", **values["surface_params"]).value(
            *landscapes.get("custom", **values["surface_params"]).default_start
        )
    )


def test_names_drop_the_unknown_and_repeats():
    values, notices = parse(COMPOSITE, {"schedules": "step,nope,step,cosine"})
    assert values["schedules"] == ("step", "cosine")
    assert notices == ["Unknown schedules 'nope' was dropped."]
    values, _ = parse(COMPOSITE, {"schedules": "nope"})
    assert values["schedules"] == ("constant",)


def test_the_view_fields():
    values, notices = parse(
        view_fields(), {"lecture": "yes", "hide": "runs,bogus", "preset": "zzz"}
    )
    view = view_of(values)
    assert (view.lecture, view.hidden, view.preset) == (True, ("runs",), None)
    assert notices == [
        "Cannot hide 'bogus'; hideable: surface, runs, schedule, noise, start.",
        "Unknown preset 'zzz' was ignored.",
    ]
    assert to_query(view_fields(), values) == {"lecture": "1", "hide": "runs"}


def test_settle_sees_the_link_and_the_unknown_choices_it_decides():
    """A page's settle reads which keys a link gives and names a wrong choice only
    once it has decided what it uses; a never-written field stays out of the link."""
    fields = (
        Field("axis", "choice", None, choices=("a", "b")),
        Field("steps", "int", 10, 1, 100, written=never),
    )
    seen = []

    def settle(values, notices, link):
        seen.append(("steps" in link.params, dict(link.unknown)))
        values["axis"] = values["axis"] or "a"
        for key, text in link.unknown.items():
            notices.append(f"Unknown {key} '{text}'; using {values[key]}.")

    page = PageState("t.", fields, settle)
    values, notices = page.parse({"axis": "zz", "steps": "5"})
    assert seen == [(True, {"axis": "zz"})]
    assert values == {"axis": "a", "steps": 5}
    assert notices == ["Unknown axis 'zz'; using a."]
    assert page.query(values) == {"axis": "a"}
    # Without settle, a wrong choice the page would decide gets the generic notice.
    _, notices = PageState("t.", fields).parse({"axis": "zz"})
    assert notices == ["Unknown axis 'zz'; using the default."]


def test_a_three_element_tuple_reads_and_writes_back():
    """Adan's and AdEMAMix's betas are (beta1, beta2, beta3) in a link too."""
    notices = []
    run = codec.parse_run("adan;betas=0.9,0.8,0.95", notices)
    assert notices == []
    assert run.hyperparameters == {"beta1": 0.9, "beta2": 0.8, "beta3": 0.95}
    assert codec.format_run(run) == "adan;betas=0.9,0.8,0.95"
    one = codec.RunConfig("ademamix", {"beta3": 0.99})
    assert codec.format_run(one) == "ademamix;betas=0.9,0.999,0.99"
    assert codec.parse_run("adan;betas=0.9,0.8", notices).hyperparameters == {}
    assert notices == ["adan: 'betas' needs 3 values; using defaults."]

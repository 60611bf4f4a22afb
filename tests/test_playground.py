"""The Playground's state and what it computes (ui/playground.py), without Streamlit:
its link survives the round trip exactly, no query string, however hand-edited,
raises, and the page's text and step logic are what it shows."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
import optimizers
from ui import codec, limits
from ui import playground as pg

PAGE = pg.PAGE


def test_default_round_trip():
    values, notices = PAGE.parse({})
    assert notices == [] and values["run"] == pg.default_runs()
    again, notices = PAGE.parse(PAGE.query(values))
    assert notices == []
    assert again == values


@settings(max_examples=60, deadline=None)
@given(
    lr=st.floats(1e-6, 10.0),
    beta1=st.floats(0.0, 0.999),
    x=st.floats(-2.0, 2.0),
    y=st.floats(-1.0, 3.0),
    steps=st.integers(1, limits.STEPS.value),
    kappa=st.floats(1.0, 1000.0),
    angle=st.floats(-3.0, 3.0),
)
def test_round_trip_is_lossless(lr, beta1, x, y, steps, kappa, angle):
    values = {
        "surface": "quadratic",
        "surface_params": {"condition_number": kappa, "angle": angle},
        "start": (x, y * 0.5),
        "steps": steps,
        "run": [
            codec.RunConfig("adam", {"lr": lr, "beta1": beta1}),
            codec.RunConfig("sgd", {"lr": lr, "momentum": 0.9, "nesterov": True}),
        ],
        "schedule": {"name": "step", "gamma": 0.5, "step_size": 7, "warmup": 3},
        "noise": 0.25,
        "seed": 11,
        "clip": lr * 10,
    }
    again, notices = PAGE.parse(PAGE.query(values))
    assert notices == []
    assert again["run"] != [] and resolved(again) == resolved(values)
    assert {**again, "run": []} == {**values, "run": []}


def resolved(values):
    return [
        (
            run.optimizer,
            optimizers._api.resolve_hyperparameters(run.optimizer, run.hyperparameters),
        )
        for run in values["run"]
    ]


def test_bad_values_are_clamped_or_dropped_with_notices():
    query = {
        "surface": ["rosenbrock"],
        "b": ["1e9"],
        "steps": ["abc"],
        "start": ["nan,1"],
        "run": ["adam;lr=-5;betas=2,0.5;bogus=1", "nosuch;lr=1"],
        "schedule": ["warp;speed=9"],
        "noise": ["1e300"],
    }
    values, notices = PAGE.parse(query)
    assert values["surface_params"]["b"] == 1000.0
    assert values["steps"] == pg.DEFAULT_STEPS
    assert values["start"] is None
    (run,) = values["run"]
    assert run.optimizer == "adam"
    assert run.hyperparameters["lr"] == 0.0
    assert run.hyperparameters["beta1"] < 1.0
    assert "bogus" not in run.hyperparameters
    assert values["schedule"] == {}
    assert values["noise"] == limits.NOISE.value
    text = " ".join(notices)
    for fragment in ("'b'", "steps", "start", "lr", "bogus", "nosuch", "warp", "noise"):
        assert fragment in text, fragment


def test_unknown_surface_and_long_values_fall_back():
    values, notices = PAGE.parse({"surface": ["mars"], "run": ["adam;" + "x" * 5000]})
    assert values["surface"] == pg.DEFAULT_SURFACE
    assert values["run"] == pg.default_runs()
    assert any("mars" in n for n in notices)
    assert any("too long" in n for n in notices)


def test_too_many_runs_are_cut():
    values, notices = PAGE.parse({"run": ["gd"] * (limits.RUNS.value + 3)})
    assert len(values["run"]) == limits.RUNS.value
    assert notices


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "surface",
                "a",
                "b",
                "condition_number",
                "angle",
                "start",
                "steps",
                "run",
                "schedule",
                "noise",
                "seed",
                "junk",
            ]
        ),
        st.lists(st.text(max_size=60), max_size=4),
    )
)
def test_no_query_string_raises(query):
    values, notices = PAGE.parse(query)
    # Whatever came in, what comes out is valid for the engine.
    assert values["surface"] in landscapes.names()
    assert 1 <= values["steps"] <= limits.STEPS.value
    assert 1 <= len(values["run"]) <= limits.RUNS.value
    for run in values["run"]:
        resolved = optimizers._api.resolve_hyperparameters(
            run.optimizer, run.hyperparameters
        )
        assert all(math.isfinite(v) for v in resolved.values())
    if values["start"] is not None:
        (x0, x1), (y0, y1) = pg.surface_of(values).bounds
        assert x0 <= values["start"][0] <= x1 and y0 <= values["start"][1] <= y1
    # ... and the link it writes reads back as the same link (without noise the
    # seed, which changes nothing, is not in it).
    again, more = PAGE.parse(PAGE.query(values))
    assert more == [] and PAGE.query(again) == PAGE.query(values)


def test_surface_parameters_named_like_page_keys_travel_apart():
    # linear_regression's own `noise` and `seed` are not the page's gradient noise
    # and noise seed: in a link they are surface.noise and surface.seed.
    values, notices = PAGE.parse(
        {
            "surface": "linear_regression",
            "surface.noise": "1.5",
            "surface.seed": "7",
            "noise": "0.25",
            "seed": "3",
        }
    )
    assert notices == []
    assert values["surface_params"] == {"noise": 1.5, "seed": 7.0}
    assert (values["noise"], values["seed"]) == (0.25, 3)
    query = PAGE.query(values)
    assert query["surface.noise"] == "1.5" and query["noise"] == "0.25"
    again, _ = PAGE.parse(query)
    assert again == values


def test_next_run_differs_from_every_run_even_when_every_optimizer_is_used():
    runs = [codec.RunConfig(c.optimizer) for c in pg.ADD_CANDIDATES]
    for _ in range(3):
        added = pg.next_run(runs)
        assert all(added != run for run in runs)
        assert added.optimizer == runs[-1].optimizer
        runs.append(added)
    lrs = [r.hyperparameters.get("lr", 1e-3) for r in runs if r.optimizer == "sgd"]
    assert len(set(lrs)) == len(lrs) == 4


def test_the_links_start_or_the_surfaces_default_start():
    values, _ = PAGE.parse({"surface": "quadratic"})
    surface = pg.surface_of(values)
    assert pg.start_of(values) == surface.default_start
    values, _ = PAGE.parse({"surface": "quadratic", "start": "0.5,-1"})
    assert pg.start_of(values) == (0.5, -1.0)
    [result] = pg.run_all({**values, "run": [codec.RunConfig("gd")], "steps": 3})
    assert tuple(result.path[0]) == (0.5, -1.0) and len(result.path) == 4


def test_a_run_the_widgets_allow_but_the_optimizer_does_not_is_named():
    fine = [codec.RunConfig("sgd", {"momentum": 0.9, "nesterov": True})]
    assert pg.cannot_run(fine) is None
    bad = [*fine, codec.RunConfig("sgd", {"nesterov": True})]  # no momentum
    assert pg.cannot_run(bad).startswith("Run 2 cannot run: ")


def test_step_counts_from_the_frame_on_screen():
    state = {PAGE.key("frame"): 0}
    pg.show_frame(state, 91)  # Pause at step 91 ...
    pg.move_frame(state, None, 1)  # ... then Step
    assert state[PAGE.key("frame")] == 92
    pg.move_frame(state, 700, 10)  # the scrubber's 700 came with the click
    pg.show_frame(state, 700)  # ... and its report in the same run is old news
    assert state[PAGE.key("frame")] == 710
    pg.move_frame(state, None, None)  # Start
    assert state[PAGE.key("frame")] == 0


def test_the_results_table_names_where_a_run_diverged():
    values, _ = PAGE.parse(
        {
            "surface": "quadratic",
            "condition_number": "10",
            "angle": "0",
            "steps": "120",
            "run": ["gd;lr=0.19", "gd;lr=0.25"],
        }
    )
    results = pg.run_all(values)
    table = pg.results_table(pg.surface_of(values), pg.labels(values["run"]), results)
    lines = table.splitlines()
    assert lines[0].startswith("| run | final loss |")
    assert lines[2].startswith("| 1. gd(lr=0.19) |") and lines[2].endswith("| — |")
    assert lines[3].endswith(f"| {results[1].diverged_at} |")


def test_changing_parsed_runs_leaves_the_defaults_alone():
    """Parsed values are the caller's: a link without runs (or with none valid) gets
    copies of the default runs, not the fields' own objects shared by every
    session."""
    for query in ({}, {"run": "nosuch"}):
        values, _ = PAGE.parse(query)
        values["run"][0].hyperparameters["lr"] = 0.5
        values["run"].pop()
    assert PAGE.parse({})[0]["run"] == pg.default_runs()

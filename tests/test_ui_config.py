"""The URL codec: a configuration survives the round trip exactly, and no query string,
however hand-edited, raises."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

import optimizers
from ui import codec
from ui import config as cfg


def test_default_round_trip():
    config = cfg.default_config()
    again, notices = cfg.from_query(cfg.to_query(config))
    assert notices == []
    assert again == config


@settings(max_examples=60, deadline=None)
@given(
    lr=st.floats(1e-6, 10.0),
    beta1=st.floats(0.0, 0.999),
    x=st.floats(-2.0, 2.0),
    y=st.floats(-1.0, 3.0),
    steps=st.integers(1, cfg.MAX_STEPS_PAGE),
    kappa=st.floats(1.0, 1000.0),
    angle=st.floats(-3.0, 3.0),
)
def test_round_trip_is_lossless(lr, beta1, x, y, steps, kappa, angle):
    config = cfg.PlaygroundConfig(
        surface="quadratic",
        surface_params={"condition_number": kappa, "angle": angle},
        start=(x, y * 0.5),
        steps=steps,
        runs=[
            codec.RunConfig("adam", {"lr": lr, "beta1": beta1}),
            codec.RunConfig("sgd", {"lr": lr, "momentum": 0.9, "nesterov": True}),
        ],
        schedule={"name": "step", "gamma": 0.5, "step_size": 7, "warmup": 3},
        noise=0.25,
        seed=11,
    )
    again, notices = cfg.from_query(cfg.to_query(config))
    assert notices == []
    assert again.runs != [] and resolved(again) == resolved(config)
    again.runs = config.runs = []
    assert again == config


def resolved(config):
    return [
        (
            run.optimizer,
            optimizers._api.resolve_hyperparameters(run.optimizer, run.hyperparameters),
        )
        for run in config.runs
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
    config, notices = cfg.from_query(query)
    assert config.surface_params["b"] == 1000.0
    assert config.steps == cfg.DEFAULT_STEPS
    assert config.start is None
    (run,) = config.runs
    assert run.optimizer == "adam"
    assert run.hyperparameters["lr"] == 0.0
    assert run.hyperparameters["beta1"] < 1.0
    assert "bogus" not in run.hyperparameters
    assert config.schedule == {}
    assert config.noise == cfg.MAX_NOISE
    text = " ".join(notices)
    for fragment in ("'b'", "steps", "start", "lr", "bogus", "nosuch", "warp", "noise"):
        assert fragment in text, fragment


def test_unknown_surface_and_long_values_fall_back():
    config, notices = cfg.from_query(
        {"surface": ["mars"], "run": ["adam;" + "x" * 5000]}
    )
    assert config.surface == cfg.DEFAULT_SURFACE
    assert config.runs == cfg.default_runs()
    assert any("mars" in n for n in notices)
    assert any("too long" in n for n in notices)


def test_too_many_runs_are_cut():
    config, notices = cfg.from_query({"run": ["gd"] * (cfg.MAX_RUNS + 3)})
    assert len(config.runs) == cfg.MAX_RUNS
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
    config, notices = cfg.from_query(query)
    # Whatever came in, what comes out is valid for the engine.
    assert config.surface in cfg.landscapes.names()
    assert 1 <= config.steps <= cfg.MAX_STEPS_PAGE
    assert 1 <= len(config.runs) <= cfg.MAX_RUNS
    for run in config.runs:
        resolved = optimizers._api.resolve_hyperparameters(
            run.optimizer, run.hyperparameters
        )
        assert all(math.isfinite(v) for v in resolved.values())
    if config.start is not None:
        (x0, x1), (y0, y1) = config.landscape().bounds
        assert x0 <= config.start[0] <= x1 and y0 <= config.start[1] <= y1


def test_surface_parameters_named_like_page_keys_travel_apart():
    # linear_regression's own `noise` and `seed` are not the page's gradient noise
    # and noise seed: in a link they are surface.noise and surface.seed.
    config, notices = cfg.from_query(
        {
            "surface": "linear_regression",
            "surface.noise": "1.5",
            "surface.seed": "7",
            "noise": "0.25",
            "seed": "3",
        }
    )
    assert notices == []
    assert config.surface_params == {"noise": 1.5, "seed": 7.0}
    assert (config.noise, config.seed) == (0.25, 3)
    query = cfg.to_query(config)
    assert query["surface.noise"] == "1.5" and query["noise"] == "0.25"
    again, _ = cfg.from_query(query)
    assert again.surface_params == config.surface_params and again.noise == 0.25


def test_next_run_differs_from_every_run_even_when_every_optimizer_is_used():
    runs = [codec.RunConfig(c.optimizer) for c in cfg.ADD_CANDIDATES]
    for _ in range(3):
        added = cfg.next_run(runs)
        assert all(added != run for run in runs)
        assert added.optimizer == runs[-1].optimizer
        runs.append(added)
    lrs = [r.hyperparameters.get("lr", 1e-3) for r in runs if r.optimizer == "sgd"]
    assert len(set(lrs)) == len(lrs) == 4

"""A hyperparameter's range is stated once (codec.hyperparameter_range): a link is
clamped to it, a widget offers it, and both its ends are values the optimizer
accepts."""

import pytest
from test_pages import app

import optimizers
from ui import codec

NUMBERS = [
    (name, hyper)
    for name in optimizers.names()
    for hyper in optimizers.spec(name).hyperparameters
    if hyper.settable and hyper.kind != "bool"
]


@pytest.mark.parametrize(
    ("name", "hyper"), NUMBERS, ids=[f"{n}.{h.name}" for n, h in NUMBERS]
)
def test_both_ends_run_and_a_link_past_them_is_clamped_to_them(name, hyper):
    low, high = codec.hyperparameter_range(hyper)
    assert low < high <= codec.HYPERPARAMETER_CEILING
    for end in (low, high):
        hyper.check(end)  # raises if the optimizer refuses it
    for beyond, end in ((low - 1, low), (high * 2 + 1, high)):
        notices = []
        run = codec.parse_run(f"{name};{hyper.name}={beyond!r}", notices)
        assert run is not None, notices
        assert run.hyperparameters.get(hyper.name, hyper.default) == end
        assert len(notices) == 1 and "outside" in notices[0]


def test_open_ends_move_just_inside():
    spec = optimizers.spec
    assert codec.hyperparameter_range(spec("adam").hyperparameter("beta1")) == (
        0.0,
        codec.OPEN_ONE,
    )
    assert codec.hyperparameter_range(spec("gd_armijo").hyperparameter("lr")) == (
        codec.OPEN_ZERO,
        codec.HYPERPARAMETER_CEILING,
    )
    low, _ = codec.hyperparameter_range(spec("rprop").hyperparameter("etaplus"))
    assert 1.0 < low < 1.0 + 1e-15


@pytest.mark.parametrize(
    "optimizer", ["adam", "gd_armijo", "rprop", "sgd", "lbfgs", "muon"]
)
def test_the_playgrounds_widgets_offer_that_range(optimizer):
    at = app(run=optimizer)
    assert not at.exception
    spec = optimizers.spec(optimizer)
    for hyper in spec.hyperparameters:
        key = f"pg.run0.{optimizer}.{hyper.name}"
        if not hyper.settable:
            drawn = [*at.sidebar.number_input, *at.sidebar.checkbox]
            assert key not in {widget.key for widget in drawn}
            continue
        if hyper.kind == "bool":
            assert at.sidebar.checkbox(key=key).value == bool(hyper.default)
            continue
        widget = at.sidebar.number_input(key=key)
        assert (widget.min, widget.max) == codec.hyperparameter_range(hyper)
        assert widget.value == hyper.default
        if hyper.kind == "int":  # a count steps by whole numbers
            assert isinstance(widget.value, int) and widget.step == 1


def test_a_count_in_a_link_is_rounded_to_a_whole_number():
    notices = []
    run = codec.parse_run("lbfgs;history_size=2.6;lr=0.5", notices)
    assert run.hyperparameters == {"history_size": 3, "lr": 0.5}
    assert len(notices) == 1 and "using 3" in notices[0]

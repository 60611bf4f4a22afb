"""Issue #21, points 2 and 3: every chart of coloured lines names its lines, and every
log axis labels its ticks as plain numbers (2,000, not "2k" or a bare "2"; never an SI
prefix such as μ, n or T)."""

from types import SimpleNamespace

import numpy as np
import pytest
from test_pages import app, figure

from ui import figures
from ui import neural as nn


def assert_every_line_is_named(spec: dict) -> None:
    """A legend is shown and lists every line, each under its own name."""
    assert spec["layout"].get("showlegend") is True
    lines = [t for t in spec["data"] if t.get("mode", "lines") == "lines"]
    assert lines
    for line in lines:
        assert line.get("showlegend", True) is not False, line.get("name")
        assert line.get("name")
    names = [line["name"] for line in lines]
    assert len(set(names)) == len(names), names
    # The legend sits below the plot, clear of the x axis's labels and title.
    legend = spec["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "top"
    assert legend["y"] < 0


# --- point 2: legends ----------------------------------------------------------------


def test_compare_names_each_line_of_its_loss_chart():
    at = app(
        "pages/compare.py",
        surface="quadratic",
        condition_number="10",
        steps="60",
        run="gd",
        vary="lr",
        values="0.02,0.05,0.1,0.15,0.25",
    )
    assert not at.exception
    spec = figure(at, "cmp.loss")
    assert_every_line_is_named(spec)
    panels = [a["text"] for a in figure(at, "cmp.panels")["layout"]["annotations"]]
    assert [f"<b>{t['name']}</b>" for t in spec["data"]] == panels
    assert "diverged" in spec["data"][-1]["name"]  # lr 0.25 > 2/λmax = 0.2


def test_schedules_names_each_learning_rate_curve():
    at = app("pages/schedules.py", schedules="constant,step,cosine")
    assert not at.exception
    spec = figure(at, "sc.curves")
    assert_every_line_is_named(spec)
    assert [t["name"] for t in spec["data"]] == ["constant", "step", "cosine"]


def fake_training(seed: int, steps: int = 30) -> SimpleNamespace:
    rng = np.random.default_rng(seed)
    loss = np.exp(-np.linspace(0, 3, steps)) + 0.01 * rng.random(steps)
    return SimpleNamespace(
        loss=loss,
        test_loss=loss * 1.2,
        accuracy=1 - loss / 2,
        test_accuracy=1 - loss / 1.8,
    )


@pytest.mark.parametrize("which", ["loss", "accuracy"])
def test_neural_net_names_each_training_curve(which):
    results = [fake_training(0), fake_training(1)]
    spec = nn.metrics_figure(results, ["1. sgd", "2. adam"], which)
    assert_every_line_is_named(spec)
    assert {t["name"] for t in spec["data"]} == {
        "1. sgd: train",
        "1. sgd: test",
        "2. adam: train",
        "2. adam: test",
    }


def test_neural_net_names_each_line_of_what_the_plane_hides():
    results = [fake_training(0), fake_training(1)]
    view = SimpleNamespace(
        plane_loss=[r.loss * 1.1 for r in results],
        distance=[np.linspace(0, 1, 30)] * 2,
    )
    spec = nn.illusion_figure(view, results, ["1. sgd", "2. adam"])
    assert_every_line_is_named(spec)
    assert len(spec["data"]) == 6


def test_a_legend_below_keeps_the_plots_height():
    """The legend takes room of its own: the plot area is as tall as without it."""
    series = [np.linspace(1, 2, 10)] * 6
    names = [f"lr = {k / 100:g} · diverged at {k}" for k in range(6)]
    bare = figures.series_figure(series, names, "f", False, height=320)
    shown = figures.series_figure(series, names, "f", False, height=320, legend=True)

    def plot_height(spec):
        layout = spec["layout"]
        return layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]

    assert bare["layout"]["showlegend"] is False
    assert plot_height(shown) == plot_height(bare)
    assert shown["layout"]["margin"]["b"] > bare["layout"]["margin"]["b"]

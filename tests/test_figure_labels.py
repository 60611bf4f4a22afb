"""Issue #21, points 2 and 3: every chart of coloured lines names its lines, and every
log axis labels its ticks as plain numbers (2,000, not "2k" or a bare "2"; never an SI
prefix such as μ, n or T)."""

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
from test_pages import app, figure

from ui import figures
from ui import neural_net as nn
from ui import sweep as sw
from ui import sweep_figures as sf


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


# --- point 3: log axes --------------------------------------------------------------


def d3_format(spec: str, value: float) -> str:
    """What d3-format (which plotly.js uses for `tickformat`) writes for `value`, for
    the specifiers [,][.precision][~](g|f|r|e). `g` is JavaScript's toPrecision
    (exponent form below 1e-6 or from 10**precision up), `~` drops trailing zeros, `,`
    groups thousands. Anything else fails the test: a specifier this does not know."""
    match = re.fullmatch(r"(,?)(?:\.(\d+))?(~?)([gfre])", spec)
    assert match, f"unsupported tickformat {spec!r}"
    comma, precision, trim, kind = match.groups()
    p = int(precision) if precision else 6
    exponent = math.floor(math.log10(abs(value))) if value else 0
    if kind == "g" and (exponent < -6 or exponent >= p):
        kind = "e"
        p -= 1
    if kind == "g":
        text = f"{value:.{max(p - 1 - exponent, 0)}f}"
    elif kind == "f":
        text = f"{value:.{p}f}"
    elif kind == "r":
        text = f"{value:.{max(p - 1 - exponent, 0)}f}"
    else:
        mantissa, power = f"{value:.{p}e}".split("e")
        text = f"{mantissa}e{int(power):+d}"
    if trim:
        head, _, tail = text.partition("e")
        if "." in head:
            head = head.rstrip("0").rstrip(".")
        text = head + (f"e{tail}" if tail else "")
    if comma:
        head, dot, rest = text.partition(".")
        text = f"{int(head):,}" + dot + rest if "e" not in head else text
    return text


def test_the_d3_format_model_follows_javascripts_number_methods():
    # (1000).toPrecision(6) is "1000.00"; 123456..toExponential(1) is "1.2e+5";
    # (3.14159).toFixed(2) is "3.14"; (1e-7).toPrecision(6) is "1.00000e-7".
    assert d3_format(",~g", 1000) == "1,000"
    assert d3_format(".1e", 123456) == "1.2e+5"
    assert d3_format(".2f", 3.14159) == "3.14"
    assert d3_format("~g", 1e-7) == "1e-7"


def assert_plain_log_axis(axis: dict) -> None:
    """A log axis whose every tick, the decades and the digits between them alike
    (plotly.js formats all of them with `tickformat` when it is set), reads as a
    plain number."""
    assert axis["type"] == "log"
    spec = axis.get("tickformat")
    assert spec, "no tickformat: plotly labels digits as '2', '5' and uses SI prefixes"
    assert d3_format(spec, 2000) == "2,000"
    assert d3_format(spec, 3800) == "3,800"
    assert d3_format(spec, 100) == "100"
    assert d3_format(spec, 50) == "50"
    assert d3_format(spec, 0.02) == "0.02"
    assert d3_format(spec, 1e-6) in ("0.000001", "1e-6")
    assert d3_format(spec, 1e-16) == "1e-16"
    for value in (1e-16, 1e-9, 1e-6, 1e-4, 0.5, 2, 2000, 1e5, 1e12):
        assert not re.search(r"[μunpkMGT]", d3_format(spec, value)), value


def test_playground_charts_on_log_axes_label_plain_numbers():
    loss = figures.series_figure([np.logspace(2, -12, 50)], ["gd"], "f - f*", True)
    assert_plain_log_axis(loss["layout"]["yaxis"])
    edge = figures.sharpness_figure(
        [np.full(20, 3800.0)], [np.full(20, 2000.0)], ["1. gd(lr=0.001)"]
    )
    assert_plain_log_axis(edge["layout"]["yaxis"])


def test_neural_net_charts_on_log_axes_label_plain_numbers():
    results = [fake_training(0)]
    assert_plain_log_axis(nn.metrics_figure(results, ["1"], "loss")["layout"]["yaxis"])
    view = SimpleNamespace(plane_loss=[results[0].loss], distance=[np.ones(30)])
    illusion = nn.illusion_figure(view, results, ["1"])
    assert_plain_log_axis(illusion["layout"]["yaxis"])


def test_sweep_charts_on_log_axes_label_plain_numbers():
    values, notices = sw.PAGE.parse({"resolution": "4", "steps": "5"})
    assert not notices
    plane, basins = sw.compute(values)
    assert plane.x.log  # lr opens on a log axis
    heatmap = sf.heatmap_figure(plane, values["outcome"], basins)
    assert_plain_log_axis(heatmap["layout"]["xaxis"])
    sharpness = sf.sharpness_figure(np.array([3800.0, 3900.0]), 2000.0, "2/lr")
    assert_plain_log_axis(sharpness["layout"]["yaxis"])


def test_linear_axes_stay_as_they_were():
    linear = figures.series_figure([np.linspace(0, 1, 5)], ["a"], "lr", False)
    assert linear["layout"]["yaxis"] == {"type": "linear"}


def test_a_legend_reserves_a_row_for_each_entry_that_cannot_share_one():
    """plotly.js laid the Neural net's four curves out one per row (each about as
    wide as the longest), and the figure had room for three: the last was cut off.
    The space kept below the plot counts every entry as wide as the longest."""
    from ui import figures

    names = [
        "1: adam(lr=0.01): train",
        "1: adam(lr=0.01): test",
        "2: sgd(lr=0.1, momentum=0.9): train",
        "2: sgd(lr=0.1, momentum=0.9): test",
    ]
    longest = 40 + 7.5 * len(names[2])  # px per entry at 12 px type, overestimated
    assert 2 * longest > 450  # two do not fit a 450 px plot side by side
    assert figures._legend_rows(names, 450) == 4
    assert figures._legend_rows(names[:2], 450) == 1  # two short ones share a row

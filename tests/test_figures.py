"""The animated trajectory figure: frames, scrubber and step counter, checked against
the paths the engine returns."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import landscapes
import optimizers
from ui import figures


@given(st.integers(1, 20_001), st.data())
def test_slider_stops_are_few_even_and_include_the_ends(n_frames, data):
    initial = data.draw(st.integers(0, n_frames - 1))
    stops = figures.slider_stops(n_frames, initial)
    assert stops[0] == 0 and stops[-1] == n_frames - 1
    assert initial in stops
    assert stops == sorted(set(stops))
    # Apart from the initial frame: evenly spaced by the stride, at most SLIDER_STOPS
    # of them and the last frame.
    stride = max(1, -(-(n_frames - 1) // (figures.SLIDER_STOPS - 1)))
    regular = [s for s in stops if s % stride == 0 or s == n_frames - 1]
    assert len(regular) <= figures.SLIDER_STOPS + 1
    assert len(stops) <= len(regular) + 1
    assert all(0 < gap <= stride for gap in np.diff(regular))


@pytest.fixture(scope="module")
def animated():
    surface = landscapes.get("quadratic", condition_number=10.0, angle=0.0)
    runs = [
        optimizers.run("gd", surface, start=(-2.5, 2.0), steps=300, lr=0.05),
        optimizers.run("gd", surface, start=(-2.5, 2.0), steps=300, lr=0.25),
    ]
    return surface, runs


def build(surface, runs, initial_frame=0, **options):
    return figures.trajectory_figure(
        surface,
        [r.path for r in runs],
        ["slow", "diverging"],
        [r.diverged_at for r in runs],
        (-2.5, 2.0),
        image="data:image/png;base64,",
        initial_frame=initial_frame,
        **options,
    )


def test_every_step_is_a_frame_whose_heads_and_counter_follow_the_paths(animated):
    surface, runs = animated
    assert runs[1].diverged_at is not None  # lr 0.25 > 2/λmax = 0.2
    figure = build(surface, runs)
    frames = figure["frames"]
    assert len(frames) == len(runs[0].path) == 301
    for k in (0, 1, 57, 300):
        frame = frames[k]
        assert frame["name"] == str(k)
        heads = frame["data"][1:4:2]
        for run, head in zip(runs, heads, strict=True):
            last = min(k, len(run.path) - 1)  # a diverged run stays at its last point
            assert head["x"][0] == pytest.approx(run.path[last, 0], abs=1e-4)
            assert head["y"][0] == pytest.approx(run.path[last, 1], abs=1e-4)
        assert frame["data"][-1]["text"] == [f"step {k}"]
        counter = figure["data"][frame["traces"][-1]]
        assert counter["mode"] == "text"


def test_a_frames_recipe_expands_to_the_frames_the_server_would_send(animated):
    """frames_in_browser=True sends a recipe instead of frames (ui.widgets'
    JavaScript builds them; tests/test_browser.py compares the two). Expanded here,
    the figure is the one built with frames, key for key."""
    surface, runs = animated
    for initial_frame in (0, 7, 300):
        with_frames = build(surface, runs, initial_frame)
        recipe = build(surface, runs, initial_frame, frames_in_browser=True)
        assert "frames" not in recipe
        assert figures.FRAMES_RECIPE in recipe["layout"]["meta"]
        assert figures.with_frames(recipe) == with_frames
        # The point of the recipe: most of the figure was its frames.
        assert len(json.dumps(recipe)) < len(json.dumps(with_frames)) / 4
    # Arrows and notes are drawn per frame on the server: no recipe then.
    arrows = [figures.internals_arrows(surface, r) for r in runs]
    figure = build(surface, runs, arrows=arrows, frames_in_browser=True)
    assert len(figure["frames"]) == 301 and "meta" not in figure["layout"]


def note_rates(line: str) -> tuple[str, list[float]]:
    label, numbers = line.split(": lr per coordinate ")
    return label, [float(v) for v in numbers.split(", ")]


def test_notes_under_the_counter_give_each_runs_lr_per_coordinate(animated):
    surface, runs = animated
    labels = ["slow", "diverging"]
    notes = [
        figures.effective_lr_notes(surface, run, label)
        for run, label in zip(runs, labels, strict=True)
    ]
    figure = figures.trajectory_figure(
        surface,
        [r.path for r in runs],
        labels,
        [r.diverged_at for r in runs],
        (-2.5, 2.0),
        notes=notes,
    )
    for k in (0, 1, 57, 299, 300):
        lines = figure["frames"][k]["data"][-1]["text"][0].split("<br>")
        assert lines[0] == f"step {k}"
        # Gradient descent steps by -lr ∇f: each coordinate's rate is lr. A run has
        # a note while it has a next step.
        expected = [
            (label, lr)
            for label, lr, run in zip(labels, (0.05, 0.25), runs, strict=True)
            if k < len(run.path) - 1
        ]
        assert [note_rates(line) for line in lines[1:]] == [
            (label, pytest.approx([lr, lr], rel=1e-3)) for label, lr in expected
        ]


def test_an_adaptive_methods_first_note_is_its_per_coordinate_scaling():
    """Adagrad's first step is -lr g / (|g| + eps) (torch's Adagrad with a zero
    accumulator), so its rate per coordinate is lr / (|g_i| + eps): it differs
    between coordinates where the gradient's components do."""
    surface = landscapes.get("rosenbrock")
    run = optimizers.run("adagrad", surface, start=(-1.5, 2.0), steps=3, lr=0.1)
    gx, gy = surface.grad(-1.5, 2.0)
    label, rates = note_rates(figures.effective_lr_notes(surface, run, "a")[0])
    assert label == "a"
    expected = [0.1 / (abs(gx) + 1e-10), 0.1 / (abs(gy) + 1e-10)]
    assert rates == pytest.approx(expected, rel=1e-3)
    assert rates[0] < rates[1] / 3  # ∂f/∂x = -155, ∂f/∂y = -50 here


def test_the_scrubber_stops_at_most_slider_stops_frames_and_starts_at_the_initial_one(
    animated,
):
    surface, runs = animated
    figure = build(surface, runs, initial_frame=7)
    slider = figure["layout"]["sliders"][0]
    names = [step["args"][0][0] for step in slider["steps"]]
    assert len(names) <= figures.SLIDER_STOPS + 1
    assert names[0] == "0" and names[-1] == "300"
    assert names[slider["active"]] == "7"
    # The figure opens at that frame: heads and counter as in frame 7.
    counter = figure["data"][figure["frames"][7]["traces"][-1]]
    assert counter["text"] == ["step 7"]
    head = figure["data"][figure["frames"][7]["traces"][1]]
    assert head["x"][0] == pytest.approx(runs[0].path[7, 0], abs=1e-4)


def test_a_resized_figure_keeps_its_buttons_and_legend_the_same_px_from_the_plot():
    """Lecturer mode gives cached figures the screen's height (figures.resized): the
    Play buttons and slider under the plot, and the legend above it, are placed in
    paper units from the px the builder meant, so they must move with the height."""
    surface = landscapes.get("rosenbrock")
    run = optimizers.run("gd", surface, steps=20, lr=1e-3)
    figure = figures.trajectory_figure(
        surface, [run.path], ["gd"], [run.diverged_at], surface.default_start
    )
    original = figure["layout"]["height"]

    def px_from_plot(figure, item):  # + above the plot's top, - below its bottom
        layout = figure["layout"]
        plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
        y = item["y"]
        return (y - 1) * plot if y > 1 else y * plot

    for height in (380, 1000):
        bigger = figures.resized(figure, height)
        assert bigger["layout"]["height"] == height
        for name in ("updatemenus", "sliders"):
            before, after = figure["layout"][name][0], bigger["layout"][name][0]
            assert px_from_plot(bigger, after) == pytest.approx(
                px_from_plot(figure, before)
            )
        legend = px_from_plot(bigger, bigger["layout"]["legend"])
        assert legend == pytest.approx(px_from_plot(figure, figure["layout"]["legend"]))
    assert figure["layout"]["height"] == original  # the cached original is untouched


def test_natural_height_gives_an_equal_units_plot_its_columns_width():
    surface = landscapes.get("quadratic")  # a square view
    figure = figures.trajectory_figure(
        surface, [np.array([[1.0, 1.0]])], ["a"], [None], (1.0, 1.0)
    )
    layout = figure["layout"]
    (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    margin = layout["margin"]
    width = 500
    plot = width - margin["l"] - margin["r"]
    expected = plot * (y1 - y0) / (x1 - x0) + margin["t"] + margin["b"]
    assert figures.natural_height(figure, width) == pytest.approx(expected)
    assert (
        figures.natural_height(figures.series_figure([], [], "f", False), 500) is None
    )


def test_an_optimizers_positions_move_beside_its_path_as_companions():
    """ASGD's average (its spec's `positions`) is drawn as a dashed companion of
    its run: frame 0 at the start, frame k at the average after step k, in the
    run's colour, in the frames recipe like any path."""
    surface = landscapes.get("quadratic")
    asgd = optimizers.run("asgd", surface, steps=40, lr=0.05, t0=5, record_state=True)
    adam = optimizers.run("adam", surface, steps=40, lr=0.05)
    companions = figures.companion_paths([asgd, adam])
    assert [(i, label) for i, label, _ in companions] == [(0, "1. ASGD: ax")]
    figure = figures.trajectory_figure(
        surface,
        [asgd.path, adam.path],
        ["asgd", "adam"],
        [None, None],
        tuple(asgd.path[0]),
        companions=companions,
        frames_in_browser=True,
    )
    dashed = [t for t in figure["data"] if t.get("line", {}).get("dash") == "dash"]
    assert {t["line"]["color"] for t in dashed} == {figures.color(0)}
    frames = figures.with_frames(figure)["frames"]
    for k in (0, 1, 6, 40):
        head = frames[k]["data"][5]  # runs' tails and heads, then the companion's
        expected = asgd.path[0] if k == 0 else asgd.state["ax"][k - 1]
        assert head["x"][0] == pytest.approx(expected[0], abs=1e-4)
        assert head["y"][0] == pytest.approx(expected[1], abs=1e-4)
    # The average lags the iterate once averaging starts (t0 = 5), so it is not
    # the path drawn twice.
    assert np.abs(asgd.state["ax"][20] - asgd.path[21]).max() > 1e-3


def test_a_runs_companions_share_one_legend_entry():
    """Nelder–Mead's three vertices are three dashed paths but one legend entry."""
    surface = landscapes.get("himmelblau")
    run = optimizers.run(
        "nelder_mead", surface, start=(0.0, 0.0), steps=20, record_state=True
    )
    companions = figures.companion_paths([run])
    assert len(companions) == 3
    label = "1. Nelder–Mead: vertex_1, vertex_2, vertex_3"
    assert {c[1] for c in companions} == {label}
    figure = figures.trajectory_figure(
        surface, [run.path], ["nm"], [None], (0.0, 0.0), companions=companions
    )
    dashed = [t for t in figure["data"] if t.get("line", {}).get("dash") == "dash"]
    assert [t["showlegend"] for t in dashed if t.get("mode") == "lines"][:3] == [
        True,
        False,
        False,
    ]

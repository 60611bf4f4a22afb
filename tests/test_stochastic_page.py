"""The Stochastic page through Streamlit's AppTest: defaults, changed widgets, links,
bad links, lecturer mode, and what each figure claims, checked against the engine's
tested pieces (batch losses, per-example gradients) and closed forms."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from markdown_cells import table_rows
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

import landscapes
from ui import stochastic as sto

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "stochastic.py")
TIMEOUT = 300  # a cold Numba cache compiles kernels during the first run


def app(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def charts(at) -> dict[str, dict]:
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def panel(at, label) -> dict:
    for key, spec in charts(at).items():
        if "panel." + label in key:
            return spec
    raise AssertionError(f"no panel {label}")


def trace(spec, name) -> tuple[int, dict]:
    for i, t in enumerate(spec["data"]):
        if t.get("name", "").startswith(name):
            return i, t
    raise AssertionError(f"no trace {name}")


def qp(at, key):
    value = at.query_params[key]
    return value[0] if isinstance(value, list | tuple) else value


def points(t):
    x = np.array([np.nan if v is None else v for v in t["x"]], dtype=float)
    y = np.array([np.nan if v is None else v for v in t["y"]], dtype=float)
    keep = np.isfinite(x)
    return np.column_stack([x[keep], y[keep]])


def contour_pieces(t) -> list[np.ndarray]:
    """The separate lines of a trace whose lines are separated by None."""
    pieces, current = [], []
    for x, y in zip(t["x"], t["y"], strict=True):
        if x is None:
            if current:
                pieces.append(np.array(current))
            current = []
        else:
            current.append((x, y))
    if current:
        pieces.append(np.array(current))
    return pieces


def test_defaults_render_three_panels_and_pin_every_number_in_the_url():
    at = app()
    assert not at.exception
    assert not at.warning
    assert len(at.get("plotly_chart")) == 4  # three panels and the loss
    for key in ("surface", "n_points", "noise", "lr", "batch", "steps", "schedule"):
        assert qp(at, key)
    assert qp(at, "batch") == "5" and qp(at, "surface") == "linear_regression"
    rows = table_rows(next(m.value for m in at.markdown if "| run |" in m.value))
    assert [r["run"] for r in rows] == [
        "full batch",
        "minibatch of 5",
        "online (batch 1)",
    ]
    assert rows[1]["epochs"] == str(200 * 5 // 50)  # 10 steps per epoch


def test_each_frame_draws_that_steps_minibatch_loss():
    at = app(steps="30", batch="4")
    spec = panel(at, "minibatch of 4")
    surface = landscapes.get("linear_regression")
    index, _ = trace(spec, "this step's minibatch loss")
    (x0, x1), (y0, y1) = surface.bounds
    spacing = max(x1 - x0, y1 - y0) / (sto.CONTOUR_GRID - 1)
    # The page's run, replayed: the same seed gives the same batches.
    import optimizers

    run = optimizers.run(
        "sgd", surface, start=surface.default_start, steps=30, lr=0.1, batch_size=4
    )
    features = np.column_stack([surface.data.x[:, 0], np.ones(surface.n_examples)])
    # Display rounding of the traced coordinates: ±r per coordinate.
    rounding = 0.5 * 10.0 ** -max(
        0, 3 - math.ceil(math.log10(max(x1 - x0, y1 - y0) * 2))
    )
    for k in (0, 7, 29):
        frame = spec["frames"][k]
        trace_k = frame["data"][frame["traces"].index(index)]
        lines = contour_pieces(trace_k)
        assert 1 <= len(lines) <= 7 * 2 and sum(len(line) for line in lines) > 20
        member = features[run.batches[k]]
        curvature = np.linalg.eigvalsh(2 * member.T @ member / len(member)).max()
        for line in lines:
            # One traced line is one level set of this step's batch loss. Marching
            # squares puts each point on a grid edge where the linear interpolant of
            # L_B hits the level; along an edge of length h a quadratic differs from
            # its interpolant by at most h²/8 · λmax(∇²L_B), and the rounding adds at
            # most |∇L_B|·r·√2; twice that from the line's median, which stands in
            # for the level.
            values_grads = np.array(
                [surface.batch_value_grad(x, y, run.batches[k]) for x, y in line]
            )
            loss = values_grads[:, 0]
            slope = np.hypot(values_grads[:, 1], values_grads[:, 2])
            allowed = spacing**2 / 8 * curvature + slope * rounding * 2**0.5
            level = np.median(loss)
            assert np.all(np.abs(loss - level) <= 2 * allowed + 1e-9)
    # Different batches, different lines.
    first = points(spec["frames"][0]["data"][spec["frames"][0]["traces"].index(index)])
    later = points(spec["frames"][7]["data"][spec["frames"][7]["traces"].index(index)])
    assert first.shape != later.shape or not np.allclose(first, later)


def test_epoch_marks_and_the_region_of_confusion():
    at = app(steps="60", batch="10", n_points="40")
    spec = panel(at, "minibatch of 10")
    _, epochs = trace(spec, "epoch starts")
    surface = landscapes.get("linear_regression", n_points=40)
    path_trace = next(t for t in spec["data"] if t.get("name") == "minibatch of 10")
    path = points(path_trace)
    # 40 examples in batches of 10: an epoch starts every 4 steps. Every mark sits
    # on one (the path's trace is rounded to 1e-5 of the plot's width, display
    # only), and the first, far apart, are all marked.
    starts = path[0:60:4]
    marks = points(epochs)
    for mark, epoch in zip(marks, epochs["customdata"], strict=True):
        np.testing.assert_allclose(mark, starts[epoch - 1], atol=6e-6)
    np.testing.assert_allclose(marks[:5], starts[:5], atol=6e-6)
    _, region = trace(spec, "region of confusion")
    boundary = points(region)
    data = surface.data
    best = np.polyfit(data.x[:, 0], data.y, 1)
    features = np.column_stack([data.x[:, 0], np.ones(40)])
    residual = features @ best - data.y
    rho = np.sqrt(np.mean(np.sum((2 * residual[:, None] * features) ** 2, axis=1)))
    norms = [np.hypot(*surface.grad(x, y)) for x, y in boundary]
    np.testing.assert_allclose(norms, rho, rtol=1e-9)
    assert f"ρ = {rho:.4g}" in " ".join(m.value for m in at.markdown)


def test_robbins_monro_sums_follow_the_schedule():
    at = app(schedule="inverse_time", decay_rate="0.1", lr="0.2", steps="100")
    rows = table_rows(next(m.value for m in at.markdown if "Σ ηₖ" in m.value))
    k = np.arange(100)
    rates = 0.2 / (1 + 0.1 * k)
    assert float(rows[0]["Σ ηₖ"]) == pytest.approx(rates.sum(), rel=1e-3)
    assert float(rows[0]["Σ ηₖ²"]) == pytest.approx((rates**2).sum(), rel=1e-3)
    assert rows[1]["Σ ηₖ"].startswith("∞") and rows[1]["Σ ηₖ²"].startswith("finite")
    constant = app(steps="100")
    rows = table_rows(next(m.value for m in constant.markdown if "Σ ηₖ" in m.value))
    assert rows[1]["Σ ηₖ²"].startswith("∞")


def test_widgets_change_the_runs_and_the_url():
    at = app()
    at.slider(key="sto.batch").set_value(10).run()
    assert not at.exception
    assert qp(at, "batch") == "10"
    assert any("panel.minibatch of 10" in key for key in charts(at))
    at.selectbox(key="sto.surface").set_value("logistic_regression").run()
    assert not at.exception
    assert qp(at, "surface") == "logistic_regression"
    fresh = landscapes.get("logistic_regression", n_points=50)
    assert qp(at, "start") == "{:g},{:g}".format(*fresh.default_start)


def test_a_link_reopens_the_same_numbers():
    query = {
        "surface": "logistic_regression",
        "n_points": "60",
        "batch": "7",
        "lr": "0.5",
        "steps": "80",
        "seed": "3",
        "start": "-1,2",
    }
    first = app(**query)
    second = app(**query)
    assert charts(first).keys() == charts(second).keys()
    for key in charts(first):
        assert charts(first)[key]["data"] == charts(second)[key]["data"]
    assert qp(first, "start") == "-1,2"


def rendered(text: str) -> str:
    return MarkdownIt("commonmark").render(text)


def test_bad_links_fall_back_with_literal_notices():
    at = app(
        surface="[Session expired: log in](http://evil.example/)",
        lr="**5**",
        batch="900",
        steps="-3",
        start="a,b",
        average="![x](http://evil.example/x.png)",
    )
    assert not at.exception
    assert len(at.warning) >= 5
    for warning in at.warning:
        html = rendered(warning.value)
        for tag in ("<a ", "<strong>", "<em>", "<img"):
            assert tag not in html, html
    texts = " ".join(rendered(w.value) for w in at.warning)
    assert "**5**" in texts  # shown as typed
    assert qp(at, "surface") == "linear_regression" and qp(at, "batch") == "50"
    assert qp(at, "steps") == "1"


def test_lecturer_mode_hides_controls_and_shows_the_lesson():
    at = app(lecture="1", hide="surface,schedule", preset="sgd-confusion-decayed")
    assert not at.exception
    keys = {w.key for w in at.selectbox}
    assert "sto.surface" not in keys and "sto.schedule" not in keys
    assert "sto.optimizer" in keys
    # In lecturer mode the lesson is a one-line expander, not a box above the panels.
    assert any("A 1/k learning rate lets SGD settle" in e.label for e in at.expander)


def marks_and_starts(values):
    """(surface, the minibatch panel's marked epoch starts with their epoch numbers,
    every epoch start of its run) through ui.stochastic's pure functions."""
    surface = sto.surface_of(values)
    runs = sto.panels(values)
    figure = sto.panel_figure(surface, runs[1], sto.start_of(values, surface))
    _, marks = trace(figure, "epoch starts")
    result = runs[1].result
    per_epoch = math.ceil(values["n_points"] / values["batch"])
    starts = result.path[0 : len(result.lr) : per_epoch]  # steps that begin one
    return surface, marks, starts


def test_crowded_epoch_marks_are_thinned_to_a_diamonds_width_apart():
    """Issue #21: logistic regression in batches of 10 marked 40 epochs 0.3% to 1.4%
    of the view apart, a black band. A diamond of 8 px is 2% of a ~350 px panel:
    marks are at least that far apart, every mark is an epoch start (its number on
    hover), and every epoch left unmarked lies within that distance of a mark."""
    values, _ = sto.PAGE.parse({"surface": "logistic_regression", "batch": "10"})
    surface, marks, starts = marks_and_starts(values)
    assert len(starts) == values["steps"] // (values["n_points"] // 10)  # 40
    (x0, x1), (y0, y1) = surface.bounds
    width = 0.02 * max(x1 - x0, y1 - y0)
    shown = np.column_stack([marks["x"], marks["y"]])
    assert np.all(np.hypot(*np.diff(shown, axis=0).T) >= width)
    assert 1 < len(shown) < len(starts) // 2
    epochs = np.array(marks["customdata"])
    np.testing.assert_array_equal(shown, starts[epochs - 1])
    for start in starts:
        assert np.min(np.hypot(*(shown - start).T)) < width
    assert "%{customdata}" in marks["hovertemplate"]


def test_a_full_batch_run_counts_one_epoch_per_step():
    """Issue #21: the full-batch row said "—" epochs. A full-batch step uses every
    example once: one epoch per step; a minibatch of b over N takes ⌈N/b⌉ steps."""
    values, _ = sto.PAGE.parse({"steps": "37", "batch": "8"})
    surface = sto.surface_of(values)
    rows = sto.summary_rows(surface, sto.panels(values))
    epochs = {row["run"]: row["epochs"] for row in rows}
    n = values["n_points"]
    assert epochs == {
        "full batch": "37",
        "minibatch of 8": str(math.ceil(37 / math.ceil(n / 8))),
        "online (batch 1)": str(math.ceil(37 / n)),
    }


def test_the_page_shows_one_run_table_with_the_full_batch_epochs():
    """The page draws the table once, from sto.summary_rows: a merge once left the
    old table (full batch: "—" epochs) under a second copy with the schedule's
    caption repeated."""
    at = app(steps="37", batch="8")
    tables_ = [m.value for m in at.markdown if "| run |" in m.value]
    assert len(tables_) == 1
    rows = table_rows(tables_[0])
    assert rows[0]["run"] == "full batch" and rows[0]["epochs"] == "37"
    captions = [c.value for c in at.caption]
    assert len(captions) == len(set(captions))


def test_the_data_fields_ranges_are_the_empirical_risks_own():
    """Noise, seed and the fewest examples come from the surfaces' parameter ranges
    (the page's server limit may only lower the most examples)."""
    import landscapes

    field = {f.name: f for f in sto.FIELDS}
    for surface in sto.SURFACES:
        ranges = landscapes.parameter_ranges(surface)
        assert (field["noise"].low, field["noise"].high) == ranges["noise"]
        assert (field["data_seed"].low, field["data_seed"].high) == ranges["seed"]
        assert field["n_points"].low == ranges["n_points"][0]
        assert field["n_points"].high <= ranges["n_points"][1]

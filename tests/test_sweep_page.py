"""The Sweep page through Streamlit's AppTest: defaults, changed axes, optimizer and
outcome, links (good, hostile, every preset), a clicked cell's run and its Playground
link, a zoom recomputed at full resolution, the CSV export, basins, the theory.

Every number checked here is derived independently of the page and of
optimizers.planes: single runs (optimizers.run), the closed-form spectral radius of
the heavy-ball iteration, the minima of Himmelblau's function as published."""

import csv
import io
import json
import math
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

import landscapes
import optimizers
from ui import cache, codec, limits
from ui import playground as pg
from ui import sweep as sw
from ui import sweep_figures as sf
from ui import widgets as w
from ui.presets import PRESETS

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "sweep.py")
TIMEOUT = 300  # a cold Numba cache compiles kernels during the first run
SMALL = {"resolution": "24", "steps": "150"}  # quick planes for most tests


def app(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def qp(at, key):
    value = at.query_params[key]
    return value[0] if isinstance(value, list | tuple) else value


def charts(at) -> dict[str, dict]:
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def chart(at, key) -> dict:
    for chart_id, spec in charts(at).items():
        if chart_id.endswith(key):
            return spec
    raise AssertionError(f"no chart {key}; have {list(charts(at))}")


def trace(spec, name) -> dict:
    for t in spec["data"]:
        if str(t.get("name", "")).startswith(name):
            return t
    raise AssertionError(f"no trace {name!r}")


def heatmap(at) -> dict:
    return chart(at, "sw.map")["data"][0]


def quadratic(kappa=10.0, angle=0.0):
    return landscapes.get("quadratic", condition_number=kappa, angle=angle)


def heavy_ball_radius(lr, beta, eigenvalue) -> float:
    """Spectral radius of the heavy-ball iteration on one eigen-direction:
    (e_{k+1}, e_k) = [[1 + β - ηλ, -β], [1, 0]] (e_k, e_{k-1})."""
    matrix = np.array([[1 + beta - lr * eigenvalue, -beta], [1.0, 0.0]])
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def test_defaults_render_a_plane_and_pin_every_number_in_the_url():
    at = app()
    assert not at.exception
    assert not at.warning, [x.value for x in at.warning]
    main = heatmap(at)
    z = sf.decode(main["z"])
    n = sw.DEFAULT_RESOLUTION
    assert z.shape == (n, n)
    np.testing.assert_allclose(main["x"], np.geomspace(1e-3, 1.0, n), rtol=1e-5)
    np.testing.assert_allclose(main["y"], np.linspace(0.0, 0.99, n), rtol=1e-5)
    for key in ("mode", "surface", "x", "y", "x_range", "resolution", "steps", "run"):
        assert qp(at, key)
    assert (qp(at, "x"), qp(at, "y"), qp(at, "run")) == ("lr", "momentum", "momentum")


def test_diverged_cells_follow_single_runs_and_the_heavy_ball_theory():
    """On κ = 10 (λ = 1, 10) heavy ball diverges where its iteration's spectral
    radius exceeds 1. Cells far inside either side must show it; and a handful of
    cells' divergence steps equal their single runs'."""
    at = app(resolution="32", steps="300", outcome="loss")
    spec = chart(at, "sw.map")
    main = spec["data"][0]
    xs, ys = np.array(main["x"]), np.array(main["y"])
    overlay = trace(spec, "diverged")
    diverged_at = sf.decode(overlay["z"])  # NaN where the run did not diverge
    radius = np.array(
        [
            [max(heavy_ball_radius(lr, b, lam) for lam in (1.0, 10.0)) for lr in xs]
            for b in ys
        ]
    )
    assert np.all(np.isfinite(diverged_at[radius > 1.15]))
    assert np.all(np.isnan(diverged_at[radius < 0.95]))
    assert (radius > 1.15).sum() > 50 and (radius < 0.95).sum() > 50
    surface = quadratic()
    for row, col in [(0, 31), (20, 25), (31, 31), (10, 5), (25, 28)]:
        run = optimizers.run(
            "momentum",
            surface,
            start=surface.default_start,
            steps=300,
            lr=float(main["x"][col]),
            momentum=float(main["y"][row]),
        )
        if run.diverged_at is None:
            assert np.isnan(diverged_at[row, col])
        else:
            assert diverged_at[row, col] == run.diverged_at
    # The theory's boundary is drawn from the same closed form (λ = 1 and 10).
    region = sf.decode(trace(spec, "theory (exact on quadratics)")["z"])
    lr, beta = np.meshgrid(xs, ys)
    expected = (lr * 10 < 2 * (1 + beta)) & (lr * 1 < 2 * (1 + beta))
    assert np.array_equal(region.astype(bool), expected)
    bound = trace(spec, "2/λmax")
    assert bound["x"] == pytest.approx([0.2, 0.2])  # 2 / λmax = 2 / 10


def test_the_optimal_heavy_ball_pair_and_its_rate():
    """Polyak's optimum for λ in [μ, L]: lr = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²,
    rate (√κ − 1)/(√κ + 1)."""
    at = app(resolution="16", steps="200")
    star = trace(chart(at, "sw.map"), "optimal heavy ball")
    L, mu = 10.0, 1.0
    k = math.sqrt(L / mu)
    assert star["x"][0] == pytest.approx(4 / (math.sqrt(L) + math.sqrt(mu)) ** 2)
    assert star["y"][0] == pytest.approx(((k - 1) / (k + 1)) ** 2)
    rate = (k - 1) / (k + 1)
    assert f"rate {rate:.3f} predicted" in star["name"]
    # The measured rate beside it is a run's own contraction, near the prediction.
    measured = float(star["name"].rsplit("measured ", 1)[1])
    assert measured == pytest.approx(rate, abs=0.03)


def test_changing_optimizer_axes_and_outcome_rerenders():
    at = app(**SMALL)
    at.selectbox(key="sw.optimizer").set_value("adam").run()
    assert not at.exception and not at.warning
    assert (qp(at, "x"), qp(at, "y")) == ("lr", "beta1")
    at.selectbox(key="sw.y").set_value("beta2").run()
    assert not at.exception
    assert qp(at, "y") == "beta2"
    main = heatmap(at)
    low, high = map(float, qp(at, "y_range").split(","))
    np.testing.assert_allclose(main["y"], np.linspace(low, high, 24), rtol=1e-5)
    at.radio(key="sw.outcome").set_value("steps").run()
    assert qp(at, "outcome") == "steps"
    assert heatmap(at)["colorbar"]["title"]["text"] == "steps to tolerance"
    at.number_input(key="sw.x_low").set_value(0.01).run()
    assert qp(at, "x_range").startswith("0.01,")
    assert heatmap(at)["x"][0] == pytest.approx(0.01)
    at.radio(key="sw.mode").set_value("basins").run()
    assert not at.exception
    assert qp(at, "mode") == "basins" and qp(at, "outcome") == "basin"


HOSTILE = "[a](http://e.x) **b** ![i](http://e.x/i)"


def test_hostile_links_are_clamped_with_literal_notices():
    at = app(
        resolution="1e9",
        steps="1e9",
        surface=HOSTILE,
        run=HOSTILE,
        x=HOSTILE,
        x_range="-5,5",
        y_range="a,b",
        start="1e9,-1e9",
        tolerance="-3",
        outcome="basin",
        cell="nan,nan",
    )
    assert not at.exception
    text = "\n".join(x.value for x in at.warning)
    assert w.literal(limits.notice(limits.SWEEP_GRID)) in text
    assert w.literal(limits.notice(limits.SWEEP_WORK)) in text
    for notice in at.warning:
        html = MarkdownIt("commonmark").render(notice.value)
        for tag in ("<a ", "<strong>", "<em>", "<img"):
            assert tag not in html, notice.value
    assert qp(at, "resolution") == str(limits.SWEEP_GRID.value)
    steps = int(qp(at, "steps"))
    assert 512 * 512 * steps <= limits.SWEEP_WORK.value
    assert qp(at, "surface") == sw.DEFAULT_SURFACE and qp(at, "x") == "lr"
    low, high = map(float, qp(at, "x_range").split(","))
    assert 0 < low < high <= 5  # a log axis starts above 0
    start = tuple(map(float, qp(at, "start").split(",")))
    assert start == (3.0, -3.0)  # moved to the quadratic's bounds
    assert qp(at, "outcome") == "score"


def notices(at) -> list[str]:
    return [x.value for x in at.warning]


@pytest.mark.parametrize(
    ("query", "used"),
    [("x=foo", "x"), ("y=foo", "y"), ("outcome=zzz", "outcome"), ("x=rho", "x")],
)
def test_a_name_it_does_not_know_is_replaced_by_one_the_notice_names(query, used):
    """Issue #21: "Unknown x 'foo'; using None." The notice names what the page
    shows instead, and the link carries the same."""
    key, _, value = query.partition("=")
    at = app(**SMALL, **{key: value})
    assert not at.exception
    (notice,) = notices(at)
    assert "None" not in notice and f"'{value}'" in notice, notice
    assert qp(at, used) not in ("", value)
    assert notice.endswith(f"using {w.literal(qp(at, used))}\\.") or notice.endswith(
        f"using the default \\({w.literal(qp(at, used))}\\)\\."
    ), notice


def test_a_reversed_axis_range_says_so_and_names_the_range_used():
    """Issue #21: x_range=1,0 was reported only as a log axis starting above 0."""
    at = app(**SMALL, x_range="1,0")
    assert not at.exception
    (notice,) = notices(at)
    assert "high to low" in notice, notice
    low, high = qp(at, "x_range").split(",")
    assert w.literal(f"using {low} to {high}.") in notice, notice


def test_gd_cannot_make_a_plane_and_says_so():
    at = app(run="gd;lr=0.1", **SMALL)
    assert not at.exception
    assert any("a plane needs two" in x.value for x in at.warning)
    assert qp(at, "run") == "momentum"
    basins = app(run="gd;lr=0.1", mode="basins", **SMALL)
    assert not basins.warning and qp(basins, "run") == "gd;lr=0.1"


def test_a_clicked_cell_draws_its_run_and_links_to_the_playground():
    at = app(**SMALL)
    assert "sw.path" not in " ".join(charts(at))
    main = heatmap(at)
    lr, momentum = main["x"][20], main["y"][17]
    sw.choose_cell(at.session_state, lr, momentum)  # what a click does
    at.run()
    assert not at.exception
    surface = quadratic()
    expected = optimizers.run(
        "momentum",
        surface,
        start=surface.default_start,
        steps=150,
        lr=lr,
        momentum=momentum,
    )
    path = trace(chart(at, "sw.path"), "this cell's run")
    np.testing.assert_allclose(path["x"], expected.path[:, 0])
    np.testing.assert_allclose(path["y"], expected.path[:, 1])
    assert qp(at, "cell") == f"{codec.short(lr)},{codec.short(momentum)}"
    # The Playground link, read by the Playground's own parser, reproduces the run.
    [button] = at.get("link_button")
    link = urlparse(button.proto.url)
    assert link.path in ("./", "/", "")
    values, notices = pg.PAGE.parse(parse_qs(link.query))
    assert notices == []
    [run] = pg.run_all(values)
    np.testing.assert_array_equal(run.path, expected.path)
    # The chosen cell is marked on the map; the curves of its run are drawn.
    marker = trace(chart(at, "sw.map"), "chosen cell")
    assert (marker["x"][0], marker["y"][0]) == pytest.approx((lr, momentum))
    loss = chart(at, "sw.loss")["data"][0]["y"]
    np.testing.assert_allclose(loss, np.maximum(expected.loss, 1e-16))
    sharpness = chart(at, "sw.sharpness")
    # Heavy ball stays stable below λ = 2(1 + β)/lr (the region's edge, solved for λ).
    line = trace(sharpness, "2(1 + β)/lr")["y"]
    np.testing.assert_allclose(line, 2 * (1 + momentum) / lr, rtol=1e-5)
    assert len(line) == len(expected.path)
    # On a quadratic the sharpness is λmax = 10 at every iterate.
    np.testing.assert_allclose(trace(sharpness, "λmax")["y"], 10.0, rtol=1e-9)
    # The rate beside it: the largest |root| of z² - (1 + β - lr λ) z + β over
    # λ = 1, 10, and this run's own contraction toward the minimum.
    roots = [
        np.abs(np.roots([1, -(1 + momentum - lr * lam), momentum])).max()
        for lam in (1.0, 10.0)
    ]
    rate_text = next(m.value for m in at.markdown if "Rate per step" in m.value)
    assert f"**{max(roots):.4f}**" in rate_text


def test_a_zoom_recomputes_the_view_at_full_resolution():
    at = app(**SMALL)
    at.session_state["sw.zoom"] = ((0.05, 0.3), (0.5, 0.9))  # what a box drag sends
    at.run()
    at.button(key="sw.recompute").click().run()
    assert not at.exception
    assert qp(at, "x_range") == "0.05,0.3" and qp(at, "y_range") == "0.5,0.9"
    main = heatmap(at)
    np.testing.assert_allclose(main["x"], np.geomspace(0.05, 0.3, 24), rtol=1e-5)
    np.testing.assert_allclose(main["y"], np.linspace(0.5, 0.9, 24), rtol=1e-5)
    assert sf.decode(main["z"]).shape == (24, 24)
    at.button(key="sw.reset").click().run()
    assert qp(at, "x_range") == "0.001,1"


def test_the_csv_has_every_cell_and_matches_single_runs():
    at = app(resolution="12", steps="100", x_range="0.01,0.5")
    query = {k: qp(at, k) for k in at.query_params}
    plane, _ = cache.sweep_plane(sw.plane_key(query))
    rows = list(csv.DictReader(io.StringIO(plane.to_csv())))
    assert len(rows) == 12 * 12
    surface = quadratic()
    for row in rows[::17]:
        run = optimizers.run(
            "momentum",
            surface,
            start=surface.default_start,
            steps=100,
            lr=float(row["lr"]),
            momentum=float(row["momentum"]),
        )
        if run.diverged_at is None:
            assert int(row["diverged_at"]) == -1
            assert float(row["final_loss"]) == pytest.approx(run.final_loss, rel=1e-9)
        else:
            assert int(row["diverged_at"]) == run.diverged_at


HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
]


def test_himmelblau_basins_under_gradient_descent():
    at = app(
        mode="basins",
        surface="himmelblau",
        run="gd;lr=0.01",
        resolution="16",
        steps="500",
    )
    assert not at.exception and not at.warning
    spec = chart(at, "sw.map")
    named = [t["name"] for t in spec["data"] if "minimum (" in str(t.get("name"))]
    assert len(named) == 4 and all(n.startswith("global minimum") for n in named)
    main = spec["data"][0]
    labels = sf.decode(main["z"])
    xs, ys = main["x"], main["y"]
    surface = landscapes.get("himmelblau")
    colours = {}
    for t in spec["data"]:
        if str(t.get("name", "")).startswith("global minimum"):
            colours[t["marker"]["color"]] = (t["x"][0], t["y"][0])
    for row in range(0, 16, 3):
        for col in range(0, 16, 3):
            run = optimizers.run(
                "gd", surface, start=(xs[col], ys[row]), steps=500, lr=0.01
            )
            if run.diverged_at is not None or np.isnan(labels[row, col]):
                continue
            nearest = min(HIMMELBLAU_MINIMA, key=lambda m: math.dist(m, run.final))
            colour = sf.basin_colour(int(labels[row, col]))
            assert colours[colour] == pytest.approx(nearest, abs=1e-4)


def test_lecturer_mode_hides_controls():
    at = app(lecture="1", hide="surface,runs", **SMALL)
    assert not at.exception
    keys = {x.key for x in at.selectbox}
    assert "sw.surface" not in keys and "sw.optimizer" not in keys
    assert "sw.x" in keys
    assert qp(at, "lecture") == "1"


SWEEP_PRESETS = [p for p in PRESETS if p.page == "sweep"]


@pytest.mark.parametrize("preset", SWEEP_PRESETS, ids=[p.key for p in SWEEP_PRESETS])
def test_every_sweep_preset_opens_cleanly(preset):
    at = app(**preset.query, preset=preset.key)
    assert not at.exception
    assert not at.warning, [x.value for x in at.warning]
    assert any(preset.title in i.value for i in at.info)


def test_there_are_three_sweep_presets():
    assert len(SWEEP_PRESETS) >= 3


def test_a_diverged_cell_says_where_it_diverged():
    at = app(**SMALL)
    main = heatmap(at)
    lr, momentum = main["x"][-1], main["y"][0]  # lr = 1 on λmax = 10: diverges
    sw.choose_cell(at.session_state, lr, momentum)
    at.run()
    assert not at.exception
    surface = quadratic()
    run = optimizers.run("momentum", surface, steps=150, lr=lr, momentum=momentum)
    assert run.diverged_at is not None
    assert any(f"Diverged at step {run.diverged_at}" in m.value for m in at.markdown)
    notes = chart(at, "sw.path")["layout"]["annotations"]
    assert notes[0]["text"] == f"diverged at step {run.diverged_at}"


def test_a_clicked_start_on_a_basin_map_shows_the_hessian_there():
    """Himmelblau's Hessian by hand: f_xx = 12x² + 4y − 42, f_yy = 12y² + 4x − 26,
    f_xy = 4x + 4y."""
    at = app(mode="basins", surface="himmelblau", run="gd;lr=0.01", **SMALL)
    main = heatmap(at)
    x, y = main["x"][5], main["y"][17]
    sw.choose_cell(at.session_state, x, y)
    at.run()
    assert not at.exception
    hessian = np.array(
        [
            [12 * x**2 + 4 * y - 42, 4 * x + 4 * y],
            [4 * x + 4 * y, 12 * y**2 + 4 * x - 26],
        ]
    )
    low, high = np.linalg.eigvalsh(hessian)
    caption = next(c.value for c in at.caption if "Hessian at this start" in c.value)
    assert f"λ = {low:.4g}, {high:.4g}" in caption
    assert f"2/λmax = {2 / high:.4g}" in caption
    arrows = [t for t in chart(at, "sw.path")["data"] if t["name"].startswith("eigen-")]
    assert len(arrows) == 2
    for arrow, value in zip(arrows, (low, high), strict=True):
        tail, middle, tip = np.array([arrow["x"], arrow["y"]]).T
        assert middle == pytest.approx((x, y))
        direction = (tip - middle) / np.linalg.norm(tip - middle)
        # An eigenvector: H d = λ d.
        np.testing.assert_allclose(hessian @ direction, value * direction, atol=1e-6)


def test_the_linear_net_basin_map_draws_its_stability_circle():
    """On (1 − xy)²/2 the Hessian is [[y², 2xy − 1], [2xy − 1, x²]]; at a minimum
    (x, 1/x) its λmax is x² + y², so gradient descent settles only where
    lr·(x² + y²) < 2."""
    at = app(
        mode="basins",
        surface="linear_net",
        run="gd;lr=0.5",
        outcome="sharpness",
        resolution="32",
        steps="300",
    )
    assert not at.exception and not at.warning
    spec = chart(at, "sw.map")
    circle = trace(spec, "lr·(x² + y²) = 2")
    radii = np.hypot(circle["x"], circle["y"])
    np.testing.assert_allclose(radii, math.sqrt(2 / 0.5), atol=1e-4)
    ratio = sf.decode(spec["data"][0]["z"])  # λmax(final)·lr/2, NaN if diverged
    xs, ys = spec["data"][0]["x"], spec["data"][0]["y"]
    surface = landscapes.get("linear_net")
    settled = 0
    for row in range(0, 32, 4):
        for col in range(0, 32, 4):
            run = optimizers.run(
                "gd", surface, start=(xs[col], ys[row]), steps=300, lr=0.5
            )
            if run.diverged_at is not None:
                assert np.isnan(ratio[row, col])
                continue
            x, y = run.final
            hessian = [[y * y, 2 * x * y - 1], [2 * x * y - 1, x * x]]  # by hand
            sharpest = np.linalg.eigvalsh(hessian)[-1]
            assert ratio[row, col] == pytest.approx(sharpest * 0.5 / 2, rel=1e-5)
            if run.final_loss < 1e-10:  # settled at a minimum: inside the circle
                settled += 1
                assert ratio[row, col] <= 1.0 + 1e-6
    assert settled > 10


@pytest.mark.parametrize("surface", landscapes.names())
def test_every_surface_makes_a_plane_and_a_basin_map(surface):
    """Any registered surface, both maps, a clicked cell: no exception, no notice,
    and the map has the requested cells."""
    for mode, cell in (("plane", "0.01,0.5"), ("basins", "0.1,0.1")):
        at = app(surface=surface, mode=mode, resolution="8", steps="20", cell=cell)
        assert not at.exception, (surface, mode)
        assert not at.warning and not at.error, [x.value for x in at.warning]
        assert sf.decode(heatmap(at)["z"]).shape == (8, 8)
        assert qp(at, "surface") == surface


def test_a_zoom_on_a_basin_map_recomputes_those_starts():
    at = app(mode="basins", surface="himmelblau", run="gd;lr=0.01", **SMALL)
    at.session_state["sw.zoom"] = ((-1.0, 2.5), (0.5, 9.0))  # past the top edge
    at.run()
    at.button(key="sw.recompute").click().run()
    assert not at.exception
    assert qp(at, "region_x") == "-1,2.5"
    # Starts stay inside the surface's bounds: y is cut at Himmelblau's 5.
    assert qp(at, "region_y") == "0.5,5"
    main = heatmap(at)
    np.testing.assert_allclose(main["x"], np.linspace(-1.0, 2.5, 24))
    np.testing.assert_allclose(main["y"], np.linspace(0.5, 5.0, 24))


def test_zoom_to_the_edge_keeps_the_boundary_in_view():
    at = app(resolution="24", steps="300")
    at.button(key="sw.edge").click().run()
    assert not at.exception
    low, high = map(float, qp(at, "x_range").split(","))
    assert 0.001 < low < high <= 1 and high / low < 1000  # narrower than before
    # The new view still holds runs that diverge and runs that do not: single runs
    # at its left and right edges, at the middle momentum, by optimizers.run.
    beta_low, beta_high = map(float, qp(at, "y_range").split(","))
    beta = (beta_low + beta_high) / 2
    surface = quadratic()
    edges = [
        optimizers.run("momentum", surface, steps=300, lr=lr, momentum=beta)
        for lr in (low, high)
    ]
    assert edges[0].diverged_at is None and edges[1].diverged_at is not None


def test_the_plane_is_cached_by_what_it_computes_not_by_the_view():
    values, _ = sw.PAGE.parse({"resolution": "10", "steps": "50"})
    query = sw.PAGE.query(values)
    key = sw.plane_key(query)
    for view in ({"outcome": "loss"}, {"cell": "0.1,0.5"}, {"lecture": "1"}):
        assert sw.plane_key({**query, **view}) == key
    for change in ({"steps": "51"}, {"x_range": "0.01,1"}, {"condition_number": "9"}):
        assert sw.plane_key({**query, **change}) != key
        # ... and the changed key computes a different plane.
        changed, _ = sw.PAGE.parse(dict(sw.plane_key({**query, **change})))
        a, _ = sw.compute(values)
        b, _ = sw.compute(changed)
        assert a.steps != b.steps or not np.array_equal(
            a.final_loss, b.final_loss, equal_nan=True
        )


def settled(at) -> float:
    """The share of the basin map's starts coloured by a minimum (the page's own
    figure: a start that ended at no minimum, or diverged, has no colour)."""
    z = sf.decode(heatmap(at)["z"])
    return float(np.mean(np.isfinite(z)))


def test_switching_to_basins_with_defaults_shows_basins():
    """Issue #21: the plane's 200 steps of momentum at lr 1e-3 left two thirds of
    the default basin map grey. Switching to basins picks settings that settle, says
    so, and most starts of the full map end at a minimum."""
    at = app()
    at.radio(key="sw.mode").set_value("basins").run()
    assert not at.exception
    assert qp(at, "mode") == "basins"
    assert settled(at) >= 0.5
    assert not any("did not reach a minimum" in i.value for i in at.info)
    notes = [i.value for i in at.info if "so that runs can settle" in i.value]
    assert len(notes) == 1 and f"→ {qp(at, 'steps')}" in notes[0]
    # The cells are real runs: a settled start's single run ends at the minimum.
    main = heatmap(at)
    z = sf.decode(main["z"])
    row, col = np.argwhere(np.isfinite(z))[len(z) // 3]
    surface = quadratic()
    run = optimizers.run(
        "momentum",
        surface,
        start=(main["x"][col], main["y"][row]),
        steps=int(qp(at, "steps")),
    )
    assert math.dist(run.final, (0.0, 0.0)) < 0.12  # 2% of the bounds' side


def test_a_basin_map_where_most_runs_are_still_moving_says_what_to_raise():
    # Adam at its default lr 1e-3 moves about 1e-3 per step: 200 steps cross a
    # tenth of the [-3, 3] square.
    at = app(mode="basins", run="adam", resolution="24", steps="200")
    assert not at.exception
    assert settled(at) < 0.5
    hints = [i.value for i in at.info if "did not reach a minimum" in i.value]
    assert hints == [
        "Most runs did not reach a minimum within 200 steps: raise Steps or lr "
        "(the grey starts are still on their way)."
    ]
    # Settled maps carry no such hint.
    at = app(mode="basins", run="gd;lr=0.1", resolution="24", steps="200")
    assert settled(at) >= 0.5
    assert not any("did not reach a minimum" in i.value for i in at.info)


def test_a_cell_opened_in_the_playground_is_labelled_readably_and_runs_exactly():
    """Issue #21: a cell's run reached the Playground as 'lr=0.04503428864545838'.
    Its label has at most 4 significant digits (≈ where rounded); its link keeps
    every digit, so the Playground runs the cell's own numbers."""
    at = app(**SMALL)
    main = heatmap(at)
    lr, momentum = main["x"][13], main["y"][9]
    assert len(repr(lr)) > 10  # a log axis: an lr no short decimal writes
    sw.choose_cell(at.session_state, lr, momentum)
    at.run()
    [button] = at.get("link_button")
    query = parse_qs(urlparse(button.proto.url).query)
    playground = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        playground.query_params[key] = value
    playground.run()
    if not playground.session_state["pg.figure_drawn"]:
        playground.session_state["pg.figure_drawn"] = True  # the browser's signal
        playground.run()
    assert not playground.exception
    names = {
        t.get("name")
        for c in playground.get("plotly_chart")
        if c.proto.id.endswith("pg.loss")
        for t in json.loads(c.proto.spec)["data"]
    }
    label = next(n for n in names if n and n.startswith("1. momentum("))
    items = label.removeprefix("1. momentum(").removesuffix(")").split(", ")
    shown = {item.replace("≈", "=").split("=")[0]: item for item in items}
    assert set(shown) == {"lr", "momentum"}
    for name, value in (("lr", lr), ("momentum", momentum)):
        text = shown[name].replace("≈", "=").split("=")[1]
        digits = text.lstrip("0.").replace(".", "").split("e")[0]
        assert len(digits) <= 4, label
        assert float(text) == pytest.approx(value, rel=5e-4)
        # ≈ exactly where the label rounds the run's number
        assert ("≈" in shown[name]) == (float(text) != value)
    # The link, read back, is the cell's run to the last bit.
    values, _ = pg.PAGE.parse(query)
    [run] = pg.run_all(values)
    surface = quadratic()
    expected = optimizers.run(
        "momentum",
        surface,
        start=surface.default_start,
        steps=150,
        lr=lr,
        momentum=momentum,
    )
    np.testing.assert_array_equal(run.path, expected.path)


# --- the page's state and callbacks, without Streamlit --------------------------


def test_a_link_round_trips_through_the_page_state():
    values, notices = sw.PAGE.parse(
        {"run": "adam;lr=0.01", "x": "lr", "y": "beta1", "steps": "30"}
    )
    assert notices == []
    again, notices = sw.PAGE.parse(sw.PAGE.query(values))
    assert notices == [] and again == values
    # The start is the surface's default; a basin map's link has no axes.
    assert values["start"] == tuple(sw.surface_of(values).default_start)
    basins, _ = sw.PAGE.parse({"mode": "basins", "x": "lr", "x_range": "0.1,1"})
    assert basins["x"] is None and basins["x_range"] is None
    assert not {"x", "y", "x_range", "x_log"} & set(sw.PAGE.query(basins))


def test_a_refused_run_keeps_its_optimizer_and_unknown_axes_are_named():
    values, notices = sw.PAGE.parse({"run": "sgd;nesterov=1", "mode": "basins"})
    assert values["run"] == codec.RunConfig("sgd")
    assert "Using sgd with its default settings." in notices
    values, notices = sw.PAGE.parse({"x": "nope", "outcome": "nope"})
    assert f"Unknown x 'nope'; using the default ({values['x']})." in notices
    assert "Unknown outcome 'nope'; using the default (score)." in notices
    _, notices = sw.PAGE.parse({"mode": "basins", "x": "nope"})
    assert "Unknown x 'nope' was ignored." in notices


def test_callbacks_change_the_session_state_mapping():
    state = {"sw.mode": "plane", "sw.optimizer": "momentum", "sw.x": "lr"}
    state.update({"sw.y": "momentum", "sw.x_low": 0.1, "sw.x_high": 0.5})
    sw.choose_cell(state, 0.2, 0.5)
    assert (state["sw.cell_x"], state["sw.cell_y"]) == (0.2, 0.5)
    sw.zoom_to(state, (0.1234567, 0.2345678), None)
    sw.recompute_view(state)
    assert (state["sw.x_low"], state["sw.x_high"]) == (0.1235, 0.2346)
    assert "sw.zoom" not in state
    state["sw.y"] = "lr"  # both axes the same: the other one forgets its own
    sw.new_axis(state, "y")
    assert "sw.x" not in state and "sw.x_low" not in state
    assert "sw.cell_x" not in state
    state.update({"sw.param.a": 1.0, "sw.typed.f": "x", "sw.start_x": 1.0})
    sw.new_surface(state, typed=True)
    assert "sw.start_x" not in state and state["sw.typed.f"] == "x"
    sw.new_surface(state)
    assert not any(k.startswith(("sw.param.", "sw.typed.")) for k in state)
    state.update({"sw.mode": "plane", "sw.optimizer": "gd"})
    sw.new_mode(state)  # a plane needs two hyperparameters
    assert state["sw.optimizer"] == sw.DEFAULT_RUN.optimizer


def test_the_other_modes_settings_are_kept_as_the_widgets_hold_them():
    held, _ = sw.PAGE.parse({"x": "momentum", "y": "lr"})
    held = {**held, "mode": "basins"}
    values, _ = sw.PAGE.parse(sw.PAGE.query(held))
    assert values["x"] is None
    kept = sw.with_hidden(values, held)
    assert kept["x"] == "momentum" and kept["region_x"] == values["region_x"]


def test_the_sidebars_ranges_are_the_engines():
    values, _ = sw.PAGE.parse({"run": "adam", "x": "lr", "y": "beta1"})
    surface = sw.surface_of(values)
    (x, plane, (low, high)), (y, _, _) = sw.range_inputs(values, surface)
    assert (x, y, plane) == ("x", "y", True)
    assert low[1:3] == sw.allowed_range("adam", "lr") and low[3] == "x_low"
    basins, _ = sw.PAGE.parse({"mode": "basins"})
    (_, plane, (low, high)), _ = sw.range_inputs(basins, surface)
    assert not plane and low[1:] == (*surface.bounds[0], "bx_low")
    assert high[3] == "bx_high"

"""Every page as people use it, through Streamlit's AppTest: defaults, changed widgets,
links with a configuration, bad links, lecturer mode."""

import json
from pathlib import Path

import numpy as np
import pytest
from markdown_cells import table_rows
from streamlit.testing.v1 import AppTest

import landscapes
import optimizers
from optimizers import schedules
from optimizers._spec import FAMILIES
from ui import figures
from ui import playground as pg
from ui import widgets as w
from ui.presets import PRESETS

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300  # a cold Numba cache compiles kernels during the first run


def app(page="app.py", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if (
        "pg.figure_drawn" in at.session_state
        and not at.session_state["pg.figure_drawn"]
    ):
        # The Playground's first run draws the figure alone and waits for the
        # browser's signal that it is drawn, which AppTest cannot send: do what the
        # signal's callback does.
        signal_figure_drawn(at)
    return at


def signal_figure_drawn(at) -> None:
    at.session_state["pg.figure_drawn"] = True
    at.run()


def figure(at, key) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id]
    assert charts, f"no chart {key}"
    # A trajectory figure's frames, as the browser builds them from its recipe.
    return figures.with_frames(json.loads(charts[0].proto.spec))


def markdown_table(at, column: str) -> list[dict]:
    """The rows of the page's Markdown table that has `column`."""
    for element in at.markdown:
        if f"| {column} |" in element.value:
            return table_rows(element.value)
    raise AssertionError(f"no table with a column {column!r}")


def qp(at, key) -> list:
    """A query parameter as a list (AppTest gives a bare string for a single value)."""
    value = at.query_params[key]
    return list(value) if isinstance(value, list | tuple) else [value]


def frames_and_paths(spec):
    paths = [t for t in spec["data"] if t.get("opacity") == figures.PATH_OPACITY]
    return spec["frames"], paths


def components(at) -> list[str]:
    return [c.proto.component_name for c in at.get("bidi_component")]


def test_the_playground_figure_is_no_selection_widget():
    """The click comes from the figure_clicks listener, not Streamlit's on_select:
    a selection widget's id hashes the whole figure, and the server kept ~4 MB per
    widget change (docs/measurements.md)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    (figure,) = [c for c in at.get("plotly_chart") if "pg.figure" in c.proto.id]
    assert list(figure.proto.selection_mode) == []  # not a widget
    # the listener is mounted instead (the click itself: tests/test_browser.py)
    assert "descent_lab.figure_clicks" in components(at)


def test_a_first_visit_draws_the_figure_first_then_the_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    charts = [c.proto.id for c in at.get("plotly_chart")]
    assert len(charts) == 1 and "pg.figure" in charts[0]
    assert len(at.sidebar.number_input) == 0
    assert components(at) == ["descent_lab.figure_clicks", "descent_lab.figure_drawn"]
    signal_figure_drawn(at)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 4
    assert at.sidebar.number_input(key="pg.start_x").value == -1.5
    assert components(at) == ["descent_lab.figure_clicks"]  # the signal is gone
    # Later runs (a widget change) draw everything at once.
    at.number_input(key="pg.start_x").set_value(0.5).run()
    assert len(at.get("plotly_chart")) == 4


def test_playground_defaults():
    at = app()
    assert not at.exception
    assert not at.warning
    spec = figure(at, "pg.figure")
    frames, paths = frames_and_paths(spec)
    assert len(paths) == 4
    assert len(frames) == 1001
    assert all(len(p["x"]) == 1001 for p in paths)  # Rosenbrock defaults do not diverge
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert qp(at, "surface") == ["rosenbrock"]


def test_playground_widgets_change_the_figure_and_url():
    at = app()
    at.slider(key="pg.steps").set_value(50).run()
    at.selectbox(key="pg.run0.optimizer").select("newton").run()
    assert not at.exception
    frames, paths = frames_and_paths(figure(at, "pg.figure"))
    assert len(frames) == 51
    assert qp(at, "steps") == ["50"]
    assert qp(at, "run")[0] == "newton"
    # Newton from (-1.5, 2) on Rosenbrock: the first path now follows Newton's steps.
    expected = optimizers.run("newton", "rosenbrock", start=(-1.5, 2.0), steps=50).path
    # The figure rounds coordinates to 1e-5 of the plot's width (display only).
    assert paths[0]["x"] == pytest.approx(expected[:, 0].tolist(), abs=5e-6)


def test_playground_from_link_and_divergence_notice():
    at = app(
        surface="quadratic",
        condition_number="10",
        angle="0",
        start="-2.5,2",
        steps="120",
        run=["gd;lr=0.19", "gd;lr=0.25"],
    )
    assert not at.exception
    assert at.number_input(key="pg.param.condition_number").value == 10.0
    diverged_at = optimizers.run(
        "gd",
        landscapes.get("quadratic", condition_number=10.0, angle=0.0),
        start=(-2.5, 2.0),
        steps=120,
        lr=0.25,
    ).diverged_at
    assert diverged_at is not None
    table = markdown_table(at, "diverged at step")
    assert [row["diverged at step"] for row in table] == ["—", str(diverged_at)]
    spec = figure(at, "pg.figure")
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert any("diverged at step" in t for t in texts)


def test_bad_link_falls_back_with_notices():
    at = app(
        surface="mars", steps="many", run=["nosuch", "adam;lr=-3"], junk="x" * 5000
    )
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "mars" in text and "many" in text and "nosuch" in text
    assert at.selectbox(key="pg.surface").value == "rosenbrock"
    assert qp(at, "run") == ["adam;lr=0"]


def test_add_and_remove_runs():
    at = app()
    at.button(key="pg.add").click().run()
    assert len(qp(at, "run")) == 5
    at.button(key="pg.remove0").click().run()
    assert len(qp(at, "run")) == 4
    assert not at.exception


def test_lecturer_mode_hides_controls_and_shows_the_lesson():
    preset = PRESETS[0]
    at = app(**preset.query, preset=preset.key, lecture="1", hide="runs,schedule")
    assert not at.exception
    # In lecturer mode the lesson is a one-line expander, not a box above the figure.
    assert any(preset.title in e.label for e in at.expander)
    assert any(preset.lesson in m.value for m in at.markdown)
    assert not at.info
    keys = {w.key for w in at.sidebar.selectbox}
    assert "pg.surface" in keys and "pg.schedule" not in keys
    assert not any(k and k.startswith("pg.run") for k in keys)
    at.button(key="pg.step1").click().run()
    at.button(key="pg.step1").click().run()
    spec = figure(at, "pg.figure")
    slider = spec["layout"]["sliders"][0]
    assert slider["steps"][slider["active"]]["args"][0] == ["2"]
    assert qp(at, "lecture") == ["1"]


def test_schedules_page_curves_match_the_formulas():
    at = app(
        "pages/schedules.py",
        schedules="inverse_time,step",
        lr="0.2",
        steps="50",
        decay_rate="0.1",
        gamma="0.5",
        step_size="10",
    )
    assert not at.exception
    spec = figure(at, "sc.curves")
    inverse, step = (trace["y"] for trace in spec["data"])
    assert inverse == pytest.approx([0.2 / (1 + 0.1 * t) for t in range(50)])
    assert step == pytest.approx([0.2 * 0.5 ** (t // 10) for t in range(50)])
    at.multiselect(key="sc.schedules").select("cosine").run()
    assert len(figure(at, "sc.curves")["data"]) == 3
    assert "cosine" in qp(at, "schedules")[0]


def test_schedules_page_bad_link():
    at = app("pages/schedules.py", schedules="warp", lr="-1", optimizer="nope")
    assert not at.exception
    assert len(at.warning) >= 3


def test_gallery_lists_every_preset():
    at = app("pages/gallery.py")
    assert not at.exception
    keys = {b.key for b in at.button}
    assert {f"gallery.open.{p.key}" for p in PRESETS} <= keys
    assert len(PRESETS) >= 8


def test_gallery_shows_one_picture_per_preset():
    at = app("pages/gallery.py")
    assert not at.exception
    alts = [image.proto.imgs[0].alt for image in at.get("image")]
    assert sorted(alts) == sorted(f"The runs of the demo: {p.title}" for p in PRESETS)
    # Each picture is in its own preset's card, between its title and its lesson.
    cards = list(gallery_cards(at.main))
    assert len(cards) == len(PRESETS)
    for card in cards:
        kinds = [child.type for child in card.children.values()]
        assert kinds[:3] == ["subheader", "image", "markdown"], kinds
        title = card.children[0].value
        assert card.children[1].proto.imgs[0].alt.endswith(title)


@pytest.mark.parametrize("page", ["playground", "stochastic"])
def test_a_gallery_demo_opens_its_page_with_its_link(page):
    preset = next(p for p in PRESETS if p.page == page)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.switch_page("pages/gallery.py").run()
    at.toggle(key=f"gallery.lecture.{preset.key}").set_value(True).run()
    # (AppTest's next run() would go back to the Gallery: this run is the page's.)
    at.button(key=f"gallery.open.{preset.key}").click().run()
    assert not at.exception and at.get("plotly_chart")
    link = {k: qp(at, k) for k in at.query_params}
    assert link["preset"] == [preset.key] and link["lecture"] == ["1"]
    for key, value in preset.query.items():
        assert link[key] == (value if isinstance(value, list) else [value]), key
    # In lecturer mode the lesson is a one-line expander over the figure.
    assert any(preset.title in e.label for e in at.expander)


def gallery_cards(block):
    """The blocks that begin with a subheader: the Gallery's cards."""
    children = list(getattr(block, "children", {}).values())
    if children and children[0].type == "subheader":
        yield block
        return
    for child in children:
        yield from gallery_cards(child)


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_every_preset_opens_cleanly(preset):
    page = {
        "playground": "app.py",
        "schedules": "pages/schedules.py",
        "stochastic": "pages/stochastic.py",
        "neural_net": "pages/neural_net.py",
        "sweep": "pages/sweep.py",
    }[preset.page]
    at = app(page, **preset.query, preset=preset.key)
    assert not at.exception
    assert not at.warning, [w.value for w in at.warning]
    assert any(preset.title in i.value for i in at.info)  # the lesson, in a box


@pytest.mark.parametrize("page", ["app.py", "pages/compare.py"])
def test_an_optimizers_note_shows_under_its_rule_as_literal_text(page):
    """Muon's note (what its rule comes to on a plane) is a caption of literal text
    on the pages that show its update rule; Adam has none."""
    note = optimizers.spec("muon").note
    assert note and "0.696" in note
    at = app(page, run="muon")
    assert not at.exception
    assert w.literal(note) in [caption.value for caption in at.caption]
    assert not optimizers.spec("adam").note


def test_registry_names_are_offered():
    at = app()
    assert at.selectbox(key="pg.surface").options == [
        landscapes.title(n) for n in landscapes.names()
    ]
    # The picker is grouped: every optimizer, by family, each labelled with it.
    menu = at.selectbox(key="pg.run0.optimizer")
    assert menu.options == [w.optimizer_label(n) for n in optimizers.by_family()]
    assert sorted(optimizers.by_family()) == sorted(optimizers.names())
    families = [optimizers.spec(n).family for n in optimizers.by_family()]
    assert families == sorted(families, key=FAMILIES.index)
    assert "adaptive · Adam" in menu.options
    assert at.selectbox(key="pg.schedule").options == list(schedules.NAMES)


def test_every_page_file_is_in_the_navigation():
    from ui.router import PAGES

    listed = {path for path, _, _ in PAGES}
    for page in sorted((ROOT / "pages").glob("*.py")):
        assert f"pages/{page.name}" in listed, page.name
        assert "ensure_navigation()" in page.read_text(), page.name


def test_compare_page_one_panel_per_value():
    at = app(
        "pages/compare.py",
        surface="quadratic",
        condition_number="10",
        steps="60",
        run="gd",
        vary="lr",
        values="0.05,0.15,0.25",
    )
    assert not at.exception and not at.warning
    spec = figure(at, "cmp.panels")
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert len(titles) == 3
    assert "diverged" in titles[2] and "diverged" not in titles[0]  # lr > 2/λmax = 0.2
    paths = [t for t in spec["data"] if t["mode"] == "lines+markers"]
    expected = optimizers.run(
        "gd", landscapes.get("quadratic", condition_number=10.0), steps=60, lr=0.15
    ).path
    assert paths[1]["x"] == pytest.approx(expected[:, 0].tolist())
    at.text_input(key="cmp.values").set_value("0.1, 0.2, 0.3, 0.4").run()
    assert len(figure(at, "cmp.panels")["layout"]["annotations"]) == 4
    assert qp(at, "values") == ["0.1,0.2,0.3,0.4"]


def test_compare_page_bad_link():
    at = app("pages/compare.py", vary="nonsense", values="a,b," + "9" * 50, run="zzz")
    assert not at.exception
    assert len(at.warning) >= 2


def test_a_run_the_optimizer_rejects_shows_an_error_not_a_traceback():
    at = app(run="sgd;lr=0.001")
    at.checkbox(key="pg.run0.sgd.nesterov").check().run()
    assert not at.exception
    assert any("Nesterov momentum requires a momentum" in e.value for e in at.error)


def test_internals_arrows_follow_every_frame():
    at = app(
        surface="quadratic",
        condition_number="10",
        start="-2.5,2",
        steps="30",
        run=["gd;lr=0.05", "momentum;lr=0.02;momentum=0.9"],
    )
    at.toggle(key="pg.internals").set_value(True).run()
    for _ in range(3):
        at.button(key="pg.step1").click().run()
    assert not at.exception
    expected = [
        optimizers.run(
            "gd",
            landscapes.get("quadratic", condition_number=10.0),
            start=(-2.5, 2.0),
            steps=30,
            lr=0.05,
        ).path,
        optimizers.run(
            "momentum",
            landscapes.get("quadratic", condition_number=10.0),
            start=(-2.5, 2.0),
            steps=30,
            lr=0.02,
            momentum=0.9,
        ).path,
    ]
    spec = figure(at, "pg.figure")
    names = {t.get("name"): i for i, t in enumerate(spec["data"])}

    def arrow(name, k):
        """[tail, tip] of arrow trace `name` in frame k."""
        frame = spec["frames"][k]
        update = frame["data"][frame["traces"].index(names[name])]
        return np.array([update["x"], update["y"]]).T

    def direction(vector):
        return vector / np.hypot(*vector)

    for k in (3, 17, 29):  # every frame carries the arrows, so they follow Play
        for run, path in enumerate(expected, start=1):
            step = arrow(f"{run}: step taken", k)
            assert step == pytest.approx(path[k : k + 2], abs=1e-4)
            gradient = arrow(f"{run}: −∇f (direction)", k)
            assert gradient[0] == pytest.approx(path[k], abs=1e-4)
        # Gradient descent steps along −∇f; heavy ball's step is its velocity.
        gd_gradient = arrow("1: −∇f (direction)", k)
        assert direction(gd_gradient[1] - gd_gradient[0]) == pytest.approx(
            direction(expected[0][k + 1] - expected[0][k]), abs=1e-3
        )
        velocity = arrow("2: velocity (direction)", k)
        assert direction(velocity[1] - velocity[0]) == pytest.approx(
            direction(expected[1][k + 1] - expected[1][k]), abs=1e-3
        )
    # The figure opens at the step the Step buttons chose.
    opened = spec["data"][names["1: step taken"]]
    assert (
        pytest.approx(expected[0][3:5], abs=1e-4)
        == np.array([opened["x"], opened["y"]]).T
    )
    table = markdown_table(at, "quantity")
    rows = {(row["run"][:2], row["quantity"]): row for row in table}
    # Plain gradient descent steps exactly lr along -∇f in every coordinate.
    gd_rates = rows["1.", "lr per coordinate"]
    assert [float(gd_rates["x"]), float(gd_rates["y"])] == pytest.approx([0.05] * 2)
    step = rows["2.", "step taken"]
    assert [float(step["x"]), float(step["y"])] == pytest.approx(
        expected[1][4] - expected[1][3], rel=1e-3
    )


def test_compare_page_one_panel_per_schedule():
    at = app(
        "pages/compare.py",
        surface="quadratic",
        condition_number="10",
        steps="80",
        run="gd;lr=0.1",
        vary="schedule",
        values="constant,step,cosine",
    )
    assert not at.exception and not at.warning
    spec = figure(at, "cmp.panels")
    assert [a["text"] for a in spec["layout"]["annotations"]] == [
        "<b>constant</b>",
        "<b>step</b>",
        "<b>cosine</b>",
    ]
    paths = [t for t in spec["data"] if t["mode"] == "lines+markers"]
    expected = optimizers.run(
        "gd",
        landscapes.get("quadratic", condition_number=10.0),
        steps=80,
        lr=0.1,
        schedule="cosine",
    ).path
    assert paths[2]["x"] == pytest.approx(expected[:, 0].tolist())
    assert qp(at, "values") == ["constant,step,cosine"]


def test_a_run_the_optimizer_refuses_explains_and_keeps_the_sidebar():
    at = app()
    at.selectbox(key="pg.run0.optimizer").select("sgd").run()
    # Nesterov momentum with momentum 0: torch.optim.SGD refuses it, so do we.
    at.checkbox(key="pg.run0.sgd.nesterov").check().run()
    assert not at.exception
    assert any("Run 1 cannot run" in e.value for e in at.error)
    assert at.selectbox(key="pg.surface").value == "rosenbrock"
    assert at.checkbox(key="pg.run0.sgd.nesterov").value is True
    at.number_input(key="pg.run0.sgd.momentum").set_value(0.9).run()
    assert not at.error
    assert figure(at, "pg.figure")["frames"]


# 40 characters: notices quote at most 40 characters of a value, so all of it shows.
HOSTILE = "[a](http://e.x) **b** ![i](http://e.x/i)"
HOSTILE_LINKS = {
    "app.py": {"surface": HOSTILE, "run": HOSTILE, "start": HOSTILE, "steps": HOSTILE},
    "pages/compare.py": {"surface": HOSTILE, "vary": HOSTILE, "values": HOSTILE},
    "pages/schedules.py": {"schedules": HOSTILE, "optimizer": HOSTILE, "lr": HOSTILE},
    "pages/stochastic.py": {"surface": HOSTILE, "average": HOSTILE, "batch": HOSTILE},
    "pages/neural_net.py": {"dataset": HOSTILE, "run": HOSTILE, "hidden": HOSTILE},
    "pages/sweep.py": {"surface": HOSTILE, "run": HOSTILE, "x": HOSTILE},
}


@pytest.mark.parametrize("page", sorted(HOSTILE_LINKS))
def test_a_link_cannot_put_markup_in_a_notice(page):
    """URL text is echoed as typed: no link, emphasis or image in any notice."""
    from markdown_it import MarkdownIt

    at = app(page, **HOSTILE_LINKS[page], hide=HOSTILE, preset=HOSTILE)
    assert not at.exception
    notices = [*at.warning, *at.error]
    assert len(notices) >= 3
    echoed = 0
    for notice in notices:
        html = MarkdownIt("commonmark").render(notice.value)
        for tag in ("<a ", "<strong>", "<em>", "<img"):
            assert tag not in html, (page, notice.value)
        # as typed, but for the invisible word joiner that keeps http:// no link
        echoed += "[a](http://e.x) **b**" in html.replace("\u2060", "")
    assert echoed >= 1  # the text is there, shown literally


def test_adding_two_runs_adds_two_that_differ_from_every_run():
    """Issue #21: "Add run" twice added sgd twice, two identical paths (and, without
    noise, sgd at lr 1e-3 is gd's path too): one hid the other."""
    at = app()
    before = qp(at, "run")
    at.button(key="pg.add").click().run()
    at.button(key="pg.add").click().run()
    assert not at.exception
    runs = qp(at, "run")
    assert runs[: len(before)] == before and len(runs) == len(before) + 2
    assert len(set(runs)) == len(runs)
    # Every run's path, from the page's link through the engine.
    values, _ = pg.PAGE.parse({k: qp(at, k) for k in at.query_params})
    paths = [r.path for r in pg.run_all(values)]
    (x0, x1), (y0, y1) = pg.surface_of(values).bounds
    span = max(x1 - x0, y1 - y0)
    for new in (-2, -1):
        for other in range(len(paths)):
            if other == len(paths) + new:
                continue
            a, b = paths[new], paths[other]
            n = min(len(a), len(b))
            gap = np.max(np.hypot(*(a[:n] - b[:n]).T))
            assert gap > 0.01 * span, (runs[new], runs[other])


def test_lecturer_mode_holds_across_the_menu_until_a_link_turns_it_off():
    """The menu's page links carry no query: a lecturer who opened lecture=1 keeps
    lecturer mode on the next page (its link says lecture=1); lecture=0 ends it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["lecture"] = "1"
    at.run()
    signal_figure_drawn(at)
    at.query_params.clear()  # what a menu link does
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert qp(at, "lecture") == ["1"]
    assert any("font-size: 20px" in m.value for m in at.markdown)  # lecture type
    at.query_params.clear()
    at.query_params["lecture"] = "0"
    at.switch_page("pages/schedules.py").run()
    assert "lecture" not in at.query_params
    at.query_params.clear()
    at.switch_page("pages/stochastic.py").run()
    assert "lecture" not in at.query_params


def test_the_playground_draws_an_optimizers_positions_beside_its_path():
    """An ASGD run's average (its spec's positions) is in the Playground's figure,
    dashed beside the path, without asking for the internals view."""
    at = app(run="asgd;lr=0.05;t0=5", surface="quadratic", steps="30")
    assert not at.exception
    drawn = figure(at, "pg.figure")
    names = [trace.get("name") for trace in drawn["data"]]
    assert "1. ASGD: ax" in names
    frame = drawn["frames"][30]["data"]
    assert len(frame) == 5  # the run's tail and head, the average's, the counter


def test_a_gradient_clip_from_the_link_clips_every_run_and_the_legend_says_so():
    at = app(run="adam;lr=0.05", surface="rosenbrock", steps="80", clip="1")
    assert not at.exception
    assert at.number_input(key="pg.clip").value == 1.0
    drawn = figure(at, "pg.figure")
    names = [trace.get("name") for trace in drawn["data"]]
    assert "1. adam(lr=0.05), ‖g‖ clipped to 1" in names
    clipped = optimizers.run("adam", "rosenbrock", steps=80, lr=0.05, max_grad_norm=1)
    path = next(t for t in drawn["data"] if t.get("name", "").startswith("1. adam"))
    assert path["x"][-1] == pytest.approx(clipped.path[-1, 0], abs=1e-4)
    assert "clip=1" in "&".join(f"{k}={v}" for k, v in at.query_params.items())
    # Off is the default and stays out of the link; a bad value is clamped, said.
    plain = app(run="adam;lr=0.05", steps="80")
    assert "clip" not in plain.query_params
    bad = app(run="adam;lr=0.05", steps="80", clip="-3")
    assert not bad.exception
    assert any("clip" in w.value for w in bad.warning)


def test_a_whole_number_hyperparameter_has_a_whole_number_widget():
    """Entropy-SGD's L (Langevin steps) and rng_seed are counts: their inputs step
    by one and hold ints, from a link as from the defaults."""
    at = app(run="entropy_sgd;L=7", surface="quadratic", steps="5")
    assert not at.exception
    langevin = at.number_input(key="pg.run0.entropy_sgd.L")
    assert langevin.value == 7 and isinstance(langevin.value, int)
    assert langevin.step == 1
    seed = at.number_input(key="pg.run0.entropy_sgd.rng_seed")
    assert isinstance(seed.value, int)


def test_the_playground_plots_what_an_optimizer_tracks_annealings_temperature():
    """Annealing's temperature (its spec's `traced`) is plotted over the steps in
    its run's colour: T₀·cᵗ, the schedule its docstring states."""
    at = app(
        run=["gd;lr=0.002", "simulated_annealing;initial_temperature=5;cooling=0.9"],
        surface="rastrigin",
        steps="40",
    )
    assert not at.exception
    chart = figure(at, "pg.traced")
    (line,) = chart["data"]
    assert line["name"].startswith("2. ") and line["name"].endswith(": temperature")
    assert line["line"]["color"] == figures.color(1)
    expected = 5 * 0.9 ** np.arange(40)
    np.testing.assert_allclose(line["y"], expected, rtol=1e-12)
    assert "temperature" in chart["layout"]["title"]["text"]
    plain = app(run="gd;lr=0.002", surface="rastrigin", steps="40")
    assert not [c for c in plain.get("plotly_chart") if "pg.traced" in c.proto.id]

"""Issue #11, a fair share of a small server: every bound a page enforces is the one in
ui.limits, and the page says so; caches are bounded in bytes and keyed by the whole
configuration; Streamlit's clear-cache does not throw compiled kernels away."""

import os
import pickle
import threading
import types
from pathlib import Path

import pytest
from streamlit.runtime.app_session import AppSession
from streamlit.testing.v1 import AppTest

from ui import cache, figures, limits
from ui import compare as cmp
from ui import neural_net as nn
from ui import playground as pg
from ui import stochastic as sto
from ui import sweep as sw
from ui import widgets as w

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300  # a cold Numba cache compiles kernels during the first run
HUGE = "1e9"


def app(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page == "playground" and not at.session_state["pg.figure_drawn"]:
        at.session_state["pg.figure_drawn"] = True  # what the browser's signal does
        at.run()
    assert not at.exception, at.exception
    return at


def warnings(at) -> str:
    return "\n".join(element.value for element in at.warning)


def names_limit(at, limit: limits.Limit) -> bool:
    """Does a notice on the page name `limit` (as literal text)?"""
    return w.literal(limits.notice(limit)) in warnings(at)


def limits_shown(at, page: str) -> None:
    """The sidebar's 'Limits of this server' lists exactly the page's limits."""
    [panel] = [e for e in at.sidebar.expander if e.label == "Limits of this server"]
    [caption] = panel.caption  # one paragraph per line, after the introduction
    shown = caption.value.split("\n\n")[1:]
    assert shown == [w.literal(line) for line in limits.lines(page)]
    assert shown  # every page has limits


def test_every_limit_has_a_unique_key_a_description_and_a_page():
    keys = [limit.key for limit in limits.TABLE]
    assert len(keys) == len(set(keys))
    for limit in limits.TABLE:
        assert limit.value > 0 and limit.name and limit.why
        assert set(limit.pages) <= set(limits.ALL) and limit.pages
    for page in limits.ALL:
        assert limits.for_page(page)


def test_the_formula_limits_shown_are_the_parsers():
    from landscapes import expression

    assert limits.FORMULA_NODES.value == expression.MAX_NODES
    assert limits.FORMULA_DEPTH.value == expression.MAX_DEPTH
    assert limits.FORMULA_SECONDS.value == expression.TIME_LIMIT
    # x+x+...+x with n terms has 2n - 1 nodes: 399 pass, 401 are refused
    expression.parse_expression("+".join(["x"] * 200))
    with pytest.raises(expression.ExpressionError, match="at most 400"):
        expression.parse_expression("+".join(["x"] * 201))
    for page in limits.FORMULA_PAGES:
        assert limits.FORMULA_NODES in limits.for_page(page)


def test_playground_clamps_a_link_to_its_limits_and_states_them():
    runs = [f"sgd;lr=0.00{i + 1}" for i in range(limits.RUNS.value + 2)]
    at = app(
        "playground",
        steps=HUGE,
        noise=HUGE,
        schedule=f"step;step_size={HUGE};gamma=0.5",
        run=runs,
        seed="1",
    )
    state = at.session_state
    assert state["pg.steps"] == limits.STEPS.value
    assert state["pg.noise"] == limits.NOISE.value
    assert state["pg.sched.step_size"] == limits.STEPS.value
    assert state["pg.run_count"] == limits.RUNS.value
    for limit in (limits.STEPS, limits.NOISE, limits.RUNS):
        assert names_limit(at, limit), limit
    # The widgets' own bounds are the same numbers.
    assert at.sidebar.slider(key="pg.steps").max == limits.STEPS.value
    assert at.sidebar.number_input(key="pg.noise").max == limits.NOISE.value
    limits_shown(at, "playground")


def test_a_value_over_the_length_limit_is_ignored_with_a_notice_naming_it():
    at = app("playground", surface="x" * (limits.VALUE_LENGTH.value + 1))
    assert at.session_state["pg.surface"] == pg.DEFAULT_SURFACE
    assert names_limit(at, limits.VALUE_LENGTH)
    fine = app("playground", surface="y" * limits.VALUE_LENGTH.value)
    assert not names_limit(fine, limits.VALUE_LENGTH)  # unknown, but not too long


def test_compare_clamps_steps_and_panels_to_its_limits():
    values = ",".join(str(0.01 * (i + 1)) for i in range(limits.PANELS.value + 3))
    at = app("compare", steps=HUGE, run="gd", vary="lr", values=values)
    assert at.session_state["cmp.steps"] == limits.STEPS.value
    values, _ = cmp.PAGE.parse(dict(at.query_params))
    assert values["steps"] == limits.STEPS.value
    assert len(values["panels"]) == limits.PANELS.value
    assert names_limit(at, limits.STEPS) and names_limit(at, limits.PANELS)
    assert at.sidebar.slider(key="cmp.steps").max == limits.STEPS.value
    limits_shown(at, "compare")


def test_schedules_clamps_steps_and_noise_to_its_limits():
    at = app("schedules", steps=HUGE, warmup=HUGE, noise=HUGE)
    state = at.session_state
    assert state["sc.steps"] == limits.STEPS.value
    assert state["sc.warmup"] == limits.STEPS.value
    assert state["sc.noise"] == limits.NOISE.value
    assert names_limit(at, limits.STEPS) and names_limit(at, limits.NOISE)
    limits_shown(at, "schedules")


def test_stochastic_clamps_examples_and_steps_to_its_limits():
    at = app("stochastic", n_points=HUGE, steps=HUGE, batch=HUGE, step_size=HUGE)
    state = at.session_state
    assert state["sto.n_points"] == limits.STOCHASTIC_POINTS.value
    assert state["sto.batch"] == limits.STOCHASTIC_POINTS.value
    assert state["sto.steps"] == limits.STOCHASTIC_STEPS.value
    assert state["sto.step_size"] == limits.STOCHASTIC_STEPS.value
    for limit in (limits.STOCHASTIC_POINTS, limits.STOCHASTIC_STEPS):
        assert names_limit(at, limit), limit
    assert at.sidebar.slider(key="sto.steps").max == limits.STOCHASTIC_STEPS.value
    limits_shown(at, "stochastic")


def test_neural_net_clamps_examples_steps_and_runs_to_its_limits():
    runs = ["adam;lr=0.01;batch_size=1e9"] + ["sgd;lr=0.1"] * limits.NETWORK_RUNS.value
    at = app("neural_net", n_points=HUGE, steps=HUGE, batch="16", run=runs)
    state = at.session_state
    assert state["nn.n_points"] == limits.NETWORK_POINTS.value
    assert state["nn.steps"] == limits.NETWORK_STEPS.value
    assert state["nn.run_count"] == limits.NETWORK_RUNS.value
    assert state["nn.run0.batch"] == limits.NETWORK_POINTS.value
    for limit in (limits.NETWORK_POINTS, limits.NETWORK_STEPS, limits.NETWORK_RUNS):
        assert names_limit(at, limit), limit
    assert at.sidebar.slider(key="nn.steps").max == limits.NETWORK_STEPS.value
    limits_shown(at, "neural_net")


def test_sweep_clamps_its_grid_and_work_to_its_limits():
    at = app("sweep", resolution=HUGE, steps=HUGE)
    state = at.session_state
    assert state["sw.resolution"] == limits.SWEEP_GRID.value
    cells = limits.SWEEP_GRID.value**2
    # The quadratic, momentum: one plain gradient step per run and step.
    assert state["sw.steps"] == limits.SWEEP_WORK.value // cells
    for limit in (limits.SWEEP_GRID, limits.SWEEP_WORK, limits.STEPS):
        assert names_limit(at, limit), limit
    assert at.sidebar.slider(key="sw.resolution").max == limits.SWEEP_GRID.value
    assert at.sidebar.slider(key="sw.steps").max == limits.STEPS.value
    limits_shown(at, "sweep")


def test_a_costly_step_gets_fewer_steps():
    """A line search evaluates f many times per step: the same grid gets fewer."""
    values, notices = sw.PAGE.parse(
        {"mode": "basins", "run": "cg_polak_ribiere", "resolution": "512"}
    )
    cost = sw.OPTIMIZER_COST["cg_polak_ribiere"]
    assert values["steps"] == limits.SWEEP_WORK.value // (512**2 * cost)
    assert any(limits.notice(limits.SWEEP_WORK) in n for n in notices)
    assert sw.work(values) <= limits.SWEEP_WORK.value


def test_fixed_grids_are_the_limits():
    assert limits.BATCH_CONTOUR_GRID.value == sto.CONTOUR_GRID
    assert limits.BOUNDARY_GRID.value == nn.BOUNDARY_GRID
    assert limits.SLICE_GRID.value == nn.SLICE_GRID
    image = figures.surface_image.__defaults__[0]
    assert image == limits.SURFACE_GRID.value


# --- caches ------------------------------------------------------------------------

CACHED = {
    "compute_runs": limits.RUNS_CACHE,
    "stochastic_page": limits.STOCHASTIC_CACHE,
    "neural_page": limits.NEURAL_CACHE,
    "surface_image": limits.IMAGE_CACHE,
    "undefined_somewhere": limits.IMAGE_CACHE,  # the picture's stripes, explained
    "sweep_plane": limits.SWEEP_CACHE,
}


def test_every_cache_is_bounded_in_bytes_and_entries_by_the_limits():
    found = {
        name
        for name, value in vars(cache).items()
        if hasattr(value, "_info") and hasattr(value._info, "max_size_bytes")
    }
    assert found == set(CACHED)  # a new cache needs its row in ui.limits
    for name, bound in CACHED.items():
        info = getattr(cache, name)._info
        assert info.max_size_bytes == bound.max_size == bound.memory.value * 10**6
        assert info.max_entries == bound.max_entries


def largest_entries():
    """The largest entry each cache can hold, computed as its function computes it.
    Sizes depend on runs x steps x state (Playground), examples x steps and the
    batch contours of every frame (Stochastic; batch 1 draws the most), and runs x
    steps x weights, examples and grids (Neural net; not on the batch size or the
    kind of plane, so batch 1 and a random plane keep this test quick)."""
    widest = ["adam;amsgrad=1", "rmsprop;centered=1;momentum=0.9"]
    runs = (widest * limits.RUNS.value)[: limits.RUNS.value]
    playground, notices = pg.PAGE.parse({"steps": str(limits.STEPS.value), "run": runs})
    assert not notices
    yield "compute_runs", pg.run_all(playground, record_state=True)
    for surface in sto.SURFACES:
        values, notices = sto.PAGE.parse(
            {
                "surface": surface,
                "n_points": str(limits.STOCHASTIC_POINTS.value),
                "steps": str(limits.STOCHASTIC_STEPS.value),
                "batch": "1",
            }
        )
        assert not notices
        yield "stochastic_page", sto.page_data(values)
    widest_net = max(
        nn.ARCHITECTURES,
        key=lambda h: nn.model_of({"hidden": h, "activation": "tanh"}).n_parameters,
    )
    values, notices = nn.PAGE.parse(
        {
            "n_points": str(limits.NETWORK_POINTS.value),
            "steps": str(limits.NETWORK_STEPS.value),
            "hidden": widest_net,
            "batch": "1",
            "slice": "random",
            "run": ["adam;lr=0.01"] * limits.NETWORK_RUNS.value,
        }
    )
    assert not notices
    yield "neural_page", nn.page_data(values)
    import landscapes

    yield "surface_image", figures.surface_image(landscapes.get("rastrigin"))
    yield "undefined_somewhere", True
    # A Sweep plane keeps per cell its final point, losses and counters, and a basin
    # map its labels too, whatever the steps: the largest is a 512 x 512 basin map.
    values, notices = sw.PAGE.parse(
        {
            "mode": "basins",
            "surface": "rastrigin",
            "resolution": str(limits.SWEEP_GRID.value),
            "steps": "3",
        }
    )
    assert not notices
    yield "sweep_plane", sw.compute(values)


def test_the_largest_entry_of_each_cache_fits_its_memory_budget():
    largest = {}
    for name, entry in largest_entries():
        size = len(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        largest[name] = max(largest.get(name, 0), size)
    for name, bound in CACHED.items():
        assert largest[name] <= bound.largest_mb * 1e6, (name, largest[name])
        # At least two of the largest fit, so one visitor's largest request does
        # not empty the cache for everyone else.
        assert 2 * largest[name] <= bound.max_size, name


def test_the_runs_cache_key_holds_every_input_that_changes_the_runs():
    """compute_runs is keyed by the configuration's link: two configurations whose
    runs differ must have different keys, and the link must rebuild the runs."""
    base, _ = pg.PAGE.parse({"surface": "linear_regression", "noise": "0.5"})
    changes = {
        "surface params": {"surface.noise": "0.9"},
        "surface seed": {"surface.seed": "3"},
        "start": {"start": "0.5,0.5"},
        "steps": {"steps": "77"},
        "run": {"run": "adam;lr=0.02"},
        "schedule": {"schedule": "step;gamma=0.3;step_size=5"},
        "noise": {"noise": "0.7"},
        "seed": {"seed": "9"},
    }
    base_query = pg.PAGE.query(base)
    base_paths = [r.path for r in pg.run_all(base)]
    for label, change in changes.items():
        values, notices = pg.PAGE.parse({**base_query, **change})
        assert not notices, (label, notices)
        paths = [r.path for r in pg.run_all(values)]
        differs = len(paths) != len(base_paths) or any(
            p.shape != q.shape or (p != q).any()
            for p, q in zip(paths, base_paths, strict=False)
        )
        assert differs, label  # the change matters to the runs ...
        assert pg.query_key(values) != pg.query_key(base), label  # ... and the key
        rebuilt, _ = pg.PAGE.parse(dict(pg.query_key(values)))
        assert all(
            (p == q.path).all() for p, q in zip(paths, pg.run_all(rebuilt), strict=True)
        ), label


def test_without_noise_the_seed_changes_nothing_so_the_key_may_drop_it():
    values, _ = pg.PAGE.parse({"seed": "5"})
    other, _ = pg.PAGE.parse({"seed": "6"})
    assert pg.query_key(values) == pg.query_key(other)
    for a, b in zip(pg.run_all(values), pg.run_all(other), strict=True):
        assert (a.path == b.path).all()


# --- compiled kernels outlive Streamlit's clear-cache --------------------------------


def compiled_kernels() -> dict:
    """Every compiled kernel object of the process and its compiled signatures."""
    import importlib

    _driver = importlib.import_module("optimizers._driver")
    train = importlib.import_module("optimizers.train")  # the module, not train()
    kernels = {f"run:{k}": v for k, v in _driver._KERNELS.items()}
    kernels.update({f"train:{k}": v for k, v in train._TRAINERS.items()})
    return {
        name: (kernel, tuple(getattr(kernel, "signatures", ())))
        for name, kernel in kernels.items()
    }


def test_clear_cache_from_a_client_keeps_the_compiled_kernels():
    at = app("playground")
    before = compiled_kernels()
    used = [f"run:{run.optimizer}" for run in pg.default_runs()]
    assert all(before[name][1] for name in used)  # compiled by the page
    key = pg.query_key(pg.PAGE.parse({})[0])
    calls = []
    original = pg.run_all

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    # What Streamlit does on a ClearCache message from any client.
    session = types.SimpleNamespace(_session_state=types.SimpleNamespace(clear=list))
    AppSession._handle_clear_cache_request(session)
    try:
        pg.run_all = counted
        cache.compute_runs(key)
    finally:
        pg.run_all = original
    assert calls  # the data cache was cleared: the runs were computed again
    after = compiled_kernels()
    for name, (kernel, signatures) in before.items():
        assert after[name][0] is kernel, name  # the same compiled object
        assert after[name][1] == signatures, name  # nothing compiled again
    at.run()
    assert not at.exception
    assert {n: s for n, (_, s) in compiled_kernels().items() if n in before} == {
        n: s for n, (_, s) in before.items()
    }


def test_heavy_requests_queue_for_their_slots():
    slots = limits.HEAVY_AT_ONCE.value
    inside = []
    most = []
    release = threading.Event()

    def request():
        with limits.heavy_request():
            inside.append(1)
            most.append(len(inside))
            release.wait()
            inside.pop()

    threads = [threading.Thread(target=request) for _ in range(slots + 2)]
    for thread in threads:
        thread.start()
    while len(most) < slots:
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join()
    assert max(most) == slots and len(most) == slots + 2


def test_stochastic_neural_and_sweep_pages_compute_inside_a_heavy_slot(monkeypatch):
    held = []

    def spy(values):
        held.append(limits.HEAVY_AT_ONCE.value - limits._HEAVY._value)
        return "page"

    monkeypatch.setattr(sto, "page_data", spy)
    monkeypatch.setattr(nn, "training_data", lambda values: {"results": spy(values)})
    monkeypatch.setattr(nn, "views_data", lambda values, results: spy(values))
    monkeypatch.setattr(sw, "compute", lambda values, progress: spy(values))
    cache.stochastic_page.clear()
    cache.neural_page.clear()
    cache.sweep_plane.clear()
    try:
        cache.stochastic_page((("steps", "7"),))
        cache.neural_page((("steps", "7"),))
        cache.neural_page((("steps", "7"),), "views")
        cache.sweep_plane((("steps", "7"),))
    finally:
        cache.stochastic_page.clear()
        cache.neural_page.clear()
        cache.sweep_plane.clear()
    assert held == [1, 1, 1, 1]  # each held one slot while it computed
    assert limits._HEAVY._value == limits.HEAVY_AT_ONCE.value  # and gave it back


def test_a_heavy_request_runs_at_lower_priority_and_gives_it_back():
    thread_id = threading.get_native_id()
    before = limits._nice(thread_id)
    if before is None or before + limits.HEAVY_NICE > 19:
        return  # no per-thread priorities on this platform, or already lowest
    with limits.heavy_request():
        assert limits._nice(thread_id) == before + limits.HEAVY_NICE
    after = limits._nice(thread_id)
    if os.geteuid() == 0:  # may raise a priority back: it did
        assert after == before
    else:  # raising it needs CAP_SYS_NICE: it may have stayed lower
        assert after in (before, before + limits.HEAVY_NICE)
        limits._set_nice(thread_id, before)

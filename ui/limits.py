"""Every per-request bound of the web app, in one table.

A visitor's request (a widget change, a link) is work for a small shared server: these
bounds keep each request small enough that a class can share one process. Pages,
widgets and the URL codecs take their bounds from here, and each page's sidebar shows
its rows (`for_page`), so the numbers a visitor reads are the numbers enforced.

These are the web app's limits, not the library's: ``optimizers.MAX_STEPS`` (10⁵),
2²⁰ runs per sweep and 5·10⁸ runs x steps bound what Python callers may ask for.

Add a page's bounds here as a `Limit` (its value, what it bounds, why), list it in
`TABLE`, and name the page in `pages`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One bound: `value` (the largest allowed), `name` (what is counted, as a notice
    names it), `why` (what it protects), `pages` (where it applies)."""

    key: str
    value: int | float
    name: str
    why: str
    pages: tuple[str, ...]

    def text(self) -> str:
        """'steps per run ≤ 5,000' (as a notice or the sidebar names it)."""
        value = self.value
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        return f"{self.name} ≤ {shown}"


ALL = ("playground", "compare", "schedules", "stochastic", "neural_net", "sweep")

STEPS = Limit(
    "steps",
    5000,
    "steps per run",
    "every step is a frame sent to the browser and played there",
    ("playground", "compare", "schedules", "sweep"),
)
RUNS = Limit(
    "runs",
    6,
    "runs on the Playground",
    "each run is a path drawn in every frame",
    ("playground",),
)
PANELS = Limit(
    "panels",
    12,
    "panels on Compare",
    "each panel is a run and a contour picture",
    ("compare",),
)
NOISE = Limit(
    "noise",
    100.0,
    "gradient noise σ",
    "larger noise only sends every run off the plot",
    ("playground", "schedules"),
)
VALUE_LENGTH = Limit(
    "value_length",
    400,
    "characters in one link value",
    "longer values are ignored, not parsed",
    ALL,
)
STOCHASTIC_POINTS = Limit(
    "stochastic_points",
    200,
    "examples N on Stochastic",
    "each frame traces its minibatch's loss over every example",
    ("stochastic",),
)
STOCHASTIC_STEPS = Limit(
    "stochastic_steps",
    500,
    "steps on Stochastic",
    "every frame carries its own minibatch's contour lines",
    ("stochastic",),
)
NETWORK_POINTS = Limit(
    "network_points",
    500,
    "examples N on Neural net",
    "a full-batch step costs one pass over every example",
    ("neural_net",),
)
NETWORK_STEPS = Limit(
    "network_steps",
    2000,
    "training steps on Neural net",
    "the network is trained while the visitor waits",
    ("neural_net",),
)
NETWORK_RUNS = Limit(
    "network_runs",
    4,
    "networks trained on Neural net",
    "each run is a full training and a path on the slice",
    ("neural_net",),
)
SURFACE_GRID = Limit(
    "surface_grid",
    320,
    "points per side of a contour picture",
    "the background image: 320 x 320 evaluations",
    ("playground", "compare"),
)
BATCH_CONTOUR_GRID = Limit(
    "batch_contour_grid",
    48,
    "points per side of a minibatch's contours",
    "traced once per frame: 48 x 48 x batch evaluations",
    ("stochastic",),
)
BOUNDARY_GRID = Limit(
    "boundary_grid",
    61,
    "points per side of a decision boundary",
    "one network pass per point, per boundary frame",
    ("neural_net",),
)
SLICE_GRID = Limit(
    "slice_grid",
    61,
    "points per side of a loss slice",
    "61 x 61 full losses over every example",
    ("neural_net",),
)
HEAVY_AT_ONCE = Limit(
    "heavy_at_once",
    max(1, (os.cpu_count() or 1) - 1),
    "heavy requests computed at once",
    "others wait their turn, and they run at a lower priority than light ones "
    "(a Playground change)",
    ("stochastic", "neural_net", "sweep"),
)
SWEEP_GRID = Limit(
    "sweep_grid",
    512,
    "runs per side of a Sweep plane",
    "each cell is a full run: 512 x 512 is 262,144 runs",
    ("sweep",),
)
# A plane's work is runs x steps x the cost of one step, in plain gradient steps on
# a formula (ui.sweep.step_cost: a line search's step or a network slice's point
# counts as many). At this cap a plane takes about 1-4 s on the project's 2-core
# machines (12-03's host, beside other work: Adam on a 512 x 512 Rosenbrock basin
# map x 1,000 steps 3.7 s, Newton 2.5 s, SAM 1.7 s, momentum's plane 1.0 s).
SWEEP_WORK = Limit(
    "sweep_work",
    512 * 512 * 1000,
    "runs x steps x cost of a step on Sweep",
    "a plane is computed while the visitor waits; a larger request gets fewer steps "
    "(a line search's step, or a point of a network's slice, costs as many as 30 to "
    "250 plain steps)",
    ("sweep",),
)

# A typed f(x, y) (landscapes.expression's own bounds, repeated here so that listing
# the limits does not load the parser; tests/test_limits.py checks they agree).
FORMULA_PAGES = ("playground", "compare", "schedules", "sweep")
FORMULA_NODES = Limit(
    "formula_nodes",
    400,
    "operations, numbers and variables in a typed f(x, y)",
    "its derivatives are differentiated and evaluated at every step of every run",
    FORMULA_PAGES,
)
FORMULA_DEPTH = Limit(
    "formula_depth",
    50,
    "levels of nesting in a typed f(x, y)",
    "deep nesting is what makes symbolic differentiation slow",
    FORMULA_PAGES,
)
FORMULA_SECONDS = Limit(
    "formula_seconds",
    5.0,
    "seconds to differentiate a typed f(x, y)",
    "a formula that takes longer is refused, and the differentiating process killed",
    FORMULA_PAGES,
)


@dataclass(frozen=True)
class Cache:
    """One st.cache_data cache of the app, bounded in bytes (`memory`, passed as
    Streamlit's ``max_size``: the least recently used entries go first) and in
    entries. `largest_mb`: the pickled size of its largest possible entry, measured
    (tests/test_limits.py measures it again): it must fit in `memory`."""

    memory: Limit
    max_entries: int
    largest_mb: float

    @property
    def max_size(self) -> int:
        """`memory` in bytes, as st.cache_data's ``max_size`` takes it."""
        return int(self.memory.value * 10**6)


# Largest entries measured: 6 runs x 5,000 steps with their optimizer state, 2.6 MB; a
# Stochastic page of 200 examples x 500 steps at batch 1, 13.2 MB; a Neural net page
# of 4 runs x 2,000 steps of a 2-32-32-1 net (1,185 weights at every step of every
# run) on 500 examples, 77.7 MB. Typical entries are far smaller (the default Neural
# net page: 3.2 MB), so a budget in bytes keeps many more of them than a count would.
# A Sweep plane of 512 x 512 cells with its basins: 14.7 MB, whatever its steps (the
# default 96 x 96 plane: 0.5 MB).
RUNS_CACHE = Cache(
    Limit(
        "runs_cache_mb",
        64,
        "MB of cached Playground runs",
        "the least recently used runs are dropped first",
        ("playground",),
    ),
    max_entries=256,
    largest_mb=2.7,
)
STOCHASTIC_CACHE = Cache(
    Limit(
        "stochastic_cache_mb",
        128,
        "MB of cached Stochastic pages",
        "the least recently used pages are dropped first",
        ("stochastic",),
    ),
    max_entries=64,
    largest_mb=13.5,
)
NEURAL_CACHE = Cache(
    Limit(
        "neural_cache_mb",
        192,
        "MB of cached Neural net pages",
        "the least recently used trainings are dropped first",
        ("neural_net",),
    ),
    max_entries=64,
    largest_mb=80.0,
)
IMAGE_CACHE = Cache(
    Limit(
        "image_cache_mb",
        16,
        "MB of cached contour pictures",
        "the least recently used pictures are dropped first",
        ("playground", "compare"),
    ),
    max_entries=256,
    largest_mb=0.25,
)
SWEEP_CACHE = Cache(
    Limit(
        "sweep_cache_mb",
        128,
        "MB of cached Sweep planes",
        "the least recently used planes are dropped first",
        ("sweep",),
    ),
    max_entries=64,
    largest_mb=15.0,
)
CACHES = (RUNS_CACHE, STOCHASTIC_CACHE, NEURAL_CACHE, IMAGE_CACHE, SWEEP_CACHE)

TABLE: tuple[Limit, ...] = (
    STEPS,
    RUNS,
    PANELS,
    NOISE,
    VALUE_LENGTH,
    STOCHASTIC_POINTS,
    STOCHASTIC_STEPS,
    NETWORK_POINTS,
    NETWORK_STEPS,
    NETWORK_RUNS,
    SURFACE_GRID,
    BATCH_CONTOUR_GRID,
    BOUNDARY_GRID,
    SLICE_GRID,
    SWEEP_GRID,
    SWEEP_WORK,
    HEAVY_AT_ONCE,
    FORMULA_NODES,
    FORMULA_DEPTH,
    FORMULA_SECONDS,
    *(cache.memory for cache in CACHES),
)
BY_KEY = {limit.key: limit for limit in TABLE}


def for_page(page: str) -> list[Limit]:
    """The limits that apply on `page` (its file name without .py)."""
    return [limit for limit in TABLE if page in limit.pages]


def lines(page: str) -> list[str]:
    """One line per limit of `page`: 'steps per run ≤ 5,000: every step is ...'."""
    return [f"{limit.text()}: {limit.why}." for limit in for_page(page)]


def notice(limit: Limit) -> str:
    """The words a clamp notice ends with, naming the limit."""
    return f"(this server's limit: {limit.text()})"


_HEAVY = threading.BoundedSemaphore(HEAVY_AT_ONCE.value)
# Added to a heavy request's thread's nice value while it computes (Linux keeps a nice
# value per thread): on a busy machine the scheduler gives a light request's thread
# the core first, ~10x the CPU share of a thread 10 nicer.
HEAVY_NICE = 10


def _nice(thread_id: int) -> int | None:
    try:
        return os.getpriority(os.PRIO_PROCESS, thread_id)
    except (AttributeError, OSError):  # no per-thread priorities here
        return None


def _set_nice(thread_id: int, value: int) -> bool:
    try:
        os.setpriority(os.PRIO_PROCESS, thread_id, value)
        return True
    except (AttributeError, OSError):  # raising it back may need CAP_SYS_NICE
        return False


@contextlib.contextmanager
def heavy_request():
    """Hold one of the HEAVY_AT_ONCE slots while computing a heavy request (a
    Stochastic or Neural net page's cache miss), at HEAVY_NICE lower priority: later
    heavy requests wait their turn, and light requests (the Playground, Compare,
    Schedules), which never wait here, get the cores first. Kernel calls inside
    still split over the kernel pool (landscapes._jit), which queues them for the
    cores in turn. Where the priority cannot be raised back afterwards (no
    CAP_SYS_NICE), that script thread stays lower for the reruns it still runs
    (Streamlit starts a new one when a run has ended)."""
    with _HEAVY:
        thread_id = threading.get_native_id()
        before = _nice(thread_id)
        lowered = before is not None and _set_nice(thread_id, before + HEAVY_NICE)
        try:
            yield
        finally:
            if lowered:
                _set_nice(thread_id, before)

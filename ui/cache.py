"""The pages' computations, cached per session-independent key (bounded in bytes and
entries: ui.limits), each a heavy request that waits for a slot where it is one.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import landscapes
import optimizers
from ui import figures, limits, playground


# Every cache is bounded in bytes and entries (ui.limits).
@st.cache_data(
    max_entries=limits.RUNS_CACHE.max_entries,
    max_size=limits.RUNS_CACHE.max_size,
    show_spinner=False,
)
def compute_runs(
    query_key: tuple, record_state: bool = False
) -> list[optimizers.RunResult]:
    """Every run of a Playground link, cached by its canonical query string
    (ui.playground.query_key)."""
    values, _ = playground.PAGE.parse(dict(query_key))
    return playground.run_all(values, record_state)


@st.cache_data(
    max_entries=limits.STOCHASTIC_CACHE.max_entries,
    max_size=limits.STOCHASTIC_CACHE.max_size,
    show_spinner="Running full batch, minibatch and online SGD…",
)
def stochastic_page(query_key: tuple):
    """The Stochastic page's surface, runs and figures, cached by its query string.
    A heavy request: it waits for a slot (ui.limits.heavy_request)."""
    from ui import stochastic as sto

    values, _ = sto.PAGE.parse(dict(query_key))
    with limits.heavy_request():
        return sto.page_data(values)


@st.cache_data(
    max_entries=limits.NEURAL_CACHE.max_entries,
    max_size=limits.NEURAL_CACHE.max_size,
    show_spinner=False,  # the page says what it computes (a part each)
)
def neural_page(query_key: tuple, part: str = "training") -> dict:
    """The Neural net page's data, cached by its query string, in two parts: the
    "training" (runs, loss and accuracy figures: the first figures a visitor
    sees) and the "views" drawn from it (boundaries, slices, sharpness). Each is
    a heavy request: it waits for a slot (ui.limits.heavy_request)."""
    from ui import neural_net as nn

    values, _ = nn.PAGE.parse(
        {k: list(v) if isinstance(v, tuple) else v for k, v in query_key}
    )
    if part == "views":
        results = neural_page(query_key)["results"]  # cached: computed first
        with limits.heavy_request():
            return nn.views_data(values, results)
    with limits.heavy_request():
        return nn.training_data(values)


# Below this estimated time a plane computes without a progress bar.
PROGRESS_AFTER_SECONDS = 0.5


# Seconds per unit of a plane's work (ui.sweep.work), measured on 12-03's host at
# 0.4-1.4e-8: the estimate that decides whether to show the progress bar at once.
SWEEP_SECONDS_PER_WORK = 1.0e-8


@st.cache_data(
    max_entries=limits.SWEEP_CACHE.max_entries,
    max_size=limits.SWEEP_CACHE.max_size,
    show_spinner=False,
)
def sweep_plane(query_key: tuple):
    """A Sweep plane (and its basins) cached by its query string, computed in a heavy
    slot (ui.limits.heavy_request) with a progress bar saying what is computed when
    it takes longer than PROGRESS_AFTER_SECONDS."""
    import time

    from ui import sweep as sw

    values, _ = sw.PAGE.parse(dict(query_key))
    label = f"Computing {sw.describe(values)}…"
    estimate = sw.work(values) * SWEEP_SECONDS_PER_WORK
    began = time.perf_counter()
    bar = st.empty()

    def progress(fraction: float) -> None:
        late = time.perf_counter() - began > PROGRESS_AFTER_SECONDS
        if (estimate > PROGRESS_AFTER_SECONDS or late) and get_script_run_ctx():
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=label)

    progress(0.0)
    try:
        with limits.heavy_request():
            return sw.compute(values, progress)
    finally:
        bar.empty()


def landscape_key(surface: landscapes.Landscape) -> tuple[str, tuple]:
    """(name, sorted parameters): what the caches below take for a surface, e.g.
    ``surface_image(*landscape_key(surface))``."""
    return surface.name, tuple(sorted(surface.params.items()))


@st.cache_data(
    max_entries=limits.IMAGE_CACHE.max_entries,
    max_size=limits.IMAGE_CACHE.max_size,
    show_spinner=False,
)
def surface_image(surface: str, params: tuple) -> str:
    return figures.surface_image(landscapes.get(surface, **dict(params)))


# Part of the contour picture: bounded by its limit (a bool per entry).
@st.cache_data(
    max_entries=limits.IMAGE_CACHE.max_entries,
    max_size=limits.IMAGE_CACHE.max_size,
    show_spinner=False,
)
def undefined_somewhere(surface: str, params: tuple) -> bool:
    """Whether f is not finite somewhere on a 64 x 64 grid over the view (the
    contour picture then shows stripes, which the page explains)."""
    _, _, values = landscapes.get(surface, **dict(params)).grid(64)
    return not bool(np.isfinite(values).all())

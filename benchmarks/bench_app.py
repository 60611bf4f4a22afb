"""Playground responsiveness: server work per widget change, figure size, and time to
the first figure in a real browser, each next to a baseline measured in the same run.

    python benchmarks/bench_app.py            # needs /usr/bin/chromium for part 2

Targets (issue #3), default Playground (4 runs x 1,000 steps on Rosenbrock, every step
playable): server time from a widget change to the figure sent < 150 ms warm, figure
JSON < 1.5 MB; time to the first figure within 1.5x of a bare Streamlit page holding
one Plotly figure.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # streamlit_server, the tests' helper
import plotly.graph_objects as go  # noqa: E402
import plotly.io  # noqa: E402
from streamlit_server import launch_chromium  # noqa: E402

from ui import figures  # noqa: E402
from ui import playground as pg  # noqa: E402

SAMPLES = 7  # browser loads per page
PLAYGROUND = "Descent Lab Playground (defaults)"
PLAYABLE = "  ... and its 1,001 frames built (Play works)"

BARE_PAGE = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st
x = np.linspace(-2, 2, 200)
st.plotly_chart(go.Figure(go.Contour(z=np.add.outer(x**2, x**2))))
"""


def server_side() -> None:
    values, _ = pg.PAGE.parse({})  # the Playground's defaults
    surface = pg.surface_of(values)
    image = figures.surface_image(surface)

    def widget_change(frames_in_browser=True):
        # What a rerun does after a widget change: the runs, the figure, its JSON.
        # The Playground sends a frames recipe (frames_in_browser); the exported HTML
        # and the Stochastic page carry every frame.
        results = pg.run_all(values)
        labels = [run.label() for run in values["run"]]
        figure = figures.trajectory_figure(
            surface,
            [r.path for r in results],
            labels,
            [r.diverged_at for r in results],
            pg.start_of(values, surface),
            image=image,
            frames_in_browser=frames_in_browser,
        )
        # What st.plotly_chart does with the figure (orjson when installed).
        return plotly.io.to_json(figures.Prebuilt(figure), validate=False)

    def naive(frames_wanted):
        # The baseline: go.Figure with one validated go.Frame per shown step, each
        # holding every path up to that step.
        results = pg.run_all(values)
        stride = max(1, values["steps"] // frames_wanted)
        frames = [
            go.Frame(
                data=[
                    go.Scatter(x=r.path[: k + 1, 0], y=r.path[: k + 1, 1])
                    for r in results
                ],
                name=str(k),
            )
            for k in range(0, values["steps"] + 1, stride)
        ]
        figure = go.Figure(
            data=[go.Scatter(x=r.path[:1, 0], y=r.path[:1, 1]) for r in results],
            frames=frames,
        )
        return figure.to_json()

    widget_change()
    best = min(_timed(widget_change) for _ in range(5))
    size = len(widget_change()) / 1e6
    best_frames = min(_timed(lambda: widget_change(False)) for _ in range(5))
    size_frames = len(widget_change(False)) / 1e6
    naive_100 = _timed(lambda: naive(100))
    naive_size = len(naive(100)) / 1e6
    print(f"{'server work per widget change':<52}{'ms':>10}{'MB':>8}   target")
    print(
        f"{'ours: 1,001 frames, built in the browser':<52}{best * 1e3:10.1f}"
        f"{size:8.2f}   < 150 ms, < 1.5 MB"
    )
    print(
        f"{'ours: 1,001 frames sent (as exported)':<52}{best_frames * 1e3:10.1f}"
        f"{size_frames:8.2f}"
    )
    print(
        f"{'naive go.Frame, cumulative paths, 100 frames':<52}{naive_100 * 1e3:10.1f}"
        f"{naive_size:8.2f}"
    )
    other_pages()


def other_pages() -> None:
    """The Stochastic and Neural net pages' server work for their default link (what
    a rerun computes when its cache misses), beside the Playground's above."""
    from ui import neural_net, stochastic

    def stochastic_change():
        values, _ = stochastic.PAGE.parse({})
        _, _, panels, loss = stochastic.page_data(values)
        return sum(
            len(plotly.io.to_json(figures.Prebuilt(f), validate=False))
            for f in (*panels, loss)
        )

    def neural_change():
        values, _ = neural_net.PAGE.parse({})
        page = neural_net.page_data(values)
        keys = ("loss", "accuracy", "slice", "illusion")
        shown = [page[k] for k in keys] + page["boundaries"]
        return sum(
            len(plotly.io.to_json(figures.Prebuilt(f), validate=False)) for f in shown
        )

    for label, change in (
        ("Stochastic: 3 runs x 200 steps, batch contours", stochastic_change),
        ("Neural net: 2 nets x 500 steps, 61x61 slice", neural_change),
    ):
        size = change() / 1e6
        best = min(_timed(change) for _ in range(3))
        print(f"{label:<52}{best * 1e3:10.1f}{size:8.2f}")


def _timed(function) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(script: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` on a free port (with `env` over os.environ); returns
    the process and its URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "_stcore/health", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{script} did not start")


def browser_side() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "bare.py"
        bare.write_text(BARE_PAGE)
        app_process, app_url = start(ROOT / "app.py")
        servers = {
            "bare page, one Plotly figure": start(bare),
            PLAYGROUND: (app_process, app_url),
            # The two pages of issue #10 on the same server, timed the same way.
            "Stochastic (defaults)": (app_process, app_url + "stochastic"),
            "Neural net (defaults)": (app_process, app_url + "neural_net"),
        }
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                # Pages alternate, so both see the same machine load; each load is
                # a new browser context (cold browser cache, as a first visit).
                samples = {label: [] for label in servers}
                samples[PLAYABLE] = []
                for attempt in range(1 + SAMPLES):  # the first round warms the servers
                    for label, (_, url) in servers.items():
                        page = browser.new_page()
                        began = time.perf_counter()
                        page.goto(url)
                        page.wait_for_selector(
                            ".js-plotly-plot .main-svg", timeout=300_000
                        )
                        if attempt:
                            samples[label].append(time.perf_counter() - began)
                        if attempt and label == PLAYGROUND:
                            # Its frames are built in the browser after the draw.
                            page.wait_for_function(
                                "() => document.querySelector('.js-plotly-plot')"
                                "._transitionData._frames.length === 1001",
                                timeout=300_000,
                            )
                            samples[PLAYABLE].append(time.perf_counter() - began)
                        page.close()
                times = {label: statistics.median(s) for label, s in samples.items()}
                browser.close()
        finally:
            for process, _ in servers.values():
                process.terminate()
    print(
        f"\n{'time to first figure, warm server (median of ' + str(SAMPLES) + ')':<52}{'s':>10}"
    )
    for label, seconds in times.items():
        print(f"{label:<52}{seconds:10.2f}")
    ratio = times[PLAYGROUND] / times["bare page, one Plotly figure"]
    print(f"{'ratio (target <= 1.5)':<52}{ratio:10.2f}")
    for label in ("Stochastic (defaults)", "Neural net (defaults)"):
        ratio = times[label] / times["bare page, one Plotly figure"]
        print(f"{label + ': ratio to the bare page':<52}{ratio:10.2f}")


if __name__ == "__main__":
    server_side()
    if Path("/usr/bin/chromium").exists():
        browser_side()
    else:
        print("no /usr/bin/chromium: skipped the browser part")

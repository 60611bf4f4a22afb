"""Sweep page engine: a 512x512 hyperparameter plane of full Adam runs, next to a
NumPy-vectorized run of the same work measured in the same run (read the ratios: these
machines are noisy).

    python benchmarks/bench_sweep.py            # best of 3
    python benchmarks/bench_sweep.py --quick    # best of 1
    python benchmarks/bench_sweep.py --browser  # also: a changed control to the
                                                # redrawn heat map in Chromium

Rows (issue #12, target: the 512x512 x 500-step Adam plane warm under 1 s and at least
5x NumPy):
  plane, one call        optimizers.planes.hyperparameter_plane without progress
  plane, 16 row blocks   the same with a progress callback, as the page computes it
  plane + score          the blocks plus the signed convergence score
  basin map              512x512 start points x 500 Adam steps on Himmelblau, + basins
  NumPy                  the same Adam plane vectorized over all 262,144 runs
With --browser, on a real `streamlit run` and Chromium: the Steps slider moved one step
(a new configuration, so the plane is recomputed) until the heat map is redrawn, at
several resolutions, next to the same plane computed in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import START, best_of, numpy_adam  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))  # streamlit_server, the tests' helper

from optimizers import planes  # noqa: E402
from ui import playground as pg  # noqa: E402

SIDE = 512
STEPS = 500
LR = planes.Axis("lr", 1e-4, 1.0, SIDE, log=True)
BETA1 = planes.Axis("beta1", 0.0, 0.99, SIDE)


def plane(progress=None):
    return planes.hyperparameter_plane(
        "adam", "rosenbrock", LR, BETA1, start=START, steps=STEPS, progress=progress
    )


# Remembers the heat map's cells, to tell when new ones are drawn.
FINGERPRINT = """
window.__fingerprint = (plot) => {
    if (!plot || !plot.data) return null;
    const map = plot.data.find((t) => t.type === 'heatmap');
    if (map) return map.z.bdata || JSON.stringify(map.z);  // base64 typed array
    // The Playground: every path's length, which follows the step count.
    return JSON.stringify(plot.data.map((t) => t.x && (t.x.bdata || t.x.length)));
};"""
MARK = """() => {
    window.__old = window.__fingerprint(document.querySelector('.js-plotly-plot'));
}"""
# Redrawn: the first figure holds other numbers than before (a heat map's scores depend
# on the step count, as a Playground path's length does) and Plotly has drawn it.
REDRAWN = """(text) => {
    const plot = document.querySelector('.js-plotly-plot');
    if (text && !document.body.innerText.includes(text)) return false;
    const now = window.__fingerprint(plot);
    return now !== null && now !== window.__old && Boolean(plot._fullLayout);
}"""
BROWSER_SAMPLES = 3


def redraw_seconds(page, url: str, slider_label: str, first: int, text) -> float:
    """Best of BROWSER_SAMPLES: a keypress on the slider `slider_label` (at `first`,
    one step up) until the first figure is redrawn; `text(value)`, if given, must
    show too."""
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=600_000)
    thumb = (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text=slider_label)
        .get_by_role("slider")
    )
    thumb.wait_for(timeout=600_000)
    samples = []
    for sample in range(1, BROWSER_SAMPLES + 1):
        page.evaluate(MARK)
        thumb.focus()
        began = time.perf_counter()
        thumb.press("ArrowRight")
        wanted = text(first + sample) if text else None
        page.wait_for_function(REDRAWN, arg=wanted, timeout=600_000)
        samples.append(time.perf_counter() - began)
    return min(samples)


def browser(resolutions=(96, 256, 512), steps=200) -> None:
    """Seconds from a Steps slider keypress to the redrawn heat map, per resolution,
    next to the plane computed in this process and the Playground's own redraw."""
    from playwright.sync_api import sync_playwright
    from streamlit_server import launch_chromium, streamlit_server

    with contextlib.ExitStack() as stack:
        server = stack.enter_context(streamlit_server())
        playwright = stack.enter_context(sync_playwright())
        chromium = launch_chromium(playwright)
        page = chromium.new_page(viewport={"width": 1500, "height": 1000})
        page.add_init_script(FINGERPRINT)
        playground = redraw_seconds(page, server.url, "Steps", pg.DEFAULT_STEPS, None)
        print("\nChromium, Steps slider one step up until the figure is redrawn (s):")
        print(f"{'Playground (defaults), the baseline':<44} {playground:8.3f}")
        print(
            f"{'Sweep: momentum, quadratic, lr x momentum':<44} {'redraw':>8} "
            f"{'plane alone':>12}"
        )
        for resolution in resolutions:
            alone = best_of(
                lambda r=resolution: planes.hyperparameter_plane(
                    "momentum",
                    "quadratic",
                    planes.Axis("lr", 1e-3, 1.0, r, log=True),
                    planes.Axis("momentum", 0.0, 0.99, r),
                    steps=steps + 1,
                ),
                1,
            )
            seconds = redraw_seconds(
                page,
                f"{server.url}/sweep?resolution={resolution}&steps={steps}",
                "Steps per run",
                steps,
                lambda n: f"x {n} steps",
            )
            label = f"  {resolution}x{resolution} runs x {steps} steps"
            print(f"{label:<44} {seconds:8.3f} {alone:12.3f}")
        chromium.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="best of 1")
    parser.add_argument("--browser", action="store_true", help="also time Chromium")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3

    rows = []
    rows.append(("plane, one call", best_of(plane, repeats)))
    rows.append(
        ("plane, 16 row blocks", best_of(lambda: plane(lambda f: None), repeats))
    )
    rows.append(
        ("plane + score", best_of(lambda: plane(lambda f: None).score, repeats))
    )
    side = planes.Axis("x", -5.0, 5.0, SIDE), planes.Axis("y", -5.0, 5.0, SIDE)

    def basin_map():
        result = planes.basin_map("adam", "himmelblau", *side, steps=STEPS, lr=0.05)
        return planes.basins(result)

    rows.append(
        ("basin map 512x512 + basins (Himmelblau)", best_of(basin_map, repeats))
    )
    LRS, B1 = np.meshgrid(LR.values, BETA1.values)
    began = time.perf_counter()
    numpy_adam(
        np.full(LRS.shape, START[0]), np.full(LRS.shape, START[1]), LRS, B1, steps=STEPS
    )
    baseline = time.perf_counter() - began

    print(f"{SIDE}x{SIDE} Adam plane (lr x beta1) x {STEPS} steps on Rosenbrock")
    print(f"{'workload':<42} {'ours s':>8} {'NumPy s':>8} {'ratio':>7}   target")
    for label, seconds in rows:
        print(
            f"{label:<42} {seconds:8.3f} {baseline:8.3f} {baseline / seconds:6.1f}x"
            "   < 1 s, >= 5x"
        )
    if args.browser:
        browser()


if __name__ == "__main__":
    main()

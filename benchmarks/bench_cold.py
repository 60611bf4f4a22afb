"""Cold start: the first figures of a server whose Numba cache is empty, in Chromium.

    python benchmarks/bench_cold.py

Each round starts `streamlit run app.py` on an empty NUMBA_CACHE_DIR and, from the
moment the server answers, times (1) the Playground's first figure (its four default
optimizers) and then (2) a Playground of four optimizers nothing has used yet.
The default round (the background warm-up compiles every kernel while the pages'
first calls run the kernels' own source in the interpreter process, see
ui/compiling.py) is measured next to the baseline round without either
(DESCENT_LAB_WARM=0: every kernel compiles on first use, in the page's own process).
Target (issue #11): both within 20 s.
A screenshot of the compile notice lands in test-artifacts/cold-start-notice.png.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench_app import ROOT, launch_chromium, start  # the tests' launcher

sys.path.insert(0, str(ROOT))

# Four optimizers outside the Playground's defaults (gd, momentum, rmsprop, adam).
OTHERS = "?run=nadam&run=adagrad&run=adadelta&run=rprop"
FIGURE = ".js-plotly-plot .main-svg"


def stop_warm_up(cache: str) -> None:
    """End the warm-up process group this round started, if it still runs."""
    for pid_file in Path(cache).glob("*/warm/pid"):
        with contextlib.suppress(OSError, ValueError):
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)


def one_round(browser, warm_up: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache, "DESCENT_LAB_WARM": "1" if warm_up else "0"}
        process, url = start(ROOT / "app.py", env)
        answered = time.perf_counter()
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url)
            if warm_up:
                page.wait_for_selector("text=Compiling", timeout=60_000)
                (ROOT / "test-artifacts").mkdir(exist_ok=True)
                page.screenshot(path=ROOT / "test-artifacts/cold-start-notice.png")
            page.wait_for_selector(FIGURE, timeout=600_000)
            first = time.perf_counter() - answered
            page.close()
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            began = time.perf_counter()
            page.goto(url + OTHERS)
            page.wait_for_selector(FIGURE, timeout=600_000)
            others = time.perf_counter() - began
            page.close()
        finally:
            process.terminate()
            process.wait(20)
            stop_warm_up(cache)
    return first, others


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        baseline = one_round(browser, warm_up=False)
        ours = one_round(browser, warm_up=True)
        browser.close()
    print(
        f"{'empty Numba cache, from the server answering':<52}{'warm-up':>9}{'none':>9}"
    )
    labels = (
        "Playground's first figure (4 optimizers)",
        "then 4 optimizers not used yet",
    )
    for label, with_warm, without in zip(labels, ours, baseline, strict=True):
        print(f"{label:<52}{with_warm:8.1f}s{without:8.1f}s   target 20 s")


if __name__ == "__main__":
    main()

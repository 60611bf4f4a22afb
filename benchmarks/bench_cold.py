"""Cold start: each page's first figure from a server whose Numba cache is empty.

    python benchmarks/bench_cold.py                       # this tree
    python benchmarks/bench_cold.py --baseline ../old     # and another checkout
    python benchmarks/bench_cold.py --warm-up             # also the whole warm-up

Each link gets its own fresh `streamlit run app.py` on an empty NUMBA_CACHE_DIR, as on
a new machine or after a deploy of edited source (the background warm-up on, as
users get it); the time is from the server answering to the link's first figure
drawn in Chromium. With ``--baseline`` the same links are opened on another
checkout of the project in the same run, round by round (the machines are noisy:
read the ratios). ``--warm-up`` also times ``python -m optimizers.warm`` (every
kernel, one worker per core) on an empty cache in each tree, wall clock and the CPU
seconds of its workers. Target (issue #21): every page's first figure <= 10 s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_app import ROOT, free_port, launch_chromium

FIGURE = ".js-plotly-plot .main-svg"
# Every page's default, and a Neural net link with a non-default activation, depth
# and optimizer. The Gallery draws no figure (committed pictures).
LINKS = (
    ("Playground", ""),
    ("Compare", "compare"),
    ("Schedules", "schedules"),
    ("Stochastic", "stochastic"),
    ("Neural net", "neural_net"),
    ("Sweep", "sweep"),
    (
        "Neural net: ReLU, 3 layers, RMSprop",
        "neural_net?activation=relu&hidden=16,16,16&run=rmsprop;lr=0.01",
    ),
)


def start(root: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` of the checkout `root` on a free port; returns the
    process and its URL once it answers."""
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py"]
        + ["--server.headless", "true", "--server.port", str(port)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "_stcore/health", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("streamlit did not start")


def stop(process: subprocess.Popen, cache: str) -> None:
    """End the server, then any warm-up process group it started (an older tree's
    warm-up outlives its server)."""
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
    for pid_file in Path(cache).glob("*/warm/pid"):
        with contextlib.suppress(OSError, ValueError):
            os.killpg(int(pid_file.read_text()), signal.SIGKILL)


def first_figure(browser, root: Path, link: str) -> float:
    """Seconds from a fresh server answering to `link`'s first figure."""
    with tempfile.TemporaryDirectory() as cache:
        process, url = start(root, {"NUMBA_CACHE_DIR": cache})
        answered = time.perf_counter()
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url + link)
            page.wait_for_selector(FIGURE, timeout=600_000)
            seconds = time.perf_counter() - answered
            page.close()
        finally:
            stop(process, cache)
    return seconds


def warm_up(root: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of its processes) of the whole warm-up of `root`
    on an empty cache."""
    with tempfile.TemporaryDirectory() as cache:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "optimizers.warm"],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), "NUMBA_CACHE_DIR": cache},
            stdout=subprocess.DEVNULL,
            check=True,
        )
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another checkout to compare")
    parser.add_argument("--warm-up", action="store_true", help="time the warm-up too")
    parser.add_argument("--only", help="links whose label contains this text")
    args = parser.parse_args(argv)
    roots = [("this tree", ROOT)]
    if args.baseline:
        roots.append(("baseline", args.baseline.resolve()))
    links = [
        (lab, link) for lab, link in LINKS if args.only is None or args.only in lab
    ]
    from playwright.sync_api import sync_playwright

    header = "".join(f"{name:>12}" for name, _ in roots)
    print(f"{'first figure, empty Numba cache (s)':<44}{header}", flush=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for label, link in links:
            times = [first_figure(browser, root, link) for _, root in roots]
            row = "".join(f"{seconds:12.1f}" for seconds in times)
            print(f"{label:<44}{row}   target 10", flush=True)
        browser.close()
    if args.warm_up:
        results = [warm_up(root) for _, root in roots]
        walls = "".join(f"{wall:12.1f}" for wall, _ in results)
        cpus = "".join(f"{cpu:12.1f}" for _, cpu in results)
        print(f"{'python -m optimizers.warm, wall (s)':<44}{walls}")
        print(f"{'  its CPU seconds, all workers':<44}{cpus}")


if __name__ == "__main__":
    main()

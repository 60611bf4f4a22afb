"""Fair share (issue #11): the Playground's server work per widget change, alone and
while another session's largest request runs in the same process.

    python benchmarks/bench_fair.py [--scenarios neural,neural+stochastic:free]

Streamlit runs each session's script in a thread of one process, so a heavy request
competes with a Playground rerun for the cores and for the GIL. This times what a
Playground rerun computes after a widget change (its runs, figure and JSON, as
benchmarks/bench_app.py does) over and over, first alone, then while other threads
compute the largest request a page allows (ui.limits): the Neural net page at its
limits (4 runs x 2,000 full-batch steps of a 2-32-32-1 net on 500 examples, PCA
slice) and the Stochastic page at its limits (200 examples, 500 steps, batch 1).
Heavy requests go through ui.limits.heavy_request() (":queue", a slot and a lower
priority), as the pages' cached functions do, or bypass it (":free", as before
issue #11 part 3), to show what it changes for one heavy request and for three at
once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.io  # noqa: E402

from ui import figures, limits  # noqa: E402
from ui import neural_net as nn  # noqa: E402
from ui import playground as pg  # noqa: E402
from ui import stochastic as sto  # noqa: E402

NEURAL_LARGEST = {
    "n_points": str(limits.NETWORK_POINTS.value),
    "batch": str(limits.NETWORK_POINTS.value),
    "steps": str(limits.NETWORK_STEPS.value),
    "hidden": "32,32",
    "slice": "pca",
    "run": ["adam;lr=0.01", "sgd;lr=0.1;momentum=0.9", "rmsprop;lr=0.01", "adamw"][
        : limits.NETWORK_RUNS.value
    ],
}
STOCHASTIC_LARGEST = {
    "n_points": str(limits.STOCHASTIC_POINTS.value),
    "steps": str(limits.STOCHASTIC_STEPS.value),
    "batch": "1",
}


def playground_change() -> int:
    """What a Playground rerun computes after a widget change (default page)."""
    values, _ = pg.PAGE.parse({})  # the Playground's defaults
    surface = pg.surface_of(values)
    results = pg.run_all(values)
    figure = figures.trajectory_figure(
        surface,
        [r.path for r in results],
        [run.label() for run in values["run"]],
        [r.diverged_at for r in results],
        pg.start_of(values, surface),
        image=IMAGE,
    )
    return len(plotly.io.to_json(figures.Prebuilt(figure), validate=False))


def neural_largest():
    values, notices = nn.PAGE.parse(NEURAL_LARGEST)
    assert not notices, notices
    return nn.page_data(values)


def stochastic_largest():
    values, notices = sto.PAGE.parse(STOCHASTIC_LARGEST)
    assert not notices, notices
    return sto.page_data(values)


HEAVY = {"neural": neural_largest, "stochastic": stochastic_largest}


def timed(function) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def sample_while(busy: threading.Event | None, at_least: int) -> list[float]:
    """Playground changes, one after another, while `busy` is set (or `at_least`)."""
    samples = []
    while len(samples) < at_least or (busy is not None and busy.is_set()):
        samples.append(timed(playground_change))
        time.sleep(0.05)  # a visitor's next click, not a busy loop
    return samples


def summary(samples: list[float]) -> str:
    ms = sorted(s * 1e3 for s in samples)
    p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
    return (
        f"median {statistics.median(ms):7.1f} ms  p90 {p90:7.1f}  max {ms[-1]:7.1f}"
        f"  ({len(ms)} changes)"
    )


def contended(names: list[str], queue: bool) -> tuple[list[float], list[float]]:
    """Playground samples while one thread per name computes that page's largest
    request; returns (samples, each heavy request's duration)."""
    busy = threading.Event()
    busy.set()
    durations: list[float] = []
    remaining = [len(names)]
    lock = threading.Lock()

    def heavy(name):
        def work():
            if queue:
                with limits.heavy_request():
                    HEAVY[name]()
            else:
                HEAVY[name]()

        durations.append(timed(work))
        with lock:
            remaining[0] -= 1
            if not remaining[0]:
                busy.clear()

    threads = [threading.Thread(target=heavy, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # let the heavy work start
    samples = sample_while(busy, at_least=5)
    for thread in threads:
        thread.join()
    return samples, durations


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scenarios",
        default=(
            "neural:free,neural:queue,"
            "stochastic+stochastic+stochastic:free,stochastic+stochastic+stochastic:queue"
        ),
        help="comma-separated: page[+page...][:queue|:free]",
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"heavy requests computed at once: {limits.HEAVY_AT_ONCE.value}")
    playground_change()  # compile every kernel both sides use
    for name in HEAVY:
        print(f"warm-up {name}: {timed(HEAVY[name]):.1f} s")
    for scenario in args.scenarios.split(","):
        pages, _, mode = scenario.partition(":")
        names = pages.split("+")
        # A baseline right before each scenario: the machine is shared, its load
        # drifts, and the ratio is read against the nearest baseline.
        alone = sample_while(None, at_least=20)
        samples, durations = contended(names, queue=mode != "free")
        base = statistics.median(alone)
        label = " + ".join(names) + (f" ({mode})" if mode else "")
        print(f"{'Playground alone':<40}{summary(alone)}")
        print(f"{'  during ' + label:<40}{summary(samples)}")
        print(
            f"{'':<40}ratio median {statistics.median(samples) / base:5.2f}, "
            f"p90 {sorted(samples)[int(0.9 * len(samples))] / base:5.2f}; heavy took "
            + ", ".join(f"{d:.1f} s" for d in durations)
            + f"; load {os.getloadavg()[0]:.2f}"
        )


IMAGE = figures.surface_image(pg.surface_of(pg.PAGE.parse({})[0]))

if __name__ == "__main__":
    main()

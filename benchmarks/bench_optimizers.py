"""Every optimizer's batched kernel next to Adam's, measured in the same run.

    python benchmarks/bench_optimizers.py               # every registered optimizer
    python benchmarks/bench_optimizers.py --only lion   # those whose name contains it
    python benchmarks/bench_optimizers.py --markdown    # the table for docs/

The workload (issue #22, item 7): a 64x64 plane of runs, 1,000 steps each, at the
optimizer's defaults, from a 64x64 grid of start points over [-2, 2]^2 on the
eccentric quadratic (κ = 10, angle 0.4), where no default diverges, so every run takes
all its steps (a run that diverged would stop early and look fast). Target: each
first-order method (families other than line search, second-order and quasi-Newton,
and derivative-free, whose steps evaluate f several times by design) within 1.5x
Adam's time. Each time is the best of `--repeats` calls after a warm-up call that
compiles; the calls go round-robin over Adam and the others, so that every optimizer,
the baseline too, meets the same load of a shared machine (timed one after another,
a few seconds of another process's load doubled some times and not others). Adam's
best time is the baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import landscapes  # noqa: E402
import optimizers  # noqa: E402

STEPS = 1000
SIDE = 64
TARGET = 1.5
# Families whose steps evaluate f or its Hessian several times by design: timed and
# listed, but not held to the first-order target.
NOT_FIRST_ORDER = {
    "line search and conjugate gradient",
    "second-order and quasi-Newton",
    "derivative-free",
}


def plane_starts() -> np.ndarray:
    side = np.linspace(-2.0, 2.0, SIDE)
    gx, gy = np.meshgrid(side, side)
    return np.column_stack([gx.ravel(), gy.ravel()])


def plane(name: str, surface, starts):
    """The plane with `name` at its defaults."""
    return optimizers.sweep(name, surface, starts=starts, steps=STEPS)


def best_seconds(names: list[str], surface, starts, repeats: int) -> dict[str, float]:
    """Best wall time of each optimizer's plane, its calls taken round-robin."""
    best = dict.fromkeys(names, float("inf"))
    for _ in range(repeats):
        for name in names:
            began = time.perf_counter()
            plane(name, surface, starts)
            best[name] = min(best[name], time.perf_counter() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="names containing this text")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args()
    surface = landscapes.get("quadratic", condition_number=10.0, angle=0.4)
    starts = plane_starts()
    names = [n for n in optimizers.by_family() if args.only in n and n != "adam"]
    diverged = {}
    for name in ["adam", *names]:  # compiles
        diverged[name] = int((plane(name, surface, starts).diverged_at >= 0).sum())
    best = best_seconds(["adam", *names], surface, starts, args.repeats)
    adam = best["adam"]
    rows = [(name, best[name], diverged[name]) for name in names]
    if args.markdown:
        print(f"| optimizer | family | ms | x Adam ({adam * 1e3:.1f} ms) | target |")
        print("| --- | --- | ---: | ---: | --- |")
    else:
        print(
            f"{SIDE}x{SIDE} plane x {STEPS} steps, quadratic κ=10; Adam {adam * 1e3:.1f} ms"
        )
        print(f"{'optimizer':24} {'family':36} {'ms':>8} {'x Adam':>7}  target")
    failures = []
    for name, best, diverged in rows:
        family = optimizers.spec(name).family
        ratio = best / adam
        held = family not in NOT_FIRST_ORDER
        verdict = ("ok" if ratio <= TARGET else "SLOW") if held else "-"
        if held and ratio > TARGET:
            failures.append(name)
        note = f" ({diverged} diverged)" if diverged else ""
        if args.markdown:
            print(
                f"| {name}{note} | {family} | {best * 1e3:.1f} | {ratio:.2f} | {verdict} |"
            )
        else:
            print(
                f"{name + note:24} {family:36} {best * 1e3:8.1f} {ratio:7.2f}  {verdict}"
            )
    print(f"\nfirst-order methods over {TARGET}x Adam: {', '.join(failures) or 'none'}")


if __name__ == "__main__":
    main()

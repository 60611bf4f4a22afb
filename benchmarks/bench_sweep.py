"""Sweep page engine: a 512x512 hyperparameter plane of full Adam runs, next to a
NumPy-vectorized run of the same work measured in the same run (read the ratios: these
machines are noisy).

    python benchmarks/bench_sweep.py            # best of 3
    python benchmarks/bench_sweep.py --quick    # best of 1

Rows (issue #12, target: the 512x512 x 500-step Adam plane warm under 1 s and at least
5x NumPy):
  plane, one call        optimizers.planes.hyperparameter_plane without progress
  plane, 16 row blocks   the same with a progress callback, as the page computes it
  plane + score          the blocks plus the signed convergence score
  basin map              512x512 start points x 500 Adam steps on Himmelblau, + basins
  NumPy                  the same Adam plane vectorized over all 262,144 runs
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import START, best_of, numpy_adam  # noqa: E402

from optimizers import planes  # noqa: E402

SIDE = 512
STEPS = 500
LR = planes.Axis("lr", 1e-4, 1.0, SIDE, log=True)
BETA1 = planes.Axis("beta1", 0.0, 0.99, SIDE)


def plane(progress=None):
    return planes.hyperparameter_plane(
        "adam", "rosenbrock", LR, BETA1, start=START, steps=STEPS, progress=progress
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="best of 1")
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


if __name__ == "__main__":
    main()

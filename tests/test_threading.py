"""Parallel kernels called from several threads at once (as Streamlit's sessions call
them) never abort the process, under every threading layer this machine has.

Each case runs in a fresh process with NUMBA_THREADING_LAYER set: four threads each
run sweeps and surface grids ten times and compare them with the same work done
alone. Under workqueue the kernels are serialized by a lock; the last test shows that
without it the same work kills the process.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

WORK = """
import sys
import threading

import numba
import numpy as np

import landscapes
import optimizers
from landscapes import _jit

if sys.argv[1] == "unlocked":
    _jit.SERIALIZED = False
rates = np.linspace(0.01, 0.15, 1024)  # four chunks: a real parallel launch
expected = optimizers.sweep("gd", "quadratic", steps=300, grid={"lr": rates}).final
X, Y = np.meshgrid(np.linspace(-1, 1, 300), np.linspace(-1, 1, 300))
grid = landscapes.get("rosenbrock").value(X, Y)
errors = []


def work():
    try:
        for _ in range(10):
            got = optimizers.sweep("gd", "quadratic", steps=300, grid={"lr": rates})
            assert np.array_equal(got.final, expected)
            assert np.array_equal(landscapes.get("rosenbrock").value(X, Y), grid)
    except Exception as error:
        errors.append(repr(error))


threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(numba.threading_layer(), _jit.SERIALIZED, len(errors), errors[:1])
"""


def available(layer: str) -> bool:
    module = {"tbb": "tbbpool", "omp": "omppool", "workqueue": "workqueue"}[layer]
    try:
        importlib.import_module(f"numba.np.ufunc.{module}")
    except ImportError:
        return False
    return True


def run_work(tmp_path, layer: str, mode: str = "locked"):
    script = tmp_path / "threaded_sweeps.py"
    script.write_text(WORK)
    env = {**os.environ, "NUMBA_THREADING_LAYER": layer, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(script), mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


LAYERS = [layer for layer in ("tbb", "omp", "workqueue") if available(layer)]


@pytest.mark.parametrize("layer", LAYERS)
def test_concurrent_sweeps_under_each_layer(tmp_path, layer):
    result = run_work(tmp_path, layer)
    assert result.returncode == 0, result.stderr[-2000:]
    used, serialized, errors, _ = result.stdout.split(maxsplit=3)
    assert used == layer and errors == "0"
    assert serialized == str(layer == "workqueue")


def test_without_the_lock_workqueue_aborts(tmp_path):
    result = run_work(tmp_path, "workqueue", "unlocked")
    assert result.returncode != 0
    assert "Concurrent access has been detected" in result.stderr


def test_the_layer_is_chosen_not_defaulted():
    from landscapes import _jit

    if "NUMBA_THREADING_LAYER" not in os.environ:
        best = next(layer for layer in ("tbb", "omp", "workqueue") if available(layer))
        assert best == _jit.THREADING_LAYER
    assert (_jit.THREADING_LAYER == "workqueue") == _jit.SERIALIZED

"""Every Numba flag of the project, decided once.

Kernels receive a landscape as an integer id (``landscapes._dispatch``) and an optimizer
as an integer id (``optimizers._driver``), never as a jitted function passed in: Numba
cannot cache a kernel whose argument is a dispatcher, so it would recompile (seconds) in
every new process.

``cache=True`` only checks the timestamp of the file that defines a kernel, not the
files whose functions it inlines. So the on-disk cache lives in a folder named after a
hash of every source file of ``landscapes`` and ``optimizers``: any edit anywhere gives
a fresh folder and no stale kernel can load. The base folder is ``NUMBA_CACHE_DIR``
when set (set it for read-only deployments), else ``~/.cache/descent-lab/numba``.

``fastmath`` stays off: it changes NaN/inf handling (divergence detection relies on it)
and lets paths differ across machines. ``error_model="numpy"`` makes 1/0 give inf
instead of raising, which also lets LLVM vectorize divisions.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import threading
from pathlib import Path

import numba

_PACKAGES = ("landscapes", "optimizers")


def _source_hash() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(numba.__version__.encode())
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """The folder this source tree's compiled kernels are cached in."""
    base = os.environ.get("NUMBA_CACHE_DIR") or str(
        Path.home() / ".cache" / "descent-lab" / "numba"
    )
    return Path(base) / _source_hash()


numba.config.CACHE_DIR = str(cache_dir())

_FLAGS = {"cache": True, "error_model": "numpy", "fastmath": False, "nogil": True}


def jit(func=None, **overrides):
    """``numba.njit`` with the project's flags (a plain, cached, compiled function)."""
    flags = {**_FLAGS, **overrides}
    if func is None:
        return lambda f: numba.njit(**flags)(f)
    return numba.njit(**flags)(func)


def jit_inline(func):
    """A kernel piece inlined into its caller at Numba-IR level, so that it becomes
    part of the caller's loop body and LLVM can vectorize the loop as a whole."""
    return numba.njit(inline="always", **_FLAGS)(func)


def _choose_threading_layer() -> str:
    """The threading layer for the ``parallel=True`` kernels, decided here, not left to
    Numba's fallback. Streamlit runs each session's reruns in its own thread, so
    kernels are launched from several threads at once: TBB and OpenMP allow that,
    Numba's own ``workqueue`` layer aborts the whole process on it ("Concurrent
    access has been detected"). So: TBB if it is installed, else OpenMP, else
    workqueue with every parallel kernel call serialized (`SERIALIZED`). A layer set
    in NUMBA_THREADING_LAYER by whoever deploys the app is taken as given."""
    chosen = os.environ.get("NUMBA_THREADING_LAYER", "").strip().lower()
    if chosen and chosen not in ("default", "safe", "threadsafe", "forksafe"):
        return chosen
    for layer, module in (("tbb", "tbbpool"), ("omp", "omppool")):
        try:
            importlib.import_module(f"numba.np.ufunc.{module}")
        except ImportError:  # the layer's library is not installed
            continue
        numba.config.THREADING_LAYER = layer
        return layer
    numba.config.THREADING_LAYER = "workqueue"
    return "workqueue"


THREADING_LAYER = _choose_threading_layer()
# workqueue is not threadsafe: one parallel kernel at a time, the others wait.
SERIALIZED = THREADING_LAYER == "workqueue"
_PARALLEL_LOCK = threading.RLock()  # re-entrant: a call may re-enter (an import)
logging.getLogger("descent_lab").info(
    "Numba threading layer: %s%s",
    THREADING_LAYER,
    " (parallel kernels serialized)" if SERIALIZED else "",
)


class ParallelKernel:
    """A ``parallel=True`` dispatcher that, under the workqueue layer, takes a
    process-wide lock around each call. Other attributes are the dispatcher's."""

    def __init__(self, dispatcher):
        self.dispatcher = dispatcher

    def __call__(self, *args):
        if SERIALIZED:
            with _PARALLEL_LOCK:
                return self.dispatcher(*args)
        return self.dispatcher(*args)

    def __getattr__(self, name):
        return getattr(self.dispatcher, name)


def jit_parallel(func):
    """A top-level kernel whose ``numba.prange`` loop runs on all cores, safe to call
    from several threads at once (see `_choose_threading_layer`). Call it from
    Python only, never from another jitted function."""
    return ParallelKernel(numba.njit(parallel=True, **_FLAGS)(func))

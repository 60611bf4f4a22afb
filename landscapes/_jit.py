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
import os
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


def jit_parallel(func):
    """A top-level kernel whose ``numba.prange`` loop runs on all cores."""
    return numba.njit(parallel=True, **_FLAGS)(func)

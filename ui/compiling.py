"""What the app does, and says, while Numba compiles: the first use of a kernel on a
machine.

`install` (from the router, at every script run) sets the hook that
`landscapes._jit.first_call` calls instead of a kernel's first call in this process,
and once per process starts the background warm-up (optimizers.warm), while it
runs the interpreter process (landscapes._interpreted), and the SymPy process that
differentiates typed formulas (landscapes.expression.WORKER). The hook:

- kernel in the on-disk cache: calls it (it loads in ~0.1 s);
- a warm-up is running and the call is small (a Playground's runs, a contour grid):
  asks the warm-up to compile that kernel next and runs this call in the interpreter,
  the same source as plain Python, with the same numbers; the page then says what is
  compiling and that its figures came from the interpreter (`banner`);
- otherwise (a large sweep, network training, no warm-up running): compiles it
  here if no warm-up worker has started it (taking the task from the warm-up:
  the page runs at the server's priority, the workers at a lower one), else waits
  for the worker compiling it; either way saying what and about how long, updated
  while it waits.
"""

from __future__ import annotations

import contextlib
import logging
import statistics
import threading
import time

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from landscapes import _interpreted, _jit
from optimizers import warm

_installed = threading.Lock()
_done = False
INTERPRETER = _interpreted.Interpreter()
# In a session's state: the tasks whose kernels its pages had interpreted while they
# compiled; the banner stays until they are compiled.
INTERPRETED = "compiling.interpreted"
_log = logging.getLogger("descent_lab")


def install() -> None:
    """Set the first-use hook and start the warm-up, once per process; stop the
    interpreter once the warm-up has compiled everything."""
    global _done
    with _installed:
        if not _done:
            _jit.first_use_hook = _first_use
            if warm.start_background() or warm.running():
                INTERPRETER.start()  # its imports (~1 s) overlap the page's own
            # The SymPy process imports for ~1.2 s: started now, a first typed
            # formula does not wait for it.
            threading.Thread(
                target=_start_symbolic_worker, name="symbolic-start", daemon=True
            ).start()
            _done = True
        elif INTERPRETER.started and warm.complete():
            INTERPRETER.close()  # ~100 MB no page needs any more


def _start_symbolic_worker() -> None:
    from landscapes import expression

    try:
        expression.WORKER.start()
    except OSError as error:  # the first formula starts it again, or says why
        _log.warning("could not start the SymPy process: %s", error)


def typical_seconds(task: str) -> float | None:
    """The median compile time of warm-up tasks of `task`'s kind on this machine."""
    kind = task.partition(":")[0]
    seconds = []
    for other in warm.tasks():
        where, took = warm.state(other)
        if where == "done" and took and other.partition(":")[0] == kind:
            seconds.append(took)
    return statistics.median(seconds) if seconds else None


def message(task: str, waited: float | None = None) -> str:
    """The sentence shown while `task` compiles (`waited`: seconds a warm-up worker
    has spent on it so far, if one is on it)."""
    typical = typical_seconds(task)
    about = f"about {typical:.0f} s" if typical else "usually a few seconds"
    if waited is not None:
        return (
            f"Compiling {warm.title(task)}: first use on this machine. A warm-up "
            f"worker is on it ({waited:.0f} s so far; {about}). Every later use "
            "loads it at once."
        )
    return (
        f"Compiling {warm.title(task)}: first use on this machine, {about}. Every "
        "later use loads it at once."
    )


def banner_text(tasks: list[str]) -> str:
    """What a page says when `tasks`' kernels, still compiling, were interpreted."""
    names = sorted({warm.title(task, short=True) for task in tasks})
    done, total = warm.progress()
    typical = typical_seconds("run:") or 2.0  # an optimizer or a surface (12-07)
    left = typical * len(tasks) / max(1, _jit.WORKERS)
    return (
        f"First use on this machine: kernels for {', '.join(names)} are compiling "
        f"in the background ({done} of {total} ready; this page's in about "
        f"{left:.0f} s). Until then its numbers come from the same code run by the "
        "plain Python interpreter: identical results, only slower. Nothing to do: "
        "later changes get faster by themselves."
    )


def banner() -> None:
    """After a page has run: say so while kernels this session had interpreted are
    still compiling."""
    tasks = st.session_state.get(INTERPRETED, set())
    waiting = [task for task in tasks if not warm.ready(task)]
    if waiting and warm.running():
        st.info(banner_text(waiting), icon=":material/hourglass_top:")
    elif tasks:
        del st.session_state[INTERPRETED]


def _work(work, args) -> int:
    """A call's point evaluations: given, or its largest array argument's size."""
    if work is not None:
        return work
    return max((a.size for a in args if isinstance(a, np.ndarray)), default=1)


def _first_use(kernel, task: str, work, args, call):
    dispatcher = getattr(kernel, "dispatcher", kernel)
    if _jit.cached(dispatcher):
        return call()
    if (
        args is not None
        and _interpreted.affordable(_work(work, args))
        and warm.running()
    ):
        warm.request(task)
        try:
            result = INTERPRETER.call(kernel, work, args)
        except RuntimeError:
            _log.exception("interpreter failed; compiling %s here", task)
        else:
            if get_script_run_ctx() is not None:
                st.session_state.setdefault(INTERPRETED, set()).add(task)
            return result
    with _waiting(task):
        return call()


@contextlib.contextmanager
def _waiting(task: str):
    """Wait for the warm-up worker compiling `task` (or compile it here, in the
    caller), with a notice on the page saying what and how long."""
    in_page = get_script_run_ctx() is not None
    notice = st.empty() if in_page else None

    def report(seconds):
        if notice is not None:
            notice.info(message(task, seconds), icon=":material/hourglass_top:")

    taken = warm.take(task)
    began = time.monotonic()
    try:
        if (taken or not warm.wait_for(task, report)) and notice is not None:
            notice.info(message(task), icon=":material/hourglass_top:")
        yield
    except BaseException:
        if taken:
            warm.release(task)
        raise
    else:
        if taken:
            warm.finish(task, time.monotonic() - began)
    finally:
        if notice is not None:
            notice.empty()

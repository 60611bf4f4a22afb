"""A child process that ends when the process that started it is gone.

The app's children (the background warm-up and its workers, the interpreter process,
the SymPy process) must not outlive the server, however it stops: SIGTERM, Ctrl-C,
or SIGKILL, which runs none of the server's own cleanup. So each child watches its
parent itself: once the parent has exited, the child is given to another parent
(init, or a subreaper) and ``os.getppid()`` changes. The parent's pid is passed in,
so a parent that died before the child looked is noticed too.

Linux's ``prctl(PR_SET_PDEATHSIG)`` is not used: it fires when the *thread* that
started the child ends, and the app starts its children from short-lived threads (a
Streamlit script run, a start-up thread), so it would kill them at once.

landscapes/_symbolic.py runs as a script on its own (``python -P``) and has a copy of
`watch`'s few lines.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

# Seconds between two looks at the parent: a getppid() call, nothing measurable.
INTERVAL = 0.25


def watch(
    parent: int,
    on_gone: Callable[[], object] | None = None,
    interval: float = INTERVAL,
) -> threading.Thread:
    """Start a daemon thread that, once process `parent` is no longer this process's
    parent, calls `on_gone()` (to stop this process's own children first) and ends
    this process at once, mid-work: os._exit, no cleanup."""

    def look() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        try:
            if on_gone is not None:
                on_gone()
        finally:
            os._exit(1)

    thread = threading.Thread(target=look, name="lifeline", daemon=True)
    thread.start()
    return thread

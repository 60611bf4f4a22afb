"""Every process the app starts ends with the server, however the server stops.

A real `streamlit run app.py` with an empty Numba cache and the warm-up on: its first
page run starts the background warm-up (optimizers.warm: a main process, one spawned
worker per core, multiprocessing's resource tracker), the interpreter process
(landscapes._interpreted) and the SymPy process (landscapes/_symbolic.py). Once a
warm-up worker is compiling, the server is stopped: SIGTERM (a service manager),
SIGINT to its process group (Ctrl-C in the terminal it runs in) or SIGKILL (the
server gets no chance to clean up). Then no process started with this test's cache in
its environment may remain.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit_server import ARTIFACTS, stop_warm_up, streamlit_server
from websockets.sync.client import connect

# Generous bounds for conditions (two shared cores, a cold cache): never reached
# when things work.
START_SECONDS = 180.0
GONE_SECONDS = 20.0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # gone meanwhile, or not ours to read
        return b""


def processes() -> dict[int, dict]:
    """Every live (not zombie) process: its parent, start time, command line and
    environment, read from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _read(entry / "stat").decode(errors="replace")
        if not stat:
            continue
        fields = stat.rpartition(")")[2].split()
        if fields[0] == "Z":  # exited, waiting for its parent to read its status
            continue
        found[int(entry.name)] = {
            "ppid": int(fields[1]),
            "start": int(fields[19]),
            "cmdline": _read(entry / "cmdline").replace(b"\0", b" ").decode(),
            "environ": set(_read(entry / "environ").split(b"\0")),
        }
    return found


def descendants(pid: int, table: dict[int, dict]) -> set[int]:
    children = {p for p, info in table.items() if info["ppid"] == pid}
    return children.union(*(descendants(child, table) for child in children))


def ours(cache: Path) -> dict[int, str]:
    """The live processes started with `cache` as their NUMBA_CACHE_DIR: pid ->
    command line."""
    mark = f"NUMBA_CACHE_DIR={cache}".encode()
    return {p: i["cmdline"] for p, i in processes().items() if mark in i["environ"]}


def start_page(url: str):
    """Open a session on the server and ask it to run the first page, as a browser
    does on connecting; returns the open websocket (the page runs on)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    ws = connect(
        url.replace("http://", "ws://") + "/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=60,
    )
    back = BackMsg()
    back.rerun_script.query_string = ""
    back.rerun_script.page_script_hash = ""
    ws.send(back.SerializeToString())
    return ws


def children_running(server_pid: int, cache: Path) -> dict[str, set[int]] | None:
    """The app's children by kind once all have started and a warm-up worker is
    compiling; None before."""
    pid_files = list(cache.glob("*/warm/pid"))
    if not pid_files or not list(pid_files[0].parent.glob("*.started")):
        return None
    table = processes()
    warm_pid = int(pid_files[0].read_text())
    under_server = descendants(server_pid, table)
    under_warm = descendants(warm_pid, table)

    def having(text: str, among: set[int]) -> set[int]:
        return {p for p in among if text in table[p]["cmdline"]}

    kinds = {
        "warm-up": {warm_pid} & under_server,
        "workers": having("--multiprocessing-fork", under_warm),
        "tracker": having("resource_tracker", under_warm),
        "interpreter": having("landscapes._interpreted", under_server),
        "sympy": having("_symbolic.py", under_server),
    }
    workers_expected = os.cpu_count() or 1
    if len(kinds["workers"]) < workers_expected or not all(kinds.values()):
        return None
    return kinds


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_no_process_outlives_the_server(tmp_path, how):
    cache = tmp_path / "numba"
    environment = {"NUMBA_CACHE_DIR": str(cache), "DESCENT_LAB_WARM": "1"}
    try:
        with streamlit_server(env=environment, new_session=True) as server:
            ws = start_page(server.url)
            deadline = time.monotonic() + START_SECONDS
            while (kinds := children_running(server.process.pid, cache)) is None:
                assert time.monotonic() < deadline, f"children: {ours(cache)}"
                assert server.process.poll() is None
                time.sleep(0.2)
            started = set().union(*kinds.values())
            assert started <= set(ours(cache))  # what the check below looks for

            stopped = time.monotonic()
            if how == "SIGINT":  # Ctrl-C: the terminal signals the foreground group
                os.killpg(server.process.pid, signal.SIGINT)
            else:
                os.kill(server.process.pid, getattr(signal, how))
            while (left := ours(cache)) and time.monotonic() - stopped < GONE_SECONDS:
                server.process.poll()  # reap the server once it has exited
                time.sleep(0.05)
            took = time.monotonic() - stopped
            ws.close()
            assert not left, f"still running {took:.0f} s after {how}: {left}"
            print(f"{how}: every child gone {took:.2f} s after the signal")
            log = ARTIFACTS / f"streamlit-{server.port}.log"
            assert "Traceback" not in log.read_text(errors="replace")
    finally:
        for pid in ours(cache):  # a failed run leaves nothing behind
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        stop_warm_up(cache)


def test_the_warm_up_workers_end_with_it(tmp_path):
    """The warm-up as run by hand (no --parent, not watching anyone), killed
    outright mid-compile: its spawned workers notice and end too."""
    cache = tmp_path / "numba"
    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(root)}
    warm_up = subprocess.Popen(
        [sys.executable, "-m", "optimizers.warm", "--jobs", "2"],
        cwd=root,
        env=environment,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while len(list(cache.glob("*/warm/*.started"))) < 2:  # both are compiling
            assert time.monotonic() < deadline and warm_up.poll() is None
            time.sleep(0.2)
        workers = set(ours(cache)) - {warm_up.pid}
        assert len(workers) == 3  # two workers, multiprocessing's resource tracker
        warm_up.kill()
        warm_up.wait()
        stopped = time.monotonic()
        while (left := ours(cache)) and time.monotonic() - stopped < GONE_SECONDS:
            time.sleep(0.05)
        assert not left, f"still running after the warm-up was killed: {left}"
        print(f"workers gone {time.monotonic() - stopped:.2f} s after SIGKILL")
    finally:
        for pid in ours(cache):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        warm_up.kill()
        warm_up.wait()

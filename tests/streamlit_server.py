"""A real `streamlit run app.py` on a free loopback port, for the tests that need one
(tests/test_browser.py, tests/test_deploy.py). Its log lands in test-artifacts/."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# Debian's Chromium as every browser test and benchmark starts it: without the
# background-networking flags it keeps trying this machine's closed network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 60):
    """Poll `url`/_stcore/health; False if the process exits or never answers."""
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return True
        except OSError:
            time.sleep(0.3)
    return False


@dataclass
class Server:
    """A running `streamlit run app.py`: its port, URL and process."""

    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@contextlib.contextmanager
def streamlit_server(*args: str, env: dict | None = None, new_session: bool = False):
    """A fresh `streamlit run app.py` on a free port (extra command-line `args`,
    extra environment `env`; `new_session`: leading its own process group, as a
    shell's foreground job, so a test can send the group a terminal's Ctrl-C);
    yields a `Server`, stopped on exit."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{port}.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            *args,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=new_session,
    )
    server = Server(port, process)
    if not wait_until_healthy(server.url, process):
        process.kill()
        process.wait()
        log.close()
        pytest.fail("streamlit did not start")
    try:
        yield server
    finally:
        server.stop()
        log.close()


def stop_warm_up(cache: Path) -> None:
    """End the background warm-up (optimizers.warm) a server started on the Numba
    cache folder `cache`, if it still runs: its process group, whose pid it wrote."""
    for pid_file in Path(cache).glob("*/warm/pid"):
        with contextlib.suppress(OSError, ValueError):
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)


@contextlib.contextmanager
def run_server():
    """A fresh `streamlit run app.py` on a free port; yields its URL."""
    with streamlit_server() as server:
        yield server.url


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"

# Debian's nginx around deploy/nginx.conf: every path it writes inside `folder`.
NGINX_MAIN = """\
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 4096; }}
http {{
    # Each request's test id (header X-Test-Request) and the replica nginx sent it to.
    log_format upstream '$http_x_test_request $upstream_addr $status';
    access_log {folder}/access.log upstream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/descent-lab.conf;
}}
"""


def render_nginx_conf(text: str, listen: int, replicas: list[int]) -> str:
    """deploy/nginx.conf for loopback: `listen 80` becomes 127.0.0.1:`listen`, and
    replica k's `appk:<port>` (in server lines and the $upstream_addr map) becomes
    127.0.0.1:`replicas[k-1]`. Fails if the file names other replicas than these."""
    named = dict(re.findall(r"\bserver (app\d+):(\d+)", text))
    if sorted(named) != [f"app{k}" for k in range(1, len(replicas) + 1)]:
        raise ValueError(f"{NGINX_CONF} names replicas {sorted(named)}")
    if text.count("listen 80;") != 1:
        raise ValueError(f"{NGINX_CONF} has no single `listen 80;`")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    for k, port in enumerate(replicas, start=1):
        old = named[f"app{k}"]
        if f"~:{old}$ app{k};" not in text:
            raise ValueError(f"{NGINX_CONF} does not map port {old} to app{k}")
        text = text.replace(f"app{k}:{old}", f"127.0.0.1:{port}")
        text = text.replace(f"~:{old}$ app{k};", f"~:{port}$ app{k};")
    return text


@contextlib.contextmanager
def nginx_proxy(replicas: list[int], folder: Path):
    """Debian's nginx in the foreground with deploy/nginx.conf in front of the
    loopback `replicas` (ports), on a free port; yields its URL."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "descent-lab.conf").write_text(
        render_nginx_conf(NGINX_CONF.read_text(), port, replicas)
    )
    (folder / "nginx.conf").write_text(NGINX_MAIN.format(folder=folder))
    log = open(folder / "stderr.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        + ["-e", str(folder / "error.log"), "-g", "daemon off;"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            break
        time.sleep(0.1)
    else:
        process.kill()
        process.wait()
        log.close()
        errors = (folder / "error.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"nginx did not start:\n{errors}")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def run_script(ws, query: str = "", seconds: float = 600) -> list:
    """Ask the Streamlit session on websocket `ws` to run its page (as the browser
    does on connecting) and read its messages up to script_finished; returns them.
    (`seconds` bounds each wait: a cold kernel cache compiles on first use.)"""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    back = BackMsg()
    back.rerun_script.query_string = query
    back.rerun_script.page_script_hash = ""
    ws.send(back.SerializeToString())
    messages = []
    while not messages or messages[-1].WhichOneof("type") != "script_finished":
        message = ForwardMsg()
        message.ParseFromString(ws.recv(timeout=seconds))
        messages.append(message)
    return messages

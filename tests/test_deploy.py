"""deploy/nginx.conf on loopback: Debian's nginx in front of two `streamlit run app.py`
replicas, as deploy/compose.yaml runs it (the file itself, only the replicas'
addresses and the listening port replaced: tests/streamlit_server.py).

Which replica served a request is read from nginx's access log (a log format of this
test's own: the request's X-Test-Request id and $upstream_addr), not from the
shipped file's maps, so a wrong map shows as a mismatch. Requests name the site
`descent-lab.test:<port>` (Host and Origin, as a browser on a real host name does):
Streamlit accepts a websocket from 127.0.0.1 whatever its Host, but not from another
host name unless Origin and Host agree.
"""

import os
import socket
import time
import urllib.request
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlparse

import pytest
from streamlit_server import (
    NGINX,
    nginx_proxy,
    run_script,
    streamlit_server,
)

if not os.access(NGINX, os.X_OK):
    if os.environ.get("CI"):
        pytest.fail(f"{NGINX} is missing (required on CI)", pytrace=False)
    pytest.skip("no nginx (apt-get install nginx)", allow_module_level=True)
websockets_sync = pytest.importorskip("websockets.sync.client")
from websockets.exceptions import ConnectionClosed  # noqa: E402 (after the skip)

COOKIE = "descent_lab_replica"


class Stack:
    """Two replicas and nginx in front; which replica served which request."""

    def __init__(self, proxy: str, replicas: dict, folder):
        self.proxy = proxy
        self.port = urlparse(proxy).port
        self.site = f"descent-lab.test:{self.port}"  # what the browser's bar shows
        self.replicas = replicas  # name -> tests.streamlit_server.Server
        self.folder = folder

    def served_by(self, request_id: str) -> str:
        """The replica nginx's access log says answered `request_id` (the last
        address tried); "" if none. (A websocket is logged once nginx has closed
        both its ends, just after the client's close.)"""
        for _ in range(300):
            lines = (self.folder / "access.log").read_text().splitlines()
            found = [line for line in lines if line.startswith(request_id + " ")]
            if found:
                break
            time.sleep(0.1)
        [line] = found
        last = line.split(" ", 1)[1].rsplit(" ", 1)[0].split(", ")[-1]
        for name, server in self.replicas.items():
            if last == f"127.0.0.1:{server.port}":
                return name
        return ""

    def get(self, path: str = "/", cookie: str | None = None):
        """GET through nginx; (status, replica from the access log, the response's
        descent_lab_replica cookie, its X-Descent-Lab-Replica header, body)."""
        request_id = uuid.uuid4().hex
        headers = {"X-Test-Request": request_id, "Host": self.site}
        if cookie is not None:
            headers["Cookie"] = f"{COOKIE}={cookie}"
        request = urllib.request.Request(self.proxy + path, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            status = response.status
            set_cookie = SimpleCookie()
            for value in response.headers.get_all("Set-Cookie") or []:
                set_cookie.load(value)
            header = response.headers.get("X-Descent-Lab-Replica")
        given = set_cookie[COOKIE].value if COOKIE in set_cookie else None
        return status, self.served_by(request_id), given, header, body

    def session(self, cookie: str | None = None):
        """A Streamlit websocket session through nginx, as a browser opens it (Origin
        is the page's own), with the affinity cookie if given."""
        request_id = uuid.uuid4().hex
        headers = {"X-Test-Request": request_id}
        if cookie is not None:
            headers["Cookie"] = f"{COOKIE}={cookie}"
        ws = websockets_sync.connect(
            f"ws://{self.site}/_stcore/stream",
            sock=socket.create_connection(("127.0.0.1", self.port)),
            subprotocols=["streamlit"],
            origin=f"http://{self.site}",
            additional_headers=headers,
            max_size=None,
            open_timeout=60,
        )
        ws.request_id = request_id
        return ws


def start_stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    with (
        streamlit_server() as app1,
        streamlit_server() as app2,
        nginx_proxy([app1.port, app2.port], folder) as proxy,
    ):
        yield Stack(proxy, {"app1": app1, "app2": app2}, folder)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    yield from start_stack(tmp_path_factory)


@pytest.fixture
def own_stack(tmp_path_factory):
    """A stack of this test's own (it stops a replica)."""
    yield from start_stack(tmp_path_factory)


def finished(messages) -> bool:
    """The page ran to its end without an exception shown, and drew something."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kinds = [m.WhichOneof("type") for m in messages]
    last = messages[-1].script_finished
    exceptions = [
        m
        for m in messages
        if m.WhichOneof("type") == "delta"
        and m.delta.new_element.WhichOneof("type") == "exception"
    ]
    return (
        last == ForwardMsg.FINISHED_SUCCESSFULLY and "delta" in kinds and not exceptions
    )


def test_the_page_and_its_websocket_session_through_the_proxy(stack):
    status, replica, _, _, body = stack.get("/")
    assert status == 200 and replica in stack.replicas
    assert b"<title>Streamlit</title>" in body
    assert stack.get("/_stcore/health")[0] == 200
    with stack.session() as ws:
        assert ws.response.status_code == 101
        messages = run_script(ws)
        assert messages[0].WhichOneof("type") == "new_session"
        assert finished(messages)
    assert stack.served_by(ws.request_id) in stack.replicas


@pytest.mark.parametrize("name", ["app1", "app2"])
def test_the_cookie_keeps_a_visitor_on_its_replica(stack, name):
    served = [stack.get("/", cookie=name) for _ in range(8)]
    assert {s[1] for s in served} == {name}  # the access log: that replica, always
    assert {s[2] for s in served} == {name}  # and the cookie keeps naming it
    assert {s[3] for s in served} == {name}  # (the diagnostic header agrees)
    with stack.session(cookie=name) as ws:
        assert ws.response.headers["X-Descent-Lab-Replica"] == name
        assert finished(run_script(ws))
    assert stack.served_by(ws.request_id) == name


def test_visitors_without_the_cookie_are_spread_and_each_given_its_replica(stack):
    served = [stack.get("/") for _ in range(10)]
    assert {s[1] for s in served} == set(stack.replicas)
    for _, replica, cookie, header, _ in served:
        assert cookie == replica and header == replica
    # An unknown or forged value is no address: the visitor is placed as if new.
    assert stack.get("/", cookie="127.0.0.1:22")[1] in stack.replicas


def test_a_visitor_whose_replica_stops_is_served_by_the_other(own_stack):
    stack = own_stack
    pinned_1 = stack.session(cookie="app1")
    pinned_2 = stack.session(cookie="app2")
    try:
        assert finished(run_script(pinned_1)) and finished(run_script(pinned_2))
        stack.replicas["app1"].stop()
        # The session pinned to app1 lived there: its websocket closes.
        with pytest.raises(ConnectionClosed):
            while True:
                pinned_1.recv(timeout=60)
        # The one on app2 carries on.
        assert finished(run_script(pinned_2))
    finally:
        pinned_1.close()
        pinned_2.close()
    assert stack.served_by(pinned_1.request_id) == "app1"
    assert stack.served_by(pinned_2.request_id) == "app2"

    # The browser reloads (or reconnects) with the cookie of the stopped replica.
    status, replica, cookie, _, _ = stack.get("/", cookie="app1")
    assert (status, replica, cookie) == (200, "app2", "app2")
    with stack.session(cookie="app1") as ws:
        assert finished(run_script(ws))
    assert stack.served_by(ws.request_id) == "app2"
    # New visitors too, all on the replica left.
    assert {stack.get("/")[1] for _ in range(4)} == {"app2"}

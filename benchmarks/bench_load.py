"""Load test (issue #11): many concurrent sessions against one `streamlit run`, through
Streamlit's own websocket protocol, and a few real Chromium pages at once.

    python benchmarks/bench_load.py                       # 200 sessions, own server
    python benchmarks/bench_load.py --sessions 20 --duration 40
    python benchmarks/bench_load.py --browsers 8          # also 8 Playwright contexts
    python benchmarks/bench_load.py --url http://127.0.0.1:8080/ --pid 1234 --pid 1240

Targets on one 2-core machine: 200 sessions opening within 30 s, then each changing a
widget every 10 s, with no error, median response <= 0.5 s and p95 <= 2 s.

What one protocol session does (what the browser's frontend sends, minus rendering):

1. Opens ws://HOST/_stcore/stream with the subprotocol "streamlit" and sends a
   `BackMsg.rerun_script` whose `ClientState` holds the page's query string and page
   name ("" for the Playground, "compare", "schedules", or a Gallery preset's link:
   the preset's query on its target page, as the Gallery's Open button builds it),
   plus a `ContextInfo` (url, locale, timezone) as the browser does.
2. Reads `ForwardMsg`s until `script_finished` (FINISHED_SUCCESSFULLY). The
   Playground's first run of a session ends after the figure with an invisible
   component (ui.listeners.rerun_when_figure_drawn) whose JavaScript, in a browser,
   calls `setTriggerValue("drawn", true)` once the figure is painted. The client
   does what that call makes the frontend send, at once (no paint to wait for): a
   rerun whose `WidgetStates` hold the component's trigger widget
   (`$$STREAMLIT_INTERNAL_KEY_<element id>__events`) with `json_trigger_value`
   `[{"event": "drawn", "value": true}]`, and reads until that run finishes. The page
   is then complete (sidebar, tables). "Open" latency is from the connect to that
   last `script_finished`; "first figure" to the first `plotly_chart` delta.
3. Every `--interval` seconds (the first at a random offset, so sessions do not move
   in lockstep) changes the page's "Steps" slider to a new random value (a new
   configuration, so no cache answers it) and sends a rerun with the current query
   string, page script hash and its widget states. The rerun must end with
   FINISHED_SUCCESSFULLY, hold no exception element, and the page must then write
   steps=<new value> into its URL (`page_info_changed`): a check that the change
   reached the script. A browser's rerun carries every widget's value; this client
   carries only the widgets it changed (each page keeps the others in session state),
   so its BackMsgs are a few hundred bytes instead of a few kB.

Latencies are from sending the BackMsg to receiving `script_finished`: the server's
figure, not a browser's (on 2 cores 20 Chromium contexts are client-bound, ~3 min to
their first figure). The client runs on the same cores; its CPU time is printed beside
the server's. Only loopback URLs are accepted; every loop is bounded in count and
time, and the script stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # streamlit_server, the tests' helper
from streamlit_server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LOOPBACK = ("127.0.0.1", "::1", "localhost")
FIGURE_SIGNAL = "descent_lab.figure_drawn"  # ui.widgets' component name
DRAWN = json.dumps([{"event": "drawn", "value": True}])
HARD_CAP_SESSIONS = 2000  # a bound on what one invocation may open


# ---------------------------------------------------------------------------
# Targets and the server


@dataclass(frozen=True)
class Target:
    """One page a session opens: its kind (for the report), Streamlit page name (the
    URL path) and query string."""

    kind: str
    page_name: str
    query: str

    def path(self) -> str:
        return "/" + self.page_name + ("?" + self.query if self.query else "")


def targets() -> list[Target]:
    """Playground, Compare, Schedules and Gallery presets (each preset's link, as the
    Gallery's Open button builds it): a load's sessions take each as often as round
    robin would, in a seeded random order."""
    from ui.presets import PRESETS
    from ui.state import ViewOptions, view_query

    pages = {"playground": "", "schedules": "schedules"}
    presets = [
        Target(
            f"preset {p.key}",
            pages[p.page],
            urlencode(
                {**p.query, **view_query(ViewOptions(preset=p.key))},
                doseq=True,
            ),
        )
        for p in PRESETS
        if p.page in pages
    ]
    base = [
        Target("playground", "", ""),
        Target("compare", "compare", ""),
        Target("schedules", "schedules", ""),
    ]
    # Every fourth session opens a preset, the presets in turn.
    return [t for preset in presets for t in (*base, preset)]


def check_loopback(url: str) -> str:
    """`url` with a trailing slash, if its host is a loopback name; else ValueError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK:
        raise ValueError(
            f"refusing {url!r}: the load test targets only loopback "
            f"(http://127.0.0.1, http://[::1], http://localhost)"
        )
    return url if url.endswith("/") else url + "/"


def stream_url(url: str) -> str:
    parts = urlsplit(check_loopback(url))
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path}_stcore/stream"


def warm_kernels() -> None:
    """Compile every kernel into the on-disk cache (seconds when already warm)."""
    subprocess.run([sys.executable, "-m", "optimizers.warm"], cwd=ROOT, check=True)


@contextlib.contextmanager
def serve(*options: str):
    """A fresh `streamlit run app.py` on a free loopback port as deployed (no module
    reloading when a source file changes, no background warm-up: kernels are
    compiled first), with extra command-line `options`; yields (url, pid). The
    tests' helper, so both start it alike."""
    from streamlit_server import streamlit_server

    process = None
    try:
        with streamlit_server(
            "--server.fileWatcherType", "none", *options, env={"DESCENT_LAB_WARM": "0"}
        ) as server:
            process = server.process
            yield server.url + "/", server.process.pid
    except subprocess.TimeoutExpired:
        # A loaded server can take longer than the helper's 10 s to stop.
        process.kill()
        process.wait(30)


def rss_mb(pids: list[int]) -> float | None:
    """The summed resident set size of `pids` in MB (None if none is readable)."""
    total, seen = 0, False
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    seen = True
        except OSError:
            pass
    return total / 1024 if seen else None


def cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU seconds of `pids` so far (None if none is readable)."""
    ticks, seen = 0, False
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            seen = True
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK") if seen else None


# ---------------------------------------------------------------------------
# The protocol client


class LoadError(Exception):
    """A failed session step: the message says what and where."""


@dataclass
class Rerun:
    """What one script run sent back."""

    seconds: float
    first_figure: float | None  # seconds to the first plotly_chart delta
    sliders: dict  # label -> Slider proto
    figure_signal: str | None  # the figure-drawn component's element id
    exceptions: list[str]


@dataclass
class Session:
    """One browser tab's worth of protocol: a websocket and the state a frontend
    keeps (query string, page script hash, the widget states it has set)."""

    url: str
    target: Target
    timeout: float
    rng: random.Random
    ws: object = None
    query: str = ""
    page_script_hash: str = ""
    widget_states: dict = field(default_factory=dict)  # id -> WidgetState
    sliders: dict = field(default_factory=dict)
    changes: int = 0
    opening_steps: int = 0

    async def open(self) -> tuple[float, float]:
        """Connect and load the page in full; returns (seconds to the first figure,
        seconds to the complete page)."""
        from streamlit.components.v2.bidi_component.main import _make_trigger_id
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        from websockets.asyncio.client import connect

        began = time.perf_counter()
        try:
            self.ws = await asyncio.wait_for(
                connect(
                    stream_url(self.url),
                    subprotocols=["streamlit"],
                    max_size=None,
                    ping_interval=None,  # a browser sends no websocket pings
                    open_timeout=None,
                ),
                self.timeout,
            )
        except (OSError, TimeoutError) as error:
            raise LoadError(f"connect: {type(error).__name__}: {error}") from error
        self.query = self.target.query
        run = await self._rerun(page_name=self.target.page_name)
        figure = run.first_figure
        if run.figure_signal is not None:
            # What the component's setTriggerValue("drawn", true) makes the
            # frontend send; a trigger is sent once, not kept with the widgets.
            trigger = WidgetState(
                id=_make_trigger_id(run.figure_signal, "events"),
                json_trigger_value=DRAWN,
            )
            run = await self._rerun(extra=[trigger])
            if run.figure_signal is not None:
                raise LoadError("the page asked for the figure signal twice")
        if figure is None:
            figure = run.first_figure
        self.sliders = run.sliders
        return (
            figure if figure is not None else float("nan"),
            time.perf_counter() - began,
        )

    async def change(self) -> float:
        """Move the Steps slider to a new value; returns the rerun's seconds."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        label = next((k for k in self.sliders if k.startswith("Steps")), None)
        if label is None:
            raise LoadError(f"no Steps slider on {self.target.kind}")
        slider = self.sliders[label]
        # The page writes its Steps into its URL; the slider's proto carries a value
        # only when the page set it in session state.
        shown = parse_qs(self.query).get("steps") or (slider.value or slider.default)
        current = int(float(shown[0]))
        # A new value between half the page's opening Steps and all of it, so the
        # work per rerun stays that of the page as opened.
        self.opening_steps = self.opening_steps or current
        low = max(int(slider.min), self.opening_steps // 2)
        high = min(int(slider.max), max(low + 1, self.opening_steps))
        new = current
        while new == current:
            new = self.rng.randint(low, high)
        state = WidgetState(id=slider.id)
        state.double_array_value.data.append(float(new))
        self.widget_states[slider.id] = state
        run = await self._rerun()
        self.changes += 1
        steps = parse_qs(self.query).get("steps")
        if steps != [str(new)]:
            raise LoadError(
                f"{self.target.kind}: Steps set to {new}, the page's URL says {steps}"
            )
        if run.sliders:
            self.sliders = run.sliders
        return run.seconds

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 10)

    async def _rerun(self, page_name: str = "", extra=()) -> Rerun:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = page_name
        state.page_script_hash = (
            "" if page_name or not self.page_script_hash else (self.page_script_hash)
        )
        state.widget_states.widgets.extend([*self.widget_states.values(), *extra])
        info = state.context_info
        info.url = (
            self.url.rstrip("/")
            + "/"
            + page_name
            + ("?" + self.query if self.query else "")
        )
        info.locale, info.timezone, info.timezone_offset = "en-US", "UTC", 0
        info.is_embedded, info.color_scheme = False, "light"
        began = time.perf_counter()
        try:
            await self.ws.send(message.SerializeToString())
        except Exception as error:
            raise LoadError(f"send: {type(error).__name__}: {error}") from error
        return await self._receive(began)

    async def _receive(self, began: float) -> Rerun:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        sliders, signal, exceptions, figure = {}, None, [], None
        deadline = began + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise LoadError(f"{self.target.kind}: no script_finished in time")
            try:
                data = await asyncio.wait_for(self.ws.recv(), remaining)
            except TimeoutError:
                raise LoadError(
                    f"{self.target.kind}: no script_finished within {self.timeout} s"
                ) from None
            except Exception as error:
                raise LoadError(
                    f"{self.target.kind}: connection: {type(error).__name__}: {error}"
                ) from error
            message = ForwardMsg.FromString(data)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "slider":
                    sliders[element.slider.label] = element.slider
                elif etype == "plotly_chart" and figure is None:
                    figure = time.perf_counter() - began
                elif etype == "bidi_component":
                    if element.bidi_component.component_name == FIGURE_SIGNAL:
                        signal = element.bidi_component.id
                elif etype == "exception":
                    exceptions.append(
                        f"{element.exception.type}: {element.exception.message}"
                    )
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "navigation":
                self.page_script_hash = message.navigation.page_script_hash
            elif kind == "page_not_found":
                raise LoadError(f"{self.target.kind}: page not found")
            elif kind == "script_finished":
                status = message.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    sliders, signal, exceptions = {}, None, []
                    continue
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    name = ForwardMsg.ScriptFinishedStatus.Name(status)
                    raise LoadError(f"{self.target.kind}: script finished {name}")
                if exceptions:
                    raise LoadError(f"{self.target.kind}: exception {exceptions[0]}")
                return Rerun(
                    time.perf_counter() - began, figure, sliders, signal, exceptions
                )


# ---------------------------------------------------------------------------
# The load and its report


@dataclass
class LoadResult:
    sessions: int
    opened: int = 0
    first_figure: list = field(default_factory=list)
    opens: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # (kind, seconds)
    changes_per_session: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    all_open_at: float | None = None  # seconds from the first connect
    wall: float = 0.0
    rss: dict = field(default_factory=dict)  # label -> MB
    rss_series: list = field(default_factory=list)  # (seconds, MB) every 10 s
    server_cpu: float | None = None
    client_cpu: float = 0.0


async def run_load(
    urls: list[str],
    sessions: int,
    ramp: float,
    interval: float,
    duration: float,
    timeout: float = 60.0,
    pids: list[int] = (),
    seed: int = 0,
    page_targets: list[Target] | None = None,
    max_changes: int | None = None,
) -> LoadResult:
    """`sessions` sessions, started evenly over `ramp` seconds, each then changing a
    widget every `interval` s until `duration` s after the first started (or after
    `max_changes` changes); all stay connected until the last is done."""
    if not 1 <= sessions <= HARD_CAP_SESSIONS:
        raise ValueError(f"sessions must be in 1..{HARD_CAP_SESSIONS}")
    urls = [check_loopback(u) for u in urls]
    page_targets = page_targets or targets()
    result = LoadResult(sessions)
    result.rss["before"] = rss_mb(list(pids))
    cpu_before, client_before = cpu_seconds(list(pids)), time.process_time()
    began = time.perf_counter()
    end = began + duration
    opened = asyncio.Event()
    done: list[Session] = []
    # Each target as often as round robin gives it, in a seeded random order: which
    # page a session opens must not follow which replica a round-robin proxy gives
    # it (in turn, every Playground and Schedules session went to one of two).
    session_targets = [page_targets[i % len(page_targets)] for i in range(sessions)]
    random.Random(seed).shuffle(session_targets)

    async def one(index: int) -> None:
        await asyncio.sleep(index * ramp / sessions)
        rng = random.Random(seed * 100_003 + index)
        session = Session(urls[index % len(urls)], session_targets[index], timeout, rng)
        done.append(session)
        try:
            try:
                figure, full = await session.open()
                result.first_figure.append(figure)
                result.opens.append(full)
            finally:
                result.opened += 1
                if result.opened == sessions:
                    result.all_open_at = time.perf_counter() - began
                    opened.set()
            next_change = time.perf_counter() + rng.uniform(0, interval)
            while next_change < end and (
                max_changes is None or session.changes < max_changes
            ):
                await asyncio.sleep(max(0.0, next_change - time.perf_counter()))
                result.changes.append((session.target.kind, await session.change()))
                # The next change `interval` after this one was made, or at once
                # if the answer took longer than that.
                next_change = max(next_change + interval, time.perf_counter())
        except LoadError as error:
            result.errors.append(str(error))
        result.changes_per_session.append(session.changes)

    async def sample_rss() -> None:
        await opened.wait()
        result.rss["all open"] = rss_mb(list(pids))

    async def rss_series() -> None:
        while pids:
            result.rss_series.append((time.perf_counter() - began, rss_mb(list(pids))))
            await asyncio.sleep(10)

    sampler = asyncio.create_task(sample_rss())
    series = asyncio.create_task(rss_series())
    # A bound on the whole: every step of every session has its own timeout.
    budget = ramp + duration + timeout * ((max_changes or 1000) + 3) + 30
    tasks = [asyncio.create_task(one(i)) for i in range(sessions)]
    finished, pending = await asyncio.wait(tasks, timeout=budget)
    for task in pending:
        task.cancel()
        result.errors.append("session cancelled at the time bound")
    for task in finished:
        if task.exception() is not None:
            result.errors.append(f"client bug: {task.exception()!r}")
    result.wall = time.perf_counter() - began
    if not sampler.done():
        sampler.cancel()
    series.cancel()
    result.rss["end, connected"] = rss_mb(list(pids))
    await asyncio.gather(*(s.close() for s in done))
    await asyncio.sleep(3 if pids else 0)
    result.rss["after disconnect"] = rss_mb(list(pids))
    cpu_after = cpu_seconds(list(pids))
    if cpu_before is not None and cpu_after is not None:
        result.server_cpu = cpu_after - cpu_before
    result.client_cpu = time.process_time() - client_before
    return result


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """(median, p95, worst) in seconds; NaN for no values."""
    if not values:
        return (float("nan"),) * 3
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered), p95, ordered[-1]


async def run_baseline(
    url: str, changes: int = 3, timeout: float = 120.0, pids: list[int] = ()
) -> dict:
    """Each page kind alone, one session at a time: its open and `changes` widget
    changes, and the server's CPU seconds per change (when `pids` are given). Also
    loads every kernel and cache a page needs before the load."""
    latencies = {"first figure": [], "open": [], "change": [], "cpu": []}
    kinds = {}
    for target in targets()[:4] + [t for t in targets() if t.kind.startswith("pre")]:
        if target.kind in kinds:
            continue
        session = Session(url, target, timeout, random.Random(1))
        steps, cpu = [], []
        try:
            figure, full = await session.open()
            for _ in range(changes):
                before = cpu_seconds(list(pids))
                steps.append(await session.change())
                after = cpu_seconds(list(pids))
                if before is not None and after is not None:
                    cpu.append(after - before)
        finally:
            await session.close()
        kinds[target.kind] = (full, steps, cpu)
        latencies["first figure"].append(figure)
        latencies["open"].append(full)
        latencies["change"].extend(steps)
        latencies["cpu"].extend(cpu)
    return {"by kind": kinds, **latencies}


def print_report(result: LoadResult, baseline: dict | None, args) -> None:
    print()
    print(
        f"{result.sessions} sessions over a {args.ramp:g} s ramp, a widget change "
        f"every {args.interval:g} s, {args.duration:g} s in all "
        f"(wall {result.wall:.1f} s); load average now: "
        + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    )
    opened_ok = len(result.opens)
    at = f"{result.all_open_at:.1f} s" if result.all_open_at is not None else "never"
    print(f"sessions opened: {opened_ok}/{result.sessions}, the last at {at}")
    print(
        f"\n{'latency (s)':<34}{'median':>8}{'p95':>8}{'worst':>8}{'n':>6}"
        f"{'alone (median)':>16}{'ratio':>7}"
    )
    rows = [
        ("open: first figure", result.first_figure, "first figure"),
        ("open: complete page", result.opens, "open"),
        ("widget change (rerun)", [s for _, s in result.changes], "change"),
    ]
    for label, values, key in rows:
        median, p95, worst = percentiles(values)
        alone = statistics.median(baseline[key]) if baseline else float("nan")
        print(
            f"{label:<34}{median:8.3f}{p95:8.3f}{worst:8.3f}{len(values):6d}"
            f"{alone:16.3f}{median / alone:7.1f}"
        )
    kinds = sorted({k for k, _ in result.changes})
    for kind in kinds:
        values = [s for k, s in result.changes if k == kind]
        median, p95, worst = percentiles(values)
        alone = (
            statistics.median(baseline["by kind"][kind][1])
            if baseline and kind in baseline["by kind"]
            else float("nan")
        )
        print(
            f"{'  change, ' + kind:<34}{median:8.3f}{p95:8.3f}{worst:8.3f}"
            f"{len(values):6d}{alone:16.3f}"
        )
    if result.changes_per_session:
        print(
            f"changes per session: {min(result.changes_per_session)}.."
            f"{max(result.changes_per_session)}"
        )
    print(f"\nerrors: {len(result.errors)}")
    for message in result.errors[:5]:
        print(f"  {message}")
    rss = result.rss
    if rss.get("before") is not None:
        print("\nserver RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))
        print(
            "server RSS every 10 s (MB): "
            + " ".join(f"{mb:.0f}" for _, mb in result.rss_series if mb is not None)
        )
        if rss.get("all open") is not None:
            per = (rss["all open"] - rss["before"]) / result.sessions
            print(f"server memory per session: {per:.2f} MB (all open - before) / n")
    if result.server_cpu is not None:
        print(
            f"CPU seconds during the load: server {result.server_cpu:.0f}, "
            f"this client {result.client_cpu:.0f} (2 cores x {result.wall:.0f} s = "
            f"{2 * result.wall:.0f} available)"
        )


# ---------------------------------------------------------------------------
# Real browsers


async def run_browsers(url: str, contexts: int = 8, timeout: float = 300.0) -> dict:
    """`contexts` Chromium contexts at once, each opening a page (the targets in
    turn), waiting for its figure and its Steps slider, then pressing ArrowLeft on
    the slider (Steps - 1) and waiting for the URL to say so. Returns the times and
    every console error, page error and Streamlit exception element."""
    from playwright.async_api import async_playwright

    url = check_loopback(url)
    ms = timeout * 1000
    errors: list[str] = []
    times = {"first figure": [], "complete": [], "change": []}

    async def one(browser, index: int, target: Target) -> None:
        context = await browser.new_context(viewport={"width": 1500, "height": 1100})
        page = await context.new_page()
        # Streamlit's frontend opened at /<page> first looks for its server under
        # that path (/<page>/_stcore/health and host-config: 404), then at the root:
        # expected, and not counted. Every other failed request or console error is.
        probes = tuple(
            f"/{target.page_name}/_stcore/{name}" for name in ("health", "host-config")
        )

        def probe(address: str) -> bool:
            return bool(target.page_name) and urlsplit(address).path.endswith(probes)

        def on_console(message) -> None:
            if message.type == "error" and not probe(message.location.get("url", "")):
                errors.append(f"{target.kind}: console {message.text[:200]}")

        def on_response(response) -> None:
            if response.status >= 400 and not probe(response.url):
                errors.append(f"{target.kind}: HTTP {response.status} {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda e: errors.append(f"{target.kind}: {e}"))
        try:
            began = time.perf_counter()
            await page.goto(url.rstrip("/") + target.path())
            await page.wait_for_selector(".js-plotly-plot .main-svg", timeout=ms)
            times["first figure"].append(time.perf_counter() - began)
            # The slider is react-aria's visually hidden <input type="range">.
            slider = (
                page.locator('[data-testid="stSlider"]')
                .filter(has_text="Steps")
                .first.locator('input[type="range"]')
            )
            await slider.wait_for(state="attached", timeout=ms)
            await page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                timeout=ms,
            )
            times["complete"].append(time.perf_counter() - began)
            value = int(await slider.input_value())
            began = time.perf_counter()
            await slider.focus()
            await slider.press("ArrowLeft")
            await page.wait_for_function(
                f"() => new URLSearchParams(location.search).get('steps') "
                f"=== '{value - 1}'",
                timeout=ms,
            )
            await page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                timeout=ms,
            )
            times["change"].append(time.perf_counter() - began)
            shown = await page.locator('[data-testid="stException"]').count()
            if shown:
                errors.append(f"{target.kind}: {shown} exception element(s)")
        except Exception as error:
            errors.append(f"{target.kind}: {type(error).__name__}: {error}"[:300])
        finally:
            await context.close()

    page_targets = targets()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            await asyncio.gather(
                *(
                    one(browser, i, page_targets[i % len(page_targets)])
                    for i in range(contexts)
                )
            )
        finally:
            await browser.close()
    return {"errors": errors, **times}


def print_browsers(report: dict, contexts: int) -> None:
    print(f"\n{contexts} Chromium contexts at once (seconds: median, worst)")
    for key in ("first figure", "complete", "change"):
        values = report[key]
        median, _, worst = percentiles(values)
        print(f"  {key:<14}{median:8.2f}{worst:8.2f}   n={len(values)}")
    print(f"  errors: {len(report['errors'])}")
    counts: dict[str, int] = {}
    for message in report["errors"]:
        counts[message] = counts.get(message, 0) + 1
    for message, count in list(counts.items())[:8]:
        print(f"    {count} x {message}")


# ---------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions", type=int, default=200, help="protocol sessions (0: none)"
    )
    parser.add_argument("--ramp", type=float, default=30.0, help="seconds to open all")
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=90.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="per rerun")
    parser.add_argument(
        "--url",
        action="append",
        help="a running app (loopback only; repeat for several, sessions round "
        "robin); default: start `streamlit run app.py` here",
    )
    parser.add_argument(
        "--pid", type=int, action="append", default=[], help="server process(es)"
    )
    parser.add_argument("--browsers", type=int, default=0, help="Chromium contexts")
    parser.add_argument("--no-warm", action="store_true")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Streamlit option for the server this starts, e.g. "
        "runner.postScriptGC=true",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for url in args.url or ():
        check_loopback(url)
    if args.duration > 3600 or args.ramp > 600:
        parser.error("--duration at most 3600 s and --ramp at most 600 s")

    with contextlib.ExitStack() as stack:
        if args.url:
            urls, pids = args.url, args.pid
        else:
            if not args.no_warm:
                warm_kernels()
            options = []
            for option in args.option:
                key, _, value = option.partition("=")
                options += [f"--{key}", value]
            url, pid = stack.enter_context(serve(*options))
            urls, pids = [url], [pid]
            print(f"server {url} (pid {pid}), its log in test-artifacts/")
        failed = False
        if args.sessions:
            print("baseline: each page alone, one session...")
            baseline = asyncio.run(run_baseline(urls[0], pids=pids))
            for kind, (full, steps, cpu) in baseline["by kind"].items():
                print(
                    f"  {kind:<28} open {full:6.3f} s, changes "
                    + " ".join(f"{s:.3f}" for s in steps)
                    + (
                        " s, server CPU " + " ".join(f"{c:.2f}" for c in cpu)
                        if cpu
                        else ""
                    )
                )
            if baseline["cpu"]:
                per = statistics.mean(baseline["cpu"])
                print(
                    f"server CPU per widget change, alone: {per:.2f} s (mean): "
                    f"{os.cpu_count()} cores serve at most {os.cpu_count() / per:.1f} "
                    "changes/s"
                )
            result = asyncio.run(
                run_load(
                    urls,
                    args.sessions,
                    args.ramp,
                    args.interval,
                    args.duration,
                    args.timeout,
                    pids,
                    args.seed,
                )
            )
            print_report(result, baseline, args)
            failed = bool(result.errors) or len(result.opens) < args.sessions
        if args.browsers:
            cpu_before, began = cpu_seconds(pids), time.perf_counter()
            report = asyncio.run(run_browsers(urls[0], args.browsers))
            print_browsers(report, args.browsers)
            cpu_after, wall = cpu_seconds(pids), time.perf_counter() - began
            if cpu_before is not None and cpu_after is not None:
                print(
                    f"  server CPU {cpu_after - cpu_before:.0f} s of {wall:.0f} s "
                    "(the rest of the time is the browsers'); load average "
                    + " ".join(Path("/proc/loadavg").read_text().split()[:3])
                )
            failed = failed or bool(report["errors"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

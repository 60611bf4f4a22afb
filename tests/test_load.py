"""A small load test (issue #11): protocol sessions at once against one real
`streamlit run`, each opening a page and changing its Steps slider twice, through
Streamlit's websocket protocol (benchmarks/bench_load.py, whose full run is 200
sessions). No timings are asserted: what must hold is that every run finishes, without
an error, and that each change reaches the page."""

import asyncio
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_load  # noqa: E402

pytestmark = pytest.mark.browser  # starts `streamlit run`, as the browser tests do

SESSIONS = 12
CHANGES = 2
HANG = 600.0  # seconds: only a guard against a hung server (a cold cache compiles)


@pytest.fixture(scope="module")
def server():
    with bench_load.serve() as (url, pid):
        # One session per page kind first, alone: on a cold kernel cache this
        # compiles what the pages need, so the concurrent part is about concurrency.
        for target in bench_load.targets()[:4]:
            asyncio.run(open_and_close(url, target))
        yield url, pid


async def open_and_close(url, target):
    session = bench_load.Session(url, target, HANG, random.Random(0))
    try:
        await session.open()
    finally:
        await session.close()


def test_loopback_only():
    for url in ("http://127.0.0.1:8501", "http://localhost:8501/", "http://[::1]:80"):
        assert bench_load.check_loopback(url).endswith("/")
    for url in (
        "http://10.0.0.1:8501",
        "http://example.com/",
        "http://127.0.0.1.example.com:8501",
        "ws://127.0.0.1:8501",
    ):
        with pytest.raises(ValueError, match="loopback"):
            bench_load.check_loopback(url)
    with pytest.raises(ValueError, match="loopback"):
        asyncio.run(bench_load.run_load(["http://192.168.1.2:8501"], 1, 0, 1, 1))


def test_sessions_at_once_each_change_a_widget(server):
    url, pid = server
    result = asyncio.run(
        bench_load.run_load(
            [url],
            sessions=SESSIONS,
            ramp=2.0,
            interval=1.0,
            duration=HANG,
            timeout=HANG,
            pids=[pid],
            max_changes=CHANGES,
        )
    )
    assert result.errors == []
    assert len(result.opens) == SESSIONS
    assert len(result.first_figure) == SESSIONS
    assert result.changes_per_session == [CHANGES] * SESSIONS
    assert len(result.changes) == SESSIONS * CHANGES
    # Every page kind took part: the Playground, Compare, Schedules and a preset.
    kinds = {kind for kind, _ in result.changes}
    assert {"playground", "compare", "schedules"} <= kinds
    assert any(kind.startswith("preset ") for kind in kinds)
    assert result.rss["all open"] > 0


def test_the_playground_opens_through_the_figure_signal(server):
    """The Playground's first run stops after the figure; the client's signal (what
    the browser sends once it has drawn it) brings the sidebar, whose Steps slider it
    then moves: the next run's URL and slider say the new value."""
    url, _ = server
    session = bench_load.Session(
        url, bench_load.Target("playground", "", ""), HANG, random.Random(3)
    )

    async def scenario():
        try:
            figure, complete = await session.open()
            assert 0 < figure < complete
            assert "Steps" in session.sliders  # drawn by the second run only
            before = bench_load.parse_qs(session.query)["steps"]
            await session.change()
            after = bench_load.parse_qs(session.query)["steps"]
            assert after != before
        finally:
            await session.close()

    asyncio.run(scenario())


def test_a_change_the_page_never_sees_is_an_error(server):
    """The check that a change reached the page can fail: a widget id no element
    has changes nothing, so the page's URL keeps its old Steps."""
    url, _ = server
    session = bench_load.Session(
        url, bench_load.Target("compare", "compare", ""), HANG, random.Random(5)
    )

    async def scenario():
        try:
            await session.open()
            slider = session.sliders["Steps"]
            slider.id = slider.id + "-nobody"
            with pytest.raises(bench_load.LoadError, match="Steps set to"):
                await session.change()
        finally:
            await session.close()

    asyncio.run(scenario())


def test_no_full_collection_after_every_run():
    """Streamlit's default gc.collect(2) after each script run cost ~0.24 s of CPU
    per rerun here, under the GIL: the app's config turns it off."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False

"""The app in a real Chromium (Debian's, driven by Playwright) against `streamlit run`.

Screenshots land in test-artifacts/ for a person to look at.
"""

import contextlib
import math
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlparse

import pytest
from streamlit_server import CHROMIUM

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LOAD_MS = 180_000  # a cold Numba cache compiles kernels on the first page load

if not Path(CHROMIUM).exists() or shutil.which("streamlit") is None:
    if os.environ.get("CI"):
        pytest.fail(
            f"{CHROMIUM} or streamlit is missing (required on CI)", pytrace=False
        )
    pytest.skip("no Chromium at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from streamlit_server import (  # noqa: E402 (after the module's skip)
    launch_chromium,
    run_server,
    stop_warm_up,
    streamlit_server,
)


@pytest.fixture(scope="module")
def server():
    with run_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    yield page
    context.close()


def open_page(page, url):
    """Open the Playground at `url` and wait for all of it: the first run draws the
    figure, a second (on the browser's signal) the sidebar and the rest."""
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .slider-container", timeout=LOAD_MS)
    page.wait_for_selector(
        '[data-testid="stSidebarUserContent"] input', timeout=LOAD_MS
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def query(page) -> dict:
    return query_of(page.url)


def query_of(url: str) -> dict:
    return parse_qs(urlparse(url).query)


def test_a_shared_link_to_a_subpage_on_a_fresh_server(browser):
    """The first request to a new server is /compare (a shared link): it must still get
    the app's navigation and wide layout, not Streamlit's legacy pages/ menu."""
    with run_server() as url:
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        page = context.new_page()
        page.goto(url + "/compare?vary=lr&values=0.01,0.02")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=LOAD_MS)
        page.wait_for_timeout(1500)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Compare" in nav and "app" not in nav.split()
        width = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
            ".getBoundingClientRect().width"
        )
        assert width > 1000  # layout="wide" from the app's page config
        assert query(page)["values"] == ["0.01,0.02"]
        shot(page, "fresh-server-compare-link")
        context.close()


def test_an_empty_kernel_cache_answers_from_the_interpreter(browser, tmp_path):
    """A server whose Numba cache is empty, with four optimizers nobody has compiled:
    the figure comes from the interpreter process while the warm-up compiles, and
    the page says so (without the interpreter it waits on the compiler, ~30 s, and
    shows no such banner)."""
    environment = {"NUMBA_CACHE_DIR": str(tmp_path), "DESCENT_LAB_WARM": "1"}
    with streamlit_server(env=environment) as server:
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        page = context.new_page()
        try:
            page.goto(server.url + "?run=nadam&run=adagrad&run=adadelta&run=rprop")
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=LOAD_MS)
            banner = page.get_by_text("compiling in the background")
            banner.wait_for(timeout=LOAD_MS)
            text = banner.inner_text()
            assert "plain Python interpreter" in text
            assert all(name in text for name in ("NAdam", "Adagrad", "Rprop"))
            assert page.locator('[data-testid="stException"]').count() == 0
            shot(page, "cold-cache-interpreter")
        finally:
            context.close()
            stop_warm_up(tmp_path)


def test_playground_renders_without_errors(server, page):
    open_page(page, server)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlert"]').count() == 0
    # The configuration is in the URL as soon as the page renders.
    assert query(page)["surface"] == ["rosenbrock"]
    assert len(query(page)["run"]) == 4
    # Every formula fits its column: Adam's on two lines overflowed by 36 px and was
    # cut off. (KaTeX's aligned blocks overhang their box by ~2 px.)
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.katex-display')]
            .filter(f => f.scrollWidth > f.clientWidth + 4)
            .map(f => f.innerText.slice(0, 40))"""
    )
    assert overflowing == []
    # The figure gets the room (at 620 px tall its plot area was ~350 px wide) and no
    # table is cut off or scrolls (the results table lost "diverged at step").
    plot_width = page.evaluate(
        "() => document.querySelector('.js-plotly-plot .nsewdrag')"
        ".getBoundingClientRect().width"
    )
    assert plot_width > 500
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('table')]
            .filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
            .map(t => t.innerText.slice(0, 40))"""
    )
    assert clipped == []
    shot(page, "playground")


NUMBER_LINES_JS = """() => [...document.querySelectorAll('td')]
    .filter(td => /e[-+]\\d\\d$/.test(td.innerText.trim()))
    .map(td => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const tops = [...range.getClientRects()].map(r => Math.round(r.top));
        return [td.innerText.trim(), new Set(tops).size];
    })"""


# Each Step button's label: its text, and whether it is cut (an ellipsis).
STEP_LABELS_JS = """() => ["rewind", "step1", "step10"].map(name => {
    const text = document.querySelector(
        `.st-key-pg-${name} button [data-testid="stMarkdownContainer"]`);
    return [text.innerText, text.scrollWidth > text.clientWidth];
})"""


@pytest.mark.parametrize("width", [1000, 1500])
def test_numbers_keep_to_one_line(browser, server, width):
    """Without the page's CSS, a 1,000 px window broke the results table's numbers
    after an exponent's hyphen (2.159e-|08). The Step buttons under the figure show
    their whole labels (in equal columns, "Start" and "Step" read "St…")."""
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    open_page(
        page,
        server + "/?surface=quadratic&condition_number=25&angle=0.4"
        "&start=-2,1.5&steps=120&run=gd;lr=0.07&run=adam;lr=0.3",
    )
    lines_per_number = page.evaluate(NUMBER_LINES_JS)
    step_labels = page.evaluate(STEP_LABELS_JS)
    shot(page, f"playground-numbers-{width}px")
    context.close()
    assert step_labels == [["Start", False], ["Step", False], ["+10", False]]
    assert any("e-" in text for text, _ in lines_per_number), lines_per_number
    assert all(lines == 1 for _, lines in lines_per_number), lines_per_number


FIRST_SEEN_JS = """
window.firstSeen = {};
const watched = {
  figure: ".js-plotly-plot .main-svg",
  controls: '[data-testid="stSidebar"] input',
};
new MutationObserver(() => {
  for (const [name, selector] of Object.entries(watched)) {
    if (!(name in window.firstSeen) && document.querySelector(selector)) {
      window.firstSeen[name] = performance.now();
    }
  }
}).observe(document, { childList: true, subtree: true });
"""


def test_a_first_visit_draws_the_figure_before_the_controls(server, page):
    page.add_init_script(FIRST_SEEN_JS)
    page.goto(server)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("start x").wait_for(timeout=LOAD_MS)
    seen = page.evaluate("window.firstSeen")
    assert seen["figure"] < seen["controls"], seen
    assert sidebar.get_by_label("start x").input_value() == "-1.5000"


def test_the_page_completes_even_if_the_figure_never_draws(server, page):
    """With plotly.js blocked the figure never draws: the signal's 8 s fallback still
    brings the controls and the rest of the page."""
    page.route("**/PlotlyChart*.js", lambda route: route.abort())
    page.goto(server)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("start x").wait_for(timeout=LOAD_MS)
    assert page.locator(".js-plotly-plot .main-svg").count() == 0
    assert page.get_by_text("Share and export").count() == 1


def test_url_restores_configuration(server, page):
    open_page(
        page,
        server + "/?surface=quadratic&condition_number=25&angle=0.4"
        "&start=-2,1.5&steps=120&run=gd;lr=0.07&run=adam;lr=0.3",
    )
    assert page.locator('[data-testid="stException"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    # Retrying checks: a number input first shows its minimum for a frame or two.
    sync_api.expect(sidebar.get_by_label("condition_number")).to_have_value("25.00")
    sync_api.expect(sidebar.get_by_label("start x")).to_have_value("-2.0000")
    assert query(page)["run"] == ["gd;lr=0.07", "adam;lr=0.3"]
    assert page.get_by_text("2. adam(lr=0.3)").count() >= 1
    shot(page, "playground-from-url")


def test_bad_url_shows_notice_and_renders(server, page):
    open_page(page, server + "/?surface=mars&steps=lots&run=nosuch&run=adam;lr=-1")
    alerts = page.locator('[data-testid="stAlert"]')
    assert alerts.count() >= 3
    text = " ".join(alerts.all_inner_texts())
    assert "mars" in text and "nosuch" in text and "lots" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    assert query(page)["surface"] == ["rosenbrock"]
    shot(page, "playground-bad-url")


def test_url_text_in_a_notice_links_nowhere(server, page):
    """A link's text is echoed in the page's own warnings as text: no bare URL in it
    becomes a link (Streamlit's Markdown links bare URLs even when escaped)."""
    for path, value in (
        ("compare", "[Log in again](https://evil.example/)"),
        ("", "https://evil.example/"),
    ):
        page.goto(f"{server}/{path}?surface={quote(value)}")
        alert = page.locator('[data-testid="stAlert"]', has_text="evil")
        alert.first.wait_for(timeout=LOAD_MS)
        page.wait_for_load_state("networkidle")
        assert "evil" in alert.first.inner_text()
        assert page.locator('a[href*="evil"]').count() == 0, path


def step_counter(page):
    """The "step k" text the animation frames update on the trajectory figure."""
    return page.locator(".js-plotly-plot .textpoint text", has_text="step ").first


def test_changing_a_control_updates_the_url(server, page):
    open_page(page, server)
    start_x = page.locator('[data-testid="stSidebar"]').get_by_label("start x")
    start_x.fill("0.5")
    start_x.press("Enter")
    page.wait_for_function(
        "() => window.location.search.includes('start=0.5')", timeout=LOAD_MS
    )
    assert query(page)["start"] == ["0.5,2"]


def test_a_click_on_the_figure_starts_the_runs_there(server, page):
    """Rosenbrock's view is x in [-2, 2], y in [-1, 3]: a click at 75% across and 10%
    down is (1, 2.6), a point of the 21x21 click grid, far from every path."""
    open_page(page, server)
    plot = page.locator(".st-key-pg-figure .nsewdrag").bounding_box()
    page.mouse.click(plot["x"] + 0.75 * plot["width"], plot["y"] + 0.1 * plot["height"])
    page.wait_for_function(
        "() => !window.location.search.includes('start=-1.5')", timeout=LOAD_MS
    )
    x, y = map(float, query(page)["start"][0].split(","))
    assert abs(x - 1.0) < 0.01 and abs(y - 2.6) < 0.01
    start_x = page.locator('[data-testid="stSidebar"]').get_by_label("start x")
    page.wait_for_function(
        "e => e.value === '1.0000'", arg=start_x.element_handle(), timeout=LOAD_MS
    )
    page.wait_for_timeout(1000)
    shot(page, "playground-clicked-start")


def test_play_advances_and_surface_stays_visible(server, page):
    open_page(page, server + "/?surface=quadratic&steps=300&run=gd;lr=0.05")
    counter = step_counter(page)
    assert counter.text_content() == "step 0"
    page.locator(".updatemenu-item-text", has_text="Play").click()
    page.wait_for_timeout(1500)
    shot(page, "playground-mid-animation")
    current = counter.text_content()
    assert current.startswith("step ") and current != "step 0", current
    # Mid-animation the surface image is still drawn under the paths.
    images = page.locator(".js-plotly-plot .imagelayer image")
    assert images.count() == 1
    assert images.first.get_attribute("href").startswith("data:image/png")


def wait_for_step(page, k: int, figure: str = ".st-key-pg-figure"):
    """Wait until the figure's step counter reads "step k" (bounded)."""
    page.wait_for_function(
        """([figure, text]) => [...document.querySelectorAll(
            `${figure} .textpoint text`)].some((t) => t.textContent === text)""",
        arg=[figure, f"step {k}"],
        timeout=30_000,
    )


def shown_step(page) -> int:
    text = step_counter(page).text_content()
    assert text.startswith("step "), text
    return int(text.split()[1])


def test_step_continues_from_the_step_on_screen(browser, server):
    """Step ▶ after Play and Pause, and after a click on the scrubber, shows the next
    step of the one on screen (it went to step 1: the server counted from its own
    frame), a widget change keeps the step, and no page error is logged (each Pause
    logged an unhandled promise rejection)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_page(page, server + "/?surface=quadratic&steps=600&run=gd;lr=0.01")
    figure = page.locator(".st-key-pg-figure")
    figure.locator(".updatemenu-item-text", has_text="Play").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.st-key-pg-figure .textpoint text')]
            .some((t) => /^step ([2-9]|[1-9][0-9]+)$/.test(t.textContent))""",
        timeout=30_000,
    )
    figure.locator(".updatemenu-item-text", has_text="Pause").click()
    paused = shown_step(page)
    assert paused >= 2
    page.locator(".st-key-pg-step1 button").click()
    wait_for_step(page, paused + 1)
    page.locator(".st-key-pg-step10 button").click()
    wait_for_step(page, paused + 11)
    # A click on the scrubber's rail, 70% along: the step there, then one more.
    # (.first: while plotly.js redraws the scrubber, two rails may be in the page)
    rail = figure.locator(".slider-rail-rect").first.bounding_box()
    page.mouse.click(rail["x"] + 0.7 * rail["width"], rail["y"] + rail["height"] / 2)
    page.wait_for_function(
        """(before) => [...document.querySelectorAll(
            '.st-key-pg-figure .textpoint text')].some((t) =>
            t.textContent.startsWith('step ') && t.textContent !== before)""",
        arg=f"step {paused + 11}",
        timeout=30_000,
    )
    scrubbed = shown_step(page)
    assert 300 < scrubbed < 600, scrubbed
    page.locator(".st-key-pg-step1 button").click()
    wait_for_step(page, scrubbed + 1)
    # A widget change redraws the figure at the same step.
    start_x = page.locator('[data-testid="stSidebar"]').get_by_label("start x")
    start_x.fill("-2")
    start_x.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('start') === '-2,2'",
        timeout=LOAD_MS,
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    assert shown_step(page) == scrubbed + 1
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "playground-stepped-after-scrub.png"))
    context.close()
    assert errors == []


CONTROL_BOXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter((plot) => plot.querySelector('.slider-container'))
    .map((plot) => {
        const boxes = (selector) => [...plot.querySelectorAll(selector)].map((e) => {
            const b = e.getBoundingClientRect();
            return [b.left, b.top, b.right, b.bottom];
        });
        return {
            buttons: boxes('.updatemenu-button'),
            slider: boxes('.slider-rail-rect, .slider-grip-rect'),
            labels: boxes('.slider-label'),
            figure: boxes('.main-svg')[0],
        };
    })"""


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(
    "path, figures",
    [
        ("/?surface=quadratic&steps=300", 1),
        (
            "/neural_net?n_points=80&steps=200&hidden=8&run=adam;lr=0.01"
            "&run=sgd;lr=0.1&run=rmsprop;lr=0.01&run=adagrad;lr=0.1",
            4,
        ),
    ],
)
def test_the_play_buttons_leave_the_scrubber_free(browser, server, path, figures):
    """At 1280 x 720, no ▶ Play / ❚❚ Pause button covers any part of the scrubber's
    rail or handle (the Pause button sat on the handle at step 0, on every animated
    figure), and the scrubber's labels stay inside the figure."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(server + path)
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .slider-container')"
        f".length === {figures}",
        timeout=LOAD_MS,
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    drawn = page.evaluate(CONTROL_BOXES_JS)
    page.locator(".js-plotly-plot .slider-container").first.scroll_into_view_if_needed()
    shot(page, "play-controls-" + ("neural-net" if "neural" in path else "playground"))
    context.close()
    assert len(drawn) == figures
    for plot in drawn:
        assert len(plot["buttons"]) == 2 and len(plot["slider"]) == 2
        for button in plot["buttons"]:
            for part in plot["slider"]:
                assert not overlap(button, part), (button, part)
        left, top, right, bottom = plot["figure"]
        for box in plot["buttons"] + plot["slider"] + plot["labels"]:
            assert left <= box[0] and box[2] <= right + 1, box
            assert top <= box[1] and box[3] <= bottom + 1, box


def frames_in_page(page, figure=".js-plotly-plot") -> tuple[list, list]:
    """The trajectory figure's frames as plotly.js holds them, and the frames
    ui.figures.with_frames builds from the spec the page received."""
    from ui import figures

    held = page.evaluate(
        """(figure) => {
          const gd = document.querySelector(figure);
          const spec = {
            data: gd.data.map((t) => ({ x: t.x, y: t.y })),
            layout: { meta: gd.layout.meta },
          };
          const frames = gd._transitionData._frames.map(
            (f) => ({ name: f.name, data: f.data, traces: f.traces }));
          return { spec, frames };
        }""",
        figure,
    )
    return held["frames"], figures.with_frames(held["spec"])["frames"]


def test_the_browser_builds_the_frames_the_server_would(server, page):
    """The Playground sends a frames recipe, not frames; the figure listener's
    JavaScript builds them. They must equal ui.figures.with_frames', also after a
    new Steps replaces 121 frames by 2 (plotly.js's deleteFrames sorts indices as
    text, which the listener works around)."""
    open_page(page, server + "/?surface=quadratic&steps=120&run=gd;lr=0.05&run=adam")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._transitionData"
        "._frames.length === 121",
        timeout=LOAD_MS,
    )
    held, expected = frames_in_page(page)
    assert len(expected) == 121
    assert held == expected
    # The slider is react-aria's visually hidden <input type="range">.
    steps = (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text="Steps")
        .first.locator('input[type="range"]')
    )
    steps.focus()
    steps.press("Home")  # Steps 1: two frames
    page.wait_for_function(
        "() => window.location.search.includes('steps=1&')", timeout=LOAD_MS
    )
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._transitionData"
        "._frames.length === 2",
        timeout=LOAD_MS,
    )
    held, expected = frames_in_page(page)
    assert [f["name"] for f in held] == ["0", "1"]
    assert held == expected
    page.locator(".updatemenu-item-text", has_text="Play").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .textpoint text')]"
        ".some((t) => t.textContent === 'step 1')",
        timeout=10_000,
    )
    # The Schedules page's paths figure has its own listener.
    page.goto(server + "/schedules?steps=40")
    paths = ".st-key-sc-paths .js-plotly-plot"
    page.wait_for_function(
        f"() => (document.querySelector('{paths}') || {{}})._transitionData"
        "?._frames.length === 41",
        timeout=LOAD_MS,
    )
    held, expected = frames_in_page(page, paths)
    assert len(expected) == 41 and held == expected


@pytest.mark.parametrize("path", ["", "compare", "schedules"])
def test_copy_link_copies_this_pages_configuration(browser, server, path):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{server}/{path}?steps=77")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=LOAD_MS)
    page.wait_for_load_state("networkidle")
    button = page.locator(".descent-lab-share button")
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_selector(".descent-lab-share >> text=Copied.", timeout=10_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    address = urlparse(page.url)
    context.close()
    link = urlparse(copied)
    assert link.path == address.path
    # The copied link holds the same configuration as the address bar.
    assert parse_qs(link.query) == parse_qs(address.query)
    assert parse_qs(link.query)["steps"] == ["77"]


def test_exported_html_plays_offline(browser):
    import landscapes
    import optimizers
    from ui import export, figures

    surface = landscapes.get("rosenbrock")
    results = [optimizers.run("adam", surface, steps=200, lr=0.05)]
    figure = figures.trajectory_figure(
        surface, [r.path for r in results], ["adam"], [None], surface.default_start
    )
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "export.html"
    target.write_text(export.standalone_html(figure, "Offline demo"), encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(target.as_uri())
    page.wait_for_selector(".js-plotly-plot .slider-container", timeout=30_000)
    page.locator(".updatemenu-item-text", has_text="Play").click()
    page.wait_for_timeout(1500)
    current = step_counter(page).text_content()
    assert current.startswith("step ") and current != "step 0", current
    assert page.locator(".js-plotly-plot .imagelayer image").count() == 1
    page.screenshot(path=str(ARTIFACTS / "export-offline.png"))
    context.close()


@pytest.mark.parametrize(
    "path", ["", "compare", "schedules", "stochastic", "neural_net", "sweep", "gallery"]
)
def test_every_page_renders(server, page, path):
    page.goto(f"{server}/{path}")
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=LOAD_MS)
    page.wait_for_selector(
        '[data-testid="stMainBlockContainer"] h1, .js-plotly-plot', timeout=LOAD_MS
    )
    if path != "gallery":  # every other page has controls in its sidebar
        page.wait_for_selector(
            '[data-testid="stSidebarUserContent"] input', timeout=LOAD_MS
        )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Page not found" not in page.content()
    # Viewers get the viewer toolbar (.streamlit/config.toml), not "Deploy".
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
    assert page.get_by_role("button", name="Deploy").count() == 0
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    titles = (
        "Playground",
        "Compare",
        "Schedules",
        "Stochastic",
        "Neural net",
        "Sweep",
        "Gallery",
    )
    for title in titles:
        assert title in nav
    shot(page, f"page-{path or 'playground'}")


def test_gallery_opens_a_configured_demo(server, page):
    page.goto(f"{server}/gallery")
    page.wait_for_selector(
        "text=Newton's method walks into the saddle", timeout=LOAD_MS
    )
    # Streamlit marks each keyed widget with the class st-key-<key, dots as dashes>.
    page.locator(".st-key-gallery-open-newton-saddle button").click()
    page.wait_for_selector(".js-plotly-plot .slider-container", timeout=LOAD_MS)
    page.wait_for_timeout(1500)
    assert query(page)["surface"] == ["saddle"]
    assert query(page)["preset"] == ["newton-saddle"]
    assert page.get_by_text("Newton's method walks into the saddle").count() >= 1
    shot(page, "gallery-opened-newton")


BATCH_LINES_JS = """() => {
    const plot = document.querySelectorAll('.js-plotly-plot')[1];
    const trace = plot.data.find(t => t.name === "this step's minibatch loss");
    return trace.x.filter(v => v !== null).length + ':' + trace.x.slice(0, 5).join(',');
}"""


STEP_COUNTERS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map((plot) => [...plot.querySelectorAll('.textpoint text')]
        .map((t) => t.textContent).find((t) => /^step [0-9]+$/.test(t)))
    .filter((text) => text !== undefined)"""


def test_stochastic_play_redraws_each_minibatchs_loss(server, page):
    """The first panel's Play, Pause and scrubber drive all three panels (they
    played one each, out of step), the minibatch panel redraws its batch's loss, and
    each step counter sits above its plot, clear of the start marker."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/stochastic?steps=80&batch=5")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .textpoint text')"
        ".length >= 3",
        timeout=LOAD_MS,
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    before = page.evaluate(BATCH_LINES_JS)
    assert page.locator(".js-plotly-plot .slider-container").count() == 1
    first = page.locator(".js-plotly-plot").first
    first.locator(".updatemenu-item-text", has_text="Play").click()
    page.wait_for_timeout(1200)
    first.locator(".updatemenu-item-text", has_text="Pause").click()
    page.wait_for_timeout(300)
    after = page.evaluate(BATCH_LINES_JS)
    assert before != after  # another batch, another surface
    counters = page.evaluate(STEP_COUNTERS_JS)
    assert len(counters) == 3 and len(set(counters)) == 1, counters
    assert counters[0] != "step 0"
    rail = first.locator(".slider-rail-rect").first.bounding_box()
    page.mouse.click(rail["x"] + 0.25 * rail["width"], rail["y"] + rail["height"] / 2)
    page.wait_for_function(
        f"(before) => ({STEP_COUNTERS_JS})()[2] !== before",
        arg=counters[2],
        timeout=10_000,
    )
    scrubbed = page.evaluate(STEP_COUNTERS_JS)
    assert len(set(scrubbed)) == 1 and scrubbed != counters, scrubbed
    # Each counter is above its plot area (it sat on the start marker, inside it).
    above = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].slice(0, 3)
            .map((plot) => {
                const text = [...plot.querySelectorAll('.textpoint text')]
                    .find((t) => t.textContent.startsWith('step '));
                const area = plot.querySelector('.nsewdrag');
                return text.getBoundingClientRect().bottom
                    <= area.getBoundingClientRect().top + 1;
            })"""
    )
    assert above == [True, True, True]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == []
    shot(page, "stochastic-playing")


def test_neural_net_decision_boundary_plays(server, page):
    page.goto(server + "/neural_net?n_points=80&steps=200&hidden=8")
    page.wait_for_selector("text=Decision boundary through training", timeout=LOAD_MS)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .slider-container')"
        ".length >= 2",
        timeout=LOAD_MS,
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    boundary = page.locator(".js-plotly-plot").filter(has_text="Play").first
    boundary.scroll_into_view_if_needed()
    boundary.locator(".updatemenu-item-text", has_text="Play").click()
    page.wait_for_timeout(2000)
    counter = boundary.locator("text=/^step [0-9]+$/").first.text_content()
    assert counter != "step 0"
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "neural-net-boundary-playing")


SWEEP = "/sweep?resolution=32&steps=100"  # the quadratic, momentum, lr x momentum


def open_sweep(page, url):
    page.goto(url)
    page.wait_for_selector(".st-key-sw-map .js-plotly-plot .main-svg", timeout=LOAD_MS)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)


def heat_map_cells(page) -> dict:
    """What plotly.js drew for the map: its first trace's type and cell counts, the
    pixels of its cell image, and the axis ranges shown."""
    return page.evaluate(
        """() => {
            const plot = document.querySelector('.st-key-sw-map .js-plotly-plot');
            const image = plot.querySelector('.heatmaplayer image');
            const box = image ? image.getBoundingClientRect() : {width: 0, height: 0};
            return {
                type: plot.data[0].type,
                columns: plot.data[0].x.length,
                rows: plot.data[0].y.length,
                image: [box.width, box.height],
                x: plot.layout.xaxis.range,
                y: plot.layout.yaxis.range,
            };
        }"""
    )


def test_sweep_draws_its_map_and_a_clicked_cell_draws_its_run(server, page):
    """The default Sweep plane (lr on a log axis from 1e-3 to 1, momentum from 0 to
    0.99) at 32 x 32: a click 40% across and halfway up selects the cell there, and
    its run appears beside the map."""
    open_sweep(page, server + SWEEP)
    drawn = heat_map_cells(page)
    assert drawn["type"] == "heatmap" and drawn["columns"] == drawn["rows"] == 32
    assert min(drawn["image"]) > 200  # the cells are painted, not an empty frame
    assert page.locator('[data-testid="stException"]').count() == 0
    plot = page.locator(".st-key-sw-map .nsewdrag").bounding_box()
    page.mouse.click(plot["x"] + 0.4 * plot["width"], plot["y"] + 0.5 * plot["height"])
    page.wait_for_selector(".st-key-sw-path .js-plotly-plot .main-svg", timeout=LOAD_MS)
    page.wait_for_timeout(1000)
    lr, momentum = map(float, query(page)["cell"][0].split(","))
    # The point under the mouse, from the axis ranges (log10 units on the lr axis),
    # is within half a cell of the chosen cell's values.
    (x0, x1), (y0, y1) = drawn["x"], drawn["y"]
    assert abs(math.log10(lr) - (x0 + 0.4 * (x1 - x0))) <= (x1 - x0) / 32 / 2 + 1e-9
    assert abs(momentum - (y0 + 0.5 * (y1 - y0))) <= (y1 - y0) / 32 / 2 + 1e-9
    assert page.get_by_text("The chosen cell").count() == 1
    link = page.get_by_role("link", name="Open this run in the Playground")
    assert "run=momentum" in unquote(link.get_attribute("href"))
    shot(page, "sweep-clicked-cell")


def test_sweep_box_zoom_then_recompute_shows_that_view(server, page):
    open_sweep(page, server + SWEEP)
    before = heat_map_cells(page)
    plot = page.locator(".st-key-sw-map .nsewdrag").bounding_box()
    corners = [(0.55, 0.3), (0.85, 0.7)]  # fractions of the plot, from top left
    (a, b), (c, d) = [
        (plot["x"] + u * plot["width"], plot["y"] + v * plot["height"])
        for u, v in corners
    ]
    page.mouse.move(a, b)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(a + (c - a) * k / 10, b + (d - b) * k / 10)
    page.mouse.up()
    button = page.locator(".st-key-sw-recompute button")
    button.wait_for(timeout=LOAD_MS)
    shot(page, "sweep-box-zoomed")
    button.click()
    page.wait_for_function(
        "() => !new URLSearchParams(location.search).get('x_range')"
        ".startsWith('0.001,')",
        timeout=LOAD_MS,
    )
    page.wait_for_timeout(2000)
    (x0, x1), (y0, y1) = before["x"], before["y"]
    low, high = map(float, query(page)["x_range"][0].split(","))
    # The new lr range is the box's, to the 4 digits the link keeps.
    assert math.log10(low) == pytest.approx(x0 + 0.55 * (x1 - x0), abs=0.01)
    assert math.log10(high) == pytest.approx(x0 + 0.85 * (x1 - x0), abs=0.01)
    low, high = map(float, query(page)["y_range"][0].split(","))
    assert low == pytest.approx(y1 - 0.7 * (y1 - y0), abs=0.01)
    assert high == pytest.approx(y1 - 0.3 * (y1 - y0), abs=0.01)
    after = heat_map_cells(page)
    assert after["columns"] == after["rows"] == 32  # recomputed at full resolution
    assert after["x"][0] > x0 + 0.5 * (x1 - x0)
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "sweep-recomputed")


def test_a_typed_formula_redraws_the_playground(server, page):
    open_page(page, server + "/?surface=custom&f=log(x) %2B y^2&start=0.5,1&steps=200")
    shot(page, "playground-typed-log")  # grey stripes where x <= 0
    field = page.get_by_test_id("stSidebar").get_by_test_id("stTextInputField")
    field.fill("x^4 - 2*x^2 + y^2 + 0.5*x*y")
    field.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('f') === "
        "'x^4 - 2*x^2 + y^2 + 0.5*x*y'",
        timeout=LOAD_MS,
    )
    # the LaTeX echo, typeset by KaTeX in the sidebar: f(x,y)=x4−2x2+y2+0.5xy
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stSidebar"] .katex-html')]
            .some((e) => e.textContent.replace(/\\s/g, '').endsWith('+0.5xy'))""",
        timeout=LOAD_MS,
    )
    field.fill("x^4 - (2*x")
    field.press("Enter")
    error = page.get_by_test_id("stSidebar").get_by_test_id("stAlert")
    error.wait_for(timeout=LOAD_MS)
    assert "'(' is never closed" in error.inner_text()  # our words, not Python's
    assert query(page)["f"] == ["x^4 - 2*x^2 + y^2 + 0.5*x*y"]  # the last good f
    page.wait_for_timeout(1000)
    shot(page, "playground-typed-error")


def lecture_link(preset_key: str) -> str:
    """A Gallery demo's link in lecturer mode, as the Gallery's Open button makes it."""
    from urllib.parse import urlencode

    from ui.presets import BY_KEY

    preset = BY_KEY[preset_key]
    path = "" if preset.page == "playground" else preset.page
    query = {**preset.query, "preset": preset.key, "lecture": "1"}
    return f"/{path}?" + urlencode(query, doseq=True)


# The first figure of the main column: where it is, how tall, the size of its text
# (the axes' tick labels and the legend) and of the page's body text (markdown
# paragraphs, not captions); the sidebar's width; formulas cut off without a
# scrollbar.
LECTURE_JS = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const figure = main.querySelector('.js-plotly-plot');
    const box = figure.getBoundingClientRect();
    const size = (e) => parseFloat(getComputedStyle(e).fontSize);
    const seen = (e) => e.getClientRects().length > 0;
    const labels = [...figure.querySelectorAll('.xtick text, .ytick text, .legendtext')];
    const sizes = labels.map(size).sort((a, b) => a - b);
    const body = [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
        .filter((p) => seen(p) && !p.closest('[data-testid="stCaptionContainer"]'))
        .map(size);
    const clipped = [...document.querySelectorAll('.katex-display')]
        .filter((f) => seen(f) && f.scrollWidth > f.clientWidth + 4)
        .filter((f) => !['auto', 'scroll'].includes(getComputedStyle(f).overflowX))
        .map((f) => f.innerText.slice(0, 40));
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    return {
        top: box.top, bottom: box.bottom, height: box.height, screen: innerHeight,
        figureFont: sizes[Math.floor(sizes.length / 2)],
        bodyFont: body.length ? Math.max(...body) : size(main),  // Compare has no <p>
        sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
        scrolled: document.querySelector('[data-testid="stMain"]').scrollTop,
        clipped,
    };
}"""
SETTLE_MS = 30_000  # a drawn page measured, rerun and drawn again at the screen's size
FIGURE_ON_SCREEN_JS = """(least) => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const figure = main.querySelector('.js-plotly-plot .main-svg');
    if (!figure) return false;
    const box = figure.closest('.js-plotly-plot').getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight && box.height >= least;
}"""


@pytest.mark.parametrize(
    "path",
    [
        "/?lecture=1",
        "/compare?lecture=1",
        "/schedules?lecture=1",
        "/stochastic?lecture=1",
        "/neural_net?lecture=1",
        "/sweep?lecture=1",
        lecture_link("ring-valley"),  # a Gallery demo with a long lesson
        lecture_link("double-well-basins"),  # the longest lesson, on the Sweep page
    ],
)
def test_lecturer_mode_fits_the_first_figure_on_the_screen(browser, server, path):
    """At 1280 x 720 with lecture=1, every page's first figure is whole on the screen
    without scrolling and at least 380 px tall, the sidebar is closed, figure text is
    at least 0.7 x the body text and no formula is cut off; at 1920 x 1080 the figure
    is taller. (Before: 140-1040 px on the Playground, 610-1090 on Stochastic, body
    text 25-32 px beside 15 px figure text.) Screenshots at 1280 x 720 and 1500 x 950."""
    name = "lecture-" + (urlparse(path).path.strip("/") or "playground")
    if "preset=" in path:
        name += "-" + query_of(path)["preset"][0]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(server + path)
        page.wait_for_selector(
            '[data-testid="stMainBlockContainer"] .js-plotly-plot .main-svg',
            timeout=LOAD_MS,
        )
        # Bounded: the probe measures the screen and the page reruns at that size.
        with contextlib.suppress(sync_api.TimeoutError):
            page.wait_for_function(FIGURE_ON_SCREEN_JS, arg=380, timeout=SETTLE_MS)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        shot(page, f"{name}-1280x720")
        small = page.evaluate(LECTURE_JS)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert small["scrolled"] == 0
        assert small["top"] >= 0 and small["bottom"] <= 720, small
        assert small["height"] >= 380, small
        assert small["sidebar"] < 50, small  # collapsed
        assert small["bodyFont"] >= 16, small  # lecturer mode's type is large
        # 0.7, not 0.6: 1.25rem on every element made 25 px body text beside 15 px,
        # exactly 0.6.
        assert small["figureFont"] >= 0.7 * small["bodyFont"], small
        assert small["clipped"] == [], small

        page.set_viewport_size({"width": 1920, "height": 1080})
        with contextlib.suppress(sync_api.TimeoutError):
            page.wait_for_function(
                FIGURE_ON_SCREEN_JS, arg=small["height"] + 100, timeout=SETTLE_MS
            )
        large = page.evaluate(LECTURE_JS)
        assert large["bottom"] <= 1080 and large["height"] > small["height"] + 100, (
            small,
            large,
        )

        page.set_viewport_size({"width": 1500, "height": 950})
        with contextlib.suppress(sync_api.TimeoutError):
            page.wait_for_function(FIGURE_ON_SCREEN_JS, arg=380, timeout=SETTLE_MS)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        shot(page, f"{name}-1500x950")
        middle = page.evaluate(LECTURE_JS)
        assert middle["top"] >= 0 and middle["bottom"] <= 950, middle
    finally:
        context.close()


def test_the_optimizer_picker_is_grouped_and_searchable(server, page):
    """Typing a family's name in a run's optimizer menu leaves that family's
    members (the menu's entries read 'family · Title'); choosing one puts its
    registry name in the link."""
    open_page(page, server)
    sidebar = page.locator('[data-testid="stSidebar"]')
    menu = sidebar.locator(".st-key-pg-run0-optimizer")
    menu.click()
    page.keyboard.type("sign-based")
    options = page.get_by_role("option")
    options.first.wait_for(timeout=LOAD_MS)
    shot(page, "playground-optimizer-picker")
    shown = options.all_inner_texts()
    # (in the order of Streamlit's fuzzy match, not the menu's)
    assert sorted(shown) == [
        "sign-based · Lion",
        "sign-based · Rprop",
        "sign-based · Signum",
    ]
    page.get_by_role("option", name="sign-based · Signum").click()
    page.wait_for_function(
        "() => decodeURIComponent(window.location.search).includes('run=signum')",
        timeout=LOAD_MS,
    )


def test_every_optimizers_update_rule_renders_in_katex(server, page):
    """Each optimizer's LaTeX (its spec's `latex`), as the Playground shows it beside
    the figure, renders in the browser's KaTeX without an error: six runs a link,
    every registered optimizer once."""
    import optimizers
    from ui import limits

    names = optimizers.names()
    per_link = limits.RUNS.value
    for first in range(0, len(names), per_link):
        chosen = names[first : first + per_link]
        runs = "&".join(f"run={name}" for name in chosen)
        open_page(page, f"{server}/?surface=quadratic&steps=3&{runs}")
        errors = page.locator(".katex-error").all_inner_texts()
        assert errors == [], (chosen, errors)
        # the surface's formula and one update rule per run, at least
        assert page.locator(".katex-display").count() >= len(chosen) + 1, chosen

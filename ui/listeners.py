"""The browser side: small JavaScript components that tell the server what happened
in a figure (drawn, clicked, zoomed, the frame shown), keep several figures' players
in step, and measure the screen for lecturer mode.
"""

from __future__ import annotations

import re

import streamlit as st

from ui import figures

# The browser tells the server when it has drawn the page's first Plotly figure (or
# after 8 s, if it never does). The page is then run again, in full.
FIGURE_DRAWN_JS = """
export default function ({ setTriggerValue }) {
  const drawn = () => document.querySelector(".js-plotly-plot .main-svg");
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    observer.disconnect();
    clearTimeout(timer);
    // After the next paint (a timeout queued in an animation frame runs after it):
    // the figure is on screen before the rest of the page keeps the browser busy.
    requestAnimationFrame(() => setTimeout(() => setTriggerValue("drawn", true)));
  };
  const observer = new MutationObserver(() => drawn() && send());
  const timer = setTimeout(send, 8000);
  if (drawn()) send();
  else observer.observe(document.body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    clearTimeout(timer);
  };
}
"""


_figure_drawn_signal = st.components.v2.component(
    "descent_lab.figure_drawn", js=FIGURE_DRAWN_JS
)


def rerun_when_figure_drawn(key: str, on_drawn) -> None:
    """Mount the invisible signal: `on_drawn` runs, then the script, once the browser
    has drawn the figure."""
    _figure_drawn_signal(key=key, on_drawn_change=on_drawn, height=0)


def _figure_listener_js(handler: str) -> str:
    """A component that finds the figure inside `.st-key-<figure key>`, runs
    `handler` (JavaScript with `figure` and `setTriggerValue` in scope) on it, and
    binds again whenever Streamlit replaces the figure."""
    return (
        """
export default function ({ data, setTriggerValue }) {
  let bound = null;
  const bind = () => {
    const figure = document.querySelector(`.${data.container} .js-plotly-plot`);
    if (!figure || figure === bound || typeof figure.on !== "function") return;
    bound = figure;
"""
        + figures.QUIET_INTERRUPTIONS_JS.replace("GRAPH_DIV", "figure")
        + handler
        + """
  };
  const observer = new MutationObserver(bind);
  observer.observe(document.body, { childList: true, subtree: true });
  bind();
  return () => observer.disconnect();
}
"""
    )


# The frames of a figure built with ui.figures.trajectory_figure(frames_in_browser=
# True): a transcription of ui.figures._frame, run on the recipe in layout.meta
# whenever plotly.js has drawn a figure with a recipe it has not built yet (a new
# figure, or a new spec for the same one). plotly.js is Streamlit's (window.Plotly).
FRAMES_HANDLER = """
    const buildFrames = () => {
      const recipe = ((figure.layout || {}).meta || {})["RECIPE_KEY"];
      if (!recipe || figure._descentLabRecipe === recipe || !window.Plotly) return;
      figure._descentLabRecipe = recipe;
      const runs = recipe.paths.map((i) => [figure.data[i].x, figure.data[i].y]);
      const frames = [];
      for (let k = 0; k < recipe.steps; k++) {
        const data = [];
        for (const [xs, ys] of runs) {
          const last = Math.min(k, xs.length - 1);
          const first = Math.max(0, last - recipe.tail);
          data.push({ x: xs.slice(first, last + 1), y: ys.slice(first, last + 1) });
          data.push({ x: [xs[last]], y: [ys[last]] });
        }
        data.push({ text: [`step ${k}`] });
        frames.push({ name: String(k), data, traces: recipe.traces });
      }
      // addFrames replaces frames of the same name in place and appends the rest;
      // frames past the new last step are then deleted. plotly.js sorts the indices
      // given to deleteFrames as text ("10" < "9"), so they go in groups of one
      // digit count, the longest first. One replacement at a time.
      const surplus = () => {
        const names = figure._transitionData._frames.map((f) => Number(f.name));
        const groups = {};
        names.forEach((k, index) => {
          if (k >= recipe.steps) (groups[String(index).length] ||= []).push(index);
        });
        return Object.keys(groups)
          .sort((a, b) => b - a)
          .reduce(
            (done, digits) =>
              done.then(() => window.Plotly.deleteFrames(figure, groups[digits])),
            Promise.resolve()
          );
      };
      figure._descentLabFrames = (figure._descentLabFrames || Promise.resolve())
        .then(() => window.Plotly.addFrames(figure, frames))
        .then(surplus);
    };
    figure.on("plotly_afterplot", buildFrames);
    buildFrames();
""".replace("RECIPE_KEY", figures.FRAMES_RECIPE)


_figure_frames = st.components.v2.component(
    "descent_lab.figure_frames", js=_figure_listener_js(FRAMES_HANDLER)
)


def figure_frames(key: str, figure_key: str) -> None:
    """Mount the invisible listener that builds the frames of the figure drawn with
    `figure_key` in the browser (for a figure with a frames recipe)."""
    _figure_frames(
        key=key,
        data={"container": "st-key-" + figure_key.replace(".", "-")},
        height=0,
    )


# A click on a figure reaches the server as a trigger value: the point plotly.js
# reports, the nearest one (ui.figures.trajectory_figure's invisible grid covers the
# whole plot, so there always is one). Streamlit's own
# `on_select` would do it, but the chart's element id hashes the whole figure, so each
# rerun registered a new selection widget, and the server's memory grew by ~4 MB per
# widget change (docs/measurements.md). This listens to plotly.js's own click event
# on the figure inside `.st-key-<figure key>`, and binds again when the figure is
# replaced. It also builds the figure's frames (FRAMES_HANDLER): one listener per
# figure, since every component costs server time on each rerun.
# The frame an animated figure shows (plotly.js's own record of it,
# _fullLayout._currentFrame) reaches the server as a trigger value whenever an
# animation settles there: ❚❚ Pause, the end of ▶ Play, a scrubber click or drag.
# The server keeps it, so Step ▶ and every rerun (a widget change) continue from the
# step on screen instead of the one the server last drew. A figure the server draws
# at a new step (Step ▶, ⏮ Start) is taken as shown, and ▶ Play continues from it.
SHOWN_FRAME_HANDLER = """
    let dragging = false;
    const adopt = () => {  // a new spec: the frame it was drawn at is on screen
      const slider = ((figure.layout || {}).sliders || [])[0];
      if (!slider || figure._descentLabLayout === figure.layout) return;
      figure._descentLabLayout = figure.layout;
      const stop = slider.steps[slider.active || 0];
      figure._descentLabShown = String(stop.args[0][0]);
      figure._fullLayout._currentFrame = figure._descentLabShown;
    };
    const settle = () => {
      const shown = (figure._fullLayout || {})._currentFrame;
      if (dragging || shown == null || shown === figure._descentLabShown) return;
      figure._descentLabShown = shown;
      setTriggerValue("shown", Number(shown));
    };
    figure.on("plotly_afterplot", adopt);
    figure.on("plotly_animated", settle);
    figure.on("plotly_sliderstart", () => { dragging = true; });
    figure.on("plotly_sliderend", () => {
      dragging = false;
      // after the scrubber's last step has been drawn (in an animation frame)
      requestAnimationFrame(() => requestAnimationFrame(settle));
    });
    adopt();
"""


FIGURE_CLICKS_JS = _figure_listener_js(
    FRAMES_HANDLER
    + SHOWN_FRAME_HANDLER
    + """
    figure.on("plotly_click", (event) => {
      const point = (event.points || []).find(
        (p) => Number.isFinite(p.x) && Number.isFinite(p.y)
      );
      if (point) setTriggerValue("click", { x: point.x, y: point.y });
    });
"""
)


_figure_clicks = st.components.v2.component(
    "descent_lab.figure_clicks", js=FIGURE_CLICKS_JS
)


def figure_clicks(key: str, figure_key: str, on_click, on_shown=None) -> None:
    """Mount the invisible listener for clicks on the figure drawn with `figure_key`;
    `on_click(x, y)` runs, then the script, on each click. It also builds the
    figure's frames, as `figure_frames` does, and for an animated figure calls
    `on_shown(k)`, then the script, when an animation settles on frame k (Pause,
    the end of Play, the scrubber); see `shown_frame`."""

    def clicked():
        point = st.session_state[key].click
        if point:
            on_click(float(point["x"]), float(point["y"]))

    def shown():
        frame = shown_frame(key)
        if frame is not None and on_shown is not None:
            on_shown(frame)

    _figure_clicks(
        key=key,
        data={"container": "st-key-" + figure_key.replace(".", "-")},
        on_click_change=clicked,
        on_shown_change=shown,
        height=0,
    )


def shown_frame(key: str) -> int | None:
    """The frame the figure of listener `key` settled on, if the browser said so in
    this run (a trigger value: None in every other run)."""
    frame = getattr(st.session_state.get(key), "shown", None)
    return None if frame is None else int(frame)


# Figures that follow a leader figure's ▶ Play, ❚❚ Pause and scrubber (they have
# none): each frame the leader shows, each follower shows too (its last one past its
# end), so panels of the same steps can be compared in step. All in the browser.
FOLLOW_HANDLER = """
    figure.on("plotly_animatingframe", (event) => {
      for (const container of data.followers) {
        const other = document.querySelector(`.${container} .js-plotly-plot`);
        const frames = ((other || {})._transitionData || {})._frames || [];
        if (!frames.length || !window.Plotly) continue;
        const k = Math.min(Number(event.name), frames.length - 1);
        window.Plotly.animate(other, [String(k)], {
          mode: "immediate",
          frame: { duration: 0, redraw: false },
          transition: { duration: 0 },
        }).catch(() => {});  // interrupted by the next frame: as it should be
      }
    });
"""


_figure_followers = st.components.v2.component(
    "descent_lab.figure_followers", js=_figure_listener_js(FOLLOW_HANDLER)
)


def container_class(key: str) -> str:
    """The CSS class Streamlit gives the element with `key` (st-key-<key>, every
    character but letters, digits, _ and - as -)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def figure_followers(key: str, leader_key: str, follower_keys: list[str]) -> None:
    """Mount the invisible listener that makes the figures drawn with
    `follower_keys` show each frame the figure drawn with `leader_key` shows."""
    _figure_followers(
        key=key,
        data={
            "container": container_class(leader_key),
            "followers": [container_class(k) for k in follower_keys],
        },
        height=0,
    )


# A box drag (or a double-click back) on a figure reaches the server as a trigger
# value: plotly.js's plotly_relayout event's axis ranges, as the axes show them (a
# log axis's range is in log10 units; `figure_zooms` converts), or {reset: true}.
FIGURE_ZOOMS_JS = _figure_listener_js(
    """
    figure.on("plotly_relayout", (event) => {
      const x = [event["xaxis.range[0]"], event["xaxis.range[1]"]];
      const y = [event["yaxis.range[0]"], event["yaxis.range[1]"]];
      const finite = (pair) => pair.every((v) => Number.isFinite(v));
      if (finite(x) || finite(y)) {
        const layout = figure.layout || {};
        setTriggerValue("zoom", {
          x: finite(x) ? x : null,
          y: finite(y) ? y : null,
          xlog: (layout.xaxis || {}).type === "log",
          ylog: (layout.yaxis || {}).type === "log",
        });
      } else if (event["xaxis.autorange"] || event["yaxis.autorange"]) {
        setTriggerValue("zoom", { reset: true });
      }
    });
"""
)


_figure_zooms = st.components.v2.component(
    "descent_lab.figure_zooms", js=FIGURE_ZOOMS_JS
)


def figure_zooms(key: str, figure_key: str, on_zoom) -> None:
    """Mount the invisible listener for box zooms on the figure drawn with
    `figure_key`: `on_zoom(x_range, y_range)` runs, then the script, after each zoom
    (ranges in data units, None for an axis the zoom left alone), and
    `on_zoom(None, None)` when the view is reset (a double-click)."""

    def zoomed():
        event = st.session_state[key].zoom
        if not event:
            return
        if event.get("reset"):
            on_zoom(None, None)
            return
        ranges = []
        for axis in ("x", "y"):
            pair = event.get(axis)
            if pair is None:
                ranges.append(None)
                continue
            low, high = sorted(float(v) for v in pair)
            if event.get(axis + "log"):
                low, high = 10.0**low, 10.0**high
            ranges.append((low, high))
        on_zoom(*ranges)

    _figure_zooms(
        key=key,
        data={"container": "st-key-" + figure_key.replace(".", "-")},
        on_zoom_change=zoomed,
        height=0,
    )


# --- lecturer mode: the first figure sized to the screen ---------------------------
#
# Streamlit draws a Plotly figure at the height in px its layout names, and the
# figure builders place legends, buttons and sliders in px from that height. So the
# server picks the height: a probe in the browser reports the window's height, where
# the page's first figure begins (in the document, scrolled to the top) and its width,
# and
# the page is run again with height = window - top - LECTURE_MARGIN. The probe
# reports again when the window is resized or the content above the figure changes.
LECTURE_MARGIN = 16  # px under the figure, so its edge shows


LECTURE_MIN_HEIGHT = 380  # px: below this a figure is no longer readable


# Session state: {"height": window px, "figures": {figure key: {"top", "width"}}}.
VIEWPORT = "lecture.viewport"


VIEWPORT_JS = """
export default function ({ data, setStateValue }) {
  const measure = () => {
    const box = document.querySelector(`.${data.container}`);
    if (!box) return;
    let top = box.getBoundingClientRect().top + window.scrollY;
    for (let e = box.parentElement; e; e = e.parentElement) top += e.scrollTop;
    const now = {
      height: window.innerHeight,
      top: Math.round(top),
      width: Math.round(box.getBoundingClientRect().width),
    };
    const known = data.known || {};
    if (["height", "top", "width"].some((k) => Math.abs((known[k] ?? -99) - now[k]) > 2))
      setStateValue("viewport", now);
  };
  let timer = null;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(measure, 250);
  };
  window.addEventListener("resize", later);
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const observer = new ResizeObserver(later);
  if (main) observer.observe(main);
  later();
  return () => {
    clearTimeout(timer);
    window.removeEventListener("resize", later);
    observer.disconnect();
  };
}
"""


_viewport_probe = st.components.v2.component("descent_lab.viewport", js=VIEWPORT_JS)


def key_class(key: str) -> str:
    """The class Streamlit gives the element drawn with `key` (its frontend's rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def lecture_height(
    figure_key: str,
    default: int,
    least: int = LECTURE_MIN_HEIGHT,
    figure: dict | None = None,
) -> int:
    """The height in px that fits the figure drawn with `figure_key` on the screen,
    as the probe (`viewport_probe`) last measured it; `default` until it has. With
    `figure` (equal units on its axes), no taller than its column's width lets its
    plot be: more height would only pad it above and below."""
    measured = st.session_state.get(VIEWPORT, {})
    place = measured.get("figures", {}).get(figure_key)
    if place is None:
        return default
    height = measured["height"] - place["top"] - LECTURE_MARGIN
    if figure is not None:
        natural = figures.natural_height(figure, place["width"])
        height = min(height, natural if natural is not None else height)
    return max(int(height), least)


def viewport_probe(figure_key: str) -> None:
    """Mount the invisible probe that measures the window and the top of the figure
    drawn with `figure_key` (after it, so that nothing moves the figure down), and
    runs the page again when they change."""
    state = st.session_state
    probe = figure_key + ".viewport"

    def measured():
        value = state[probe].viewport
        if value:
            viewport = state.setdefault(VIEWPORT, {"figures": {}})
            viewport["height"] = int(value["height"])
            viewport["figures"][figure_key] = {
                "top": int(value["top"]),
                "width": int(value["width"]),
            }

    viewport = state.get(VIEWPORT, {})
    place = viewport.get("figures", {}).get(figure_key, {})
    _viewport_probe(
        key=probe,
        data={
            "container": key_class(figure_key),
            "known": {"height": viewport.get("height"), **place},
        },
        on_viewport_change=measured,
        height=0,
    )

"""A corpus of links and what each page shows for them (issue #21, item 1).

Captured before the page-state layer replaced the pages' own codecs, so that a test
(tests/test_link_corpus.py) can open every link after the change and find the same
numbers and notices. The links: every Gallery preset, the README's example, and for
every key a page reads a few of the URL fuzz's plausible and hostile values, each on
a cheap base link (few steps, small grids) so that the corpus stays fast.

What a link "shows" (`observe`): the notices (warnings, errors, infos), the link the
page writes back, the numbers in its text and tables, and a summary of every figure
trace's numbers (count, sum, min, max, first, last). Element order and wording
around the numbers may change; these may not.

    python tests/link_corpus.py   # rewrites tests/data/link_corpus.json
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "data" / "link_corpus.json"

# The page file each page is opened through (the Playground is the app's default).
FILES = {
    "playground": "app.py",
    "compare": "pages/compare.py",
    "schedules": "pages/schedules.py",
    "stochastic": "pages/stochastic.py",
    "neural_net": "pages/neural_net.py",
    "sweep": "pages/sweep.py",
    "gallery": "pages/gallery.py",
}
# Keys that make a link cheap; a corpus link adds one key (or a preset's query) to
# its page's base.
BASE = {
    "playground": {"steps": "60"},
    "compare": {"steps": "40"},
    "schedules": {"steps": "40"},
    "stochastic": {"steps": "30", "n_points": "20"},
    "neural_net": {"steps": "15", "n_points": "40"},
    "sweep": {"steps": "20", "resolution": "5"},
    "gallery": {},
}
# Values a corpus link gives each key besides the fuzz's plausible ones: what makes
# a page write a notice.
HOSTILE = ("nan", "1e309", "ROSENBROCK", "x" * 401, "[a](https://evil.example/)")
PER_KEY = 2  # plausible values per key


def links() -> list[dict]:
    """Every corpus link: {"page", "query"}, in a fixed order."""
    sys.path.insert(0, str(TESTS))
    from test_url_fuzz import NUMBERS, PAGES, PLAUSIBLE

    from ui.presets import PRESETS

    corpus = [{"page": p.page, "query": dict(p.query)} for p in PRESETS]
    # The README's example of a typed surface's link.
    corpus.append(
        {"page": "playground", "query": {"surface": "custom", "f": "x^2 + 3*y^2"}}
    )
    for page, (_, keys) in PAGES.items():
        corpus.append({"page": page, "query": dict(BASE[page])})
        for key in keys:
            if key == "mlp_slice" or key in BASE[page]:
                continue
            plausible = [v for v in PLAUSIBLE.get(key, NUMBERS) if v != "mlp_slice"]
            # Spread over the plausible values rather than the first few.
            step = max(1, len(plausible) // PER_KEY)
            chosen = plausible[::step][:PER_KEY]
            chosen.append(HOSTILE[len(corpus) % len(HOSTILE)])
            for value in chosen:
                corpus.append({"page": page, "query": {**BASE[page], key: value}})
    return corpus


NUMBER = re.compile(r"[-+−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")
TEXT_ELEMENTS = ("markdown", "caption", "latex", "title", "header", "subheader")
NOTICE_ELEMENTS = ("warning", "error", "info", "success", "exception")


def _summary(values) -> list:
    """count, sum, min, max, first, last of the finite numbers in `values` (nested
    lists flattened), and how many were not finite."""
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        flat = []
        for item in values if isinstance(values, list) else [values]:
            if isinstance(item, list):
                flat.extend(np.asarray(_flatten(item), dtype=object).tolist())
            else:
                flat.append(item)
        array = np.array(
            [v for v in flat if isinstance(v, int | float) and not isinstance(v, bool)],
            dtype=float,
        )
    finite = array[np.isfinite(array)]
    if finite.size == 0:
        return [int(array.size), int(array.size)]
    return [
        int(array.size),
        int(array.size - finite.size),
        float(finite.sum()),
        float(finite.min()),
        float(finite.max()),
        float(finite[0]),
        float(finite[-1]),
    ]


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _figure(spec: dict) -> list:
    from ui import figures

    figure = figures.with_frames(spec)
    traces = []
    for trace in figure.get("data", []):
        entry = {"type": trace.get("type", "scatter")}
        for axis in ("x", "y", "z"):
            if isinstance(trace.get(axis), list) and trace[axis]:
                entry[axis] = _summary(trace[axis])
        traces.append(entry)
    return [len(figure.get("frames", [])), traces]


def observe(page: str, query: dict) -> dict:
    """What `page` shows for `query`, as comparable JSON."""
    sys.path.insert(0, str(TESTS))
    from test_pages import app

    at = app(FILES[page], **query)
    notices = sorted(
        str(element.value)
        for kind in NOTICE_ELEMENTS
        for element in at.get(kind)
        if kind != "exception"
    )
    exceptions = [str(e.value)[:200] for e in at.exception]
    numbers = sorted(
        match
        for kind in TEXT_ELEMENTS
        for element in at.get(kind)
        for match in NUMBER.findall(str(element.value))
    )
    figures_ = sorted(
        (_figure(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")),
        key=json.dumps,
    )
    link = {
        key: sorted(value) if isinstance(value, list | tuple) else [value]
        for key, value in at.query_params.items()
    }
    return {
        "notices": notices,
        "exceptions": exceptions,
        "numbers": numbers,
        "figures": figures_,
        "link": link,
    }


def close(a, b, rtol: float = 1e-6) -> bool:
    """JSON values equal, floats to `rtol` (kernels may round differently)."""
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return False
        return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12) or (
            math.isnan(a) and math.isnan(b)
        )
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            close(x, y, rtol) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rtol) for k in a)
    return a == b


def main() -> None:
    import time

    entries = []
    for number, link in enumerate(links()):
        started = time.perf_counter()
        entries.append({**link, "shows": observe(link["page"], link["query"])})
        print(
            f"{number:4d} {time.perf_counter() - started:6.2f} s  {link['page']} "
            f"{json.dumps(link['query'])[:80]}",
            flush=True,
        )
    CORPUS.parent.mkdir(exist_ok=True)
    CORPUS.write_text(json.dumps(entries, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""Exports read back to exactly the numbers the engine produced."""

import csv
import io
import json
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import landscapes
import optimizers
from ui import export, figures
from ui import playground as pg


def two_runs():
    surface = landscapes.get("quadratic", condition_number=10.0)
    results = [
        optimizers.run("gd", surface, steps=80, lr=0.25),  # 1.5^k growth: diverges
        optimizers.run("adam", surface, steps=40, lr=0.1),
    ]
    return surface, ["gd", "adam"], results


def test_csv_round_trip():
    _, labels, results = two_runs()
    rows = list(csv.DictReader(io.StringIO(export.paths_csv(labels, results))))
    assert len(rows) == sum(len(r.path) for r in results)
    adam = [r for r in rows if r["run"] == "adam"]
    assert np.array_equal(
        [[float(r["x"]), float(r["y"])] for r in adam], results[1].path
    )
    assert np.array_equal([float(r["loss"]) for r in adam], results[1].loss)
    assert np.array_equal([float(r["lr"]) for r in adam[:-1]], results[1].lr)
    assert adam[-1]["lr"] == ""


def test_json_round_trip_and_divergence():
    _, labels, results = two_runs()
    query = pg.PAGE.query(pg.PAGE.parse({})[0])
    data = json.loads(export.paths_json(query, labels, results))
    assert data["query"] == query
    gd, adam = data["runs"]
    assert gd["diverged_at"] == results[0].diverged_at is not None
    assert np.array_equal(np.array(adam["path"]), results[1].path)
    assert adam["hyperparameters"]["lr"] == 0.1


@pytest.mark.parametrize("frames_in_browser", [False, True])
def test_html_embeds_plotly_and_every_frame(frames_in_browser):
    """Also for the Playground's figure, whose frames the page builds in the browser
    from a recipe: the file must carry them, since nothing builds them offline."""
    surface, labels, results = two_runs()
    figure = figures.trajectory_figure(
        surface,
        [r.path for r in results],
        labels,
        [r.diverged_at for r in results],
        surface.default_start,
        frames_in_browser=frames_in_browser,
    )
    page = export.standalone_html(
        figure, "Demo </script> title", "lesson", "http://x/?a=1"
    )
    assert export.plotly_js()[:200] in page
    assert "<script src=" not in page  # nothing to fetch: plays offline
    start = page.index("const figure = ") + len("const figure = ")
    end = page.index(";\nPlotly.newPlot")
    embedded = json.loads(page[start:end].replace("<\\/", "</"))
    assert len(embedded["frames"]) == max(len(r.path) for r in results)
    assert "meta" not in embedded["layout"]  # no recipe left in the file
    assert "Demo &lt;/script&gt; title" in page


def test_share_link_round_trips_through_the_codec():
    values, _ = pg.PAGE.parse({})
    values["run"][0].hyperparameters["lr"] = 0.0123456789
    link = export.share_link("http://localhost:8501/?old=1", pg.PAGE.query(values))
    parsed = urlparse(link)
    assert parsed.netloc == "localhost:8501" and "old" not in parsed.query
    again, notices = pg.PAGE.parse(parse_qs(parsed.query))
    assert notices == [] and again == values


def test_html_names_the_link_only_when_there_is_one():
    figure = {"data": [], "layout": {}, "frames": []}
    assert "Made with Descent Lab.</small>" in export.standalone_html(figure, "t")
    assert "Link: <code>http://x/?a=1&amp;b=2</code>" in export.standalone_html(
        figure, "t", link="http://x/?a=1&b=2"
    )

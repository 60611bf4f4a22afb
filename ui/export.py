"""Exports: the animation as one standalone HTML file that plays offline (plotly.js
embedded), and the paths as CSV and JSON."""

from __future__ import annotations

import csv
import html
import io
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import plotly

import optimizers
from ui import figures

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>body {{ font-family: sans-serif; margin: 1.5rem; }} #plot {{ max-width: 1000px; }}
</style>
<script>{plotly_js}</script>
</head>
<body>
<h1>{title}</h1>
<p>{lesson}</p>
<div id="plot"></div>
<p><small>Made with Descent Lab.{link}</small></p>
<script>
const figure = {figure_json};
Plotly.newPlot("plot", figure.data, figure.layout, {{displaylogo: false}})
  .then((plot) => {{
    {quiet_interruptions}
    return Plotly.addFrames(plot, figure.frames);
  }});
</script>
</body>
</html>
"""


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle shipped inside the plotly package (no network needed)."""
    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8"
    )


def standalone_html(figure: dict, title: str, lesson: str = "", link: str = "") -> str:
    """One HTML file holding plotly.js, the figure and its frames: it plays offline.
    A figure whose frames the browser builds (a recipe) gets them built here."""
    figure = figures.with_frames(figure)
    # "</" would end the <script> element early if it appeared inside the JSON.
    figure_json = json.dumps(figure, separators=(",", ":")).replace("</", "<\\/")
    return TEMPLATE.format(
        title=html.escape(title),
        lesson=html.escape(lesson),
        link=f" Link: <code>{html.escape(link)}</code>" if link else "",
        plotly_js=plotly_js(),
        figure_json=figure_json,
        # Pause without an "Uncaught (in promise)" error, as in the app.
        quiet_interruptions=figures.QUIET_INTERRUPTIONS_JS.replace("GRAPH_DIV", "plot"),
    )


def share_link(page_url: str | None, query: dict) -> str:
    """The page's address with `query` (repeated keys for lists), properly encoded."""
    base = (page_url or "").split("?")[0]
    return base + "?" + urlencode(query, doseq=True)


COLUMNS = ("run", "optimizer", "step", "x", "y", "loss", "grad_norm", "lr")


def paths_csv(labels: list[str], results: list[optimizers.RunResult]) -> str:
    """One row per run and iterate; lr is the rate used for the step *from* that
    iterate (empty on the last one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for label, result in zip(labels, results, strict=True):
        for k, (x, y) in enumerate(result.path):
            lr = repr(float(result.lr[k])) if k < len(result.lr) else ""
            writer.writerow(
                (
                    label,
                    result.optimizer,
                    k,
                    repr(float(x)),
                    repr(float(y)),
                    repr(float(result.loss[k])),
                    repr(float(result.grad_norm[k])),
                    lr,
                )
            )
    return buffer.getvalue()


def paths_json(
    query: dict, labels: list[str], results: list[optimizers.RunResult]
) -> str:
    """The configuration (as its URL query) and every run's arrays, full precision."""
    return json.dumps(
        {
            "query": query,
            "runs": [
                {
                    "label": label,
                    "optimizer": result.optimizer,
                    "hyperparameters": result.hyperparameters,
                    "landscape": {
                        "name": result.landscape.name,
                        "params": result.landscape.params,
                    },
                    "schedule": result.schedule.to_dict(),
                    "diverged_at": result.diverged_at,
                    "undefined_at": result.undefined_at,
                    "steps_to_tolerance": result.steps_to_tolerance,
                    "path": result.path.tolist(),
                    "loss": result.loss.tolist(),
                    "grad_norm": result.grad_norm.tolist(),
                    "lr": result.lr.tolist(),
                }
                for label, result in zip(labels, results, strict=True)
            ],
        }
    )


TRAINING_COLUMNS = (
    "run",
    "optimizer",
    "step",
    "train_loss",
    "train_accuracy",
    "test_loss",
    "test_accuracy",
    "lr",
    "plane_a",
    "plane_b",
    "distance_off_plane",
)


def training_csv(labels, results, coords, distances) -> str:
    """One row per run and step of a network's training: the full-data metrics, the
    lr of the step from there, and the iterate's plane coordinates and distance."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TRAINING_COLUMNS)
    for label, result, plane, distance in zip(
        labels, results, coords, distances, strict=True
    ):
        for k in range(len(result.loss)):
            writer.writerow(
                (
                    label,
                    result.optimizer,
                    k,
                    repr(float(result.loss[k])),
                    repr(float(result.accuracy[k])),
                    repr(float(result.test_loss[k])),
                    repr(float(result.test_accuracy[k])),
                    repr(float(result.lr[k])) if k < len(result.lr) else "",
                    repr(float(plane[k, 0])),
                    repr(float(plane[k, 1])),
                    repr(float(distance[k])),
                )
            )
    return buffer.getvalue()


def training_json(query: dict, labels, results) -> str:
    """The configuration (its URL query) and every run's records and parameter
    vectors (torch's nn.Sequential order), full precision."""
    return json.dumps(
        {
            "query": query,
            "runs": [
                {
                    "label": label,
                    "optimizer": result.optimizer,
                    "hyperparameters": result.hyperparameters,
                    "schedule": result.schedule.to_dict(),
                    "layout": [
                        {"name": name, "shape": list(shape), "offset": offset}
                        for name, shape, offset in result.model.layout()
                    ],
                    "diverged_at": result.diverged_at,
                    "loss": result.loss.tolist(),
                    "accuracy": result.accuracy.tolist(),
                    "test_loss": result.test_loss.tolist(),
                    "test_accuracy": result.test_accuracy.tolist(),
                    "lr": result.lr.tolist(),
                    "params": result.params.tolist(),
                }
                for label, result in zip(labels, results, strict=True)
            ],
        }
    )

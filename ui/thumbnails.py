"""The Gallery's pictures: each preset's own runs, drawn small, as committed PNGs.

Each picture is computed by the engine from the preset's query, read by the same
parser as the page its link opens (`ui.playground.PAGE` and `run_all` for the
Playground, `ui.stochastic.panels`, `ui.neural_net.train_all`, the Schedules page's
runs), and drawn with Pillow at SCALE times the size, then downsampled (that is
the antialiasing). No text is drawn: the lesson beside the picture says what it shows,
and a picture without fonts is the same on every machine, pixel for pixel.

The Gallery must open at once on a server whose Numba cache is cold, so the pictures
are not computed on page load: ``python -m ui.thumbnails`` writes them to
``ui/gallery/<key>.png`` (package data, `Preset.picture`), and a test redraws them
and compares, so a changed preset with a stale picture fails.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import contourpy
import numpy as np
from PIL import Image, ImageDraw

import landscapes
from landscapes.linear_regression import confusion_region
from landscapes.loss_slice import filter_normalized
from ui import figures
from ui import neural_net as nn
from ui import playground as pg
from ui import schedules as schedules_page
from ui import stochastic as sto
from ui.presets import PICTURES, PRESETS, Preset
from ui.state import surface_of

SIZE = (360, 240)  # pixels of a picture
SCALE = 3  # drawn this many times larger, then downsampled
CONTOURS = 10  # contour lines, evenly spaced in log(f - f_min)
LINE = 2.0  # a run's line width, in final pixels
BACKGROUND = (255, 255, 255)
PANEL = (246, 246, 246)  # the background of a curve panel
GRID_LINE = (215, 215, 215)
PINK = (255, 105, 180)  # the Stochastic page's region of confusion
GAP = 3  # pixels between plots
BUSY = 2.0  # a path with this many picture diagonals of line is a zig-zag or a blow-up


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def colour(index: int) -> tuple[int, int, int]:
    """Run `index`'s colour: the app's palette (`ui.figures.color`)."""
    return _rgb(figures.color(index))


class Plot:
    """A rectangle of the picture (left, top, width, height in final pixels) showing
    the world rectangle x0..x1 by y0..y1 (y up), drawn at SCALE times its size on its
    own layer, so nothing drawn in it spills out (`Canvas.add` pastes it)."""

    def __init__(self, rect, x0, x1, y0, y1, background=BACKGROUND):
        self.left, self.top, self.width, self.height = (int(v) for v in rect)
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.layer = Image.new(
            "RGB", (self.width * SCALE, self.height * SCALE), background
        )
        self.draw = ImageDraw.Draw(self.layer)

    def to_pixels(self, points: np.ndarray) -> np.ndarray:
        """(n, 2) world points to (n, 2) layer pixels."""
        u = (points[:, 0] - self.x0) / (self.x1 - self.x0)
        v = (points[:, 1] - self.y0) / (self.y1 - self.y0)
        return np.column_stack([u * self.width, (1 - v) * self.height]) * SCALE

    def visible_pieces(self, points: np.ndarray) -> list[np.ndarray]:
        """A polyline cut to the plot (plus a margin), in layer pixels: the runs of
        consecutive segments that show. A diverging path reaches 1e8, far past what
        Pillow's int coordinates hold."""
        points = points[np.all(np.isfinite(points), axis=1)]
        pixels = self.to_pixels(points)
        margin = 20.0 * SCALE
        low = np.array([-margin, -margin])
        high = np.array(self.layer.size, dtype=float) + margin
        pieces: list[list[np.ndarray]] = []
        current: list[np.ndarray] = []
        for p, q in zip(pixels[:-1], pixels[1:], strict=True):
            clipped = _clip(p, q, low, high)
            if clipped is None:
                if current:
                    pieces.append(current)
                current = []
                continue
            a, b = clipped
            if current and np.array_equal(a, current[-1]):
                current.append(b)
            else:
                if current:
                    pieces.append(current)
                current = [a, b]
        if current:
            pieces.append(current)
        return [np.array(piece) for piece in pieces]

    def ink(self, points: np.ndarray) -> float:
        """How much line a path draws inside the plot (layer pixels)."""
        return sum(
            float(np.sum(np.hypot(*np.diff(piece, axis=0).T)))
            for piece in self.visible_pieces(points)
        )

    def polyline(self, points: np.ndarray, fill, width: float = LINE):
        for piece in self.visible_pieces(np.asarray(points, dtype=float)):
            xy = [tuple(p) for p in np.round(piece, 1)]
            self.draw.line(xy, fill=fill, width=round(width * SCALE), joint="curve")

    def _at(self, point) -> tuple[float, float] | None:
        x, y = self.to_pixels(np.array([point], dtype=float))[0]
        inside = -50 < x < self.layer.width + 50 and -50 < y < self.layer.height + 50
        return (x, y) if inside else None

    def dot(self, point, fill, radius: float = 3.0):
        """Where a run ends: a dot in its colour, outlined in black."""
        if (at := self._at(point)) is None:
            return
        (x, y), r = at, radius * SCALE
        self.draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=fill, outline=(0, 0, 0), width=SCALE
        )

    def cross(self, point, radius: float = 4.0):
        """The start: a white x outlined in black (as the app draws it)."""
        if (at := self._at(point)) is None:
            return
        (x, y), r = at, radius * SCALE
        for width, fill in ((4 * SCALE, (0, 0, 0)), (2 * SCALE, (255, 255, 255))):
            self.draw.line((x - r, y - r, x + r, y + r), fill=fill, width=width)
            self.draw.line((x - r, y + r, x + r, y - r), fill=fill, width=width)

    def star(self, point, radius: float = 6.0):
        """A minimum: a gold star outlined in black (as the app draws it)."""
        if (at := self._at(point)) is None:
            return
        (x, y), r = at, radius * SCALE
        corners = []
        for k in range(10):
            angle = math.pi / 2 + k * math.pi / 5
            length = r if k % 2 == 0 else r * 0.45
            corners.append((x + length * math.cos(angle), y - length * math.sin(angle)))
        self.draw.polygon(corners, fill=(255, 215, 0), outline=(0, 0, 0), width=SCALE)


def equal_units_view(bounds, width: float, height: float) -> tuple[float, ...]:
    """(x0, x1, y0, y1): `bounds` widened along one axis so that one unit is as long
    across as up on a width x height plot (the Playground's equal-units view)."""
    (x0, x1), (y0, y1) = bounds
    aspect = width / height
    if (x1 - x0) / (y1 - y0) < aspect:
        half = (y1 - y0) * aspect / 2
        middle = (x0 + x1) / 2
        return middle - half, middle + half, y0, y1
    half = (x1 - x0) / aspect / 2
    middle = (y0 + y1) / 2
    return x0, x1, middle - half, middle + half


def _clip(p, q, low, high):
    """Liang-Barsky: the part of segment p-q inside the box low..high, or None."""
    t0, t1 = 0.0, 1.0
    d = q - p
    for axis in (0, 1):
        for num, den in (
            (p[axis] - low[axis], -d[axis]),
            (high[axis] - p[axis], d[axis]),
        ):
            if den == 0:
                if num < 0:
                    return None
                continue
            t = num / den
            if den < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    if t0 > t1:
        return None
    return p + t0 * d, p + t1 * d


class Canvas:
    """A picture drawn at SCALE times its size; `image()` downsamples it."""

    def __init__(self):
        self.big = Image.new("RGB", (SIZE[0] * SCALE, SIZE[1] * SCALE), BACKGROUND)

    def add(self, plot: Plot) -> None:
        self.big.paste(plot.layer, (plot.left * SCALE, plot.top * SCALE))

    def image(self) -> Image.Image:
        small = self.big.resize(SIZE, Image.Resampling.LANCZOS)
        # 256 colours (octree, no dithering): 5-16 kB a picture, and the run colours
        # kept (a median cut gave the contours' many shades the palette instead).
        return small.quantize(
            256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )


# --- surfaces with paths ------------------------------------------------------------


def contour_map(plot: Plot, surface, levels: int = CONTOURS) -> None:
    """The surface's contour lines over the plot, evenly spaced in log(f - f_min) (the
    app's colour scale), grey (the run colours are the only colours), darker toward
    the minimum."""
    xs = np.linspace(plot.x0, plot.x1, 181)
    ys = np.linspace(plot.y0, plot.y1, 121)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.value(X, Y)
    finite = Z[np.isfinite(Z)]
    heights = figures.log_levels(Z, float(finite.min()))
    low, high = float(heights.min()), float(heights.max())
    generator = contourpy.contour_generator(xs, ys, heights)
    for k, level in enumerate(np.linspace(low, high, levels + 2)[1:-1]):
        grey = round(140 + 75 * k / max(levels - 1, 1))
        for line in generator.lines(level):
            plot.polyline(line, (grey, grey, grey + 10), width=1.0)


def pale(rgb, amount: float = 0.45) -> tuple[int, int, int]:
    """`rgb` mixed with white."""
    return tuple(round(c + amount * (255 - c)) for c in rgb)


def draw_paths(plot: Plot, surface, paths, colours, start, extra=None) -> None:
    """Contours of `surface`, `extra(plot)`, the minima, the start, then every path
    in its colour with a dot where it ends.

    The path with the most ink is drawn first and widest, each next one narrower on
    top, so a path that runs along another shows as a stripe inside it, and a run
    that barely moved shows its dot beside the start. A busy path (a zig-zag, a
    blow-up: over BUSY diagonals of line and twice the quietest path's) is drawn
    thin and pale, a texture the quiet paths stay visible on."""
    contour_map(plot, surface)
    if extra is not None:
        extra(plot)
    for point in surface.minima:
        plot.star(point)
    plot.cross(start)
    ink = [plot.ink(path) for path in paths]
    diagonal = math.hypot(*plot.layer.size)
    busy = [v > BUSY * diagonal and v > 2 * min(ink) for v in ink]
    order = sorted(range(len(paths)), key=lambda i: -ink[i])
    widths = np.linspace(3.0, 1.5, len(paths)) if len(paths) > 1 else [LINE]
    for i, width in zip(order, widths, strict=True):
        if busy[i]:
            plot.polyline(paths[i], pale(colours[i]), width=1.2)
        else:
            plot.polyline(paths[i], colours[i], width=width)
    for i in order:
        plot.dot(paths[i][-1], colours[i])


def playground(preset: Preset) -> Image.Image:
    """The Playground's figure in small: the surface in its equal-units view with
    every run's path in its run colour."""
    values, _ = pg.PAGE.parse(preset.query)
    surface = surface_of(values)
    results = pg.run_all(values)
    paths = [r.path for r in results]
    plot = Plot((0, 0, *SIZE), *equal_units_view(surface.bounds, *SIZE))
    colours = [colour(i) for i in range(len(paths))]

    def companions(plot: Plot) -> None:
        # What moves with a run (an average, Schedule-Free's x and z), pale and
        # thin under the paths, as the page draws them dashed beside them.
        for i, _, points in figures.companion_paths(results):
            plot.polyline(points, pale(colours[i], 0.3), width=1.0)

    start = pg.start_of(values, surface)
    draw_paths(plot, surface, paths, colours, start, extra=companions)
    canvas = Canvas()
    canvas.add(plot)
    return canvas.image()


def stochastic(preset: Preset) -> Image.Image:
    """The Stochastic page in small: full batch, minibatch and online runs side by
    side over the full loss's contours and the region of confusion, each in the
    colour of its line in the page's loss plot, and that plot (full training loss
    minus its minimum, log scale) underneath."""
    values, _ = sto.PAGE.parse(preset.query)
    surface = sto.surface_of(values)
    runs = sto.panels(values)
    start = sto.start_of(values, surface)
    canvas = Canvas()
    side = (SIZE[0] - 2 * GAP) // 3
    (x0, x1), (y0, y1) = surface.bounds

    def region(plot):
        if surface.name == "linear_regression":
            boundary, _ = confusion_region(surface)
            plot.polyline(boundary, PINK, width=1.5)

    for i, panel in enumerate(runs):
        plot = Plot((i * (side + GAP), 0, side, side), x0, x1, y0, y1)
        draw_paths(plot, surface, [panel.result.path], [colour(i)], start, region)
        canvas.add(plot)
    gaps = [figures.loss_gap(p.result.loss, surface.min_value)[0] for p in runs]
    top = side + 2 * GAP
    canvas.add(
        curves_plot(
            (0, top, SIZE[0], SIZE[1] - top),
            gaps,
            True,
            [colour(i) for i in range(len(runs))],
            widths=[1.0] * len(runs),
            decades=4,
        )
    )
    return canvas.image()


# --- curves ---------------------------------------------------------------------------


def curves_plot(
    rect,
    curves: list[np.ndarray],
    log: bool,
    colours: list,
    xs: list[np.ndarray] | None = None,
    widths: list[float] | None = None,
    decades: float | None = None,
) -> Plot:
    """Curves on a grey plot, each in its colour (the first drawn last, on top), y on
    a log scale if `log`, with faint lines at the powers of ten (log) or at quarters
    of the range. `decades` limits a log scale to that many below the top (a run
    that converges to round-off would squash the others into a stripe)."""
    ys = [np.asarray(c, dtype=float) for c in curves]
    if log:
        ys = [np.log10(np.where(y > 0, y, np.nan)) for y in ys]
    xs = xs or [np.arange(len(y), dtype=float) for y in ys]
    finite = np.concatenate([y[np.isfinite(y)] for y in ys])
    low, high = float(finite.min()), float(finite.max())
    if log and decades is not None:
        low = max(low, high - decades)
    pad = 0.06 * (high - low or 1.0)
    x_low = min(float(x[0]) for x in xs)
    x_high = max(float(x[-1]) for x in xs)
    plot = Plot(rect, x_low, x_high, low - pad, high + pad, background=PANEL)
    if log:
        marks = range(math.ceil(low - pad), math.floor(high + pad) + 1)
    else:
        marks = np.linspace(low, high, 5)
    for mark in marks:
        plot.polyline(np.array([[x_low, mark], [x_high, mark]]), GRID_LINE, width=1.0)
    widths = widths or [LINE] * len(ys)
    for i in reversed(range(len(ys))):
        plot.polyline(np.column_stack([xs[i], ys[i]]), colours[i], width=widths[i])
    return plot


def schedules_picture(preset: Preset) -> Image.Image:
    """The Schedules page's curves in small: the lr of each schedule (top) and the
    loss of its noisy run (below, log f - f*), in the page's colours."""
    values, _ = schedules_page.PAGE.parse(preset.query)
    surface = landscapes.get(values["surface"])
    results = schedules_page.runs(values)
    colours = [colour(i) for i in range(len(results))]
    rates = schedules_page.curves(values)
    gaps = [figures.loss_gap(r.loss, surface.min_value)[0] for r in results]
    canvas = Canvas()
    top = 72
    canvas.add(curves_plot((0, 0, SIZE[0], top), rates, False, colours))
    canvas.add(
        curves_plot(
            (0, top + 2 * GAP, SIZE[0], SIZE[1] - top - 2 * GAP),
            gaps,
            True,
            colours,
            widths=[1.0] * len(gaps),
        )
    )
    return canvas.image()


def neural(preset: Preset) -> Image.Image:
    """The Neural net page's training loss of every run; for the sharp-vs-flat
    preset, `sharpness_picture`."""
    values, _ = nn.PAGE.parse(preset.query)
    model, data, _, results = nn.train_all(values)
    colours = [colour(i) for i in range(len(results))]
    if preset.key == "sharp-vs-flat":
        return sharpness_picture(model, data, results, colours)
    canvas = Canvas()
    canvas.add(curves_plot((0, 0, *SIZE), [r.loss for r in results], True, colours))
    return canvas.image()


def sharpness_picture(model, data, results, colours) -> Image.Image:
    """Left: each run's training (thick) and held-out (thin) loss through training.
    Right: each run's loss along one filter-normalized direction through its final
    weights, from -1 to 1 times it (the first of the directions the page's sharpness
    column averages over): the sharp minimum's valley is narrow, the flat one's
    wide."""
    half = (SIZE[0] - GAP) // 2
    curves, widths, shades = [], [], []
    for result, shade in zip(results, colours, strict=True):
        curves += [result.loss, result.test_loss]
        widths += [LINE, 1.0]
        shades += [shade, shade]
    t = np.linspace(-1.0, 1.0, 41)
    profiles = []
    for result in results:
        direction = filter_normalized(model, result.final, np.random.default_rng(0))
        profiles.append(
            np.array([model.loss(result.final + s * direction, data) for s in t])
        )
    canvas = Canvas()
    canvas.add(curves_plot((0, 0, half, SIZE[1]), curves, True, shades, widths=widths))
    canvas.add(
        curves_plot(
            (half + GAP, 0, SIZE[0] - half - GAP, SIZE[1]),
            profiles,
            True,
            colours,
            xs=[t] * len(profiles),
        )
    )
    return canvas.image()


# --- sweep planes -------------------------------------------------------------------


def _scale_colours(values: np.ndarray, scale, low: float, high: float) -> np.ndarray:
    """Values on a plotly colour scale ([[t, "#rrggbb"], ...]) as RGB, linearly
    between its stops (what plotly.js draws)."""
    stops = np.array([t for t, _ in scale])
    rgb = np.array([_rgb(c) for _, c in scale], dtype=float)
    t = np.clip((np.asarray(values, dtype=float) - low) / (high - low), 0.0, 1.0)
    return np.stack([np.interp(t, stops, rgb[:, k]) for k in range(3)], axis=-1)


def plane_colours(plane, outcome: str, basins=None) -> np.ndarray:
    """(ny, nx, 3) uint8: each cell as the Sweep page colours it (score on the
    diverging scale; basins one colour per minimum; diverged cells dark, cells with
    no value grey)."""
    from ui import sweep_figures as sf

    rgb = np.empty(plane.shape + (3,))
    rgb[:] = _rgb(sf.NOT_REACHED)
    if outcome == "score":
        rgb = _scale_colours(plane.score, sf.SCORE_SCALE, -1.0, 1.0)
    elif outcome == "sharpness":
        ratio = sf.final_sharpness_ratio(plane)
        rgb = _scale_colours(np.nan_to_num(ratio), sf.SCORE_SCALE, 0.0, 2.0)
        rgb[plane.diverged] = _rgb(sf.DIVERGED)
    elif outcome == "basin":
        colours = sf.colour_indices(basins, plane.landscape)
        for k in range(len(basins.minima)):
            rgb[basins.labels == k] = _rgb(sf.basin_colour(colours[k]))
        rgb[plane.diverged] = _rgb(sf.DIVERGED)
    else:
        raise ValueError(f"no picture for outcome {outcome!r}")
    return np.round(rgb).astype(np.uint8)


def sweep_picture(preset: Preset) -> Image.Image:
    """The Sweep page's heat map in small, in cell coordinates (a log axis is even
    in its cells): the outcome's colours, the theory's boundary (magenta) and the
    optimal heavy-ball pair on a quadratic; a basin map's contour lines and minima."""
    from ui import sweep as sw
    from ui import sweep_figures as sf

    values, _ = sw.PAGE.parse(preset.query)
    plane, basins = sw.compute(values)
    ny, nx = plane.shape
    cells = Image.fromarray(plane_colours(plane, values["outcome"], basins)[::-1])
    plot = Plot((0, 0, *SIZE), -0.5, nx - 0.5, -0.5, ny - 0.5)
    plot.layer.paste(cells.resize(plot.layer.size, Image.Resampling.NEAREST))

    def cell_of(axis, value: float) -> float:
        """`value`'s place along `axis`, in cells."""
        if axis.log:
            t = math.log(value / axis.low) / math.log(axis.high / axis.low)
        else:
            t = (value - axis.low) / (axis.high - axis.low)
        return t * (axis.resolution - 1)

    def place(point) -> tuple[float, float]:
        return cell_of(plane.x, point[0]), cell_of(plane.y, point[1])

    theory = sw.theory(values, plane)
    if theory is not None and theory.region is not None:
        generator = contourpy.contour_generator(
            np.arange(nx), np.arange(ny), theory.region.astype(float)
        )
        for line in generator.lines(0.5):
            plot.polyline(line, _rgb(sf.THEORY), width=2.0)
    if theory is not None and theory.optimal is not None:
        lr, momentum, _ = theory.optimal
        chosen = {"lr": lr, "momentum": momentum}
        plot.star(place((chosen[plane.x.name], chosen[plane.y.name])))
    if plane.kind == "starts":
        xs = np.linspace(plane.x.low, plane.x.high, 121)
        ys = np.linspace(plane.y.low, plane.y.high, 121)
        Z = plane.landscape.value(*np.meshgrid(xs, ys))
        heights = figures.log_levels(Z, float(np.nanmin(Z)))
        generator = contourpy.contour_generator(
            np.linspace(0, nx - 1, 121), np.linspace(0, ny - 1, 121), heights
        )
        low, high = float(heights.min()), float(heights.max())
        for level in np.linspace(low, high, CONTOURS + 2)[1:-1]:
            for line in generator.lines(level):
                plot.polyline(line, (255, 255, 255), width=0.8)
        circle = sf.stability_circle(plane)
        if circle is not None:
            plot.polyline(
                np.array(
                    [place(p) for p in zip(circle["x"], circle["y"], strict=True)]
                ),
                _rgb(sf.THEORY),
                width=2.0,
            )
        colours = sf.colour_indices(basins, plane.landscape)
        shown = basins.minima if values["outcome"] == "basin" else []
        for k, minimum in enumerate(shown):
            if minimum.is_global:
                plot.star(place(minimum.point))
            else:
                plot.dot(place(minimum.point), _rgb(sf.basin_colour(colours[k])))
    canvas = Canvas()
    canvas.add(plot)
    return canvas.image()


DRAWERS = {
    "sweep": sweep_picture,
    "playground": playground,
    "schedules": schedules_picture,
    "stochastic": stochastic,
    "neural_net": neural,
}


def draw(preset: Preset) -> Image.Image:
    """The picture of `preset`: its own runs, from its own query."""
    return DRAWERS[preset.page](preset)


def write_all(directory: Path = PICTURES, keys=None) -> list[Path]:
    """Draw every preset's picture (or those in `keys`) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for preset in PRESETS:
        if keys and preset.key not in keys:
            continue
        target = directory / preset.picture.name
        draw(preset).save(target, optimize=True)
        written.append(target)
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ui.thumbnails",
        description="Draw the Gallery's pictures (run after changing a preset).",
    )
    parser.add_argument("keys", nargs="*", help="presets to draw (default: all)")
    parser.add_argument("--out", type=Path, default=PICTURES)
    args = parser.parse_args(argv)
    for path in write_all(args.out, set(args.keys)):
        print(f"{path} ({path.stat().st_size / 1000:.1f} kB)")


if __name__ == "__main__":
    main()

"""The Gallery's committed pictures are what `python -m ui.thumbnails` draws now from
the current presets: a changed preset with a stale picture fails here."""

import dataclasses

import numpy as np
import pytest
from PIL import Image

from ui import thumbnails
from ui.presets import BY_KEY, PICTURES, PRESETS

# Pixels may differ a little where the engine's last bits or Pillow's antialiasing
# differ between machines; a changed run moves a whole path.
TOLERANCE = 32  # in any channel, out of 255
MAX_CHANGED = 0.002  # of the pixels


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=int)


def changed_fraction(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    difference = np.abs(pixels(a) - pixels(b)).max(axis=2)
    return float(np.mean(difference > TOLERANCE))


def test_every_preset_has_a_picture_and_no_picture_is_left_over():
    assert sorted(p.name for p in PICTURES.glob("*.png")) == sorted(
        f"{p.key}.png" for p in PRESETS
    )
    for preset in PRESETS:
        with Image.open(preset.picture) as image:
            assert image.size == thumbnails.SIZE
            assert preset.picture.stat().st_size < 40_000


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_the_committed_picture_is_what_the_script_draws_now(preset):
    with Image.open(preset.picture) as committed:
        fraction = changed_fraction(committed, thumbnails.draw(preset))
    assert fraction <= MAX_CHANGED, (
        f"{preset.picture.name} is stale ({fraction:.1%} of its pixels changed): "
        "run `python -m ui.thumbnails` and commit ui/gallery/"
    )


def test_a_changed_preset_no_longer_matches_its_picture():
    """The comparison can fail: a slightly different learning rate is caught."""
    preset = BY_KEY["momentum-ravine"]
    changed = dataclasses.replace(
        preset,
        query={**preset.query, "run": ["gd;lr=0.036", "momentum;lr=0.01;momentum=0.8"]},
    )
    with Image.open(preset.picture) as committed:
        assert changed_fraction(committed, thumbnails.draw(changed)) > MAX_CHANGED


def test_the_script_writes_every_picture(tmp_path):
    written = thumbnails.write_all(tmp_path, {"saddle-noise", "newton-saddle"})
    assert sorted(p.name for p in written) == ["newton-saddle.png", "saddle-noise.png"]
    for path in written:
        with Image.open(path) as fresh, Image.open(PICTURES / path.name) as committed:
            assert changed_fraction(fresh, committed) <= MAX_CHANGED


def test_a_diverging_path_is_cut_at_the_picture_not_dropped():
    plot = thumbnails.Plot((0, 0, 100, 100), -1.0, 1.0, -1.0, 1.0)
    path = np.array([[0.0, 0.0], [0.5, 0.0], [-1e8, 1e8], [1e8, -1e8]])
    pieces = plot.visible_pieces(path)
    # In view and out (one piece, cut where it leaves), then a jump across the view.
    assert len(pieces) == 2 and len(pieces[0]) == 3 and len(pieces[1]) == 2
    assert np.allclose(pieces[0][:2], plot.to_pixels(path[:2]))
    limit = 100 * thumbnails.SCALE + 20 * thumbnails.SCALE
    assert all(np.abs(piece).max() <= limit + 1e-6 for piece in pieces)

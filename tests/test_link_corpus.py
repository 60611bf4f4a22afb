"""Every link of the corpus captured before the page-state layer (issue #21, item 1)
still shows the same numbers and notices: the same notices, the same link written
back, the same numbers in the page's text and tables and the same figure data (see
tests/link_corpus.py for what is compared, and how the corpus was made)."""

import json
from collections import Counter

import pytest
from link_corpus import CORPUS, NUMBER, close, observe

from ui.presets import PRESETS

ENTRIES = json.loads(CORPUS.read_text())
# The Gallery's demos when the corpus was captured: PRESETS[:22].
CAPTURED_PRESETS = 22


@pytest.mark.parametrize(
    "entry",
    ENTRIES,
    ids=[f"{n}-{e['page']}-{'-'.join(e['query'])[:40]}" for n, e in enumerate(ENTRIES)],
)
def test_a_captured_link_shows_what_it_showed(entry):
    shows = observe(entry["page"], entry["query"])
    expected = entry["shows"]
    assert shows["exceptions"] == []
    if entry["page"] == "gallery":
        # The Gallery has gained demos since the capture (appended to ui.presets):
        # their titles' and lessons' numbers are taken out, the rest must match.
        shown = Counter(shows["numbers"])
        for preset in PRESETS[CAPTURED_PRESETS:]:
            shown.subtract(NUMBER.findall(f"{preset.title} {preset.lesson}"))
        assert min(shown.values(), default=0) >= 0
        shows["numbers"] = sorted(shown.elements())
    for part in ("notices", "link", "numbers", "figures"):
        assert close(shows[part], expected[part]), part

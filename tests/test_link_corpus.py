"""Every link of the corpus captured before the page-state layer (issue #21, item 1)
still shows the same numbers and notices: the same notices, the same link written
back, the same numbers in the page's text and tables and the same figure data (see
tests/link_corpus.py for what is compared, and how the corpus was made)."""

import json

import pytest
from link_corpus import CORPUS, close, observe

ENTRIES = json.loads(CORPUS.read_text())


@pytest.mark.parametrize(
    "entry",
    ENTRIES,
    ids=[f"{n}-{e['page']}-{'-'.join(e['query'])[:40]}" for n, e in enumerate(ENTRIES)],
)
def test_a_captured_link_shows_what_it_showed(entry):
    shows = observe(entry["page"], entry["query"])
    expected = entry["shows"]
    assert shows["exceptions"] == []
    for part in ("notices", "link", "numbers", "figures"):
        assert close(shows[part], expected[part]), part

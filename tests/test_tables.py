"""Markdown tables: every cell prints as its text, whatever characters it holds."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from markdown_cells import rendered_cells

from ui import tables


@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
        min_size=1,
        max_size=4,
    )
)
def test_any_text_is_one_cell_and_prints_as_itself(texts):
    row = {f"c{i}": text for i, text in enumerate(texts)}
    cells = rendered_cells(tables.markdown_table([row]))
    assert cells[0] == list(row)
    expected = [text.strip() or tables.MISSING for text in texts]
    assert [c.strip() for c in cells[1]] == expected


def test_numbers_and_missing_values():
    assert tables.number(0.000123456) == "1.235e-04"
    assert tables.number(12) == "12"
    assert tables.number(np.int64(146)) == "146"
    assert tables.number(None) == tables.MISSING
    assert tables.number(math.inf) == tables.MISSING
    assert tables.number(math.nan) == tables.MISSING
    table = tables.markdown_table(
        [{"run": "1. adam(lr=0.05)", "loss": tables.number(2.5)}], align_right=("loss",)
    )
    assert rendered_cells(table) == [["run", "loss"], ["1. adam(lr=0.05)", "2.500e+00"]]
    assert "---:" in table.splitlines()[1]


def test_a_blank_cell_prints_as_missing():
    """Found by the property test above: a cell of spaces printed as an empty cell."""
    cells = rendered_cells(tables.markdown_table([{"a": " ", "b": "\n"}]))
    assert [c.strip() for c in cells[1]] == [tables.MISSING, tables.MISSING]

"""Small tables as Markdown, for the pages.

A Markdown table is drawn by the Markdown renderer every page already loads;
st.dataframe brings a data grid and an Arrow decoder (1.4 MB of JavaScript, measured)
that the browser must compile before it draws anything, figures included.
"""

from __future__ import annotations

import math
import numbers

MISSING = "—"

# Browsers may break a line after the hyphen of an exponent (2.159e-\n08). Numbers go
# in right-aligned columns (`align_right`), and those cells keep to one line; a table
# wider than its column then scrolls sideways inside it instead of spilling over the
# page. Draw with st.html: a style-only element takes no space on the page.
NUMBER_CELL_CSS = (
    "<style>td[style*='right'] { white-space: nowrap; }"
    " [data-testid='stMarkdownContainer']:has(> table) { overflow-x: auto; }</style>"
)


def number(value, digits: int = 4) -> str:
    """A float in scientific notation with `digits` significant digits; None, NaN and
    infinity (no minimum to measure from) as a dash; integers as they are."""
    if value is None:
        return MISSING
    if isinstance(value, numbers.Integral):
        return str(int(value))
    value = float(value)
    if not math.isfinite(value):
        return MISSING
    return f"{value:.{digits - 1}e}"


def _cell(value) -> str:
    text = MISSING if value is None else str(value)
    # A pipe would end the cell, a newline the row; the others start Markdown (and
    # Streamlit's $ math), an & an entity.
    for char in "\\|*_`[]<>$&~":
        text = text.replace(char, "\\" + char)
    # A blank cell would print as nothing: it is missing.
    return text.replace("\n", " ").strip() or MISSING


def markdown_table(rows: list[dict], align_right: tuple[str, ...] = ()) -> str:
    """A GitHub-flavoured Markdown table with the keys of the first row as columns;
    cell text is escaped, so labels and values print as they are. Columns named in
    `align_right` are right-aligned and, under NUMBER_CELL_CSS, never wrap."""
    if not rows:
        return ""
    columns = list(rows[0])
    header = "| " + " | ".join(_cell(c) for c in columns) + " |"
    rule = "| " + " | ".join("---:" if c in align_right else "---" for c in columns)
    body = [
        "| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows
    ]
    return "\n".join([header, rule + " |", *body])

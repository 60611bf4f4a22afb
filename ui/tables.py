"""Small tables as Markdown, for the pages.

A Markdown table is drawn by the Markdown renderer every page already loads;
st.dataframe brings a data grid and an Arrow decoder (1.4 MB of JavaScript, measured)
that the browser must compile before it draws anything, figures included.
"""

from __future__ import annotations

import math
import numbers

MISSING = "—"


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
    return text.replace("\n", " ") or MISSING


def markdown_table(rows: list[dict], align_right: tuple[str, ...] = ()) -> str:
    """A GitHub-flavoured Markdown table with the keys of the first row as columns;
    cell text is escaped, so labels and values print as they are."""
    if not rows:
        return ""
    columns = list(rows[0])
    header = "| " + " | ".join(_cell(c) for c in columns) + " |"
    rule = "| " + " | ".join("---:" if c in align_right else "---" for c in columns)
    body = [
        "| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows
    ]
    return "\n".join([header, rule + " |", *body])

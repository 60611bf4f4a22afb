"""Read Markdown tables back as cells, with an independent CommonMark+GFM parser."""

from markdown_it import MarkdownIt


def rendered_cells(markdown: str) -> list[list[str]]:
    """The table's cells as a CommonMark+GFM renderer (markdown-it, as Streamlit's
    react-markdown) reads them: rows of inline text."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows, row = [], None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append("".join(child.content for child in token.children))
        elif token.type == "tr_close":
            rows.append(row)
            row = None
    return rows


def table_rows(markdown: str) -> list[dict]:
    """The rows of the first table in `markdown`, as dicts keyed by its header."""
    cells = rendered_cells(markdown)
    header, *body = cells
    return [dict(zip(header, row, strict=True)) for row in body]

"""Typed surfaces on the pages, through AppTest: the formula field, its LaTeX echo, its
errors, links that carry it, and runs that enter where f is undefined."""

import pytest
from test_pages import app, markdown_table, qp

from ui import figures
from ui import widgets as w

SURFACE_PAGES = {
    "pages/playground.py": "pg.",
    "pages/compare.py": "cmp.",
    "pages/schedules.py": "sc.",
    "pages/sweep.py": "sw.",
}


def latex_of(at) -> list[str]:
    return [element.value for element in at.latex]


def test_a_link_to_a_log_surface_says_where_runs_stop():
    at = app("pages/playground.py", surface="custom", f="log(x) + y^2", start="0.1,1")
    assert not at.exception
    assert at.text_input(key="pg.typed.f").value == "log(x) + y^2"
    assert any(r"\log\left(x\right) + y^{2}" in text for text in latex_of(at))
    rows = markdown_table(at, "diverged at step")
    # gd (lr 1e-3) creeps towards x = 0 where log(x) → -∞; every run stops at a
    # step where f is not defined, never with a NaN path
    stopped = [row["diverged at step"] for row in rows]
    assert any(text.endswith("(f undefined)") for text in stopped), stopped
    assert figures.UNDEFINED_NOTE in [c.value for c in at.caption]


def test_a_formula_that_does_not_parse_keeps_its_text_and_the_last_surface():
    at = app("pages/playground.py", surface="custom", f="x^2 + y^2")
    assert figures.UNDEFINED_NOTE not in [c.value for c in at.caption]  # defined
    at.text_input(key="pg.typed.f").set_value("x^2 + 3*y^2 + sin(").run()
    assert not at.exception
    assert at.text_input(key="pg.typed.f").value == "x^2 + 3*y^2 + sin("
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "column 18" in errors[0], errors
    # a caret under the column the parser named (0-based 17: the open parenthesis)
    assert at.code[0].value.splitlines() == ["x^2 + 3*y^2 + sin(", " " * 17 + "^"]
    assert qp(at, "f") == ["x^2 + y^2"]  # the page still shows the last good f
    at.text_input(key="pg.typed.f").set_value("x^2 + 3*y^2 + sin(x)").run()
    assert not at.error and qp(at, "f") == ["x^2 + 3*y^2 + sin(x)"]


def test_a_view_must_increase():
    at = app("pages/playground.py", surface="custom")
    at.number_input(key="pg.typed.x_min").set_value(5.0).run()
    assert not at.exception
    assert any("increasing" in e.value for e in at.error)
    assert qp(at, "x_min") == ["-3"]


def test_a_new_formula_moves_a_start_where_f_is_undefined():
    at = app("pages/playground.py", surface="custom", f="x^2 + y^2", start="-1,1")
    at.text_input(key="pg.typed.f").set_value("sqrt(x) + y^2").run()
    x, y = (float(v) for v in qp(at, "start")[0].split(","))
    assert x > 0  # sqrt(x) is defined there, and in the view
    at.text_input(key="pg.typed.f").set_value("sqrt(x) + (y - 1)^2").run()
    assert [float(v) for v in qp(at, "start")[0].split(",")] == [x, y]  # kept


def test_a_rejected_link_is_quoted_as_text_and_the_defaults_shown():
    text = "[Session expired](http://evil.example/) **now**"
    at = app("pages/playground.py", surface="custom", f=text)
    notices = [element.value for element in at.warning]
    assert len(notices) == 1 and "not accepted" in notices[0]
    assert w.literal(text) in notices[0]  # escaped: no live link, no bold
    assert at.text_input(key="pg.typed.f").value == "x^4 - 2*x^2 + y^2"


LOST_PLUS = "a + in a link must be written %2B (or use the page's Copy link)"


@pytest.mark.parametrize("page", ["pages/playground.py", "pages/sweep.py"])
def test_a_plus_that_a_link_made_a_space_gets_a_hint(page):
    """Issue #21: ?surface=custom&f=x^2+ y^2 arrives as "x^2  y^2" (a + in a query
    is a space); the notice says what happened to the +."""
    at = app(page, surface="custom", f="x^2  y^2", resolution="4", steps="5")
    notices = " ".join(element.value for element in at.warning)
    assert "not accepted" in notices and w.literal(LOST_PLUS) in notices, notices


def test_a_formula_that_no_plus_mends_gets_no_plus_hint():
    at = app("pages/playground.py", surface="custom", f="x^2  y^2 *")
    notices = " ".join(element.value for element in at.warning)
    assert "not accepted" in notices and "2B" not in notices, notices


def test_a_typed_product_without_star_is_answered_in_our_words():
    at = app("pages/playground.py", surface="custom", f="x^2 + y^2")
    at.text_input(key="pg.typed.f").set_value("2x + y^2").run()
    (error,) = [e.value for e in at.error]
    assert w.literal("write 2*x for a product") in error, error
    assert "literal" not in error.replace(w.literal("write"), "")  # not Python's words
    # the caret under the x, where the * goes
    assert at.code[0].value.splitlines() == ["2x + y^2", " ^"]


@pytest.mark.parametrize("page", [p for p in SURFACE_PAGES if "playground" not in p])
def test_every_surface_page_takes_a_typed_surface(page):
    prefix = SURFACE_PAGES[page]
    at = app(page, surface="custom", f="(x - 1)^2 + 2*y^2", resolution="16")
    assert not at.exception and not at.error
    assert any(r"\left(x - 1\right)^{2} + 2 y^{2}" in t for t in latex_of(at))
    at.text_input(key=f"{prefix}typed.f").set_value("x^2 + (y + 1)^2").run()
    assert not at.exception and not at.error
    assert qp(at, "f") == ["x^2 + (y + 1)^2"]
    assert any(r"x^{2} + \left(y + 1\right)^{2}" in t for t in latex_of(at))

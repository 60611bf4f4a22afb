"""Menus show what things are called, not their registry names."""

import pytest
from test_pages import app

import landscapes


@pytest.mark.parametrize(
    "page, key",
    [
        ("app.py", "pg.surface"),
        ("pages/compare.py", "cmp.surface"),
        ("pages/schedules.py", "sc.surface"),
    ],
)
def test_surface_menus_show_each_surfaces_title(page, key):
    at = app(page)
    assert not at.exception
    titles = [landscapes.title(name) for name in landscapes.names()]
    assert at.selectbox(key=key).options == titles
    assert "Eccentric quadratic" in titles  # a title, not the name "quadratic"

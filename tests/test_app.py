"""The app page as people use it, through Streamlit's AppTest."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120  # the first run may compile kernels


def test_default_page_renders_a_path():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    figure = at.get("plotly_chart")[0].proto.spec
    assert '"scatter"' in figure
    assert not at.error


def test_too_large_learning_rate_reports_divergence():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key="surface").select("quadratic")
    at.selectbox(key="optimizer").select("gd")
    at.number_input(key="lr").set_value(0.5)
    at.run()
    assert not at.exception
    assert any("Diverged at step" in e.value for e in at.error)

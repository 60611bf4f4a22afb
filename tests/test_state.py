"""The declarative URL codec: untrusted values never raise, are clamped with a notice,
and every value written reads back as itself."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ui import stochastic as sto
from ui.state import Field, never, parse, to_query

FIELDS = (
    Field("rate", "float", 0.1, 1e-5, 10.0),
    Field("count", "int", 5, 1, 200),
    Field("kind", "choice", "a", choices=("a", "b")),
    Field("flag", "bool", False),
    Field("start", "pair", None, -1e3, 1e3),
)


def test_clamps_and_falls_back_with_notices():
    values, notices = parse(
        FIELDS,
        {"rate": "50", "count": "2.6", "kind": "c", "flag": "1", "start": "1,x"},
    )
    assert values == {
        "rate": 10.0,
        "count": 3,
        "kind": "a",
        "flag": True,
        "start": None,
    }
    assert len(notices) == 4  # rate clamped, count rounded, kind unknown, start bad
    values, notices = parse(FIELDS, {"start": ["9,9", "-2000,4"]})
    assert values["start"] == (-1e3, 4.0) and len(notices) == 1


def test_written_values_read_back_unchanged():
    values = {
        "rate": 0.1 + 0.2,
        "count": 7,
        "kind": "b",
        "flag": True,
        "start": (1.5, -2e-7),
    }
    again, notices = parse(FIELDS, to_query(FIELDS, values))
    assert notices == [] and again == values


text = st.text(max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([f.name for f in sto.FIELDS] + ["x"]), text))
def test_the_stochastic_pages_fields_never_raise(params):
    values, notices = sto.PAGE.parse(params)
    assert values["batch"] <= values["n_points"]
    assert isinstance(notices, list)
    again, more = sto.PAGE.parse(sto.PAGE.query(values))
    assert more == [] and again == values


def test_a_given_field_names_the_keys_a_link_carries():
    fields = (Field("given", "given", (), choices=("a", "b"), written=never),)
    values, notices = parse(fields, {"b": "x", "c": "y"})
    assert values == {"given": ("b",)} and notices == []
    assert to_query(fields, values) == {}

"""A page's URL state declared once, as fields, and one codec that parses, clamps and
writes it.

A page lists its `Field`s (name, kind, range or choices, default); `parse` turns an
untrusted query string into values (never raises: unknown choices fall back, numbers
are clamped, garbage is ignored, each change a notice), and `to_query` writes the
values back losslessly. The same declaration bounds the page's widgets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ui.codec import clamped, first, number, short
from ui.limits import Limit


@dataclass(frozen=True)
class Field:
    """One URL key: ``kind`` is "float", "int", "choice", "bool" or "pair" (two
    floats "x,y", each clamped to [low, high]; default None means "the page
    decides"). `limit`: the server's limit (ui.limits) that `high` is, named in
    the notice when a value is cut to it."""

    name: str
    kind: str
    default: object
    low: float = 0.0
    high: float = 0.0
    choices: tuple[str, ...] = ()
    limit: Limit | None = None

    def __post_init__(self):
        if self.kind not in ("float", "int", "choice", "bool", "pair"):
            raise ValueError(f"unknown field kind {self.kind!r}")
        if self.limit is not None and self.high != self.limit.value:
            raise ValueError(f"{self.name}: high {self.high} is not its limit")


def parse(
    fields: Sequence[Field], params: Mapping, unknown: dict[str, str] | None = None
) -> tuple[dict[str, object], list[str]]:
    """Values for every field from `params` (str or list of str per key), and
    notices of what was changed. A choice the page decides (default None) that
    `params` names wrongly is None in the values and, if `unknown` is given, its text
    goes there instead of a notice: the page, once it has decided, names what it
    uses."""
    notices: list[str] = []
    values: dict[str, object] = {}
    for field in fields:
        text = first(params, field.name, notices)
        values[field.name] = _value(field, text, notices, unknown)
    return values, notices


def _value(field: Field, text: str | None, notices: list[str], unknown=None):
    if text is None:
        return field.default
    if field.kind == "choice":
        if text in field.choices:
            return text
        if field.default is None and unknown is not None:
            unknown[field.name] = text[:40]
        else:
            used = "the default" if field.default is None else field.default
            notices.append(f"Unknown {field.name} '{text[:40]}'; using {used}.")
        return field.default
    if field.kind == "bool":
        return text.strip().lower() in ("1", "true", "yes")
    if field.kind == "pair":
        parts = text.split(",")
        numbers = [number(p) for p in parts]
        if len(parts) != 2 or None in numbers:
            notices.append(f"'{field.name}={text[:40]}' is not two numbers; ignored.")
            return field.default
        pair = tuple(min(max(v, field.low), field.high) for v in numbers)
        if pair != tuple(numbers):
            notices.append(
                f"'{field.name}' is outside [{short(field.low)}, "
                f"{short(field.high)}]; using {short(pair[0])},"
                f"{short(pair[1])}."
            )
        return pair
    return clamped(
        field.name,
        text,
        field.low,
        field.high,
        field.default,
        notices,
        whole=field.kind == "int",
        limit=field.limit,
    )


def cap_batch(values: dict, notices: list[str]) -> None:
    """A page's ``batch`` is at most its ``n_points`` (a batch cannot hold more
    examples than there are); a notice when it had to shrink."""
    if values["batch"] > values["n_points"]:
        notices.append(
            f"'batch' = {values['batch']} is more than the {values['n_points']} "
            f"examples; using {values['n_points']}."
        )
        values["batch"] = values["n_points"]


def to_query(fields: Sequence[Field], values: Mapping) -> dict[str, str]:
    """The query string of `values` (every field, so a link pins every number)."""
    query = {}
    for field in fields:
        value = values[field.name]
        if value is None:
            continue
        if field.kind == "pair":
            query[field.name] = f"{short(value[0])},{short(value[1])}"
        elif field.kind == "bool":
            query[field.name] = "1" if value else "0"
        elif field.kind == "choice":
            query[field.name] = str(value)
        elif field.kind == "int":
            query[field.name] = str(int(value))
        else:
            query[field.name] = short(value)
    return query

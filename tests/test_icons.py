"""The app's icons are Material Symbols, never emoji (issue #21).

On a machine without an emoji font (many lab PCs; this one: DejaVu only) an emoji
icon renders as an empty box, while Streamlit serves the Material Symbols font itself.
So every ``icon=`` and ``page_icon=`` argument in app.py, pages/ and ui/ must be a
``:material/name:`` that Streamlit's own check accepts (it knows the names), and no
button's label may carry an emoji. The sources are read, not run: this sees every
branch (a notice, a lecture-mode button) without compiling a kernel.
"""

import ast
from pathlib import Path

import pytest
from streamlit.errors import StreamlitAPIException
from streamlit.string_util import validate_material_icon

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
)
ICON_ARGUMENTS = {"icon", "page_icon"}
BUTTONS = {
    "button",
    "link_button",
    "download_button",
    "form_submit_button",
    "page_link",
    "popover",
}
# icon= arguments whose value is not written at the call; the test checks their
# source itself (test_the_pages_icons).
COMPUTED = {("ui/router.py", "icon")}


def is_emoji(character: str) -> bool:
    """Is `character` drawn from an emoji font: the blocks emoji come from
    (pictographs, Misc Technical such as ⏮ ⏳, Misc Symbols and Dingbats such as
    ✏ ➕, the arrows and stars of U+2B00), the selector that asks for the emoji
    form (U+FE0F), and the Geometric Shapes that are emoji (▶ ◀ ▪ ▫ ◻ ◼ ◽ ◾).
    Whole blocks, so a few text symbols count too (★ ✓): a button shows those as
    Material icons as well."""
    point = ord(character)
    return (
        point >= 0x1F000
        or 0x2300 <= point <= 0x23FF
        or 0x2600 <= point <= 0x27BF
        or 0x2B00 <= point <= 0x2BFF
        or point == 0xFE0F
        or character in "▶◀▪▫◻◼◽◾"
    )


def text_of(node: ast.expr) -> str | None:
    """The literal text of a string or f-string argument; None if not written out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(text_of(part) or "" for part in node.values)
    return None


def calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node


def name_of(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_scan_sees_the_app():
    """The scan finds what it is about: the app's icons and buttons."""
    found = [c for path in SOURCES for c in calls(path)]
    assert sum(name_of(c) in BUTTONS for c in found) >= 5
    icons = [k for c in found for k in c.keywords if k.arg in ICON_ARGUMENTS]
    assert len(icons) >= 8


def test_every_icon_is_a_material_symbol():
    problems = []
    for path in SOURCES:
        for call in calls(path):
            for keyword in call.keywords:
                if keyword.arg not in ICON_ARGUMENTS:
                    continue
                icon = text_of(keyword.value)
                if icon is None:
                    if (str(path.relative_to(ROOT)), keyword.arg) not in COMPUTED:
                        problems.append(f"{where(path, call)}: a computed icon")
                    continue
                try:
                    validate_material_icon(icon)
                except StreamlitAPIException:
                    problems.append(f"{where(path, call)}: {icon!r}")
    assert problems == []


def test_no_button_label_has_an_emoji():
    problems = []
    for path in SOURCES:
        for call in calls(path):
            if name_of(call) not in BUTTONS:
                continue
            labels = call.args[:1] + [
                k.value for k in call.keywords if k.arg == "label"
            ]
            for label in labels:
                text = text_of(label) or ""
                if any(is_emoji(character) for character in text):
                    problems.append(f"{where(path, call)}: {text!r}")
    assert problems == []


def test_the_pages_icons():
    from ui.router import PAGES

    for _, title, icon in PAGES:
        assert validate_material_icon(icon) == icon, title


@pytest.mark.parametrize(
    ("text", "emoji"),
    [("⏮ Start", True), ("➕", True), ("✏️", True), ("🔗", True), ("Step ▶", True)]
    + [("★", True)]
    + [("f − f* ≤ 1e-6", False), ("θ*, ∇f, ●", False), ("+10", False)],
)
def test_what_counts_as_an_emoji(text, emoji):
    assert any(is_emoji(character) for character in text) == emoji

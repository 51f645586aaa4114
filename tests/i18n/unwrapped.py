"""Find user-facing text in the UI code that does not go through gettext.

Text reaches the screen as an argument of a Flet control (``ft.Text("...")``,
``ft.TextField(label="...")``) or of one of our widget helpers (``widgets.primary("...")``).
A string literal with letters in such a place is a string no translator will ever see.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

# Keyword arguments whose value a person reads or a screen reader speaks.
SHOWN = frozenset({"label", "hint_text", "helper_text", "error_text", "text", "tooltip",
                   "semantics_label", "title", "subtitle", "content", "prefix_text",
                   "suffix_text", "counter_text", "placeholder"})
# Words that are the same in every language.
UNTRANSLATED = frozenset({"Brolly"})


def unwrapped(root: Path) -> Iterator[str]:
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _shows_text(node.func):
                for value in _shown_arguments(node):
                    if _is_words(value):
                        yield f"{path}:{value.lineno}: {ast.unparse(value)}"


def _shows_text(func: ast.expr) -> bool:
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return False
    return (func.value.id == "ft" and func.attr[:1].isupper()) or func.value.id == "widgets"


def _shown_arguments(call: ast.Call) -> Iterator[ast.expr]:
    yield from call.args
    yield from (k.value for k in call.keywords if k.arg in SHOWN)


def _is_words(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(_is_words(v) for v in node.values)
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)
            and any(c.isalpha() for c in node.value) and node.value not in UNTRANSLATED)

"""Rules that keep text within a screen reader's reach."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_no_screen_uses_selectable_text() -> None:
    # Flutter web leaves selectable text out of the accessibility tree: a screen reader
    # would skip it (a receipt code, a reply). Offer a copy button instead.
    found = [f"{path.relative_to(REPO)}:{n}" for path in (REPO / "app" / "ui").rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"selectable\s*=\s*True", line)]
    assert found == []

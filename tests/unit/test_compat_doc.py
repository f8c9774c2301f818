from __future__ import annotations

from pathlib import Path

from fogbank.tools.compat import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "compatibility.md"


def test_compatibility_page_matches_the_dispatch_tables() -> None:
    assert DOC.read_text() == render(), "run `make compat` to regenerate docs/compatibility.md"

"""``make settings-doc``: rewrite README.md's configuration table from the settings table.

The rows live between two HTML comments so the rest of the README stays hand-written;
``tests/test_docs.py`` fails when the README and :data:`pollserver.config.SETTINGS` differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pollserver.config import readme_table

BEGIN = "<!-- settings:begin (make settings-doc writes this table) -->"
END = "<!-- settings:end -->"


def documented_table(text: str) -> str:
    """The text between the markers of a README (ValueError when they are missing)."""
    start = text.index(BEGIN) + len(BEGIN)
    return text[start:text.index(END, start)].strip("\n") + "\n"


def rewrite(text: str) -> str:
    """``text`` with the table between the markers replaced by the generated one."""
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END, start)
    return text[:start] + "\n" + readme_table() + text[end:]


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    old = path.read_text(encoding="utf-8")
    new = rewrite(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
        print(f"{path}: settings table rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""What counts as text: the one rule every reader and editor text field goes through.

Text that reaches the store must be encodable everywhere it travels later (UTF-8 pages and
exports, PostgreSQL, the site build). JSON can carry a lone surrogate (``"\\ud800"``) and any
control character; both have taken pages down. So text is valid Unicode only: no surrogate
code points, no NUL, no control characters other than newline and tab, and it is stored in
NFC so equal-looking titles compare equal. Anything else is refused with a message naming the
field, never silently altered (a reader should know what was kept).
"""

from __future__ import annotations

import unicodedata

from pollserver.domain.errors import BadRequest

__all__ = ["MAX_DEPTH", "check_text", "clean_name", "clean_text", "problem_of",
           "without_format_characters"]

#: Deepest nesting of arrays and objects a request body may have (ours use two levels).
MAX_DEPTH = 16

#: Control characters text may hold; a carriage return is folded into a newline first.
_ALLOWED_CONTROLS = frozenset("\n\t")


def problem_of(value: str, *, allow_cr: bool = False) -> str | None:
    """Return why ``value`` is not valid text (naming the code point), or ``None``."""
    if value.isascii() and value.isprintable():
        return None
    for char in value:
        point = ord(char)
        if 0xD800 <= point <= 0xDFFF:
            return f"an unpaired surrogate (U+{point:04X}), which is not valid Unicode"
        if point == 0:
            return "a NUL character (U+0000)"
        if char in _ALLOWED_CONTROLS or (allow_cr and char == "\r"):
            continue
        if unicodedata.category(char) == "Cc":
            return f"a control character (U+{point:04X})"
    return None


def check_text(value: str, field: str, *, allow_cr: bool = True) -> None:
    """Raise ``BadRequest`` naming ``field`` unless ``value`` is valid text."""
    problem = problem_of(value, allow_cr=allow_cr)
    if problem is not None:
        raise BadRequest(f"{field} must be plain text; it contains {problem}.", field=field)


def clean_text(value: str, field: str) -> str:
    """Return ``value`` with line ends folded to ``\\n`` and in NFC, or raise ``BadRequest``.

    Form posts send ``\\r\\n`` from a textarea; that is a line end, not a control character.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    check_text(text, field, allow_cr=False)
    return unicodedata.normalize("NFC", text)


def without_format_characters(text: str) -> str:
    """Return ``text`` without Unicode format characters (category Cf).

    Zero-width spaces and joiners, bidi embeddings and overrides, the soft hyphen, the BOM:
    invisible, so in a title or a display name they only serve to make two different
    strings look the same (a second "Marta R." beside the real one) or to reorder what a
    page shows. Titles and names lose them; longer text (an idea's body) keeps them.
    """
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def clean_name(text: str) -> str:
    """Return a display name as it is kept and compared: no format characters, NFKC (full-
    width and other compatibility forms become their plain letters, as RFC 8266 does for
    nicknames) and single spaces."""
    return " ".join(unicodedata.normalize("NFKC", without_format_characters(text)).split())

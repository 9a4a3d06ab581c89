"""Python-Markdown extension for ```poll, ```jam and ```survey fenced blocks.

Usable on its own::

    markdown.markdown(text, extensions=[EngageExtension(source="content/x.md")])

The preprocessor runs at priority 28: after ``normalize_whitespace`` (30), so line endings are
plain, and before ``meta`` (27) and ``fenced_code_block`` (25), so line numbers still count the
metadata header and ordinary code fences never see our blocks. The rendered HTML goes into
``md.htmlStash`` like fenced code, so later Markdown steps leave it alone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from .blocks import KINDS, BlockError, guess_id, parse_block
from .render import render_block, render_error

__all__ = ["EngageBlockPreprocessor", "EngageExtension", "makeExtension"]

FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")


class EngageBlockPreprocessor(Preprocessor):
    """Replace each engage block with its rendered form, stashed as raw HTML."""

    def __init__(self, md: Markdown, extension: EngageExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        """Return the lines with every engage block replaced by an HTML placeholder."""
        out: list[str] = []
        index = 0
        while index < len(lines):
            match = FENCE.match(lines[index])
            if not match:
                out.append(lines[index])
                index += 1
                continue
            end = self._closing(lines, index + 1, match.group("fence"))
            kind = match.group("info").lower()
            if kind not in KINDS:
                # Someone else's fence (maybe showing an example block): copy it untouched.
                stop = len(lines) if end is None else end + 1
                out.extend(lines[index:stop])
                index = stop
                continue
            line = index + 1
            if end is None:
                html = self._error(kind, line, "\n".join(lines[index + 1:]),
                                   f"the block has no closing {match.group('fence')} line")
                index = len(lines)
            else:
                html = self._render(kind, "\n".join(lines[index + 1:end]), line)
                index = end + 1
            out.extend(["", self.md.htmlStash.store(html), ""])
        return out

    @staticmethod
    def _closing(lines: list[str], start: int, fence: str) -> int | None:
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        for number in range(start, len(lines)):
            if closing.match(lines[number]):
                return number
        return None

    def _render(self, kind: str, text: str, line: int) -> str:
        try:
            spec = parse_block(kind, text, self.extension.getConfig("source"), line,
                               self.extension.getConfig("defaults"))
        except BlockError as exc:
            if self.extension.getConfig("strict"):
                raise
            return render_error(kind, line, guess_id(text), exc.message, **self._words())
        return render_block(spec, line, now=self.extension.now(),
                            results=self.extension.getConfig("results"), **self._words())

    def _words(self) -> dict[str, str]:
        return {"lang": self.extension.getConfig("lang") or "en",
                "catalogues": self.extension.getConfig("catalogues")}

    def _error(self, kind: str, line: int, text: str, reason: str) -> str:
        message = f"{kind} '{guess_id(text)}': {reason}"
        if self.extension.getConfig("strict"):
            raise BlockError(self.extension.getConfig("source"), line, message)
        return render_error(kind, line, guess_id(text), message, **self._words())


class EngageExtension(Extension):
    """Render ```poll, ```jam and ```survey blocks as working HTML forms."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "source": ["<markdown>", "File name used in error messages"],
            "strict": [True, "Raise BlockError on a bad block (False: render an error box)"],
            # Not None: Python-Markdown turns None-defaulted options into booleans.
            "now": ["", "Build instant (aware datetime); empty means the current time"],
            "results": [{}, "Results as written by `pollserver results` (a dict)"],
            "defaults": [{}, "Per kind, values for keys a block leaves out (this site's "
                             "support address for a survey's support_url)"],
            "lang": ["en", "The language of the words around the editor's (Vote, Closes...)"],
            "catalogues": ["", "The folder of the theme's .po catalogues (empty: English)"],
        }
        super().__init__(**kwargs)

    def now(self) -> datetime:
        """Return the instant blocks are rendered for (open, closed, jam phase)."""
        return self.getConfig("now") or datetime.now(UTC)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        """Register the block preprocessor at priority 28."""
        md.registerExtension(self)
        md.preprocessors.register(EngageBlockPreprocessor(md, self), "engage_blocks", 28)


def makeExtension(**kwargs: Any) -> EngageExtension:  # noqa: N802 - Python-Markdown's API
    """Return the extension, so ``extensions=["engage.markdown_ext"]`` works too."""
    return EngageExtension(**kwargs)

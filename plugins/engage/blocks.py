"""Turn the YAML text of a ```poll / ```jam / ```survey block into a validated spec.

The rules themselves live in :mod:`pollserver.domain.specs`, shared with ``pollserver sync``;
this module adds what only the build knows: where the block is, so every mistake reads
``content/x.md:12: poll 'delivery-day': options must have 2-12 entries``.
"""

from __future__ import annotations

import re

import yaml

from pollserver.domain.kinds import NAMES, parse_spec
from pollserver.domain.specs import Spec, SpecError

__all__ = ["KINDS", "BlockError", "parse_block"]

#: The fence words the extension reads (the kinds registry, ``pollserver.domain.kinds``).
KINDS = NAMES
_ID_LINE = re.compile(r"^id\s*:\s*['\"]?([^'\"#\s]+)", re.MULTILINE)


class BlockError(Exception):
    """A block an editor wrote cannot be built; ``str()`` is the message for the editor."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line
        self.message = message


# libyaml's parser when PyYAML has it: several times faster on a big site's first build.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """YAML 1.2 booleans (only true/false) and no silently repeated keys.

    PyYAML follows YAML 1.1, where ``options: [Yes, No]`` are booleans and ``on``/``off``
    too; editors mean the words.
    """

    def construct_mapping(self, node, deep=False):
        """Refuse a key given twice instead of keeping the last one."""
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def guess_id(text: str, data: object = None) -> str:
    """Return the block's id for messages, or ``?`` when there is none to show."""
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        return data["id"].strip()
    match = _ID_LINE.search(text)
    return match.group(1) if match else "?"


def parse_block(kind: str, text: str, source: str, line: int,
                defaults: dict[str, dict[str, object]] | None = None) -> Spec:
    """Parse and validate one block; raise :class:`BlockError` naming ``source:line``.

    ``defaults`` (per kind) fill in keys the block leaves out with this site's values, such
    as the survey's ``support_url`` (see the engage plugin's ``block_defaults``).
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {line + 1 + mark.line}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise BlockError(
            source, line, f"{kind} '{guess_id(text)}': invalid YAML{where}: {problem}"
        ) from None
    if data is None:
        raise BlockError(source, line, f"{kind} '?': the block is empty")
    if isinstance(data, dict) and defaults and defaults.get(kind):
        data = {**defaults[kind], **data}
    try:
        return parse_spec(kind, data)
    except SpecError as exc:
        raise BlockError(source, line, f"{kind} '{guess_id(text, data)}': {exc}") from None

"""The state machine's operations are one explicit table (``memory/state.OPERATIONS``).

A journal line names its operation; the table says which method applies it, so grep finds
the caller of every handler and a handler cannot exist without a line in the table.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from pollserver.domain.errors import BadRequest
from pollserver.store.memory import state as state_module
from pollserver.store.memory.state import OPERATIONS, State

MEMORY = Path(state_module.__file__).parent


def _committed_ops() -> set[str]:
    """Every ``{"op": "name", ...}`` the memory store's modules write."""
    found: set[str] = set()
    for path in MEMORY.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (isinstance(key, ast.Constant) and key.value == "op"
                            and isinstance(value, ast.Constant)):
                        found.add(value.value)
            if (isinstance(node, ast.Call) and any(k.arg == "op" for k in node.keywords)):
                found.update(k.value.value for k in node.keywords if k.arg == "op"
                             and isinstance(k.value, ast.Constant))
    return found


def test_every_handler_is_in_the_table_and_every_entry_is_a_handler() -> None:
    handlers = {name for name, _ in inspect.getmembers(State, inspect.isfunction)
                if name.startswith("_op_")}
    listed = {fn.__name__ for fn in OPERATIONS.values()}
    assert handlers == listed
    assert all(getattr(State, fn.__name__) is fn for fn in OPERATIONS.values())


def test_the_table_names_exactly_the_operations_the_store_writes() -> None:
    assert _committed_ops() == set(OPERATIONS)


def test_an_unknown_operation_is_refused_and_changes_nothing() -> None:
    state = State()
    with pytest.raises(BadRequest, match="unknown operation 'nope'"):
        state.apply({"op": "nope"})
    assert state.seq == 0 and not state.items

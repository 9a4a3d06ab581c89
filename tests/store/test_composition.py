"""The stores are built by composition: one line of inheritance, parts held, no mixins.

Issue 12: the TinyDB store used to be ``(Replica, Rotation, MemoryStore)``, three classes
sharing a dozen private attributes. Now a store class inherits from at most one store
implementation and from nothing else but the ``Store`` interface; what used to be mixed in is a
part it holds (see ``store/tinydb/store.py``), and the parts use each other only through public
attributes.

Since the split by noun (the store modules had reached the 400-line limit), a store class body
also binds plain functions of its own backend folder, one line each (``tally = polls.tally``,
``tally = step(polls.tally)``): those are still the one implementation, not a second class,
and the modules they come from are held to the same rule on private names.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
from abc import ABC
from pathlib import Path
from typing import Any

import pytest

import pollserver.store
from pollserver.store.base import Store
from pollserver.store.champions import Champions
from pollserver.store.memory import MemoryStore
from pollserver.store.outbox import Outbox
from pollserver.store.postgres import PostgresStore
from pollserver.store.roadmap import Roadmap
from pollserver.store.tinydb import TinyDBStore
from pollserver.store.webhooks import Webhooks

STORE_DIR = Path(pollserver.store.__file__).parent

#: The ``Store`` interface and its abstract parts (a new noun's part joins by being a base of
#: ``Store``): the only classes a store may inherit besides one store implementation.
INTERFACE = set(Store.__mro__)

#: Classes allowed to mix in a part (none: the PostgreSQL store's outbox, webhook and champion
#: methods, once mixed in, are its own since issue 25). Nothing may be added.
KNOWN_MIXINS: dict[str, set[str]] = {}

#: The parts of the stores (each owns its attributes; see ``tinydb/store.py``).
PARTS = ("memory/engine", "tinydb/flock", "tinydb/journal", "tinydb/replica",
         "tinydb/rotation", "tinydb/group_commit", "tinydb/store", "memory/store",
         "postgres/connection", "postgres/store")


def _store_classes() -> list[type[Store]]:
    """Return every ``Store`` subclass defined in ``pollserver.store`` (all modules loaded)."""
    for info in pkgutil.walk_packages([str(STORE_DIR)], "pollserver.store."):
        importlib.import_module(info.name)
    found, todo = [], list(Store.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("pollserver.store."):
            found.append(cls)
    return found


def _is_implementation(cls: type) -> bool:
    return issubclass(cls, Store) and not inspect.isabstract(cls)


def composition_faults(cls: type) -> list[str]:
    """Return what keeps ``cls`` from being one line of inheritance over the interface."""
    allowed = KNOWN_MIXINS.get(cls.__name__, set())
    faults = []
    implementations = [b.__name__ for b in cls.__bases__ if _is_implementation(b)]
    if len(implementations) > 1:
        faults.append(f"{cls.__name__} inherits from {len(implementations)} store "
                      f"implementations: {implementations}")
    for klass in cls.__mro__:
        if klass in INTERFACE or klass.__name__ in allowed:
            continue
        if not issubclass(klass, Store):
            faults.append(f"{cls.__name__} mixes in {klass.__module__}.{klass.__name__}")
            continue
        bases = [b for b in klass.__bases__ if b.__name__ not in allowed]
        if len(bases) > 1:
            faults.append(f"{klass.__name__} has {len(bases)} bases: "
                          f"{[b.__name__ for b in bases]}")
    return faults


def test_the_interface_is_the_abstract_parts() -> None:
    assert {Store, Webhooks, Outbox, Roadmap, Champions, ABC, object} <= INTERFACE
    assert all(inspect.isabstract(c) for c in INTERFACE - {ABC, object})


def test_the_stores_are_found() -> None:
    names = {cls.__name__ for cls in _store_classes()}
    assert {"MemoryStore", "TinyDBStore", "PostgresStore"} <= names


@pytest.mark.parametrize("cls", _store_classes(), ids=lambda c: c.__name__)
def test_a_store_inherits_one_implementation_and_no_mixins(cls: type) -> None:
    assert composition_faults(cls) == []


def test_the_tinydb_store_is_the_memory_store_api_over_parts_it_holds(tmp_path) -> None:
    assert TinyDBStore.__bases__ == (MemoryStore,) and MemoryStore.__bases__ == (Store,)
    store = TinyDBStore(tmp_path)
    try:
        assert store.engine is store.commits
        assert store.follower.memory is store.memory is store.commits.memory
        assert store.snapshots.writer is store.writer is store.follower.writer
    finally:
        store.close()


def test_the_check_catches_mixins_and_two_implementations() -> None:
    # The shape issue 12 removed, and a diamond of two stores: both must be reported.
    class Replica:
        pass

    class Mixed(Replica, MemoryStore):
        pass

    class Other(MemoryStore):
        pass

    class Both(TinyDBStore, Other):
        pass

    assert composition_faults(Mixed) == [
        "Mixed has 2 bases: ['Replica', 'MemoryStore']",
        f"Mixed mixes in {__name__}.Replica"]
    assert composition_faults(Both)[0].startswith("Both inherits from 2 store implementations")
    assert composition_faults(Other) == []


def _private_reaches(path: Path) -> list[str]:
    """Return ``x._name`` uses in ``path`` where ``x`` is not ``self`` or ``cls``."""
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                and ast.unparse(node) != "os._exit"):
            bad.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return bad


@pytest.mark.parametrize("part", PARTS)
def test_no_part_reaches_into_another_s_private_attributes(part: str) -> None:
    assert _private_reaches(STORE_DIR / f"{part}.py") == []


def _bound(cls: type) -> dict[str, Any]:
    """Return the functions ``cls``'s body binds from other modules, by name (a ``step``
    binding counted as the SQL step it wraps)."""
    found = {}
    for name, value in vars(cls).items():
        function = getattr(value, "__wrapped__", value)
        if inspect.isfunction(function) and function.__module__ != cls.__module__:
            found[name] = function
    return found


def _noun_modules() -> list[str]:
    """Return the modules (``memory/jams``) whose functions a store class binds."""
    return sorted({Path(sys.modules[f.__module__].__file__ or "").relative_to(STORE_DIR)
                   .with_suffix("").as_posix()
                   for cls in (MemoryStore, PostgresStore) for f in _bound(cls).values()})


@pytest.mark.parametrize("cls", [MemoryStore, PostgresStore], ids=lambda c: c.__name__)
def test_bound_functions_come_from_the_store_s_own_backend_folder(cls: type) -> None:
    # A binding is part of this one implementation: never another backend's code, and never
    # a method lifted off another class (which would be a mixin by other means).
    folder = cls.__module__.rsplit(".", 1)[0]
    bound = _bound(cls)
    assert len(bound) > 40
    for name, function in bound.items():
        assert function.__module__.rsplit(".", 1)[0] == folder, name
        assert "." not in function.__qualname__, f"{name} is {function.__qualname__}"
    assert not any(n.startswith("_") for n in bound)


@pytest.mark.parametrize("module", _noun_modules())
def test_no_noun_module_reaches_into_the_store_s_private_attributes(module: str) -> None:
    assert _private_reaches(STORE_DIR / f"{module}.py") == []


def test_the_noun_modules_are_found() -> None:
    assert {"memory/polls", "memory/events", "postgres/polls", "postgres/rewards"} <= set(
        _noun_modules())


def test_the_private_check_sees_a_reach(tmp_path) -> None:
    source = tmp_path / "part.py"
    source.write_text("def f(self, other):\n    return self._a + other._b\n")
    assert _private_reaches(source) == ["part.py:2: other._b"]

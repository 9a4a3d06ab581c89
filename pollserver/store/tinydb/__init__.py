"""The embedded store: the memory store's state machine made durable and shared by files.

``store.py`` wires the parts (``flock.py``, ``journal.py``, ``replica.py``, ``rotation.py``,
``snapshot.py``, ``group_commit.py``); see its docstring for how they work together.
"""

from pollserver.store.tinydb.store import TinyDBStore, restore

__all__ = ["TinyDBStore", "restore"]

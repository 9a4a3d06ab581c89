"""The memory store: the rules as a deterministic state machine, the reference backend.

``store.py`` turns every ``Store`` call into an operation (``state.py`` applies it, its
parts in ``outbox.py``, ``webhooks.py``, ``champions.py``, ``roadmap.py``, ``erasure.py``)
and hands it to an *engine* (``engine.py``). ``documents.py`` is the snapshot table format.
The TinyDB store (``store/tinydb/``) is this store on a journaling engine.
"""

from pollserver.store.memory.store import MemoryStore

__all__ = ["MemoryStore"]

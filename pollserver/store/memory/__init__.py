"""The memory store: the rules as a deterministic state machine, the reference backend.

``store.py`` binds every ``Store`` call, one line each, to a function of a noun module
(``items.py``, ``polls.py``, ``jams.py``, ``surveys.py``, ``rewards.py``, ``editors.py``,
``voters.py``, ``events.py``, ``webhooks.py``, ``champions.py``, ``roadmap.py``) that turns it
into an operation (``state.py`` applies it, its parts in ``outbox.py``, ``webhooks.py``,
``champions.py``, ``roadmap.py``, ``erasure.py``) or a read, on an *engine*
(``engine.py``). ``documents.py`` is the snapshot table format. The TinyDB store
(``store/tinydb/``) is this store on a journaling engine.
"""

from pollserver.store.memory.store import MemoryStore

__all__ = ["MemoryStore"]

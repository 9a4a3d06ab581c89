"""Flask support shared by the web packages (``api``, ``admin``, ``public``).

The app's typed services and the one accessor to them (``services.py``, ``context.py``), voter
identity, origin checks, rate limits, flash messages, editor sessions, background rounds and
the one error-to-response function. Nothing here imports the web packages, the presenters or
the actions: arrows only point down.
"""

"""Flask support shared by the web packages (``api``, ``admin``, ``public``).

The app context (store, clock, specs), voter identity, origin checks, rate limits, flash
messages, editor sessions and the one error-to-response function. Nothing here imports the
web packages, the presenters or the actions: arrows only point down.
"""

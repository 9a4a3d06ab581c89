def register() -> None:
    """Pelican's entry point (imported lazily, so `python -m languages.catalogs` and the other
    plugins' `from languages import session` do not load the plugin)."""
    from .plugin import register as connect

    connect()

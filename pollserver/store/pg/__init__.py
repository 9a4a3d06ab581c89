"""Query functions of the PostgreSQL store, one module per noun.

Every function takes an open connection and runs its statements in one transaction (or as one
statement on an autocommit connection); :class:`pollserver.store.postgres.PostgresStore` owns
the pool and hands the connections out.
"""

"""Use cases outside a request: sync a manifest, seed demo data, build exports, hash passwords.

The ``pollserver`` command runs them; the admin pages reuse exports and password checks.
Nothing here imports Flask.
"""

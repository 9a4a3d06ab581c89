"""Editor actions as plain functions over the store, each leaving an audit entry.

The admin UI (forms) and the editor JSON API (``/api/admin/...``) both call these, so a
moderation rule is written once and every change is logged the same way.
"""

"""Webhooks: the SSRF guard, the signed HTTP POST, and the sender that drains the outbox."""

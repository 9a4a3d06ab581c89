"""Mail to followers: composing messages, sending them (SMTP or .eml files), the sender loop.

Below the web layer: it reads the outbox through the store and needs no request.
"""

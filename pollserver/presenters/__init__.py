"""How items look to readers: the JSON (and page data) of polls, jams, leaderboards, status.

Shared by the API, the server-rendered pages and the admin, so it lives below all three.
"""

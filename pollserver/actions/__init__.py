"""Reader use cases: vote, submit or vote for an idea, answer a survey, export or erase.

Each action takes the store, the time (``at``) and the voter, applies the domain's rules,
writes, and returns what happened (a small record). Views parse the request, call one action
and present the result; side effects that follow a reader's action (notifications,
webhooks) hook in here, once per use case. Nothing here imports Flask.
"""

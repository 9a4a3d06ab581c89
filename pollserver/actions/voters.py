"""Who acts: the voter id, asked for only once the input is valid."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["VoterSource"]

#: Returns the acting voter's id, issuing a new receipt if the reader has none. Actions call
#: it only after the request passed every check, so a refused request issues no receipt.
VoterSource = Callable[[], str]

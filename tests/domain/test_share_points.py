"""Friends brought are a champion-points source of their own, and share tokens are well
formed and never anything else."""

from __future__ import annotations

from pollserver.domain.profiles import build_profile
from pollserver.domain.records import Idea
from pollserver.domain.shares import POINTS_FRIEND, new_share_token, parse_via
from tests.instant import TEST_NOW


def _idea(n: int) -> Idea:
    return Idea(id=str(n), jam_id="j", title=f"Idea {n}", body="", author="Marta R.",
                voter_id="v1", created_at=TEST_NOW)


def test_friends_brought_add_their_own_points() -> None:
    plain = build_profile("marta-r", [_idea(1)])
    shared = build_profile("marta-r", [_idea(1)], friends=3)
    assert plain is not None and shared is not None
    assert shared.friends_brought == 3
    assert shared.points - plain.points == 3 * POINTS_FRIEND


def test_tokens_are_random_and_only_well_formed_ones_are_read() -> None:
    first, second = new_share_token(), new_share_token()
    assert first != second and parse_via(first) == first
    for bad in (None, "", "short", "x" * 17, '"><script>alert(1)</script>', 12):
        assert parse_via(bad) is None

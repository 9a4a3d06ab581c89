"""SQL for champion grants and profile rules (tables ``champions``, ``profile_rules``,
migration 0011)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import Connection

from pollserver.domain.champions import Champion, ProfileRule

__all__ = ["export_champions", "grant_champion", "import_champions", "is_champion",
           "list_champions", "profile_rules", "revoke_champion", "set_profile_rule"]


def grant_champion(conn: Connection, grant: Champion) -> Champion:
    """Insert or replace the voter's grant (a new grant goes to the end of the list: it takes
    a fresh ``seq``). One upsert, so two grants for one voter at once wait for each other
    instead of one failing on the primary key."""
    conn.execute("INSERT INTO champions (voter_id, idea_id, granted_by, granted_at)"
                 " VALUES (%s, %s, %s, %s) ON CONFLICT (voter_id) DO UPDATE SET"
                 " idea_id = EXCLUDED.idea_id, granted_by = EXCLUDED.granted_by,"
                 " granted_at = EXCLUDED.granted_at, seq = EXCLUDED.seq",
                 (grant.voter_id, grant.idea_id, grant.granted_by, grant.granted_at))
    return grant


def revoke_champion(conn: Connection, voter_id: str) -> bool:
    """Delete the voter's grant; whether there was one."""
    return conn.execute("DELETE FROM champions WHERE voter_id = %s", (voter_id,)).rowcount > 0


def is_champion(conn: Connection, voter_id: str) -> bool:
    """Whether the voter holds a grant."""
    return conn.execute("SELECT 1 FROM champions WHERE voter_id = %s",
                        (voter_id,)).fetchone() is not None


def list_champions(conn: Connection) -> list[Champion]:
    """Every grant, oldest first."""
    return [Champion(voter_id=v, idea_id=i, granted_by=b, granted_at=at)
            for v, i, b, at in conn.execute(
                "SELECT voter_id, idea_id, granted_by, granted_at FROM champions ORDER BY seq")]


def set_profile_rule(conn: Connection, rule: ProfileRule) -> ProfileRule | None:
    """Upsert the slug's rule, or delete it when it neither hides nor merges."""
    r = rule
    if not r.hidden and not r.merged_into:
        conn.execute("DELETE FROM profile_rules WHERE slug = %s", (r.slug,))
        return None
    conn.execute("INSERT INTO profile_rules (slug, hidden, merged_into, by_editor, at)"
                 " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (slug) DO UPDATE SET"
                 " hidden = EXCLUDED.hidden, merged_into = EXCLUDED.merged_into,"
                 " by_editor = EXCLUDED.by_editor, at = EXCLUDED.at",
                 (r.slug, r.hidden, r.merged_into, r.by, r.at))
    return r


def profile_rules(conn: Connection) -> dict[str, ProfileRule]:
    """Every rule by slug."""
    return {slug: ProfileRule(slug=slug, hidden=hidden, merged_into=merged, by=by, at=at)
            for slug, hidden, merged, by, at in conn.execute(
                "SELECT slug, hidden, merged_into, by_editor, at FROM profile_rules"
                " ORDER BY slug")}


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def import_champions(conn: Connection, tables: dict[str, dict[str, dict[str, Any]]]
                     ) -> dict[str, int]:
    """Copy a snapshot's ``champions`` and ``profile_rules`` (``pollserver migrate``)."""
    grants = list(tables.get("champions", {}).values())
    rules = list(tables.get("profile_rules", {}).values())
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO champions (voter_id, idea_id, granted_by, granted_at)"
                        " VALUES (%s, %s, %s, %s)",
                        [(d["voter"], str(d["idea"]), d["by"], _ts(d["at"])) for d in grants])
        cur.executemany("INSERT INTO profile_rules (slug, hidden, merged_into, by_editor, at)"
                        " VALUES (%s, %s, %s, %s, %s)",
                        [(d["slug"], bool(d.get("hidden")), d.get("merged_into"),
                          d.get("by", ""), _ts(d.get("at"))) for d in rules])
    return {"champions": len(grants), "profile_rules": len(rules)}


def export_champions(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Return grants and rules as snapshot rows."""
    grants = [{"voter": g.voter_id, "idea": g.idea_id, "by": g.granted_by,
               "at": g.granted_at.isoformat()} for g in list_champions(conn)]
    rules = [{"slug": r.slug, "hidden": r.hidden, "merged_into": r.merged_into, "by": r.by,
              "at": r.at.isoformat() if r.at else None} for r in profile_rules(conn).values()]
    return {"champions": grants, "profile_rules": rules}

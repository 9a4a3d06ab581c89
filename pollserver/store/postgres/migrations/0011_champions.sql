-- Champions: readers an editor granted early access, by the voter id their idea was shared
-- with (never by display name), and the editors' rules for profiles (hide, merge by slug).
CREATE TABLE champions (
    voter_id    text        PRIMARY KEY,
    idea_id     text        NOT NULL,
    granted_by  text        NOT NULL,
    granted_at  timestamptz NOT NULL,
    seq         bigserial
);
CREATE TABLE profile_rules (
    slug         text        PRIMARY KEY,
    hidden       boolean     NOT NULL DEFAULT false,
    merged_into  text,
    by_editor    text        NOT NULL DEFAULT '',
    at           timestamptz
);

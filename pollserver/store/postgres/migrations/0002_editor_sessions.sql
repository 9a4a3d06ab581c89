-- Editor sessions kept server-side, so logging out (or "sign out everywhere") revokes a
-- copied cookie. Only a hash of the session id is stored.
CREATE TABLE editor_sessions (
    session_hash text PRIMARY KEY,
    username     text NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX editor_sessions_username ON editor_sessions (username);

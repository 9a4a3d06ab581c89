-- Editor API tokens for scripts: kept by name, found by the SHA-256 of the token (the token
-- itself is printed once and never stored).
CREATE TABLE api_tokens (
    name        text        PRIMARY KEY,
    token_hash  text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL DEFAULT '',
    seq         bigserial
);

-- The outbox: events written in the same transaction as the change that caused them, the
-- followers who hear of them by mail, and one delivery row per (event, consumer, recipient).
-- Numbered 0006 so other schema steps written at the same time can take 0002-0005.

CREATE TABLE events (
    id         text        PRIMARY KEY,          -- stable (a UUID made by the writer)
    seq        bigserial   NOT NULL UNIQUE,      -- write order
    type       text        NOT NULL,
    subjects   text[]      NOT NULL,
    voter_id   text,                             -- set for an event meant for one voter
    data       json        NOT NULL DEFAULT '{}',
    notify     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);
CREATE INDEX events_subjects ON events USING gin (subjects);
CREATE INDEX events_voter ON events (voter_id) WHERE voter_id IS NOT NULL;

-- A follow's id is the SHA-256 of the secret in its confirmation link. An unconfirmed row is
-- deleted 48 hours after it was made.
CREATE TABLE follows (
    id           text        PRIMARY KEY,
    kind         text        NOT NULL,
    item_id      text        NOT NULL,
    subject      text        NOT NULL,           -- kind:item_id, as events name it
    jam_id       text,
    email        text        NOT NULL,
    voter_id     text,
    created_at   timestamptz NOT NULL,
    confirmed_at timestamptz
);
CREATE INDEX follows_subject ON follows (subject) WHERE confirmed_at IS NOT NULL;
CREATE INDEX follows_voter ON follows (voter_id) WHERE voter_id IS NOT NULL;
CREATE INDEX follows_email ON follows (lower(email));

-- One row per event and recipient of a consumer ('mail'; webhooks add their own): the unique
-- key is what makes a second mail for the same event impossible.
CREATE TABLE deliveries (
    id           bigserial   PRIMARY KEY,
    event_id     text        NOT NULL REFERENCES events (id),
    consumer     text        NOT NULL,
    recipient    text        NOT NULL,
    address      text,                           -- dropped once sent or failed
    status       text        NOT NULL DEFAULT 'pending',
    attempts     integer     NOT NULL DEFAULT 0,
    next_attempt timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    claim        text,
    last_error   text        NOT NULL DEFAULT '',
    sent_at      timestamptz,
    UNIQUE (event_id, consumer, recipient)
);
CREATE INDEX deliveries_due ON deliveries (consumer, next_attempt, id) WHERE status = 'pending';

CREATE TABLE feed_tokens (
    token    text PRIMARY KEY,
    voter_id text NOT NULL UNIQUE
);

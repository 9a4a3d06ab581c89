-- valuehub pollserver: initial PostgreSQL schema.
--
-- No foreign keys point from votes or answers to items: the reference store accepts a vote for
-- a poll the manifest has not synced yet, and the backends must behave identically. Counts are
-- kept in their own tables, updated in the same transaction as the fact they count.

-- Ideas and survey answers draw their ids from one sequence, like the embedded store.
CREATE SEQUENCE record_seq;

CREATE TABLE items (
    kind      text        NOT NULL,
    id        text        NOT NULL,
    spec      json        NOT NULL,     -- json, not jsonb: keeps the manifest's key order
    source    text        NOT NULL DEFAULT '',
    url       text        NOT NULL DEFAULT '',
    archived  boolean     NOT NULL DEFAULT false,
    closed_at timestamptz,
    pos       bigserial   NOT NULL,     -- first-sync order, for stable archive reports
    PRIMARY KEY (kind, id)
);

-- One row per (poll, voter): the primary key is what makes a second vote impossible.
CREATE TABLE poll_votes (
    poll_id  text        NOT NULL,
    voter_id text        NOT NULL,
    choices  text[]      NOT NULL,
    voted_at timestamptz,
    PRIMARY KEY (poll_id, voter_id)
);
CREATE INDEX poll_votes_voter ON poll_votes (voter_id);   -- GET/DELETE /api/me

-- Tallies, split into a few shards per poll so parallel voters do not queue on one row lock;
-- a tally is the sum over the shards. ``poll_totals`` counts voters, ``poll_counts`` options.
CREATE TABLE poll_totals (
    poll_id text     NOT NULL,
    shard   smallint NOT NULL,
    n       bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, shard)
);

CREATE TABLE poll_counts (
    poll_id text     NOT NULL,
    choice  text     NOT NULL,
    shard   smallint NOT NULL,
    n       bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, choice, shard)
);

CREATE TABLE ideas (
    id          text        PRIMARY KEY,
    seq         bigint      NOT NULL UNIQUE,   -- creation order
    jam_id      text        NOT NULL,
    title       text        NOT NULL,
    body        text        NOT NULL,
    author      text,
    voter_id    text,
    created_at  timestamptz NOT NULL,
    moderation  text        NOT NULL DEFAULT 'published',
    status      text        NOT NULL DEFAULT 'open',
    winner      boolean     NOT NULL DEFAULT false,
    merged_into text,
    votes       bigint      NOT NULL DEFAULT 0  -- kept with idea_votes, never recounted
);
CREATE INDEX ideas_jam ON ideas (jam_id, seq);
CREATE INDEX ideas_voter ON ideas (voter_id) WHERE voter_id IS NOT NULL;

CREATE TABLE idea_votes (
    idea_id  text NOT NULL REFERENCES ideas (id),
    voter_id text NOT NULL,
    jam_id   text NOT NULL,
    voted_at timestamptz,
    PRIMARY KEY (idea_id, voter_id)
);
CREATE INDEX idea_votes_voter ON idea_votes (voter_id, jam_id);

-- How many votes a voter holds in a jam; the row is the lock that makes the budget check and
-- the spend one step (an upsert whose WHERE guard refuses to go past the budget).
CREATE TABLE idea_budgets (
    jam_id   text   NOT NULL,
    voter_id text   NOT NULL,
    used     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (jam_id, voter_id)
);

CREATE TABLE responses (
    id         text        PRIMARY KEY,
    seq        bigint      NOT NULL UNIQUE,
    survey_id  text        NOT NULL,
    voter_id   text,
    score      integer     NOT NULL,
    category   text        NOT NULL,
    comment    text        NOT NULL DEFAULT '',
    consent    boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
);
CREATE INDEX responses_survey ON responses (survey_id, seq);
-- One answer per voter and survey; anonymous (erased) answers do not take part.
CREATE UNIQUE INDEX responses_voter ON responses (survey_id, voter_id) WHERE voter_id IS NOT NULL;
CREATE INDEX responses_by_voter ON responses (voter_id) WHERE voter_id IS NOT NULL;

-- A pool exists once it was named (loaded, claimed from or revoked), even when empty.
CREATE TABLE code_pools (
    pool text PRIMARY KEY
);

CREATE TABLE codes (
    pool       text        NOT NULL,
    code       text        NOT NULL,
    pos        bigserial   NOT NULL,       -- load order: codes are handed out in it
    voter_id   text,
    claimed_at timestamptz,
    PRIMARY KEY (pool, code),
    UNIQUE (pool, voter_id)                -- one code per voter and pool (NULLs are distinct)
);
CREATE INDEX codes_free ON codes (pool, pos) WHERE voter_id IS NULL;
CREATE INDEX codes_voter ON codes (voter_id) WHERE voter_id IS NOT NULL;

CREATE TABLE admins (
    username      text PRIMARY KEY,
    password_hash text NOT NULL
);

CREATE TABLE audit (
    id      bigserial   PRIMARY KEY,
    at      timestamptz NOT NULL,
    actor   text,
    action  text,
    target  text,
    details json        NOT NULL DEFAULT '{}'
);

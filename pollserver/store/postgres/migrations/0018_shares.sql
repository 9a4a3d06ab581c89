-- Rewards for sharing: one random share token per voter (never the voter id in a link), with
-- the sharer's keyed client hash when they last asked for it (no credit for their own second
-- browser), and one credit per newcomer, ever.
CREATE TABLE share_tokens (
    voter_id  text PRIMARY KEY,
    token     text NOT NULL UNIQUE,
    client    text NOT NULL DEFAULT ''
);
CREATE TABLE share_credits (
    newcomer  text        PRIMARY KEY,
    sharer    text        NOT NULL,
    at        timestamptz NOT NULL,
    rewarded  boolean     NOT NULL DEFAULT false
);
CREATE INDEX share_credits_sharer ON share_credits (sharer, at);

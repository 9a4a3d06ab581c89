-- Voters the brand's own site vouched for (POST /api/verify): only a keyed hash of the
-- brand's customer id is kept; erasing the voter deletes the row.
CREATE TABLE customers (
    voter_id      text        PRIMARY KEY,
    customer_hash text        NOT NULL,
    at            timestamptz NOT NULL
);

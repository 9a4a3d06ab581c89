-- Webhook endpoints and the log of every try. Deliveries are outbox rows of consumer
-- 'webhook' whose recipient is the endpoint id (one per event and endpoint).
CREATE TABLE webhooks (
    id              text        PRIMARY KEY,
    seq             bigserial   NOT NULL UNIQUE,
    url             text        NOT NULL,
    secret          text        NOT NULL,
    events          text[]      NOT NULL,
    enabled         boolean     NOT NULL DEFAULT true,
    include_text    boolean     NOT NULL DEFAULT false,
    description     text        NOT NULL DEFAULT '',
    failing_since   timestamptz,
    disabled_reason text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL
);

CREATE TABLE webhook_attempts (
    id          bigserial   PRIMARY KEY,
    endpoint_id text        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    delivery_id text        NOT NULL,
    event_id    text        NOT NULL,
    event_type  text        NOT NULL,
    at          timestamptz NOT NULL,
    ok          boolean     NOT NULL,
    status      integer     NOT NULL,
    duration_ms integer     NOT NULL,
    error       text        NOT NULL DEFAULT '',
    body        text        NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);

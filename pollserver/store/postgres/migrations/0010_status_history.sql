-- Every status an idea was moved to, with the editor's note: the roadmap and idea pages
-- show it. Rows are written in the same transaction as the status change itself.
CREATE TABLE status_history (
    seq       bigserial   PRIMARY KEY,
    idea_id   text        NOT NULL,
    status    text        NOT NULL,
    at        timestamptz,
    note      text        NOT NULL DEFAULT ''
);
CREATE INDEX status_history_idea ON status_history (idea_id, seq);

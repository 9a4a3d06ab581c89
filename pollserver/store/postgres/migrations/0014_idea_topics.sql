-- Topics an editor gave an idea (keys of its jam's `topics:` list), for the board's filters.
ALTER TABLE ideas ADD COLUMN topics text[] NOT NULL DEFAULT '{}';

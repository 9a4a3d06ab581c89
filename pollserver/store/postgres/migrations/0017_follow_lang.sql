-- The language of the page a follow was asked from: its mails are written in it ('' is the
-- site's main language). A column of the follow, so unsubscribe and erase remove it with it.
ALTER TABLE follows ADD COLUMN lang text NOT NULL DEFAULT '';

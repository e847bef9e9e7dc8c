-- A week's deadline is processed in (week, bucket) units, each in a short transaction of its own, so a late
-- declaration waits at most for its own bucket, never for the whole country's week. A recipient's bucket is a fixed
-- hash of their id (FlagBook.DeadlineBuckets = 64: changing it needs a new migration of this column).
ALTER TABLE engagements
    ADD COLUMN deadline_bucket smallint GENERATED ALWAYS AS ((hashtext(recipient_id) & 2147483647) % 64) STORED;

CREATE INDEX engagements_by_bucket ON engagements (deadline_bucket, recipient_id, from_week DESC) INCLUDE (hours_per_week);

-- The units of a week, created when its deadline is due; claimed with FOR UPDATE SKIP LOCKED by any instance.
CREATE TABLE deadline_units (
    week          text        NOT NULL,
    bucket        smallint    NOT NULL,
    processed_at  timestamptz,
    flags_raised  integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (week, bucket)
);

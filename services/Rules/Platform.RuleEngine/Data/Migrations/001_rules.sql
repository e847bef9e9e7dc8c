-- What the rules service keeps of other services' events: only what a rule may see (never a note, never a
-- reason for reduced hours), the flags it raised, and the human outcomes of those flags for the statistics.

-- One row per recipient and starting week; the engagement in force for a week is the one with the latest
-- from_week <= that week. A later EngagementSet for the same starting week replaces it, an older one (lower
-- producer sequence, arriving late) changes nothing.
CREATE TABLE engagements (
    recipient_id       text         NOT NULL,
    from_week          text         NOT NULL,
    hours_per_week     numeric(5,2) NOT NULL,
    producer_sequence  bigint       NOT NULL,
    PRIMARY KEY (recipient_id, from_week)
);

-- The latest version of each week's declaration; activities as rules see them: category, date, hours.
CREATE TABLE declarations (
    recipient_id  text         NOT NULL,
    week          text         NOT NULL,
    version       integer      NOT NULL,
    activities    jsonb        NOT NULL,
    total_hours   numeric(7,2) NOT NULL,
    late          boolean      NOT NULL,
    submitted_at  timestamptz  NOT NULL,
    PRIMARY KEY (recipient_id, week)
);

CREATE INDEX declarations_by_week ON declarations (week);

CREATE TABLE flags (
    flag_id            uuid         PRIMARY KEY,
    recipient_id       text         NOT NULL,
    week               text         NOT NULL,
    rule_id            text         NOT NULL,
    rule_version       integer      NOT NULL,
    facts              jsonb        NOT NULL,
    parameters         jsonb        NOT NULL,
    sanction_eligible  boolean      NOT NULL,
    raised_at          timestamptz  NOT NULL,
    withdrawn_at       timestamptz
);

-- At most one open flag per recipient, week and rule, whatever the redeliveries, replays or instances.
CREATE UNIQUE INDEX flags_one_open ON flags (recipient_id, week, rule_id) WHERE withdrawn_at IS NULL;

-- A week's missing-declaration flag is raised once at most, even after a late declaration withdrew it.
CREATE UNIQUE INDEX flags_missing_once ON flags (recipient_id, week) WHERE rule_id = 'declaration-missing';

CREATE INDEX flags_by_raised ON flags (raised_at);

-- The next week whose deadline has yet to be processed. The row is locked while a deadline is processed, so two
-- instances never process the same deadline and one that was down catches up from here.
CREATE TABLE deadline_cursor (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    next_week  text    NOT NULL
);

CREATE TABLE processed_deadlines (
    week          text         PRIMARY KEY,
    processed_at  timestamptz  NOT NULL,
    flags_raised  integer      NOT NULL
);

-- What humans decided about flags, from the review service's events: a rule humans mostly dismiss is a bad rule.
CREATE TABLE flag_outcomes (
    flag_id      uuid         NOT NULL,
    outcome      text         NOT NULL CHECK (outcome IN ('dismissed', 'resolved', 'expired', 'upheld')),
    rule_id      text         NOT NULL,
    occurred_at  timestamptz  NOT NULL,
    PRIMARY KEY (flag_id, outcome)
);

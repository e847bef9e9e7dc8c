-- A case per flag. The flag's facts, parameters and explanation are kept as the rule raised them, so the
-- counsellor, the recipient and an auditor all read the same thing. There is deliberately no score column.

CREATE TABLE cases (
    case_id            uuid        PRIMARY KEY,
    flag_id            uuid        NOT NULL UNIQUE,
    recipient_id       text        NOT NULL,
    week               text        NOT NULL,
    rule_id            text        NOT NULL,
    rule_version       integer     NOT NULL,
    facts              jsonb       NOT NULL,
    parameters         jsonb       NOT NULL,
    explanation_fr     text        NOT NULL,
    explanation_en     text        NOT NULL,
    sanction_eligible  boolean     NOT NULL,
    -- open, claimed, proposed, dismissed, resolved, sanctioned, rejected, withdrawn, expired
    state              text        NOT NULL,
    opened_at          timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    claimed_by         text,
    closed_at          timestamptz
);

CREATE INDEX cases_queue ON cases (state, opened_at, case_id);
CREATE INDEX cases_by_recipient ON cases (recipient_id, opened_at);
CREATE INDEX cases_to_expire ON cases (expires_at) WHERE state IN ('open', 'claimed', 'proposed');

-- What happened to a case, in order: who did what and why. Append-only.
CREATE TABLE case_history (
    id       bigserial   PRIMARY KEY,
    case_id  uuid        NOT NULL REFERENCES cases (case_id),
    at       timestamptz NOT NULL,
    action   text        NOT NULL,
    actor    text        NOT NULL,
    detail   text
);

CREATE INDEX case_history_by_case ON case_history (case_id, id);

CREATE TABLE proposals (
    proposal_id      uuid        PRIMARY KEY,
    case_id          uuid        NOT NULL REFERENCES cases (case_id),
    flag_id          uuid        NOT NULL,
    recipient_id     text        NOT NULL,
    rule_id          text        NOT NULL,
    percent          integer     NOT NULL,
    months           integer     NOT NULL,
    start_month      text        NOT NULL,
    repeated_breach  boolean     NOT NULL,
    proposed_by      text        NOT NULL,
    reason           text        NOT NULL,
    notification_id  uuid        NOT NULL,
    notified_at      timestamptz NOT NULL,
    answer_by        timestamptz NOT NULL,
    -- pending, approved, rejected, withdrawn, expired
    state            text        NOT NULL,
    decided_by       text,
    decided_at       timestamptz,
    decision_reason  text,
    decision_id      uuid        UNIQUE
);

-- One live proposal per case at a time.
CREATE UNIQUE INDEX proposals_one_pending ON proposals (case_id) WHERE state = 'pending';
CREATE INDEX proposals_by_recipient ON proposals (recipient_id, state);

CREATE TABLE observations (
    observation_id  uuid        PRIMARY KEY,
    flag_id         uuid        NOT NULL,
    recipient_id    text        NOT NULL,
    text            text        NOT NULL,
    received_at     timestamptz NOT NULL
);

CREATE INDEX observations_by_flag ON observations (flag_id, received_at);

-- The household facts the 50 % cap needs, learnt from AllocationSet (the allocations service owns them).
CREATE TABLE households (
    recipient_id          text        PRIMARY KEY,
    household_size        integer     NOT NULL,
    lone_parent_increase  boolean     NOT NULL,
    updated_at            timestamptz NOT NULL
);

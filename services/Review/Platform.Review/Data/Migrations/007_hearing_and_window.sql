-- Two migrations carry the number 007 (this one and 007_accepted_absences.sql, written side by side): both run, once
-- each, in file-name order (accepted absences first); neither depends on the other. They keep their names because a
-- deployed database records each applied migration by name.
-- The answer window is no longer closed by a first observation (CASF L262-37, décret n° 2025-478 du 30 mai 2025): the
-- person closes it early only by saying they have nothing to add, or by the hearing they asked for being held.

ALTER TABLE observations ADD COLUMN nothing_to_add boolean NOT NULL DEFAULT false;

-- At most one hearing per proposal: asked for by the person (or a counsellor for them), scheduled, then recorded.
CREATE TABLE hearings (
    hearing_id       uuid          PRIMARY KEY,
    proposal_id      uuid          NOT NULL UNIQUE REFERENCES proposals (proposal_id),
    case_id          uuid          NOT NULL REFERENCES cases (case_id),
    flag_id          uuid          NOT NULL,
    recipient_id     text          NOT NULL,
    state            text          NOT NULL CHECK (state IN ('requested', 'scheduled', 'held')),
    requested_by     text          NOT NULL,
    requested_at     timestamptz   NOT NULL,
    assistant_name   text,
    assistant_role   text,
    scheduled_at     timestamptz,
    place            text,
    scheduled_by     text,
    held_at          timestamptz,
    person_attended  boolean,
    attendees        text,
    summary          text,
    recorded_by      text
);

CREATE INDEX hearings_recipient ON hearings (recipient_id);

-- Accepted justified absences (CASF R262-68-6), from AbsenceDecided: only the weeks they excuse, never their kind or
-- the person's words. A refused absence is not kept: it changes nothing.
CREATE TABLE accepted_absences (
    absence_id    uuid  PRIMARY KEY,
    recipient_id  text  NOT NULL,
    from_week     text  NOT NULL,
    to_week       text  NOT NULL
);

CREATE INDEX accepted_absences_by_recipient ON accepted_absences (recipient_id, from_week);

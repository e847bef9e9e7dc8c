-- Accepted justified absences, from the declarations service's AbsenceDecided: only the weeks they excuse (CASF
-- R262-68-6), never their kind or the person's words. A sanction proposal whose breach touches one of them is refused.
CREATE TABLE accepted_absences (
    absence_id    uuid  PRIMARY KEY,
    recipient_id  text  NOT NULL,
    from_week     text  NOT NULL,
    to_week       text  NOT NULL
);

CREATE INDEX accepted_absences_by_recipient ON accepted_absences (recipient_id, from_week);

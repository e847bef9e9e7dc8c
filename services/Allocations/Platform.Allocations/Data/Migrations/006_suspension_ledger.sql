-- What the ledger of a suspension (Allocation/SuspensionLedger.cs) needs to replay its endings and appeals in the order
-- they were applied: the month an ending was decided (the months before it had begun and were really withheld) and
-- when an appeal's decision was applied.
ALTER TABLE adjustments
    ADD COLUMN lifted_decided_month text,
    ADD COLUMN appeal_applied_at timestamptz;

UPDATE adjustments a
SET lifted_decided_month = to_char(e.decided_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM')
FROM suspension_endings e
WHERE e.sanction_decision_id = a.decision_id;

UPDATE adjustments a
SET appeal_applied_at = r.applied_at
FROM appeal_repayments r
WHERE r.sanction_decision_id = a.decision_id;

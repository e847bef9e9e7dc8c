-- The breach each applied decision sanctions (from the signed decision): one breach gives at most one suspension, and
-- the cap of CASF R262-68-6 is checked on the total of every suspension of the household in each month.
ALTER TABLE adjustments ADD COLUMN breach_first_week text, ADD COLUMN breach_last_week text;

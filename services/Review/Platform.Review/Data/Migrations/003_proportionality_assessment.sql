-- The proportionality assessment of CASF R262-68-5, one written answer per item, kept with the proposal it justifies.
-- Proposals made before it was asked keep NULLs.
ALTER TABLE proposals
    ADD COLUMN assessment_vulnerability text,
    ADD COLUMN assessment_dependants text,
    ADD COLUMN assessment_nature_and_frequency text,
    ADD COLUMN assessment_consequences text;

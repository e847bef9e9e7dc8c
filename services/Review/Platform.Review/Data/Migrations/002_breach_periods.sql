-- The breach each proposal sanctions: the consecutive short weeks behind its flag. One breach gives at most one
-- sanction, and "repeated" means a breach that began after an earlier decision. Proposals made before this column
-- existed keep their flag's week as the whole breach (the narrowest reading, which never invents an overlap).
ALTER TABLE proposals ADD COLUMN breach_first_week text, ADD COLUMN breach_last_week text;

UPDATE proposals p SET breach_first_week = c.week, breach_last_week = c.week FROM cases c WHERE c.case_id = p.case_id;

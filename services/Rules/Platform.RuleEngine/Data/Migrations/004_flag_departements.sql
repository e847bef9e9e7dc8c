-- The département of the recipient when the flag was raised, for the rule statistics per département. Null when the
-- recipient's placement had not reached this service yet (EngagementSet and the declaration travel on separate
-- queues) or the recipient is unplaced: the statistics then take the recipient's current placement, at read time.
ALTER TABLE flags ADD COLUMN departement text;

-- A key is claimed (status and body still NULL) in a short transaction of its own before the endpoint runs, and its
-- answer is stored after: no request holds a connection or a lock while its endpoint waits for another connection,
-- so concurrent keyed requests are bounded by the pool instead of starving it.
ALTER TABLE idempotency_keys ALTER COLUMN status DROP NOT NULL;
ALTER TABLE idempotency_keys ALTER COLUMN body DROP NOT NULL;

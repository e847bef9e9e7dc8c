-- The trigger function every service puts on its append-only tables (a change is a new row, never a rewrite).
-- OR REPLACE: databases created before it moved here already hold the same function.
CREATE OR REPLACE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;

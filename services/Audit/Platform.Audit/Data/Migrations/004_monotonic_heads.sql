-- A producer's stated head only moves forward, and only as a new statement.
--
-- The runtime role may INSERT and UPDATE audit_producer_head (the ProducerHeadStated consumer keeps each producer's
-- highest statement), so without this it could lower a head, hand it to a publisher verification ignores, rename it
-- away or date it in the future (verification weighs a head only once its grace has passed) and so hide that a
-- producer's last events never reached the log. The database now refuses every update that does not raise the
-- sequence of the same producer, and stamps each statement with the time it was written, whoever writes it.

CREATE FUNCTION audit_producer_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.producer IS DISTINCT FROM OLD.producer OR NEW.last_sequence <= OLD.last_sequence) THEN
        RAISE EXCEPTION 'audit_producer_head only moves forward: % from % to % refused', OLD.producer, OLD.last_sequence, NEW.last_sequence
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.received_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_producer_head_forward BEFORE INSERT OR UPDATE ON audit_producer_head
    FOR EACH ROW EXECUTE FUNCTION audit_producer_head_forward();
CREATE TRIGGER audit_producer_head_no_delete BEFORE DELETE ON audit_producer_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_producer_head_no_truncate BEFORE TRUNCATE ON audit_producer_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

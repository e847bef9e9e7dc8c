-- A suspension ended early has its own letter (kind 'suspension-ended'), stored with the decision letters of the same
-- sanction: it names the signed SuspensionEnded (decision_id, key_id, signature, signed_decision) and the proposal of
-- the sanction it ends. A proposal thus has at most one letter of each kind.
ALTER TABLE decision_letters DROP CONSTRAINT decision_letters_kind_check;
ALTER TABLE decision_letters ADD CONSTRAINT decision_letters_kind_check
    CHECK (kind IN ('sanction-approved', 'sanction-rejected', 'suspension-ended'));
ALTER TABLE decision_letters DROP CONSTRAINT decision_letters_proposal_id_key;
ALTER TABLE decision_letters ADD CONSTRAINT decision_letters_one_per_kind UNIQUE (proposal_id, kind);

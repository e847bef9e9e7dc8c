-- The appeal figures per rule and month (GET /api/audit/appeals/statistics) read the sanction decisions and the appeal
-- events only: a partial index holds just those rare entries, so the figures do not scan the whole log and appends of
-- every other event do not touch it.
CREATE INDEX audit_log_appeal_figures ON audit_log (occurred_at, position)
    WHERE message_type IN (
        'urn:message:Platform.Contracts.Review:SanctionDecided',
        'urn:message:Platform.Contracts.Review:AppealFiled',
        'urn:message:Platform.Contracts.Review:AppealDecided',
        'urn:message:Platform.Contracts.Review:AppealImplicitlyRejected');

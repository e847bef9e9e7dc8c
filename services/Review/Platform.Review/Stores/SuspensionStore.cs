using Dapper;
using Platform.Contracts.Review;
using Platform.Review.Suspensions;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>
/// The SQL of suspensions: the sanctions this service decided (approved proposals with their signed decision), the
/// recipients' statements that they meet their obligations again, and the endings decided.
/// </summary>
internal static class SuspensionStore
{
    private const string SelectSuspension = """
        SELECT p.decision_id, p.recipient_id, p.percent, p.months, p.start_month, p.decided_at,
               e.decision_id AS ending_decision_id, e.from_month AS ended_from_month, e.decided_by AS ended_by, e.reason AS ending_reason,
               e.decided_at AS ended_at
        FROM proposals p LEFT JOIN suspension_endings e ON e.sanction_decision_id = p.decision_id
        WHERE p.state = @approved AND p.decision_id IS NOT NULL
        """;

    /// <summary>What the recipient and case workers read: committed data, outside any unit of work.</summary>
    public static async Task<RecipientSuspensions> RecipientAsync(ServiceDatabase database, string recipientId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var suspensions = await connection.QueryAsync<SuspensionView>(
            $"{SelectSuspension} AND p.recipient_id = @recipientId ORDER BY p.decided_at", new { recipientId, approved = ProposalState.Approved });
        var statements = await connection.QueryAsync<StatementView>(
            "SELECT statement_id, recipient_id, stated_by, text, stated_at FROM obligation_statements WHERE recipient_id = @recipientId ORDER BY stated_at",
            new { recipientId });
        return new RecipientSuspensions(recipientId, suspensions.ToList(), statements.ToList());
    }

    /// <summary>The approved sanction, locked against a concurrent ending; null when this service decided none under that id.</summary>
    public static Task<SuspensionView?> LockAsync(ServiceTransaction work, Guid decisionId) =>
        work.Connection.QuerySingleOrDefaultAsync<SuspensionView?>(
            $"{SelectSuspension} AND p.decision_id = @decisionId FOR UPDATE OF p", new { decisionId, approved = ProposalState.Approved }, work.Transaction);

    public static Task<bool> StatementExistsAsync(ServiceTransaction work, Guid statementId, string recipientId) =>
        work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM obligation_statements WHERE statement_id = @statementId AND recipient_id = @recipientId)",
            new { statementId, recipientId },
            work.Transaction);

    public static Task AddStatementAsync(ServiceTransaction work, StatementView statement) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO obligation_statements (statement_id, recipient_id, stated_by, text, stated_at)
            VALUES (@StatementId, @RecipientId, @StatedBy, @Text, @StatedAt)
            """,
            statement,
            work.Transaction);

    /// <summary>The proposal and case of the signed sanction <paramref name="decisionId"/> (its ending's letter names them).</summary>
    public static Task<(Guid ProposalId, Guid CaseId)> SanctionOfAsync(ServiceTransaction work, Guid decisionId) =>
        work.Connection.QuerySingleAsync<(Guid ProposalId, Guid CaseId)>(
            "SELECT proposal_id, case_id FROM proposals WHERE decision_id = @decisionId", new { decisionId }, work.Transaction);

    public static Task AddEndingAsync(ServiceTransaction work, SuspensionEnded ending) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO suspension_endings (decision_id, sanction_decision_id, recipient_id, from_month, decided_by, reason, statement_id,
                                            decided_at, key_id, signature)
            VALUES (@DecisionId, @SanctionDecisionId, @RecipientId, @FromMonth, @DecidedBy, @Reason, @StatementId, @DecidedAt, @KeyId, @Signature)
            """,
            ending,
            work.Transaction);
}

using System.Data;
using Dapper;

namespace Platform.Review.Suspensions;

/// <summary>The SQL of suspensions: the sanctions this service decided, the recipients' statements, the endings.</summary>
internal static class SuspensionStore
{
    public static async Task<IReadOnlyList<SuspensionView>> SuspensionsAsync(IDbConnection connection, string recipientId) =>
        (await connection.QueryAsync<SuspensionView>(
            """
            SELECT p.decision_id, p.recipient_id, p.percent, p.months, p.start_month, p.decided_at,
                   e.decision_id AS ending_decision_id, e.from_month AS ended_from_month, e.decided_by AS ended_by, e.reason AS ending_reason,
                   e.decided_at AS ended_at
            FROM proposals p LEFT JOIN suspension_endings e ON e.sanction_decision_id = p.decision_id
            WHERE p.recipient_id = @recipientId AND p.state = 'approved' AND p.decision_id IS NOT NULL
            ORDER BY p.decided_at
            """,
            new { recipientId })).ToList();

    public static async Task<IReadOnlyList<StatementView>> StatementsAsync(IDbConnection connection, string recipientId) =>
        (await connection.QueryAsync<StatementView>(
            "SELECT statement_id, recipient_id, stated_by, text, stated_at FROM obligation_statements WHERE recipient_id = @recipientId ORDER BY stated_at",
            new { recipientId })).ToList();

    /// <summary>The approved sanction, locked against a concurrent ending; null when this service decided none under that id.</summary>
    public static Task<SuspensionView?> LockSuspensionAsync(IDbConnection connection, IDbTransaction transaction, Guid decisionId) =>
        connection.QuerySingleOrDefaultAsync<SuspensionView?>(
            """
            SELECT p.decision_id, p.recipient_id, p.percent, p.months, p.start_month, p.decided_at,
                   e.decision_id AS ending_decision_id, e.from_month AS ended_from_month, e.decided_by AS ended_by, e.reason AS ending_reason,
                   e.decided_at AS ended_at
            FROM proposals p LEFT JOIN suspension_endings e ON e.sanction_decision_id = p.decision_id
            WHERE p.decision_id = @decisionId AND p.state = 'approved'
            FOR UPDATE OF p
            """,
            new { decisionId },
            transaction);

    public static Task<bool> StatementExistsAsync(IDbConnection connection, IDbTransaction transaction, Guid statementId, string recipientId) =>
        connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM obligation_statements WHERE statement_id = @statementId AND recipient_id = @recipientId)",
            new { statementId, recipientId },
            transaction);

    public static Task AddStatementAsync(IDbConnection connection, IDbTransaction transaction, StatementView statement) =>
        connection.ExecuteAsync(
            """
            INSERT INTO obligation_statements (statement_id, recipient_id, stated_by, text, stated_at)
            VALUES (@StatementId, @RecipientId, @StatedBy, @Text, @StatedAt)
            """,
            statement,
            transaction);

    public static Task AddEndingAsync(IDbConnection connection, IDbTransaction transaction, Platform.Contracts.Review.SuspensionEnded ending) =>
        connection.ExecuteAsync(
            """
            INSERT INTO suspension_endings (decision_id, sanction_decision_id, recipient_id, from_month, decided_by, reason, statement_id,
                                            decided_at, key_id, signature)
            VALUES (@DecisionId, @SanctionDecisionId, @RecipientId, @FromMonth, @DecidedBy, @Reason, @StatementId, @DecidedAt, @KeyId, @Signature)
            """,
            ending,
            transaction);
}

/// <summary>A suspension this service decided (a signed, approved sanction) and, once decided, its early ending.</summary>
public sealed record SuspensionView(
    Guid DecisionId,
    string RecipientId,
    int Percent,
    int Months,
    string StartMonth,
    DateTimeOffset DecidedAt,
    Guid? EndingDecisionId,
    string? EndedFromMonth,
    string? EndedBy,
    string? EndingReason,
    DateTimeOffset? EndedAt);

/// <summary>What the recipient said (or a counsellor recorded them saying): they meet their obligations again.</summary>
public sealed record StatementView(Guid StatementId, string RecipientId, string StatedBy, string Text, DateTimeOffset StatedAt);

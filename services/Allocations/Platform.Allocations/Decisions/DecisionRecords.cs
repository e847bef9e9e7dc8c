using Dapper;
using Platform.Contracts.Allocations;
using Platform.ServiceDefaults.Data;

namespace Platform.Allocations.Decisions;

/// <summary>What both decision consumers (sanctions and suspension endings) write the same way.</summary>
internal static class DecisionRecords
{
    /// <summary>
    /// One decision at a time per recipient, for the rest of the transaction, so that "already applied", "an earlier
    /// one" and the suspensions in force are read consistently.
    /// </summary>
    public static Task LockRecipientAsync(ServiceTransaction work, string recipientId) =>
        work.Connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('allocation:' || @recipientId, 0))", new { recipientId }, work.Transaction);

    /// <summary>Keeps the refused decision and tells the audit log why it changed nothing.</summary>
    public static async Task RefuseAsync(ServiceTransaction work, Guid decisionId, string recipientId, DecisionRefusal refusal, DateTimeOffset now)
    {
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO rejected_decisions (decision_id, recipient_id, reason_code, reason, received_at)
            VALUES (@decisionId, @recipientId, @ReasonCode, @Reason, @now)
            """,
            new { decisionId, recipientId, refusal.ReasonCode, refusal.Reason, now },
            work.Transaction);
        work.Publish(new AdjustmentRejected(decisionId, recipientId, refusal.ReasonCode, refusal.Reason) { OccurredAt = now });
    }
}

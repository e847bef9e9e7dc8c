using Dapper;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>
/// The <c>withdrawn_flags</c> table: withdrawals consumed before the flag they withdraw, so that the flag, when it
/// arrives, never opens a live case.
/// </summary>
internal static class WithdrawnFlagStore
{
    /// <summary>
    /// Serialises the two consumers of one flag (raise and withdrawal) for the rest of the transaction: without it, each
    /// could miss the other's uncommitted row and a withdrawn flag would open a live case.
    /// </summary>
    public static Task LockFlagAsync(ServiceTransaction work, Guid flagId) =>
        work.Connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('review-flag:' || @flagId::text, 0))", new { flagId }, work.Transaction);

    public static Task RecordAsync(ServiceTransaction work, Guid flagId, string recipientId, string? reasonFr, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO withdrawn_flags (flag_id, recipient_id, reason_fr, withdrawn_at) VALUES (@flagId, @recipientId, @reasonFr, @now)
            ON CONFLICT (flag_id) DO NOTHING
            """,
            new { flagId, recipientId, reasonFr, now },
            work.Transaction);

    /// <summary>The reason of a withdrawal recorded before its flag, or null when there is none.</summary>
    public static Task<WithdrawnFlag?> FindAsync(ServiceTransaction work, Guid flagId) =>
        work.Connection.QuerySingleOrDefaultAsync<WithdrawnFlag?>(
            "SELECT reason_fr, withdrawn_at FROM withdrawn_flags WHERE flag_id = @flagId", new { flagId }, work.Transaction);
}

internal sealed record WithdrawnFlag(string? ReasonFr, DateTimeOffset WithdrawnAt);

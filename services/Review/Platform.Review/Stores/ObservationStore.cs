using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The reads and writes of the <c>observations</c> table inside the caller's unit of work.</summary>
internal static class ObservationStore
{
    public static Task InsertAsync(ServiceTransaction work, Observation observation) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO observations (observation_id, flag_id, recipient_id, text, received_at, nothing_to_add)
            VALUES (@ObservationId, @FlagId, @RecipientId, @Text, @ReceivedAt, @NothingToAdd)
            """,
            observation,
            work.Transaction);

    /// <summary>When the recipient first answered <paramref name="proposal"/>'s flag after being notified of it, up to now; null if not.</summary>
    public static Task<DateTimeOffset?> FirstSinceNotifiedAsync(ServiceTransaction work, Proposal proposal, DateTimeOffset now) =>
        work.Connection.ExecuteScalarAsync<DateTimeOffset?>(
            """
            SELECT min(received_at) FROM observations
            WHERE flag_id = @FlagId AND received_at >= @NotifiedAt AND received_at <= @now
            """,
            new { proposal.FlagId, proposal.NotifiedAt, now },
            work.Transaction);

    /// <summary>
    /// What the recipient did about <paramref name="proposal"/>'s answer window up to now: when they first said, since the
    /// notification, that they had nothing to add, and the hearing they asked for.
    /// </summary>
    public static async Task<AnswerWindow> WindowAsync(ServiceTransaction work, Proposal proposal, DateTimeOffset now) =>
        new(
            await work.Connection.ExecuteScalarAsync<DateTimeOffset?>(
                """
                SELECT min(received_at) FROM observations
                WHERE flag_id = @FlagId AND nothing_to_add AND received_at >= @NotifiedAt AND received_at <= @now
                """,
                new { proposal.FlagId, proposal.NotifiedAt, now },
                work.Transaction),
            await HearingStore.FindAsync(work, proposal.ProposalId));
}

using Dapper;
using Platform.Review.Letters;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>
/// A letters' e-mail outbox: a row queued in the letter's own transaction, then claimed, sent and marked by a
/// <see cref="QueuedMailer"/>, which retries with a growing delay. The decision letters and the appeals' letters each
/// have one table of this shape; its name is one of the two below, never input.
/// </summary>
internal sealed class LetterEmailOutbox
{
    public static readonly LetterEmailOutbox DecisionLetters = new("decision_letter_emails");

    public static readonly LetterEmailOutbox AppealLetters = new("appeal_letter_emails");

    private readonly string table;

    private LetterEmailOutbox(string table) => this.table = table;

    public Task QueueAsync(ServiceTransaction work, Guid letterId, string address, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(
            $"INSERT INTO {table} (letter_id, address, next_attempt_at) VALUES (@letterId, @address, @now)",
            new { letterId, address, now },
            work.Transaction);

    /// <summary>The next e-mail due, locked for this transaction; null when none is due.</summary>
    public Task<QueuedEmail?> NextDueAsync(ServiceTransaction work, DateTimeOffset now) =>
        work.Connection.QuerySingleOrDefaultAsync<QueuedEmail?>(
            $"""
            SELECT letter_id AS id, address, NULL::text AS link_token, attempts FROM {table}
            WHERE sent_at IS NULL AND next_attempt_at <= @now
            ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
            """,
            new { now },
            work.Transaction);

    public Task MarkSentAsync(ServiceTransaction work, Guid letterId, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(
            $"UPDATE {table} SET sent_at = @now, attempts = attempts + 1, last_error = NULL WHERE letter_id = @letterId",
            new { letterId, now },
            work.Transaction);

    public Task MarkFailedAsync(ServiceTransaction work, Guid letterId, DateTimeOffset next, string error) =>
        work.Connection.ExecuteAsync(
            $"UPDATE {table} SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE letter_id = @letterId",
            new { letterId, next, error },
            work.Transaction);
}

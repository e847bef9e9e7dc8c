using Dapper;
using Npgsql;
using Platform.Audit.Log;

namespace Platform.Audit.Capture;

/// <summary>
/// Appends captured events to the chain. One transaction per batch: lock the head row (so appends are serialised and
/// the chain linear, whatever the number of consumers or instances), skip message ids already in the log (a
/// redelivery or a republish appends nothing), hash each new entry onto the previous one, insert them all in one
/// statement, move the head.
/// </summary>
public sealed class LogAppender(NpgsqlDataSource dataSource)
{
    /// <summary>Returns the entries appended, in order (none for events already in the log).</summary>
    public async Task<IReadOnlyList<LogEntry>> AppendAsync(IReadOnlyList<CapturedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var head = await connection.QuerySingleAsync<Head>(
            "SELECT position, entry_hash AS EntryHash FROM audit_head FOR UPDATE", transaction: transaction);
        var ids = events.Select(captured => captured.MessageId).Distinct().ToArray();
        var known = (await connection.QueryAsync<Guid>(
            "SELECT message_id FROM audit_log WHERE message_id = ANY(@ids)", new { ids }, transaction)).ToHashSet();

        var appended = new List<LogEntry>(events.Count);
        var (position, hash) = (head.Position, head.EntryHash);
        foreach (var captured in events)
        {
            if (!known.Add(captured.MessageId))
            {
                continue;
            }

            var entry = captured.Chain(++position, hash);
            hash = entry.EntryHash;
            appended.Add(entry);
        }

        if (appended.Count > 0)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO audit_log (position, previous_hash, entry_hash, message_id, message_type, producer, producer_sequence,
                                       occurred_at, received_at, recipient_id, body)
                SELECT * FROM unnest(@positions, @previousHashes, @entryHashes, @messageIds, @messageTypes, @producers,
                                     @producerSequences, @occurredAts, @receivedAts, @recipientIds, @bodies)
                """,
                new
                {
                    positions = appended.Select(e => e.Position).ToArray(),
                    previousHashes = appended.Select(e => e.PreviousHash).ToArray(),
                    entryHashes = appended.Select(e => e.EntryHash).ToArray(),
                    messageIds = appended.Select(e => e.MessageId).ToArray(),
                    messageTypes = appended.Select(e => e.MessageType).ToArray(),
                    producers = appended.Select(e => e.Producer).ToArray(),
                    producerSequences = appended.Select(e => e.ProducerSequence).ToArray(),
                    occurredAts = appended.Select(e => e.OccurredAt.UtcDateTime).ToArray(),
                    receivedAts = appended.Select(e => e.ReceivedAt.UtcDateTime).ToArray(),
                    recipientIds = appended.Select(e => e.RecipientId).ToArray(),
                    bodies = appended.Select(e => e.Body).ToArray(),
                },
                transaction);
            await connection.ExecuteAsync(
                "UPDATE audit_head SET position = @position, entry_hash = @hash",
                new { position, hash },
                transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        return appended;
    }

    private sealed record Head(long Position, byte[] EntryHash);
}

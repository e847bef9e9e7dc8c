using Dapper;
using Npgsql;
using Platform.Audit.Log;

namespace Platform.Audit.Capture;

/// <summary>
/// Appends captured events to the chain through the database's <c>audit_append</c> function, the only way into the
/// log the service's role has: one call per batch locks the head row (so appends are serialised and the chain linear,
/// whatever the number of consumers or instances), skips message ids already in the log (a redelivery or a republish
/// appends nothing), hashes each new entry onto the previous one in the database, inserts it and moves the head.
/// </summary>
public sealed class LogAppender(NpgsqlDataSource dataSource)
{
    /// <summary>Returns the positions appended, in order (none for events already in the log).</summary>
    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<CapturedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var positions = await connection.QueryAsync<long>(
            """
            SELECT * FROM audit_append(@messageIds, @messageTypes, @producers, @publishers, @producerSequences, @occurredAts, @receivedAts,
                                       @recipientIds, @bodies)
            """,
            new
            {
                messageIds = events.Select(e => e.MessageId).ToArray(),
                messageTypes = events.Select(e => e.MessageType).ToArray(),
                producers = events.Select(e => e.Producer).ToArray(),
                publishers = events.Select(e => e.Publisher).ToArray(),
                producerSequences = events.Select(e => e.ProducerSequence).ToArray(),
                occurredAts = events.Select(e => EntryHash.ToMicroseconds(e.OccurredAt).UtcDateTime).ToArray(),
                receivedAts = events.Select(e => EntryHash.ToMicroseconds(e.ReceivedAt).UtcDateTime).ToArray(),
                recipientIds = events.Select(e => e.RecipientId).ToArray(),
                bodies = events.Select(e => e.Body).ToArray(),
            });
        return positions.ToList();
    }
}

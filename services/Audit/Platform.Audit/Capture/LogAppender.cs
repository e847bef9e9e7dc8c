using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Audit.Log;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Audit.Capture;

/// <summary>
/// Appends captured events to their partitions' chains through the database's <c>audit_append</c> function, the only
/// way into the log the service's role has. An event's partition is its recipient's outbox partition (P =
/// <c>Outbox:Partitions</c>). A batch is split by partition and the parts are appended at once, each in a transaction of
/// its own that locks only its partition's head row: appends to different partitions do not wait on each other, appends
/// to one partition are serialised (its chain stays linear, whatever the number of consumers or instances). The function
/// skips message ids already in the log (a redelivery or a republish appends nothing), hashes each new entry onto its
/// partition's previous one in the database, inserts it and moves that partition's head.
/// </summary>
public sealed class LogAppender(NpgsqlDataSource dataSource, IOptions<OutboxOptions> outbox)
{
    /// <summary>Partitions of one batch appended at the same time at most.</summary>
    public const int Parallelism = 4;

    /// <summary>Returns the positions appended, in increasing order (none for events already in the log).</summary>
    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<CapturedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var partitions = outbox.Value.Partitions;
        var parts = events.GroupBy(e => LogPartitions.Of(e.RecipientId, partitions)).Select(part => part.ToList()).ToList();
        if (parts.Count <= 1)
        {
            return await AppendPartAsync(events, partitions, cancellationToken);
        }

        var appended = new List<long>[parts.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, parts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (index, token) => appended[index] = await AppendPartAsync(parts[index], partitions, token));
        return appended.SelectMany(positions => positions).Order().ToList();
    }

    private async Task<List<long>> AppendPartAsync(IReadOnlyList<CapturedEvent> events, int partitions, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var positions = await connection.QueryAsync<long>(
            """
            SELECT * FROM audit_append(@partitions, @messageIds, @messageTypes, @producers, @publishers, @producerSequences, @occurredAts, @receivedAts,
                                       @recipientIds, @bodies)
            """,
            new
            {
                partitions,
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

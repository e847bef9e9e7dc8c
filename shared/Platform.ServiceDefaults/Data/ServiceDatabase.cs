using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.ServiceDefaults.Messaging;

namespace Platform.ServiceDefaults.Data;

/// <summary>
/// Opens the transactions in which a service changes its state: the events the change causes are written to the
/// outbox in the same transaction, and a consumer's message id to the inbox, so that commit is all or nothing.
/// </summary>
public sealed class ServiceDatabase(NpgsqlDataSource dataSource, OutboxSignal outboxSignal, ServiceIdentity identity, TimeProvider time)
{
    public NpgsqlDataSource DataSource => dataSource;

    public async Task<ServiceTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        return new ServiceTransaction(connection, transaction, outboxSignal, identity, time);
    }

    /// <summary>
    /// Begins the transaction of a consumer's effect, recording <paramref name="messageId"/> in the inbox.
    /// Returns null when that consumer already processed the message: a redelivery then has no second effect.
    /// A concurrent delivery of the same message waits on the inbox row and then sees it as processed.
    /// </summary>
    public async Task<ServiceTransaction?> BeginOnceAsync(string consumer, Guid messageId, CancellationToken cancellationToken)
    {
        var work = await BeginAsync(cancellationToken);
        var inserted = await work.Connection.ExecuteAsync(
            """
            INSERT INTO inbox (consumer, message_id, processed_at) VALUES (@consumer, @messageId, @now)
            ON CONFLICT DO NOTHING
            """,
            new { consumer, messageId, now = time.GetUtcNow() },
            work.Transaction);
        if (inserted == 1)
        {
            return work;
        }

        await work.DisposeAsync();
        return null;
    }
}

/// <summary>One PostgreSQL transaction and the events it will publish once committed.</summary>
public sealed class ServiceTransaction(
    NpgsqlConnection connection,
    NpgsqlTransaction transaction,
    OutboxSignal outboxSignal,
    ServiceIdentity identity,
    TimeProvider time) : IAsyncDisposable
{
    private readonly List<PlatformEvent> pending = [];

    public NpgsqlConnection Connection => connection;

    public NpgsqlTransaction Transaction => transaction;

    /// <summary>
    /// Queues an event to be written to the outbox when the transaction commits. Returns it stamped with its id,
    /// producer and time (its sequence number is taken at commit).
    /// </summary>
    public T Publish<T>(T message)
        where T : PlatformEvent
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow();
        PlatformEvent stamped = message;
        stamped = stamped with
        {
            EventId = message.EventId == Guid.Empty ? Guid.CreateVersion7(now) : message.EventId,
            Producer = identity.Name,
            OccurredAt = message.OccurredAt == default ? now : message.OccurredAt,
        };
        pending.Add(stamped);
        return (T)stamped;
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (pending.Count > 0)
        {
            await WriteOutboxAsync();
        }

        await transaction.CommitAsync(cancellationToken);
        if (pending.Count > 0)
        {
            outboxSignal.Notify();
        }
    }

    private async Task WriteOutboxAsync()
    {
        // The counter row is locked until commit, so producer sequences are gap-free and in commit order.
        // It is taken last, just before commit, to hold that lock as briefly as possible.
        var last = await connection.ExecuteScalarAsync<long>(
            "UPDATE outbox_sequence SET last_sequence = last_sequence + @count RETURNING last_sequence",
            new { count = pending.Count },
            transaction);
        var first = last - pending.Count + 1;
        var rows = pending.Select((message, index) =>
        {
            var numbered = message with { ProducerSequence = first + index };
            return new
            {
                sequence = numbered.ProducerSequence,
                event_id = numbered.EventId,
                message_type = numbered.GetType().FullName!,
                body = JsonSerializer.Serialize(numbered, numbered.GetType(), ContractJson.Options),
                occurred_at = numbered.OccurredAt,
            };
        }).ToList();
        await connection.ExecuteAsync(
            """
            INSERT INTO outbox (sequence, event_id, message_type, body, occurred_at)
            VALUES (@sequence, @event_id, @message_type, @body::jsonb, @occurred_at)
            """,
            rows,
            transaction);
    }

    /// <summary>Without a commit, disposing rolls everything back, the outbox rows included.</summary>
    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}

/// <summary>The producing service's name, stamped on every event it publishes.</summary>
public sealed record ServiceIdentity(string Name);

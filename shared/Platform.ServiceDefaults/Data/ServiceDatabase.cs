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

    /// <summary>Begins a transaction in the current <see cref="DataScope"/>.</summary>
    public async Task<ServiceTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var (connection, transaction) = await OpenScopedAsync(DataScope.Current, cancellationToken);
        return new ServiceTransaction(connection, transaction, outboxSignal, identity, time);
    }

    /// <summary>
    /// Opens a connection for reads in the current <see cref="DataScope"/>: inside a transaction carrying the scope,
    /// which disposing the connection rolls back.
    /// </summary>
    public Task<NpgsqlConnection> OpenReadAsync(CancellationToken cancellationToken) => OpenReadAsync(DataScope.Current, cancellationToken);

    /// <summary>
    /// The same in <paramref name="scope"/>: only for reads that must see beyond the caller's scope (whose file a route
    /// names, public figures over every département).
    /// </summary>
    public async Task<NpgsqlConnection> OpenReadAsync(string scope, CancellationToken cancellationToken) =>
        (await OpenScopedAsync(scope, cancellationToken)).Connection;

    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenScopedAsync(string scope, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // SET LOCAL: the scope ends with the transaction, so a pooled connection never carries it to other work.
            await connection.ExecuteAsync("SELECT set_config('platform.scope', @scope, true)", new { scope }, transaction);
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
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
    /// producer and time (its producer sequence is given once it is committed, just before it is published).
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
        // No sequence number yet: the dispatcher numbers committed rows (see OutboxDispatcher), so writers never wait
        // for each other here. One statement whatever the number of events (a deadline raises thousands at once);
        // WITH ORDINALITY keeps the order in which they were queued, which the identity column records. Each event is
        // stamped with its recipient's département from this service's placements, as this transaction sees them (a
        // placement written just before counts), unless the event names it itself.
        var eventIds = new Guid[pending.Count];
        var messageTypes = new string[pending.Count];
        var bodies = new string[pending.Count];
        var occurredAt = new DateTimeOffset[pending.Count];
        for (var i = 0; i < pending.Count; i++)
        {
            var message = pending[i];
            eventIds[i] = message.EventId;
            messageTypes[i] = message.GetType().FullName!;
            bodies[i] = JsonSerializer.Serialize(message, message.GetType(), ContractJson.Options);
            occurredAt[i] = message.OccurredAt;
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO outbox (event_id, message_type, body, occurred_at)
            SELECT e.event_id, e.message_type,
                   CASE WHEN p.departement IS NULL OR e.body::jsonb ->> 'departement' IS NOT NULL THEN e.body::jsonb
                        ELSE jsonb_set(e.body::jsonb, '{departement}', to_jsonb(p.departement)) END,
                   e.occurred_at
              FROM unnest(@eventIds, @messageTypes, @bodies, @occurredAt) WITH ORDINALITY AS e (event_id, message_type, body, occurred_at, position)
              LEFT JOIN recipient_departements p ON p.recipient_id = e.body::jsonb ->> 'recipientId'
             ORDER BY e.position
            """,
            new { eventIds, messageTypes, bodies, occurredAt },
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

using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows to RabbitMQ with publisher confirms, then marks them published. Each batch goes in
/// two steps. First the committed rows not yet numbered get the producer's next sequence numbers, in the order they
/// were written, and that numbering is committed: only committed rows are numbered, so the sequence has no gaps, and
/// a number once given stays with its event. Then the numbered rows are published, each recipient's one after the
/// other in sequence order, and marked. A crash between the confirms and the mark publishes those rows again after
/// restart with the same message ids and numbers, which every consumer's inbox recognises: at-least-once on the wire,
/// exactly-once in effect. The counter row serialises numbering and published rows are taken with SKIP LOCKED, so
/// several instances of a service share the work without numbering or publishing a row twice at the same time.
/// </summary>
/// On a timer and when it stops, the dispatcher also states the last sequence it has published
/// (<see cref="ProducerHeadStated"/>), so the audit log can see events lost at the very end of the sequence.
internal sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ServiceIdentity service,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private long lastStated;
    private long lastStatedAt = Environment.TickCount64;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (options.Value.DispatchEnabled)
        {
            try
            {
                await StateHeadAsync(force: true, cancellationToken);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                logger.LogWarning(exception, "Could not state the producer head at shutdown");
            }
        }
    }

    /// <summary>Publishes the last published sequence when the interval has passed (or <paramref name="force"/>) and there is one.</summary>
    private async Task StateHeadAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && Environment.TickCount64 - lastStatedAt < options.Value.HeadInterval.TotalMilliseconds)
        {
            return;
        }

        lastStatedAt = Environment.TickCount64;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await connection.ExecuteScalarAsync<long?>("SELECT max(sequence) FROM outbox WHERE published_at IS NOT NULL") ?? 0;
        if (head == 0 || (head == lastStated && !force))
        {
            return;
        }

        await bus.Publish(new ProducerHeadStated(service.Name, head, time.GetUtcNow()), cancellationToken);
        lastStated = head;
    }
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatchEnabled)
        {
            logger.LogWarning("Outbox dispatch is disabled: committed events stay in the outbox until an instance with dispatch runs");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) == options.Value.BatchSize)
                {
                }

                await StateHeadAsync(force: false, stoppingToken);

                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Broker or database away: nothing is lost (the rows stay unpublished); try again shortly.
                logger.LogWarning(exception, "Outbox dispatch failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await NumberCommittedRowsAsync(connection, options.Value.BatchSize, cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(
            """
            SELECT sequence, event_id AS EventId, message_type AS MessageType, body->>'recipientId' AS RecipientId, body::text AS body
            FROM outbox
            WHERE published_at IS NULL AND sequence IS NOT NULL
            ORDER BY sequence
            LIMIT @BatchSize
            FOR UPDATE SKIP LOCKED
            """,
            new { options.Value.BatchSize },
            transaction)).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }

        // Events about one recipient go one after the other, each confirmed before the next, so that they reach every
        // queue (the audit log's included) in their producer's order; events about different recipients go together.
        // (All published together, a recipient's events were seen to overtake each other; all one at a time, the
        // dispatcher held the platform to 200 declarations/s sustained: docs/benchmarks.md.)
        await Task.WhenAll(rows.GroupBy(row => row.RecipientId).Select(async recipientRows =>
        {
            foreach (var row in recipientRows)
            {
                await PublishAsync(row, cancellationToken);
            }
        }));

        await connection.ExecuteAsync(
            "UPDATE outbox SET published_at = now() WHERE sequence = ANY(@sequences)",
            new { sequences = rows.Select(row => row.Sequence).ToArray() },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        logger.LogDebug("Published {Count} outbox events up to sequence {Sequence}", rows.Count, rows[^1].Sequence);
        return rows.Count;
    }

    /// <summary>
    /// Gives the next numbers to committed rows in the order they were written, in a transaction of its own that holds
    /// the counter row first: numberers (one per instance) take turns, and each sees what the one before it numbered.
    /// Writes serialised by a lock (a recipient's engagements, a week's declaration versions) are written, committed and
    /// so numbered in that order, which consumers rely on to keep the latest. Returns how many rows it numbered.
    /// </summary>
    private static async Task<int> NumberCommittedRowsAsync(NpgsqlConnection connection, int batchSize, CancellationToken cancellationToken)
    {
        // Most polls find nothing to number: a plain read then, rather than a lock written on the counter row each time.
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT FROM outbox WHERE sequence IS NULL)"))
        {
            return 0;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT FROM outbox_sequence FOR UPDATE", transaction: transaction);
        var numbered = await connection.ExecuteAsync(
            """
            WITH batch AS (
                SELECT id, row_number() OVER (ORDER BY id) AS position
                FROM (SELECT id FROM outbox WHERE sequence IS NULL ORDER BY id LIMIT @batchSize) AS unnumbered
            ), counter AS (
                UPDATE outbox_sequence SET last_sequence = last_sequence + (SELECT count(*) FROM batch)
                WHERE EXISTS (SELECT FROM batch)
                RETURNING last_sequence - (SELECT count(*) FROM batch) AS before
            )
            UPDATE outbox SET sequence = counter.before + batch.position
            FROM counter, batch
            WHERE outbox.id = batch.id
            """,
            new { batchSize },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        return numbered;
    }

    private Task PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var type = typeof(PlatformEvent).Assembly.GetType(row.MessageType)
            ?? throw new InvalidOperationException($"Outbox row {row.Sequence} names unknown contract {row.MessageType}.");
        var message = (PlatformEvent)JsonSerializer.Deserialize(row.Body, type, ContractJson.Options)!;
        return bus.Publish(message with { ProducerSequence = row.Sequence }, type, context => context.MessageId = row.EventId, cancellationToken);
    }

    private sealed record OutboxRow(long Sequence, Guid EventId, string MessageType, string RecipientId, string Body);
}

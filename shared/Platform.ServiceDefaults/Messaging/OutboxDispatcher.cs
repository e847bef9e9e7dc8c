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
/// exactly-once in effect. The counter row serialises numbering, so several instances number without a gap or a
/// number given twice.
/// </summary>
/// Numbering also puts each row in its recipient's partition (<see cref="OutboxOptions.Partitions"/>), and an instance
/// publishes only the partitions it owns (<see cref="OutboxPartitions"/>): one publisher per partition at a time, each
/// partition in sequence order, so a recipient's events leave in order however many instances run. Ownership is
/// refreshed from this loop, between batches, so a partition is let go only once its rows in flight are marked.
/// On a timer and when it stops, the dispatcher also states the last sequence it has published
/// (<see cref="ProducerHeadStated"/>), so the audit log can see events lost at the very end of the sequence.
internal sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    OutboxPartitions partitions,
    IOptions<OutboxOptions> options,
    ServiceIdentity service,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    /// <summary>How long a batch under way when the service stops may still take to be published and marked.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private long lastStated;
    private long lastStatedAt = Environment.TickCount64;
    private long nextOwnershipAt;

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
        // The head is the last sequence before which every event is published: with partitions, a later sequence of
        // one partition may go out while an earlier one waits for its partition's new owner, and stating the later one
        // would show the audit log a gap that is only a delay.
        var head = await connection.ExecuteScalarAsync<long?>(
            """
            SELECT coalesce(
                (SELECT min(sequence) - 1 FROM outbox WHERE published_at IS NULL AND sequence IS NOT NULL),
                (SELECT max(sequence) FROM outbox WHERE published_at IS NOT NULL))
            """) ?? 0;
        if (head == 0 || (head == lastStated && !force))
        {
            return;
        }

        await WithinConfirmTimeoutAsync(token => bus.Publish(new ProducerHeadStated(service.Name, head, time.GetUtcNow()), token), cancellationToken);
        lastStated = head;
    }
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatchEnabled)
        {
            logger.LogWarning("Outbox dispatch is disabled: committed events stay in the outbox until an instance with dispatch runs");
            return;
        }

        try
        {
            await DispatchUntilStoppedAsync(stoppingToken);
        }
        finally
        {
            // The last batch is marked: the other instances may take these partitions now.
            await partitions.ReleaseAllAsync();
        }
    }

    private async Task DispatchUntilStoppedAsync(CancellationToken stoppingToken)
    {
        var rehomed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!rehomed)
                {
                    await RehomeRowsAsync(stoppingToken);
                    rehomed = true;
                }

                await RefreshOwnershipIfDueAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested && await DispatchBatchAsync(stoppingToken) == options.Value.BatchSize)
                {
                    await RefreshOwnershipIfDueAsync(stoppingToken);
                }

                await StateHeadAsync(force: false, stoppingToken);

                var untilOwnership = TimeSpan.FromMilliseconds(Math.Max(0, nextOwnershipAt - Environment.TickCount64));
                await signal.WaitAsync(untilOwnership < options.Value.PollInterval ? untilOwnership : options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Broker or database away, or a confirmation that never came: nothing is lost (the rows stay
                // unpublished); try again shortly.
                logger.LogWarning(exception, "Outbox dispatch failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task RefreshOwnershipIfDueAsync(CancellationToken cancellationToken)
    {
        if (Environment.TickCount64 < nextOwnershipAt)
        {
            return;
        }

        await partitions.RefreshAsync(cancellationToken);
        nextOwnershipAt = Environment.TickCount64 + (long)options.Value.OwnershipInterval.TotalMilliseconds;
    }

    /// <summary>
    /// Puts numbered, unpublished rows whose partition is not one of this P (numbered before partitions existed, or
    /// under another P) into their recipient's partition under this P, holding the counter row as numbering does.
    /// </summary>
    private async Task RehomeRowsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT FROM outbox_sequence FOR UPDATE", transaction: transaction);
        var moved = await connection.ExecuteAsync(
            """
            UPDATE outbox SET partition = outbox_partition(body->>'recipientId', @Partitions)
             WHERE published_at IS NULL AND sequence IS NOT NULL AND (partition IS NULL OR partition >= @Partitions)
            """,
            new { options.Value.Partitions },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        if (moved > 0)
        {
            logger.LogWarning("{Count} unpublished outbox events moved to partitions of P = {Partitions}", moved, options.Value.Partitions);
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken stoppingToken)
    {
        // A batch once started is finished when the service stops (within a grace period), so that its rows are marked
        // before its partitions are let go: the next owner does not publish them a second time. None starts after.
        stoppingToken.ThrowIfCancellationRequested();
        using var batch = new CancellationTokenSource();
        await using var stopping = stoppingToken.Register(() => batch.CancelAfter(StopGrace));
        var cancellationToken = batch.Token;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await NumberCommittedRowsAsync(connection, options.Value.BatchSize, options.Value.Partitions, cancellationToken);

        var owned = partitions.Owned.ToArray();
        if (owned.Length == 0)
        {
            return 0;
        }

        // FOR UPDATE without SKIP LOCKED: should two instances ever both believe they own a partition (one lost its
        // session but has not noticed yet), the second waits for the first's batch and finds its rows published,
        // rather than publishing the rows after them first.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(
            """
            SELECT sequence, event_id AS EventId, message_type AS MessageType, body->>'recipientId' AS RecipientId, body::text AS body
            FROM outbox
            WHERE published_at IS NULL AND sequence IS NOT NULL AND partition = ANY(@owned)
            ORDER BY sequence
            LIMIT @BatchSize
            FOR UPDATE
            """,
            new { options.Value.BatchSize, owned },
            transaction)).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }

        // Events about one recipient go one after the other, each confirmed before the next, so that they reach every
        // queue (the audit log's included) in their producer's order; events about different recipients go together.
        // (All published together, a recipient's events were seen to overtake each other; all one at a time, the
        // dispatcher held the platform to 200 declarations/s sustained: docs/benchmarks.md.)
        await WithinConfirmTimeoutAsync(token => Task.WhenAll(rows.GroupBy(row => row.RecipientId).Select(async recipientRows =>
        {
            foreach (var row in recipientRows)
            {
                await PublishAsync(row, token);
            }
        })), cancellationToken);

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
    private static async Task<int> NumberCommittedRowsAsync(NpgsqlConnection connection, int batchSize, int partitionCount, CancellationToken cancellationToken)
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
            UPDATE outbox SET sequence = counter.before + batch.position,
                              partition = outbox_partition(outbox.body->>'recipientId', @partitionCount)
            FROM counter, batch
            WHERE outbox.id = batch.id
            """,
            new { batchSize, partitionCount },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        return numbered;
    }

    /// <summary>
    /// Runs publishes that must be confirmed within <see cref="OutboxOptions.ConfirmTimeout"/>, else throws
    /// <see cref="TimeoutException"/> and leaves them behind. After the broker restarts or the connection drops, a
    /// publish can wait for a confirmation that never comes, whatever token it was given; the batch then goes again.
    /// </summary>
    private async Task WithinConfirmTimeoutAsync(Func<CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        using var confirm = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        confirm.CancelAfter(options.Value.ConfirmTimeout);
        try
        {
            await publish(confirm.Token).WaitAsync(confirm.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The broker did not confirm the publishes within {options.Value.ConfirmTimeout.TotalSeconds:0} s.");
        }
    }

    private Task PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var type = typeof(PlatformEvent).Assembly.GetType(row.MessageType)
            ?? throw new InvalidOperationException($"Outbox row {row.Sequence} names unknown contract {row.MessageType}.");
        var message = (PlatformEvent)JsonSerializer.Deserialize(row.Body, type, ContractJson.Options)!;
        return bus.Publish(message with { ProducerSequence = row.Sequence }, type, context =>
        {
            context.MessageId = row.EventId;
            // The consuming services' consistent-hash exchanges put each recipient's events in one partition queue.
            context.SetRoutingKey(row.RecipientId ?? "");
        }, cancellationToken);
    }

    private sealed record OutboxRow(long Sequence, Guid EventId, string MessageType, string? RecipientId, string Body);
}

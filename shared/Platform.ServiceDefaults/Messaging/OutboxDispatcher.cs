using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows to RabbitMQ with publisher confirms, in sequence order, then marks them
/// published. A crash between the confirm and the mark publishes the row again after restart with the same
/// message id, which every consumer's inbox recognises: at-least-once on the wire, exactly-once in effect.
/// Rows are locked with SKIP LOCKED, so several instances of a service share the work without publishing a row twice
/// at the same time.
/// </summary>
internal sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(
            """
            SELECT sequence, event_id AS EventId, message_type AS MessageType, body::text AS body
            FROM outbox
            WHERE published_at IS NULL
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

        foreach (var row in rows)
        {
            var type = typeof(PlatformEvent).Assembly.GetType(row.MessageType)
                ?? throw new InvalidOperationException($"Outbox row {row.Sequence} names unknown contract {row.MessageType}.");
            var message = JsonSerializer.Deserialize(row.Body, type, ContractJson.Options)!;
            await bus.Publish(message, type, context => context.MessageId = row.EventId, cancellationToken);
        }

        await connection.ExecuteAsync(
            "UPDATE outbox SET published_at = now() WHERE sequence = ANY(@sequences)",
            new { sequences = rows.Select(row => row.Sequence).ToArray() },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        logger.LogDebug("Published {Count} outbox events up to sequence {Sequence}", rows.Count, rows[^1].Sequence);
        return rows.Count;
    }

    private sealed record OutboxRow(long Sequence, Guid EventId, string MessageType, string Body);
}

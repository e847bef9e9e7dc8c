using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.ServiceDefaults.Data;

/// <summary>How long each service keeps the rows it needs only for a while (every service, section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>False keeps everything (no removal at all).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Published outbox rows (each event's full body, notes included) are kept this long after publication.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Outbox { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Inbox rows (which messages a consumer has processed) are kept this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Idempotency keys (with the answer they replay, which may hold personal data) are kept this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the job looks for rows past their retention.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows removed per statement: each batch is its own short transaction.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 5_000;
}

/// <summary>Rows removed by one pass of <see cref="RetentionJob"/>.</summary>
public sealed record RetentionPass(long Outbox, long Inbox, long IdempotencyKeys);

/// <summary>
/// Removes, in batches of short transactions, published outbox rows, inbox rows and idempotency keys older than their
/// retention, so these tables stay bounded and personal data in event bodies and stored answers is not kept forever.
/// Ages are measured on the database's clock (the outbox's publication time is written by it). Several instances may
/// run it at once: a row is removed once whoever removes it. Two rows are never removed, whatever their age: an outbox
/// row not yet published, and the last published one (the producer's head, which the service states to the audit log).
/// A consumer that meets a message again after its inbox row was removed refuses it by its own state (see the README).
/// </summary>
public sealed class RetentionJob(NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await RemoveExpiredAsync(stoppingToken);
                if (pass.Outbox + pass.Inbox + pass.IdempotencyKeys > 0)
                {
                    logger.LogInformation("Retention removed {Outbox} outbox rows, {Inbox} inbox rows and {Keys} idempotency keys",
                        pass.Outbox, pass.Inbox, pass.IdempotencyKeys);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Retention pass failed; it will be retried");
            }

            try
            {
                await Task.Delay(options.Value.Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: every row past its retention, batch after batch, until none is left.</summary>
    public async Task<RetentionPass> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // The outbox from its oldest row on, stopping at the first one still needed (unpublished or recent): every
        // batch reads only the oldest rows by primary key, never the whole table.
        var outbox = await RemoveAsync(
            """
            WITH oldest AS (SELECT id, published_at FROM outbox ORDER BY id LIMIT @batchSize),
                 kept AS (SELECT min(id) AS id FROM oldest WHERE published_at IS NULL OR published_at >= now() - @retention),
                 head AS (SELECT max(id) AS id FROM outbox WHERE sequence = (SELECT max(sequence) FROM outbox WHERE published_at IS NOT NULL))
            DELETE FROM outbox
             WHERE id IN (SELECT id FROM oldest)
               AND id < coalesce((SELECT id FROM kept), 9223372036854775807)
               AND id < coalesce((SELECT id FROM head), 9223372036854775807)
            """,
            settings.Outbox, settings.BatchSize, cancellationToken);
        var inbox = await RemoveAsync(
            """
            DELETE FROM inbox
             WHERE ctid = ANY(ARRAY(SELECT ctid FROM inbox WHERE processed_at < now() - @retention ORDER BY processed_at LIMIT @batchSize))
            """,
            settings.Inbox, settings.BatchSize, cancellationToken);
        var keys = await RemoveAsync(
            """
            DELETE FROM idempotency_keys
             WHERE ctid = ANY(ARRAY(SELECT ctid FROM idempotency_keys WHERE created_at < now() - @retention ORDER BY created_at LIMIT @batchSize))
            """,
            settings.IdempotencyKeys, settings.BatchSize, cancellationToken);
        return new RetentionPass(outbox, inbox, keys);
    }

    private async Task<long> RemoveAsync(string sql, TimeSpan retention, int batchSize, CancellationToken cancellationToken)
    {
        long removed = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var batch = await connection.ExecuteAsync(new CommandDefinition(sql, new { retention, batchSize }, cancellationToken: cancellationToken));
            removed += batch;
            if (batch < batchSize)
            {
                return removed;
            }
        }
    }
}

using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Audit.Log;
using Platform.Contracts.Audit;

namespace Platform.Audit.Checkpoints;

/// <summary>The audit service's own checkpoint key (configured, or, outside production, one made for this run).</summary>
public sealed class CheckpointKey : IDisposable
{
    public CheckpointKey(IOptions<CheckpointOptions> options, IHostEnvironment environment, ILogger<CheckpointKey> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKey))
        {
            Key.ImportFromPem(options.Value.SigningKey);
            KeyId = string.IsNullOrWhiteSpace(options.Value.KeyId) ? "audit" : options.Value.KeyId;
        }
        else if (environment.IsProduction())
        {
            throw new InvalidOperationException("Audit:Checkpoints:SigningKey is not set: the audit service cannot sign checkpoints of its log.");
        }
        else
        {
            KeyId = $"audit-ephemeral-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            logger.LogWarning("No checkpoint signing key configured: checkpoints are signed with key {KeyId}, made for this run only", KeyId);
        }

        PublicKeyPem = Key.ExportSubjectPublicKeyInfoPem();
    }

    public ECDsa Key { get; }

    public string KeyId { get; }

    public string PublicKeyPem { get; }

    public void Dispose() => Key.Dispose();
}

/// <summary>
/// Every <see cref="CheckpointOptions.Every"/> entries, or every <see cref="CheckpointOptions.Interval"/> when the log
/// moved, re-checks the entries appended since the last checkpoint (hashes and links, from that checkpoint's signed head
/// hash on), then signs the new head: position, head hash, every producer's last sequence, time, key id. Kept in
/// <c>audit_checkpoint</c> and published as <see cref="AuditCheckpointSigned"/>. A tail that no longer chains onto the
/// last checkpoint is not signed: verification reports it.
/// </summary>
public sealed class CheckpointSigner(
    NpgsqlDataSource dataSource,
    CheckpointKey key,
    IBus bus,
    IOptions<CheckpointOptions> options,
    TimeProvider time,
    ILogger<CheckpointSigner> logger) : BackgroundService
{
    private long lastSignedTick = Environment.TickCount64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.Interval.TotalMilliseconds, 100, 1_000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(pause, stoppingToken);
                var due = Environment.TickCount64 - lastSignedTick >= options.Value.Interval.TotalMilliseconds;
                if (await SignIfDueAsync(due, stoppingToken) is not null)
                {
                    lastSignedTick = Environment.TickCount64;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                logger.LogWarning(exception, "Signing a checkpoint failed; retrying");
            }
        }
    }

    /// <summary>Signs a checkpoint of the head when <see cref="CheckpointOptions.Every"/> entries were appended since the last one, or when <paramref name="timeDue"/> and any were.</summary>
    public async Task<AuditCheckpointSigned?> SignIfDueAsync(bool timeDue, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var last = await connection.QuerySingleOrDefaultAsync<StoredCheckpoint>(
            "SELECT position, head_hash AS HeadHash, producers::text AS Producers FROM audit_checkpoint ORDER BY position DESC LIMIT 1",
            transaction: snapshot);
        var head = await connection.ExecuteScalarAsync<long>("SELECT position FROM audit_head", transaction: snapshot);
        var from = last?.Position ?? 0;
        if (head <= from || (head - from < options.Value.Every && !timeDue))
        {
            return null;
        }

        var producers = last is null
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize<Dictionary<string, long>>(last.Producers) ?? [];
        var hash = last?.HeadHash ?? EntryHash.Genesis;
        var expected = from + 1;
        await using (var command = new NpgsqlCommand(
            $"SELECT {LogReader.Columns} FROM audit_log WHERE position > @from AND position <= @head ORDER BY position", connection, snapshot))
        {
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("head", head);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = LogReader.Read(reader);
                if (entry.Position != expected || !entry.PreviousHash.AsSpan().SequenceEqual(hash)
                    || !EntryHash.Compute(entry).AsSpan().SequenceEqual(entry.EntryHash))
                {
                    logger.LogError("The log does not chain onto checkpoint {Checkpoint} at position {Position}: no checkpoint is signed", from, entry.Position);
                    return null;
                }

                hash = entry.EntryHash;
                expected++;
                producers[entry.Producer] = Math.Max(producers.GetValueOrDefault(entry.Producer), entry.ProducerSequence);
            }
        }

        if (expected != head + 1)
        {
            logger.LogError("The log ends at {End} but its head records {Head}: no checkpoint is signed", expected - 1, head);
            return null;
        }

        var checkpoint = AuditCheckpoint.Sign(
            new AuditCheckpointSigned(head, Convert.ToHexStringLower(hash), producers, EntryHash.ToMicroseconds(time.GetUtcNow()), key.KeyId, ""),
            key.Key);
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO audit_checkpoint (position, head_hash, producers, signed_at, key_id, signature)
            VALUES (@Position, @hash, @producers::jsonb, @SignedAt, @KeyId, @Signature)
            ON CONFLICT (position) DO NOTHING
            """,
            new { checkpoint.Position, hash, producers = JsonSerializer.Serialize(producers), checkpoint.SignedAt, checkpoint.KeyId, checkpoint.Signature },
            snapshot);
        await snapshot.CommitAsync(cancellationToken);
        if (inserted == 0)
        {
            return null; // another instance signed this position
        }

        await bus.Publish(checkpoint, cancellationToken);
        logger.LogInformation("Signed checkpoint at position {Position} with key {KeyId}", checkpoint.Position, checkpoint.KeyId);
        return checkpoint;
    }

    private sealed record StoredCheckpoint(long Position, byte[] HeadHash, string Producers);
}

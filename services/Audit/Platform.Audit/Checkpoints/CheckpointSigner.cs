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
/// Every <see cref="CheckpointOptions.Every"/> positions, or every <see cref="CheckpointOptions.Interval"/> when the log
/// moved, re-checks the entries appended to each partition since the last checkpoint (hashes and links, from that
/// partition's signed head on), then signs every partition's head: the last position, the hash of the list of heads
/// (<see cref="AuditCheckpoint.HeadsHash"/>), every producer's last sequence, time, key id. Kept in
/// <c>audit_checkpoint</c> with the list, and published as <see cref="AuditCheckpointSigned"/>. A partition that no
/// longer chains onto the last checkpoint stops the signing: verification reports it.
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

    /// <summary>Signs a checkpoint of the heads when <see cref="CheckpointOptions.Every"/> positions were appended since the last one, or when <paramref name="timeDue"/> and any were.</summary>
    public async Task<AuditCheckpointSigned?> SignIfDueAsync(bool timeDue, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (lastHead, lastSigned) = await connection.QuerySingleAsync<(long, long)>(
            "SELECT (SELECT coalesce(max(position), 0) FROM audit_partition_head), (SELECT coalesce(max(position), 0) FROM audit_checkpoint)");
        if (!IsDue(lastHead, lastSigned, timeDue))
        {
            return null;
        }

        // The appends under way end, and new ones wait, until the snapshot is taken: it then holds every entry numbered
        // before its last position (appends hold this lock shared while they number and commit, migration 007).
        const string Unlock = "SELECT pg_advisory_unlock(@AppendLock, 0)";
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@AppendLock, 0)", new { AppendLock });
        NpgsqlTransaction? snapshot = null;
        StoredCheckpoint? last;
        try
        {
            snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            last = await connection.QuerySingleOrDefaultAsync<StoredCheckpoint>(
                """
                SELECT position, head_hash AS HeadHash, producers::text AS Producers, partitions::text AS Partitions
                FROM audit_checkpoint ORDER BY position DESC LIMIT 1
                """,
                transaction: snapshot);
        }
        catch
        {
            // Never back to the pool with the appends held: unlocked outside the failed transaction.
            if (snapshot is not null)
            {
                await snapshot.DisposeAsync();
            }

            await connection.ExecuteAsync(Unlock, new { AppendLock });
            throw;
        }

        await using var _ = snapshot;
        await connection.ExecuteAsync(Unlock, new { AppendLock }, snapshot);
        var heads = (await connection.QueryAsync<(int Partition, long Position, byte[] EntryHash)>(
            "SELECT partition, position, entry_hash FROM audit_partition_head ORDER BY partition", transaction: snapshot)).ToList();
        var head = heads.Count == 0 ? 0 : heads.Max(h => h.Position);
        var from = last?.Position ?? 0;
        if (!IsDue(head, from, timeDue))
        {
            return null;
        }

        var producers = last is null
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize<Dictionary<string, long>>(last.Producers) ?? [];
        // Where each partition stood at the last checkpoint: its listed heads, or, for one signed before partitions, the
        // one chain's head, which is partition 0's history.
        var signed = last switch
        {
            null => [],
            { Partitions: { } listed } => JsonSerializer.Deserialize<List<PartitionHead>>(listed, EventTypes.Json)!
                .ToDictionary(h => h.Partition, h => (h.Position, Hash: Convert.FromHexString(h.HeadHash))),
            _ => new Dictionary<int, (long Position, byte[] Hash)> { [0] = (last.Position, last.HeadHash) },
        };
        if (signed.Keys.Any(partition => heads.All(h => h.Partition != partition)))
        {
            logger.LogError("A partition of checkpoint {Checkpoint} has no head any more: no checkpoint is signed", from);
            return null;
        }

        foreach (var (partition, position, entryHash) in heads)
        {
            var (previous, hash) = signed.TryGetValue(partition, out var at) ? at : (0L, EntryHash.Genesis);
            await using (var command = new NpgsqlCommand(
                $"SELECT {LogReader.Columns} FROM audit_log WHERE partition = @partition AND position > @previous AND position <= @position ORDER BY position",
                connection, snapshot))
            {
                command.Parameters.AddWithValue("partition", partition);
                command.Parameters.AddWithValue("previous", previous);
                command.Parameters.AddWithValue("position", position);
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var entry = LogReader.Read(reader);
                    if (!entry.Follows(previous, hash) || !EntryHash.Compute(entry).AsSpan().SequenceEqual(entry.EntryHash))
                    {
                        logger.LogError(
                            "Partition {Partition} does not chain onto checkpoint {Checkpoint} at position {Position}: no checkpoint is signed", partition, from, entry.Position);
                        return null;
                    }

                    (previous, hash) = (entry.Position, entry.EntryHash);
                    producers[entry.Producer] = Math.Max(producers.GetValueOrDefault(entry.Producer), entry.ProducerSequence);
                }
            }

            if (previous != position || (position > 0 && !hash.AsSpan().SequenceEqual(entryHash)))
            {
                logger.LogError("Partition {Partition} ends at {End} but its head records {Head}: no checkpoint is signed", partition, previous, position);
                return null;
            }
        }

        var listedHeads = heads.Select(h => new PartitionHead(h.Partition, h.Position, Convert.ToHexStringLower(h.EntryHash))).ToList();
        var checkpoint = AuditCheckpoint.Sign(
            new AuditCheckpointSigned(head, "", producers, EntryHash.ToMicroseconds(time.GetUtcNow()), key.KeyId, ""), listedHeads, key.Key);
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO audit_checkpoint (position, head_hash, producers, signed_at, key_id, signature, partitions)
            VALUES (@Position, @hash, @producers::jsonb, @SignedAt, @KeyId, @Signature, @partitions::jsonb)
            ON CONFLICT (position) DO NOTHING
            """,
            new
            {
                checkpoint.Position, hash = Convert.FromHexString(checkpoint.HeadHash), producers = JsonSerializer.Serialize(producers), checkpoint.SignedAt,
                checkpoint.KeyId, checkpoint.Signature, partitions = JsonSerializer.Serialize(listedHeads, EventTypes.Json),
            },
            snapshot);
        await snapshot.CommitAsync(cancellationToken);
        if (inserted == 0)
        {
            return null; // another instance signed this position
        }

        await bus.Publish(checkpoint.Event, cancellationToken);
        logger.LogInformation("Signed checkpoint at position {Position} ({Partitions} partition heads) with key {KeyId}", checkpoint.Position, listedHeads.Count, checkpoint.KeyId);
        return checkpoint.Event;
    }

    /// <summary>The advisory lock ('AUDC') every append holds shared while it numbers and commits entries.</summary>
    private const int AppendLock = 0x41554443;

    private bool IsDue(long head, long lastSigned, bool timeDue) =>
        head > lastSigned && (head - lastSigned >= options.Value.Every || timeDue);

    private sealed record StoredCheckpoint(long Position, byte[] HeadHash, string Producers, string? Partitions);
}

using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Audit.Log;

namespace Platform.Audit.Checkpoints;

/// <summary>Configuration <c>Audit</c>: who may publish as whom, and how long a stated head may wait for its last events.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>A producer's stated head younger than this is not held against the log yet: its last events may still be on the way.</summary>
    public TimeSpan ProducerHeadGrace { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>What verification holds the log to besides the log itself: the signed checkpoints and the producers' stated heads.</summary>
public sealed class VerificationSources(PublisherPolicy publishers, IOptions<AuditOptions> options)
{
    public static async Task<IReadOnlyList<KeptCheckpoint>> CheckpointsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, int? latest = null)
    {
        var rows = await connection.QueryAsync<CheckpointRow>(
            """
            SELECT position, head_hash AS HeadHash, producers::text AS Producers, signed_at AS SignedAt, key_id AS KeyId, signature,
                   partitions::text AS Partitions
            FROM (SELECT * FROM audit_checkpoint ORDER BY position DESC LIMIT @latest) newest
            ORDER BY position
            """,
            new { latest = latest ?? int.MaxValue },
            transaction);
        return rows.Select(row => new KeptCheckpoint(
            row.Position, Convert.ToHexStringLower(row.HeadHash),
            System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(row.Producers) ?? [],
            new DateTimeOffset(DateTime.SpecifyKind(row.SignedAt, DateTimeKind.Utc)), row.KeyId, row.Signature,
            row.Partitions is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<PartitionHead>>(row.Partitions, EventTypes.Json))).ToList();
    }

    /// <summary>Gives <paramref name="verifier"/> every stored checkpoint and every stated head old enough to count.</summary>
    public async Task ApplyAsync(LogVerifier verifier, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        verifier.ExpectCheckpoints((await CheckpointsAsync(connection, transaction)).Select(c => AuditCheckpoint.Mark(c, "the checkpoint kept by the audit service")));
        var heads = await connection.QueryAsync<(string Producer, long LastSequence, string Publisher)>(
            "SELECT producer, last_sequence, publisher FROM audit_producer_head WHERE received_at <= now() - @grace",
            new { grace = options.Value.ProducerHeadGrace },
            transaction);
        foreach (var (producer, lastSequence, publisher) in heads)
        {
            // A head stated by a broker user that may not speak for the producer is not held against the log.
            if (publishers.Check(publisher, producer) is null)
            {
                verifier.ExpectProducerHead(producer, lastSequence, "its stated head");
            }
        }
    }

    private sealed record CheckpointRow(long Position, byte[] HeadHash, string Producers, DateTime SignedAt, string KeyId, string Signature, string? Partitions);
}

using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Contracts.Audit;

namespace Platform.Audit.Log;

/// <summary>
/// Signed checkpoints of the log (HASHING.md): what is signed, how, and how a checkpoint is read back from the file an
/// auditor keeps (one <see cref="AuditCheckpointSigned"/> as JSON, or a JSON array of them).
/// </summary>
public static class AuditCheckpoint
{
    public const string Magic = "audit-checkpoint/v1";

    /// <summary>A checkpoint of a partitioned log: its head hash is <see cref="HeadsHash"/> of every partition's head.</summary>
    public const string MagicV2 = "audit-checkpoint/v2";

    public const string HeadsMagic = "audit-heads/v1";

    /// <summary>
    /// The hash a partitioned checkpoint signs in place of one head hash: SHA-256 of <c>audit-heads/v1</c> (a field), the
    /// number of partitions (4 bytes), then each partition in increasing order as its number (4 bytes), its head position
    /// (8 bytes) and its head hash (32 bytes; 32 zero bytes for a partition still empty).
    /// </summary>
    public static byte[] HeadsHash(IEnumerable<PartitionHead> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var ordered = heads.OrderBy(head => head.Partition).ToList();
        var writer = new ArrayBufferWriter<byte>(64 + ordered.Count * 44);
        Text(writer, HeadsMagic);
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), ordered.Count);
        writer.Advance(4);
        foreach (var head in ordered)
        {
            BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), head.Partition);
            writer.Advance(4);
            Int64(writer, head.Position);
            writer.Write(Convert.FromHexString(head.HeadHash));
        }

        return SHA256.HashData(writer.WrittenSpan);
    }

    /// <summary>
    /// The signed bytes: <c>audit-checkpoint/v1</c>, position, head hash, the producers in ordinal order (name, last
    /// sequence), the signing instant in microseconds since 1970, the key id. Fields as in an entry's canonical bytes.
    /// </summary>
    public static byte[] Payload(AuditCheckpointSigned checkpoint) => Payload(checkpoint, Magic);

    /// <summary>The same bytes under <paramref name="magic"/>: <see cref="MagicV2"/> for a checkpoint of partition heads.</summary>
    public static byte[] Payload(AuditCheckpointSigned checkpoint, string magic)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var writer = new ArrayBufferWriter<byte>(256);
        Text(writer, magic);
        Int64(writer, checkpoint.Position);
        var hash = Convert.FromHexString(checkpoint.HeadHash);
        writer.Write(hash);
        var producers = checkpoint.Producers.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), producers.Count);
        writer.Advance(4);
        foreach (var (producer, sequence) in producers)
        {
            Text(writer, producer);
            Int64(writer, sequence);
        }

        Int64(writer, EntryHash.UnixMicroseconds(EntryHash.ToMicroseconds(checkpoint.SignedAt)));
        Text(writer, checkpoint.KeyId);
        return writer.WrittenSpan.ToArray();
    }

    public static AuditCheckpointSigned Sign(AuditCheckpointSigned checkpoint, ECDsa key) => Sign(checkpoint, key, Magic);

    /// <summary>Signs a checkpoint of every partition's head: its head hash must be <see cref="HeadsHash"/> of them.</summary>
    public static KeptCheckpoint Sign(AuditCheckpointSigned checkpoint, IReadOnlyList<PartitionHead> heads, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var signed = Sign(checkpoint with { HeadHash = Convert.ToHexStringLower(HeadsHash(heads)) }, key, MagicV2);
        return KeptCheckpoint.Of(signed, heads);
    }

    private static AuditCheckpointSigned Sign(AuditCheckpointSigned checkpoint, ECDsa key, string magic)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = key.SignData(Payload(checkpoint, magic), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return checkpoint with { Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>Null when the signature verifies against <paramref name="key"/>; otherwise why not.</summary>
    public static string? Check(AuditCheckpointSigned checkpoint, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var signature = Convert.FromBase64String(checkpoint.Signature);
            // A checkpoint of the one chain (v1) or of the partition heads (v2): the magic inside the signed bytes tells them apart.
            return key.VerifyData(Payload(checkpoint, Magic), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                   || key.VerifyData(Payload(checkpoint, MagicV2), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                ? null
                : $"the signature of the checkpoint at {checkpoint.Position.ToString(CultureInfo.InvariantCulture)} does not verify against key '{checkpoint.KeyId}'";
        }
        catch (FormatException)
        {
            return "the checkpoint's head hash or signature is not well-formed";
        }
    }

    /// <summary>
    /// As <see cref="Check(AuditCheckpointSigned, ECDsa)"/>, and, for a checkpoint listing partition heads, that they are
    /// the heads it signed (their <see cref="HeadsHash"/> is its head hash).
    /// </summary>
    public static string? Check(KeptCheckpoint checkpoint, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (Check(checkpoint.Event, key) is { } problem)
        {
            return problem;
        }

        if (checkpoint.Partitions is { } heads)
        {
            try
            {
                if (!Convert.ToHexStringLower(HeadsHash(heads)).Equals(checkpoint.HeadHash, StringComparison.OrdinalIgnoreCase))
                {
                    return $"the partition heads listed with the checkpoint at {checkpoint.Position.ToString(CultureInfo.InvariantCulture)} are not the ones it signed";
                }
            }
            catch (FormatException)
            {
                return "a partition head's hash is not well-formed";
            }
        }
        else if (!key.VerifyData(Payload(checkpoint.Event, Magic), Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256,
                     DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return $"the checkpoint at {checkpoint.Position.ToString(CultureInfo.InvariantCulture)} signs partition heads but does not list them: keep the copy the API or `platform-audit checkpoint` gives";
        }

        return null;
    }

    public static CheckpointMark Mark(AuditCheckpointSigned checkpoint, string source) => Mark(KeptCheckpoint.Of(checkpoint, null), source);

    public static CheckpointMark Mark(KeptCheckpoint checkpoint, string source)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new CheckpointMark(
            checkpoint.Position, Convert.FromHexString(checkpoint.HeadHash), checkpoint.Producers,
            string.Create(CultureInfo.InvariantCulture, $"{source} (position {checkpoint.Position}, signed {checkpoint.SignedAt:O} with key '{checkpoint.KeyId}')"),
            checkpoint.Partitions);
    }

    /// <summary>Reads a checkpoint file: one checkpoint object or an array of them, each with its partition heads if it lists them.</summary>
    public static IReadOnlyList<KeptCheckpoint> Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.Deserialize<List<KeptCheckpoint>>(EventTypes.Json) ?? []
            : [document.RootElement.Deserialize<KeptCheckpoint>(EventTypes.Json) ?? throw new JsonException("The checkpoint file holds null.")];
    }

    private static void Int64(ArrayBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    private static void Text(ArrayBufferWriter<byte> writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), bytes.Length);
        writer.Advance(4);
        writer.Write(bytes);
    }
}

/// <summary>
/// A signed checkpoint as served and kept: the <see cref="AuditCheckpointSigned"/> event's fields and, for a partitioned
/// log, every partition's head (<c>partitions</c>), which the signed head hash commits to (<see cref="AuditCheckpoint.HeadsHash"/>).
/// Null partitions: a checkpoint of the one chain before partitions.
/// </summary>
public sealed record KeptCheckpoint(
    long Position,
    string HeadHash,
    IReadOnlyDictionary<string, long> Producers,
    DateTimeOffset SignedAt,
    string KeyId,
    string Signature,
    IReadOnlyList<PartitionHead>? Partitions = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public AuditCheckpointSigned Event => new(Position, HeadHash, Producers, SignedAt, KeyId, Signature);

    public static KeptCheckpoint Of(AuditCheckpointSigned checkpoint, IReadOnlyList<PartitionHead>? partitions)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new(checkpoint.Position, checkpoint.HeadHash, checkpoint.Producers, checkpoint.SignedAt, checkpoint.KeyId, checkpoint.Signature, partitions);
    }
}

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

    /// <summary>
    /// The signed bytes: <c>audit-checkpoint/v1</c>, position, head hash, the producers in ordinal order (name, last
    /// sequence), the signing instant in microseconds since 1970, the key id. Fields as in an entry's canonical bytes.
    /// </summary>
    public static byte[] Payload(AuditCheckpointSigned checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var writer = new ArrayBufferWriter<byte>(256);
        Text(writer, Magic);
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

    public static AuditCheckpointSigned Sign(AuditCheckpointSigned checkpoint, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = key.SignData(Payload(checkpoint), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return checkpoint with { Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>Null when the signature verifies against <paramref name="key"/>; otherwise why not.</summary>
    public static string? Check(AuditCheckpointSigned checkpoint, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            return key.VerifyData(Payload(checkpoint), Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                ? null
                : $"the signature of the checkpoint at {checkpoint.Position.ToString(CultureInfo.InvariantCulture)} does not verify against key '{checkpoint.KeyId}'";
        }
        catch (FormatException)
        {
            return "the checkpoint's head hash or signature is not well-formed";
        }
    }

    public static CheckpointMark Mark(AuditCheckpointSigned checkpoint, string source)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new CheckpointMark(
            checkpoint.Position, Convert.FromHexString(checkpoint.HeadHash), checkpoint.Producers,
            string.Create(CultureInfo.InvariantCulture, $"{source} (position {checkpoint.Position}, signed {checkpoint.SignedAt:O} with key '{checkpoint.KeyId}')"));
    }

    /// <summary>Reads a checkpoint file: one checkpoint object or an array of them.</summary>
    public static IReadOnlyList<AuditCheckpointSigned> Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.Deserialize<List<AuditCheckpointSigned>>(EventTypes.Json) ?? []
            : [document.RootElement.Deserialize<AuditCheckpointSigned>(EventTypes.Json) ?? throw new JsonException("The checkpoint file holds null.")];
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

using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Audit.Log;

/// <summary>
/// The canonical bytes of an entry and their SHA-256 (see HASHING.md, which an auditor can follow with psql and
/// sha256sum). Every field is length-prefixed or of fixed size, so no two different entries share canonical bytes;
/// the previous entry's hash is inside, so altering, removing or reordering any entry breaks every hash after it.
/// </summary>
public static class EntryHash
{
    public const int Size = 32;

    /// <summary>Entries appended before the validated publisher was recorded (their publisher is null).</summary>
    public const string Magic = "audit-entry/v1";

    /// <summary>Entries with their validated publisher ('' when the message carried none), as a last field.</summary>
    public const string MagicV2 = "audit-entry/v2";

    /// <summary>Entries of a partitioned log: v2 with the partition and the previous entry's position after the position.</summary>
    public const string MagicV3 = "audit-entry/v3";

    private static readonly byte[] MagicV3Bytes = Encoding.UTF8.GetBytes(MagicV3);

    private static readonly byte[] MagicBytes = Encoding.UTF8.GetBytes(Magic);

    private static readonly byte[] MagicV2Bytes = Encoding.UTF8.GetBytes(MagicV2);

    /// <summary>The previous hash of the first entry: 32 zero bytes.</summary>
    public static byte[] Genesis => new byte[Size];

    public static byte[] Compute(LogEntry entry)
    {
        var writer = new ArrayBufferWriter<byte>(256 + entry.Body.Length);
        WriteCanonical(entry, writer);
        return SHA256.HashData(writer.WrittenSpan);
    }

    /// <summary>Hashes into <paramref name="destination"/>, reusing <paramref name="buffer"/>: no allocation per entry.</summary>
    public static void Compute(LogEntry entry, ArrayBufferWriter<byte> buffer, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.ResetWrittenCount();
        WriteCanonical(entry, buffer);
        SHA256.HashData(buffer.WrittenSpan, destination);
    }

    public static void WriteCanonical(LogEntry entry, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(writer);
        WriteBytes(writer, entry.PreviousPosition is not null ? MagicV3Bytes : entry.Publisher is null ? MagicBytes : MagicV2Bytes);
        WriteInt64(writer, entry.Position);
        if (entry.PreviousPosition is { } previous)
        {
            BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), entry.Partition);
            writer.Advance(4);
            WriteInt64(writer, previous);
        }

        WriteFixed(writer, entry.PreviousHash);
        var uuid = writer.GetSpan(16);
        entry.MessageId.TryWriteBytes(uuid, bigEndian: true, out _);
        writer.Advance(16);
        WriteText(writer, entry.MessageType);
        WriteText(writer, entry.Producer);
        WriteInt64(writer, entry.ProducerSequence);
        WriteInt64(writer, UnixMicroseconds(entry.OccurredAt));
        WriteInt64(writer, UnixMicroseconds(entry.ReceivedAt));
        WriteText(writer, entry.RecipientId);
        WriteBytes(writer, entry.Body);
        if (entry.Publisher is not null || entry.PreviousPosition is not null)
        {
            WriteText(writer, entry.Publisher ?? "");
        }
    }

    /// <summary>Drops what PostgreSQL's timestamptz cannot hold (below the microsecond).</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    public static long UnixMicroseconds(DateTimeOffset instant) =>
        (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static void WriteInt64(IBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    private static void WriteFixed(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    private static void WriteBytes(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), bytes.Length);
        writer.Advance(4);
        WriteFixed(writer, bytes);
    }

    private static void WriteText(IBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), length);
        writer.Advance(4);
        Encoding.UTF8.GetBytes(text, writer.GetSpan(length));
        writer.Advance(length);
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Platform.Audit.Log;

/// <summary>
/// Verification's fast path: reads <c>COPY (…) TO STDOUT (FORMAT BINARY)</c> as raw bytes and checks each entry where it
/// lies in the buffer, without materialising it. PostgreSQL's binary tuple is already almost the canonical form (big-endian
/// integers, length-prefixed text and bytea, uuid in RFC 4122 order); only the instants move from the 2000 epoch to
/// the Unix one. Memory: one buffer, grown only to the largest single entry.
/// </summary>
public static class RawLogScanner
{
    /// <summary>One field per column the log is read with: the same list as <see cref="LogReader.Columns"/>.</summary>
    private static readonly int FieldCount = LogReader.Columns.Split(',').Length;

    /// <summary>Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.</summary>
    private const long PostgresEpochMicroseconds = 946_684_800_000_000;

    /// <summary><c>PGCOPY\n\377\r\n\0</c>, the binary COPY signature.</summary>
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private static readonly byte[] MagicField = LengthPrefixed(Encoding.UTF8.GetBytes(EntryHash.Magic));

    private static readonly byte[] MagicV2Field = LengthPrefixed(Encoding.UTF8.GetBytes(EntryHash.MagicV2));

    /// <summary>
    /// Feeds every entry of the log after position <paramref name="after"/> (all of it by default), in position order,
    /// to <paramref name="verifier"/>; <paramref name="progress"/> gets the count so far.
    /// </summary>
    public static async Task ScanAsync(
        NpgsqlConnection connection, LogVerifier verifier, Action<long>? progress, CancellationToken cancellationToken, long after = 0)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(verifier);
        // COPY takes no parameters: the position is a number formatted here, never text from outside.
        var from = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var stream = await connection.BeginRawBinaryCopyAsync(
            $"COPY (SELECT {LogReader.Columns} FROM audit_log WHERE position > {from} ORDER BY position) TO STDOUT (FORMAT BINARY)", cancellationToken);
        var state = new ScanState(verifier);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        var headerRead = false;
        long count = 0;
        while (true)
        {
            if (start > 0)
            {
                // Keep the unread tail at the front, then fill the rest.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                // One entry larger than the buffer: grow to hold it (memory follows the largest entry, not the log).
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            // PostgreSQL sends one message per row and the stream hands over at most one per call: fill the buffer before
            // parsing, so the parsing loop runs over large chunks.
            var before = end;
            int got;
            do
            {
                got = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
                end += got;
            }
            while (got > 0 && end < buffer.Length - 65_536);
            var read = end - before;
            if (!headerRead)
            {
                var header = HeaderLength(buffer.AsSpan(0, end));
                if (header < 0)
                {
                    if (read == 0)
                    {
                        throw new InvalidDataException("The COPY stream ended inside its header.");
                    }

                    continue;
                }

                start = header;
                headerRead = true;
            }

            while (true)
            {
                var span = buffer.AsSpan(start, end - start);
                if (span.Length < 2)
                {
                    break;
                }

                var fields = BinaryPrimitives.ReadInt16BigEndian(span);
                if (fields == -1)
                {
                    return;
                }

                var length = TupleLength(span);
                if (length < 0)
                {
                    break;
                }

                state.Check(span[..length]);
                start += length;
                if ((++count & 0x3FFF) == 0)
                {
                    progress?.Invoke(count);
                }
            }

            if (read == 0)
            {
                throw new InvalidDataException("The COPY stream ended inside an entry.");
            }
        }
    }

    private static int HeaderLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < Signature.Length + 8)
        {
            return -1;
        }

        if (!data[..Signature.Length].SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PostgreSQL binary COPY stream.");
        }

        var extension = BinaryPrimitives.ReadInt32BigEndian(data[(Signature.Length + 4)..]);
        var length = Signature.Length + 8 + extension;
        return data.Length >= length ? length : -1;
    }

    /// <summary>The tuple's length in bytes, or -1 when it is not all in <paramref name="data"/> yet.</summary>
    private static int TupleLength(ReadOnlySpan<byte> data)
    {
        if (BinaryPrimitives.ReadInt16BigEndian(data) != FieldCount)
        {
            throw new InvalidDataException("Unexpected number of columns in the COPY stream.");
        }

        var offset = 2;
        for (var field = 0; field < FieldCount; field++)
        {
            if (data.Length < offset + 4)
            {
                return -1;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
            offset += 4 + Math.Max(length, 0);
            if (data.Length < offset)
            {
                return -1;
            }
        }

        return offset;
    }

    private static byte[] LengthPrefixed(byte[] value)
    {
        var field = new byte[4 + value.Length];
        BinaryPrimitives.WriteInt32BigEndian(field, value.Length);
        value.CopyTo(field, 4);
        return field;
    }

    /// <summary>Per-scan scratch: the canonical bytes being assembled, the hash, and the producers' names seen so far.</summary>
    private sealed class ScanState(LogVerifier verifier)
    {
        private readonly List<(byte[] Utf8, string Name)> producers = [];
        private readonly byte[] computed = new byte[EntryHash.Size];
        // One hashing context for the whole scan: the one-shot API would create one per entry.
        private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] canonical = new byte[4096];

        public void Check(ReadOnlySpan<byte> tuple)
        {
            // Fields, each as (length, value) including its 4-byte length prefix where the canonical form keeps it.
            var offset = 2;
            var position = Field(tuple, ref offset);
            var previousHash = Field(tuple, ref offset);
            var entryHash = Field(tuple, ref offset);
            var messageId = Field(tuple, ref offset);
            var typeField = PrefixedField(tuple, ref offset);
            var producerField = PrefixedField(tuple, ref offset);
            var sequence = Field(tuple, ref offset);
            var occurredAt = Field(tuple, ref offset);
            var receivedAt = Field(tuple, ref offset);
            var recipientField = PrefixedField(tuple, ref offset);
            var bodyField = PrefixedField(tuple, ref offset);
            // Null (empty here) for entries appended before publishers were recorded: hashed as audit-entry/v1.
            var publisherField = PrefixedField(tuple, ref offset);
            if (position.Length != 8 || sequence.Length != 8 || occurredAt.Length != 8 || receivedAt.Length != 8 || messageId.Length != 16
                || previousHash.Length != EntryHash.Size || typeField.Length < 4 || producerField.Length < 4 || recipientField.Length < 4 || bodyField.Length < 4)
            {
                throw new InvalidDataException("An entry of the COPY stream has a NULL or malformed column.");
            }

            var magic = publisherField.Length == 0 ? MagicField : MagicV2Field;
            var size = magic.Length + 8 + 32 + 16 + typeField.Length + producerField.Length + 24 + recipientField.Length + bodyField.Length
                + publisherField.Length;
            if (canonical.Length < size)
            {
                canonical = new byte[Math.Max(size, canonical.Length * 2)];
            }

            var target = canonical.AsSpan();
            var at = 0;
            Append(target, ref at, magic);
            Append(target, ref at, position);
            Append(target, ref at, previousHash);
            Append(target, ref at, messageId);
            Append(target, ref at, typeField);
            Append(target, ref at, producerField);
            Append(target, ref at, sequence);
            BinaryPrimitives.WriteInt64BigEndian(target[at..], BinaryPrimitives.ReadInt64BigEndian(occurredAt) + PostgresEpochMicroseconds);
            BinaryPrimitives.WriteInt64BigEndian(target[(at + 8)..], BinaryPrimitives.ReadInt64BigEndian(receivedAt) + PostgresEpochMicroseconds);
            at += 16;
            Append(target, ref at, recipientField);
            Append(target, ref at, bodyField);
            Append(target, ref at, publisherField);
            sha256.AppendData(target[..at]);
            sha256.GetHashAndReset(computed);

            verifier.Add(
                BinaryPrimitives.ReadInt64BigEndian(position),
                previousHash,
                entryHash,
                computed,
                Producer(producerField[4..]),
                BinaryPrimitives.ReadInt64BigEndian(sequence),
                ContentTypes.Of(typeField[4..]),
                bodyField[4..],
                publisherField.Length == 0 ? null : Producer(publisherField[4..]));
        }

        private string Producer(ReadOnlySpan<byte> utf8)
        {
            foreach (var (known, name) in producers)
            {
                if (utf8.SequenceEqual(known))
                {
                    return name;
                }
            }

            var added = Encoding.UTF8.GetString(utf8);
            producers.Add((utf8.ToArray(), added));
            return added;
        }

        private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> tuple, ref int offset)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(tuple[offset..]);
            offset += 4;
            if (length < 0)
            {
                return [];
            }

            var value = tuple.Slice(offset, length);
            offset += length;
            return value;
        }

        private static ReadOnlySpan<byte> PrefixedField(ReadOnlySpan<byte> tuple, ref int offset)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(tuple[offset..]);
            if (length < 0)
            {
                offset += 4;
                return [];
            }

            var field = tuple.Slice(offset, 4 + length);
            offset += 4 + length;
            return field;
        }

        private static void Append(Span<byte> target, ref int at, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(target[at..]);
            at += bytes.Length;
        }
    }
}

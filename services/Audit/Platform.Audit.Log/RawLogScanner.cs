using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
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

    private static readonly byte[] MagicV3Field = LengthPrefixed(Encoding.UTF8.GetBytes(EntryHash.MagicV3));

    /// <summary>An empty text field: a v3 entry's publisher stored as NULL is hashed as ''.</summary>
    private static readonly byte[] EmptyField = new byte[4];

    /// <summary>
    /// Feeds every entry of the log after position <paramref name="after"/> (all of it by default), in position order,
    /// to <paramref name="verifier"/> on this one connection, on this thread; <paramref name="progress"/> gets the count
    /// so far.
    /// </summary>
    public static Task ScanAsync(
        NpgsqlConnection connection, LogVerifier verifier, Action<long>? progress, CancellationToken cancellationToken, long after = 0) =>
        ScanPartitionsAsync(connection, new Dictionary<int, long>(), verifier, 1, progress, cancellationToken, after);

    /// <summary>
    /// Feeds every partition's entries after its position in <paramref name="after"/> to <paramref name="verifier"/>
    /// (when <paramref name="after"/> is empty, every entry after <paramref name="otherwise"/>; when not, the partitions it
    /// lists only: list every partition of the heads, 0 for one to read whole). The log is read once, in position order, in one binary
    /// COPY (one sequential pass: reading each partition by itself would read every page once per partition): this
    /// thread runs the checks that follow the whole log's order (producer sequences, what the bodies say), and
    /// <paramref name="parallelism"/> workers check the partitions' chains at the same time, each worker the partitions
    /// whose number modulo <paramref name="parallelism"/> is its own, each partition in position order (its hashes, its
    /// links, its signed heads).
    /// </summary>
    public static async Task ScanPartitionsAsync(
        NpgsqlConnection connection,
        IReadOnlyDictionary<int, long> after,
        LogVerifier verifier,
        int parallelism,
        Action<long>? progress,
        CancellationToken cancellationToken,
        long otherwise = 0)
    {
        ArgumentNullException.ThrowIfNull(after);
        // COPY takes no parameters: positions and partitions are numbers formatted here, never text from outside.
        // One range of the partition index per partition: a request after a background run reads the new entries only.
        var where = after.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"position > {otherwise}")
            : string.Join(" OR ", after.OrderBy(pair => pair.Key).Select(pair => string.Create(CultureInfo.InvariantCulture, $"(partition = {pair.Key} AND position > {pair.Value})")));
        using var pipeline = new Pipeline(verifier, parallelism);
        try
        {
            await ScanQueryAsync(
                connection, $"SELECT {LogReader.Columns} FROM audit_log WHERE {where} ORDER BY position", pipeline, new Counter(progress),
                cancellationToken);
        }
        finally
        {
            pipeline.Complete();
        }
    }

    /// <summary>
    /// Every partition the log has a head row for or holds entries in (a skip scan of the partition index), with its head
    /// (position 0 and no hash when the head row is missing), read in the caller's transaction.
    /// </summary>
    public static async Task<IReadOnlyList<PartitionHead>> HeadsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var heads = new List<PartitionHead>();
        await using var command = new NpgsqlCommand(
            """
            WITH RECURSIVE present (partition) AS (
                SELECT min(partition) FROM audit_log
                UNION ALL
                SELECT (SELECT min(l.partition) FROM audit_log l WHERE l.partition > present.partition) FROM present WHERE present.partition IS NOT NULL)
            SELECT coalesce(h.partition, p.partition), coalesce(h.position, 0), coalesce(h.entry_hash, ''::bytea)
            FROM audit_partition_head h
            FULL JOIN (SELECT partition FROM present WHERE partition IS NOT NULL) p ON p.partition = h.partition
            ORDER BY 1
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            heads.Add(new PartitionHead(reader.GetInt32(0), reader.GetInt64(1), Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(2))));
        }

        return heads;
    }

    /// <summary>Entries fed so far across the scans of one pass, reported every 16,384.</summary>
    private sealed class Counter(Action<long>? progress)
    {
        private long count;

        public void Add()
        {
            var now = Interlocked.Increment(ref count);
            if ((now & 0x3FFF) == 0)
            {
                progress?.Invoke(now);
            }
        }
    }

    private static async Task ScanQueryAsync(NpgsqlConnection connection, string query, Pipeline pipeline, Counter counter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var stream = await connection.BeginRawBinaryCopyAsync($"COPY ({query}) TO STDOUT (FORMAT BINARY)", cancellationToken);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        var headerRead = false;
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

                pipeline.Add(span[..length]);
                start += length;
                counter.Add();
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

    /// <summary>
    /// The ordered checks on the reading thread, the chains on <c>parallelism</c> workers fed through bounded queues (a
    /// copy of each entry's bytes waits there, at most a few thousand per worker: memory stays flat). With one worker,
    /// everything runs on the reading thread, nothing is copied.
    /// </summary>
    private sealed class Pipeline : IDisposable
    {
        private readonly ScanState reader;
        private readonly BlockingCollection<(byte[] Tuple, int Length)>[] queues;
        private readonly Task[] workers;

        public Pipeline(LogVerifier verifier, int parallelism)
        {
            reader = new ScanState(verifier);
            var count = Math.Clamp(parallelism, 1, 64);
            queues = count == 1 ? [] : Enumerable.Range(0, count).Select(_ => new BlockingCollection<(byte[], int)>(boundedCapacity: 2_048)).ToArray();
            workers = queues.Select(queue => Task.Factory.StartNew(() =>
            {
                var hasher = new ScanState(verifier);
                Exception? failure = null;
                foreach (var (tuple, length) in queue.GetConsumingEnumerable())
                {
                    try
                    {
                        // After a failure the worker still drains its queue, so that the reader never waits on it.
                        if (failure is null)
                        {
                            hasher.Link(tuple.AsSpan(0, length));
                        }
                    }
                    catch (Exception exception) when (exception is not OutOfMemoryException)
                    {
                        failure = exception;
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(tuple);
                    }
                }

                if (failure is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        }

        public void Add(ReadOnlySpan<byte> tuple)
        {
            var partition = reader.Content(tuple);
            if (queues.Length == 0)
            {
                reader.Link(tuple);
                return;
            }

            var copy = ArrayPool<byte>.Shared.Rent(tuple.Length);
            tuple.CopyTo(copy);
            queues[partition % queues.Length].Add((copy, tuple.Length));
        }

        /// <summary>Waits for the workers to check what they were given; throws what one of them failed with.</summary>
        public void Complete()
        {
            foreach (var queue in queues.Where(queue => !queue.IsAddingCompleted))
            {
                queue.CompleteAdding();
            }

            try
            {
                Task.WaitAll(workers);
            }
            catch (AggregateException failed) when (failed.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.InnerExceptions[0]);
            }
        }

        public void Dispose()
        {
            foreach (var queue in queues)
            {
                if (!queue.IsAddingCompleted)
                {
                    queue.CompleteAdding();
                }

                queue.Dispose();
            }
        }
    }

    /// <summary>Per-thread scratch: the canonical bytes being assembled, the hash, and the producers' names seen so far.</summary>
    private sealed class ScanState(LogVerifier verifier)
    {
        private readonly List<(byte[] Utf8, string Name)> producers = [];
        private readonly byte[] computed = new byte[EntryHash.Size];
        // One hashing context for the whole scan: the one-shot API would create one per entry.
        private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] canonical = new byte[4096];

        /// <summary>The ordered checks of one entry; returns its partition.</summary>
        public int Content(ReadOnlySpan<byte> tuple)
        {
            var offset = 2;
            var position = Field(tuple, ref offset);
            Field(tuple, ref offset);
            Field(tuple, ref offset);
            Field(tuple, ref offset);
            var typeField = PrefixedField(tuple, ref offset);
            var producerField = PrefixedField(tuple, ref offset);
            var sequence = Field(tuple, ref offset);
            var occurredAt = Field(tuple, ref offset);
            Field(tuple, ref offset);
            PrefixedField(tuple, ref offset);
            var bodyField = PrefixedField(tuple, ref offset);
            var publisherField = PrefixedField(tuple, ref offset);
            var partition = Field(tuple, ref offset);
            if (position.Length != 8 || sequence.Length != 8 || partition.Length != 4 || occurredAt.Length != 8 || typeField.Length < 4 || producerField.Length < 4
                || bodyField.Length < 4)
            {
                throw new InvalidDataException("An entry of the COPY stream has a NULL or malformed column.");
            }

            verifier.AddContent(
                BinaryPrimitives.ReadInt64BigEndian(position),
                Producer(producerField[4..]),
                BinaryPrimitives.ReadInt64BigEndian(sequence),
                ContentTypes.Of(typeField[4..]),
                bodyField[4..],
                publisherField.Length == 0 ? null : Producer(publisherField[4..]),
                DateTimeOffset.UnixEpoch.AddTicks((BinaryPrimitives.ReadInt64BigEndian(occurredAt) + PostgresEpochMicroseconds) * TimeSpan.TicksPerMicrosecond));
            return BinaryPrimitives.ReadInt32BigEndian(partition);
        }

        /// <summary>The chain checks of one entry: its canonical bytes hashed, its link, its partition's signed heads.</summary>
        public void Link(ReadOnlySpan<byte> tuple)
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
            var partition = Field(tuple, ref offset);
            // Null (empty here) for legacy entries, one chain before partitions: hashed as audit-entry/v1 or v2.
            var previousPosition = Field(tuple, ref offset);
            var partitioned = previousPosition.Length == 8;
            if (partitioned && publisherField.Length == 0)
            {
                publisherField = EmptyField;
            }

            if (position.Length != 8 || partition.Length != 4 || (previousPosition.Length != 0 && !partitioned) || sequence.Length != 8 || occurredAt.Length != 8 || receivedAt.Length != 8 || messageId.Length != 16
                || previousHash.Length != EntryHash.Size || typeField.Length < 4 || producerField.Length < 4 || recipientField.Length < 4 || bodyField.Length < 4)
            {
                throw new InvalidDataException("An entry of the COPY stream has a NULL or malformed column.");
            }

            var magic = partitioned ? MagicV3Field : publisherField.Length == 0 ? MagicField : MagicV2Field;
            var size = magic.Length + 8 + (partitioned ? 12 : 0) + 32 + 16 + typeField.Length + producerField.Length + 24 + recipientField.Length + bodyField.Length
                + publisherField.Length;
            if (canonical.Length < size)
            {
                canonical = new byte[Math.Max(size, canonical.Length * 2)];
            }

            var target = canonical.AsSpan();
            var at = 0;
            Append(target, ref at, magic);
            Append(target, ref at, position);
            if (partitioned)
            {
                Append(target, ref at, partition);
                Append(target, ref at, previousPosition);
            }

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

            verifier.AddLink(
                BinaryPrimitives.ReadInt32BigEndian(partition),
                BinaryPrimitives.ReadInt64BigEndian(position),
                partitioned ? BinaryPrimitives.ReadInt64BigEndian(previousPosition) : null,
                previousHash,
                entryHash,
                computed);
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

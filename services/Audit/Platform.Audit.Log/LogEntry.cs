namespace Platform.Audit.Log;

/// <summary>
/// One entry of the audit log, as stored: the envelope of a received event, its body exactly as received, and its
/// place in the hash chain. Instants are kept in whole microseconds, PostgreSQL's precision, so that the hash of an
/// entry computed before it is written equals the hash recomputed from the row.
/// </summary>
public sealed record LogEntry(
    long Position,
    byte[] PreviousHash,
    byte[] EntryHash,
    Guid MessageId,
    string MessageType,
    string Producer,
    long ProducerSequence,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string RecipientId,
    byte[] Body,
    string? Publisher = null,
    int Partition = 0,
    long? PreviousPosition = null)
{
    /// <summary>
    /// True when this entry follows, in its partition's chain, the entry at <paramref name="position"/> hashed
    /// <paramref name="hash"/>: a partitioned entry names that position, a legacy one (no <see cref="PreviousPosition"/>)
    /// comes right after it.
    /// </summary>
    public bool Follows(long position, ReadOnlySpan<byte> hash) =>
        (PreviousPosition is { } previous ? previous == position : Position == position + 1) && PreviousHash.AsSpan().SequenceEqual(hash);
}

/// <summary>An event as captured from the bus, before it takes its place in the chain.</summary>
public sealed record CapturedEvent(
    Guid MessageId,
    string MessageType,
    string Producer,
    long ProducerSequence,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string RecipientId,
    byte[] Body,
    string Publisher = "")
{
    /// <summary>The entry this event becomes at <paramref name="position"/>, after the entry hashed <paramref name="previousHash"/> (one chain, audit-entry/v2).</summary>
    public LogEntry Chain(long position, byte[] previousHash)
    {
        var occurredAt = EntryHash.ToMicroseconds(OccurredAt);
        var receivedAt = EntryHash.ToMicroseconds(ReceivedAt);
        var unhashed = new LogEntry(
            position, previousHash, [], MessageId, MessageType, Producer, ProducerSequence, occurredAt, receivedAt, RecipientId, Body, Publisher);
        return unhashed with { EntryHash = EntryHash.Compute(unhashed) };
    }

    /// <summary>
    /// The entry this event becomes at <paramref name="position"/> in <paramref name="partition"/>, after that partition's
    /// entry at <paramref name="previousPosition"/> hashed <paramref name="previousHash"/> (audit-entry/v3).
    /// </summary>
    public LogEntry Chain(long position, int partition, long previousPosition, byte[] previousHash)
    {
        var unhashed = new LogEntry(
            position, previousHash, [], MessageId, MessageType, Producer, ProducerSequence, EntryHash.ToMicroseconds(OccurredAt),
            EntryHash.ToMicroseconds(ReceivedAt), RecipientId, Body, Publisher, partition, previousPosition);
        return unhashed with { EntryHash = EntryHash.Compute(unhashed) };
    }
}

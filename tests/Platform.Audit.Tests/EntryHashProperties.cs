using System.Text;
using FsCheck.Xunit;
using Platform.Audit.Log;

namespace Platform.Audit.Tests;

public sealed class EntryHashProperties
{
    private static LogEntry Entry(string recipient, string body) => new CapturedEvent(
        Guid.Parse("019b8d2b-8c00-7a9c-bbc1-17327daca3c4"), "urn:message:Platform.Contracts.Declarations:DeclarationSubmitted", "declarations", 7,
        LogBuilder.Start, LogBuilder.Start.AddSeconds(1), recipient, Encoding.UTF8.GetBytes(body)).Chain(1, EntryHash.Genesis);

    /// <summary>Length prefixes: moving bytes from one text field into the next never gives the same canonical bytes.</summary>
    [Property(MaxTest = 300)]
    public bool ShiftingBytesBetweenFields_ChangesTheHash(string recipient, string body, int cut)
    {
        recipient ??= "";
        body ??= "";
        var joined = recipient + body;
        var at = joined.Length == 0 ? 0 : Math.Abs(cut % (joined.Length + 1));
        var shifted = Entry(joined[..at], joined[at..]);
        var original = Entry(recipient, body);
        return (at == recipient.Length) == shifted.EntryHash.AsSpan().SequenceEqual(original.EntryHash);
    }

    [Property(MaxTest = 100)]
    public bool AnyOtherProducerSequence_ChangesTheHash(long sequence)
    {
        var original = Entry("r-1", "{}");
        var other = original with { ProducerSequence = sequence };
        return (sequence == 7) == EntryHash.Compute(other).AsSpan().SequenceEqual(original.EntryHash);
    }

    [Fact]
    public void Instants_AreHashedAtMicrosecondPrecision_AsPostgreSqlStoresThem()
    {
        var precise = LogBuilder.Start.AddTicks(12_345_678);

        var entry = new CapturedEvent(Guid.NewGuid(), "t", "p", 1, precise, precise, "r", []).Chain(1, EntryHash.Genesis);

        Assert.Equal(LogBuilder.Start.AddTicks(12_345_670), entry.OccurredAt);
        Assert.Equal(entry.EntryHash, EntryHash.Compute(entry));
    }

    [Fact]
    public void Chain_LinksEachEntryToThePreviousHash()
    {
        var first = Entry("r-1", "{}");
        var second = new CapturedEvent(Guid.NewGuid(), "t", "p", 8, LogBuilder.Start, LogBuilder.Start, "r-1", [])
            .Chain(2, first.EntryHash);

        Assert.Equal(first.EntryHash, second.PreviousHash);
        Assert.NotEqual(second.EntryHash, EntryHash.Compute(second with { PreviousHash = EntryHash.Genesis }));
    }
}

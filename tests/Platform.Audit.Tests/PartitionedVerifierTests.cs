using System.Text.Json;
using Platform.Audit.Log;
using Platform.Contracts;
using Platform.Contracts.Declarations;

namespace Platform.Audit.Tests;

/// <summary>The verifier on a partitioned log built in memory, chained as <c>audit_append</c> chains it.</summary>
public sealed class PartitionedVerifierTests : IDisposable
{
    private const int Partitions = 4;

    private readonly SanctionScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    private static (List<LogEntry> Entries, List<PartitionHead> Heads) Log(int count)
    {
        var heads = new Dictionary<int, (long Position, byte[] Hash)>();
        var entries = new List<LogEntry>();
        for (var i = 1; i <= count; i++)
        {
            PlatformEvent message = new EngagementSet($"r-{i % 7}", 15m, "2026-W45", "agent-1")
            {
                EventId = Guid.NewGuid(), Producer = "declarations", ProducerSequence = i, OccurredAt = LogBuilder.Start.AddMinutes(i),
            };
            var captured = new CapturedEvent(
                message.EventId, EventTypes.Urn(message.GetType()), "declarations", i, message.OccurredAt, message.OccurredAt, message.RecipientId,
                JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), EventTypes.Json), "declarations");
            var partition = LogPartitions.Of(message.RecipientId, Partitions);
            var (previous, hash) = heads.TryGetValue(partition, out var at) ? at : (0L, EntryHash.Genesis);
            var entry = captured.Chain(i, partition, previous, hash);
            heads[partition] = (entry.Position, entry.EntryHash);
            entries.Add(entry);
        }

        return (entries, heads.Select(h => new PartitionHead(h.Key, h.Value.Position, Convert.ToHexStringLower(h.Value.Hash))).ToList());
    }

    private VerificationReport Verify(IEnumerable<LogEntry> entries, IEnumerable<PartitionHead> heads)
    {
        using var verifier = new LogVerifier(scenario.Keys, FlagReplay.Reproduce);
        foreach (var entry in entries)
        {
            verifier.Add(entry);
        }

        return verifier.Complete(heads);
    }

    [Fact]
    public void AnIntactPartitionedLog_Verifies_InAnyOrderOfItsPartitions()
    {
        var (entries, heads) = Log(40);
        Assert.True(entries.Select(e => e.Partition).Distinct().Count() > 1);

        Assert.True(Verify(entries, heads).Intact);
        // Partition after partition, as parallel workers may check them: the producer's sequence still has no gap.
        Assert.True(Verify(entries.OrderBy(e => e.Partition).ThenBy(e => e.Position), heads).Intact);
    }

    [Fact]
    public void AnEntryRemovedFromOnePartition_IsNamedByTheLinkOfItsPartitionsNextEntry_AndAPartitionsCutTailByItsHead()
    {
        var (entries, heads) = Log(40);
        var partition = entries[10].Partition;
        var removed = entries[10].Position;
        var last = entries.Last(e => e.Partition == partition).Position;

        var report = Verify(entries.Where(e => e.Position != removed && e.Position != last), heads);

        Assert.Contains(report.Violations, v => (v.Position, v.Kind) == (removed, ViolationKinds.MissingEntry));
        Assert.Contains(report.Violations, v => (v.Position, v.Kind) == (last, ViolationKinds.MissingEntry));
        Assert.All(report.Violations.Where(v => v.Kind != ViolationKinds.SequenceGap), v => Assert.Contains(v.Position, new[] { removed, last }));
    }

    [Fact]
    public void APassStoppedAnywhere_AndResumedFromItsStoredState_ReportsWhatOneWholePassReports()
    {
        var (entries, heads) = Log(30);
        entries = entries.Where(e => e.Position != 17).ToList(); // something to report
        var whole = Verify(entries, heads);
        Assert.False(whole.Intact);

        for (var stop = 0; stop <= entries.Count; stop++)
        {
            VerifierState stored;
            using (var first = new LogVerifier(scenario.Keys, FlagReplay.Reproduce))
            {
                entries.Take(stop).ToList().ForEach(first.Add);
                stored = JsonSerializer.Deserialize<VerifierState>(JsonSerializer.Serialize(first.Snapshot(), EventTypes.Json), EventTypes.Json)!;
            }

            using var resumed = new LogVerifier(scenario.Keys, FlagReplay.Reproduce);
            resumed.Resume(stored);
            entries.Skip(stop).ToList().ForEach(resumed.Add);
            var report = resumed.Complete(heads);

            Assert.Equal(whole.Entries, report.Entries);
            Assert.Equal(whole.Violations, report.Violations);
        }
    }
}

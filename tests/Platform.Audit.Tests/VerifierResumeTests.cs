using System.Text.Json;
using Platform.Audit.Log;
using Platform.Contracts.Declarations;

namespace Platform.Audit.Tests;

/// <summary>
/// The API carries the last background run on over what was appended since: a pass stopped at any position, its state
/// stored as JSON and resumed, must report exactly what one whole pass reports.
/// </summary>
public sealed class VerifierResumeTests : IDisposable
{
    private readonly SanctionScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    /// <summary>A log where most checks have something to say: an out-of-order sequence, a gap, a duplicate, flags, sanctions.</summary>
    private List<LogEntry> Log()
    {
        var log = new LogBuilder();
        log.Add(SanctionScenario.Flag(5m), "rules");
        log.Add(new EngagementSet("r-1", 15m, "2026-W45", "agent-1"), "declarations", sequence: 2); // 1 arrives later
        log.Add(SanctionScenario.Notification(), "review");
        log.Add(SanctionScenario.Flag(20m), "rules"); // not reproducible
        log.Add(new EngagementSet("r-1", 15m, "2026-W46", "agent-1"), "declarations", sequence: 1);
        var lawful = scenario.Decision();
        log.Add(lawful, "review");
        log.Add(new EngagementSet("r-1", 15m, "2026-W47", "agent-1"), "declarations", sequence: 5); // 3 and 4 never come
        var forged = scenario.Decision(keyId: "someone-else");
        log.Add(forged, "review");
        log.Add(new EngagementSet("r-1", 15m, "2026-W48", "agent-1"), "declarations", sequence: 5); // duplicate
        log.Add(SanctionScenario.Adjustment(lawful), "allocations");
        log.Add(SanctionScenario.Adjustment(forged), "allocations");
        log.Add(SanctionScenario.Adjustment(scenario.Decision() with { DecisionId = Guid.NewGuid() }), "allocations"); // no decision
        return log.Entries;
    }

    [Fact]
    public void APassStoppedAnywhere_AndResumedFromItsStoredState_ReportsWhatOneWholePassReports()
    {
        var entries = Log();
        var whole = LogBuilder.Verify(entries, scenario.Keys, entries.Count);
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
            var report = resumed.Complete(entries.Count);

            Assert.Equal(whole.Entries, report.Entries);
            Assert.Equal(
                whole.Violations.Select(v => (v.Position, v.Kind, v.Reason)).Order(),
                report.Violations.Select(v => (v.Position, v.Kind, v.Reason)).Order());
        }
    }
}

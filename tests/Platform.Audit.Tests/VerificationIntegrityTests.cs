using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Platform.Audit.Log;
using Platform.Contracts.Audit;
using Platform.Contracts.Declarations;

namespace Platform.Audit.Tests;

/// <summary>
/// Verification answers whatever an entry holds, names who really published each event, and holds the log to signed
/// checkpoints and to the producers' stated heads.
/// </summary>
public sealed class VerificationIntegrityTests : IDisposable
{
    private static readonly string[] Types =
    [
        EventTypes.SanctionDecided, EventTypes.AllocationAdjusted, EventTypes.FlagRaised, EventTypes.RecipientNotified,
        EventTypes.ObservationReceived, EventTypes.EngagementSet, "urn:message:Platform.Contracts.Unknown:NeverHeardOf", "",
    ];

    private readonly SanctionScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    /// <summary>A valid body of each checked contract, for the malformed variants to start from.</summary>
    private string ValidBody(string type)
    {
        var decision = scenario.Decision();
        object message = type switch
        {
            _ when type == EventTypes.SanctionDecided => decision,
            _ when type == EventTypes.AllocationAdjusted => SanctionScenario.Adjustment(decision),
            _ when type == EventTypes.FlagRaised => SanctionScenario.Flag(5m),
            _ when type == EventTypes.RecipientNotified => SanctionScenario.Notification(),
            _ => new EngagementSet("r-1", 15m, "2026-W45", "agent-1"),
        };
        return JsonSerializer.Serialize(message, message.GetType(), EventTypes.Json);
    }

    /// <summary>Bodies an attacker or a broken producer could have had appended: each variant of a valid one.</summary>
    private static string Malformed(string valid, int variant, string noise)
    {
        using var document = JsonDocument.Parse(valid);
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        var name = names[Math.Abs(variant / 8) % names.Count];
        string With(string value) => "{" + string.Join(",", document.RootElement.EnumerateObject()
            .Select(p => $"\"{p.Name}\":{(p.Name == name ? value : p.Value.GetRawText())}")) + "}";
        return (Math.Abs(variant) % 8) switch
        {
            0 => With("null"),
            1 => With("\"" + JsonEncodedText.Encode(noise) + "\""),
            2 => With("1" + new string('9', 400)),
            3 => With("[{}]"),
            4 => valid[..(Math.Abs(variant) % valid.Length)],
            5 => "null",
            6 => noise,
            _ => With("-1e999"),
        };
    }

    [Property(MaxTest = 400)]
    public Property AnyBody_UnderAnyType_VerificationCompletes_AndNamesTheEntry(int typeIndex, int variant, NonNull<string> noise, int followIndex)
    {
        var type = Types[Math.Abs(typeIndex % Types.Length)];
        var follow = Types[Math.Abs(followIndex % Types.Length)];
        var decision = scenario.Decision();
        var entries = new List<LogEntry>();
        var hash = EntryHash.Genesis;
        void Append(string messageType, string body)
        {
            var entry = new Platform.Audit.Log.CapturedEvent(
                Guid.NewGuid(), messageType, "p", entries.Count + 1, LogBuilder.Start, LogBuilder.Start, "r", Encoding.UTF8.GetBytes(body), "user")
                .Chain(entries.Count + 1, hash);
            hash = entry.EntryHash;
            entries.Add(entry);
        }

        // A poisoned entry, then an event of another type that may refer to it (an adjustment naming its decision).
        Append(type, Malformed(ValidBody(type), variant, noise.Get));
        Append(follow, follow == EventTypes.AllocationAdjusted
            ? JsonSerializer.Serialize(SanctionScenario.Adjustment(decision), EventTypes.Json)
            : Malformed(ValidBody(follow), variant / 3, noise.Get));

        var report = LogBuilder.Verify(entries, scenario.Keys, entries.Count);

        return (report.Entries == 2 && report.Violations.All(v => v.Position is 1 or 2 && !string.IsNullOrEmpty(v.Kind)))
            .Label(string.Join("; ", report.Violations));
    }

    [Fact]
    public void SanctionDecidedWithNullKeyId_ThenAnAdjustmentNamingIt_IsReported_NotThrown()
    {
        var log = new LogBuilder();
        var decision = scenario.Decision() with { KeyId = null!, Signature = null! };
        log.Add(SanctionScenario.Notification(), "review");
        log.Add(decision, "review");
        var adjustment = log.Add(SanctionScenario.Adjustment(decision), "allocations");

        var report = log.Verify(scenario.Keys);

        Assert.Contains(report.Violations, v => v.Position == adjustment.Position && v.Kind == ViolationKinds.BadSignature);
    }

    [Fact]
    public void Publishers_MissingOrNotAllowedForTheClaimedProducer_AreReported()
    {
        var policy = new PublisherPolicy([KeyValuePair.Create("declarations-user", (string?)"declarations"), KeyValuePair.Create("dev", (string?)"*")]);
        var entries = new List<LogEntry>();
        var hash = EntryHash.Genesis;
        foreach (var (producer, publisher) in new[] { ("declarations", "declarations-user"), ("review", "declarations-user"), ("declarations", ""), ("rules", "dev"), ("rules", "stranger") })
        {
            var entry = new Platform.Audit.Log.CapturedEvent(Guid.NewGuid(), EventTypes.EngagementSet, producer, entries.Count(e => e.Producer == producer) + 1,
                LogBuilder.Start, LogBuilder.Start, "r", "{}"u8.ToArray(), publisher).Chain(entries.Count + 1, hash);
            hash = entry.EntryHash;
            entries.Add(entry);
        }

        using var verifier = new LogVerifier(scenario.Keys, FlagReplay.Reproduce, publishers: policy);
        entries.ForEach(verifier.Add);
        var report = verifier.Complete(entries.Count);

        Assert.Equal(
            [(2L, ViolationKinds.PublisherMismatch), (3L, ViolationKinds.UnvalidatedPublisher), (5L, ViolationKinds.PublisherMismatch)],
            report.Violations.Select(v => (v.Position, v.Kind)));
    }

    [Fact]
    public void Checkpoint_SignedByTheAuditKey_Verifies_AndAnyChangeBreaksIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var checkpoint = AuditCheckpoint.Sign(
            new AuditCheckpointSigned(42, Convert.ToHexStringLower(new byte[32]), new Dictionary<string, long> { ["rules"] = 7, ["declarations"] = 30 },
                LogBuilder.Start, "audit-1", ""),
            key);

        Assert.Null(AuditCheckpoint.Check(checkpoint, key));
        Assert.NotNull(AuditCheckpoint.Check(checkpoint with { Position = 41 }, key));
        Assert.NotNull(AuditCheckpoint.Check(checkpoint with { Producers = new Dictionary<string, long> { ["rules"] = 7 } }, key));
        var roundTrip = AuditCheckpoint.Read(JsonSerializer.SerializeToUtf8Bytes(new[] { checkpoint }, EventTypes.Json));
        Assert.Null(AuditCheckpoint.Check(Assert.Single(roundTrip), key));
    }

    [Fact]
    public void LogCutBelowACheckpoint_WithTheHeadMovedBack_IsReportedWhereItDeparts()
    {
        var log = Engagements(20);
        var mark = Mark(log, 20);

        var report = Verify(log.Take(15), head: 15, mark);

        var violation = Assert.Single(report.Violations, v => v.Kind == ViolationKinds.CheckpointDeparted);
        Assert.Equal(16, violation.Position);
    }

    [Fact]
    public void TailRewrittenAndReHashed_IsReportedAgainstTheCheckpoints()
    {
        var log = Engagements(30);
        var marks = new[] { Mark(log, 10), Mark(log, 20), Mark(log, 30) };
        // Entries 25–30 rewritten with another body and the chain re-hashed from there: the chain itself holds.
        var rewritten = log.Take(24).ToList();
        var hash = rewritten[^1].EntryHash;
        foreach (var entry in log.Skip(24))
        {
            var changed = entry with { Body = "{\"hoursPerWeek\":0}"u8.ToArray(), PreviousHash = hash };
            changed = changed with { EntryHash = EntryHash.Compute(changed) };
            hash = changed.EntryHash;
            rewritten.Add(changed);
        }

        var report = Verify(rewritten, head: 30, marks);

        var violation = Assert.Single(report.Violations);
        Assert.Equal((21L, ViolationKinds.CheckpointDeparted), (violation.Position, violation.Kind));
        Assert.Contains("from 21 to 30", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ProducerStatingAHeadBeyondTheLog_IsReported()
    {
        var log = Engagements(3);
        using var verifier = new LogVerifier(scenario.Keys, FlagReplay.Reproduce);
        verifier.ExpectProducerHead("declarations", 3, "its stated head");
        verifier.ExpectProducerHead("declarations", 5, "its stated head");
        log.ForEach(verifier.Add);

        var report = verifier.Complete(3);

        var violation = Assert.Single(report.Violations);
        Assert.Equal(ViolationKinds.ProducerHeadAhead, violation.Kind);
        Assert.Contains("states sequence 5 but the log reaches 3", violation.Reason, StringComparison.Ordinal);
    }

    private static List<LogEntry> Engagements(int count)
    {
        var builder = new LogBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Add(new EngagementSet("r-1", 15m, "2026-W45", "agent-1"), "declarations");
        }

        return builder.Entries;
    }

    private static CheckpointMark Mark(List<LogEntry> log, long position) =>
        new(position, log[(int)position - 1].EntryHash, new Dictionary<string, long> { ["declarations"] = position }, $"checkpoint {position}");

    private VerificationReport Verify(IEnumerable<LogEntry> entries, long head, params CheckpointMark[] marks)
    {
        using var verifier = new LogVerifier(scenario.Keys, FlagReplay.Reproduce);
        verifier.ExpectCheckpoints(marks);
        foreach (var entry in entries)
        {
            verifier.Add(entry);
        }

        return verifier.Complete(head);
    }
}

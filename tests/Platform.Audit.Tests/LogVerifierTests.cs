using Platform.Audit.Log;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;

namespace Platform.Audit.Tests;

public sealed class LogVerifierTests : IDisposable
{
    private readonly SanctionScenario scenario = new();
    private readonly LogBuilder log = new();

    public void Dispose() => scenario.Dispose();

    private static Violation Single(VerificationReport report)
    {
        Assert.False(report.Intact);
        return Assert.Single(report.Violations);
    }

    private void Notified() => log.Add(SanctionScenario.Notification(), "review");

    private LogEntry DecidedAndApplied(SanctionDecided decision)
    {
        log.Add(decision, "review");
        return log.Add(SanctionScenario.Adjustment(decision), "allocations");
    }

    [Fact]
    public void Verify_LawfulSanction_IsIntact()
    {
        log.Add(SanctionScenario.Flag(5m), "rules");
        Notified();
        DecidedAndApplied(scenario.Decision());

        var report = log.Verify(scenario.Keys);

        Assert.True(report.Intact, string.Join("; ", report.Violations));
        Assert.Equal(4, report.Entries);
    }

    [Fact]
    public void Verify_WhenTheDecisionWasAlteredAfterSigning_ReportsBadSignatureAtTheAdjustment()
    {
        Notified();
        var decision = scenario.Decision();
        var adjustment = DecidedAndApplied(decision with { Percent = 100 } with { Signature = decision.Signature });

        var violations = log.Verify(scenario.Keys).Violations;

        Assert.Contains(violations, v => v.Position == adjustment.Position && v.Kind == ViolationKinds.BadSignature);
    }

    [Fact]
    public void Verify_WhenSignedWithAnUnknownKey_ReportsBadSignature()
    {
        Notified();
        var adjustment = DecidedAndApplied(scenario.Decision(keyId: "someone-else"));

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((adjustment.Position, ViolationKinds.BadSignature), (violation.Position, violation.Kind));
        Assert.Contains("someone-else", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WhenTheProposerApproved_ReportsSelfApproval()
    {
        Notified();
        var adjustment = DecidedAndApplied(scenario.Decision(proposedBy: "counsellor-1", approvedBy: "counsellor-1"));

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((adjustment.Position, ViolationKinds.SelfApproval), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_WhenTheRecipientWasNeverNotified_ReportsNoNotification()
    {
        var adjustment = DecidedAndApplied(scenario.Decision());

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((adjustment.Position, ViolationKinds.NoNotification), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_WhenTheNotificationComesAfterTheDecision_ReportsNoNotification()
    {
        var decision = scenario.Decision();
        log.Add(decision, "review");
        Notified();
        var adjustment = log.Add(SanctionScenario.Adjustment(decision), "allocations");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((adjustment.Position, ViolationKinds.NoNotification), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_WhenDecidedBeforeTheAnswerDeadlineWithoutObservation_ReportsWindowNotRespected()
    {
        Notified();
        var adjustment = DecidedAndApplied(scenario.Decision(decidedAt: SanctionScenario.AnswerBy.AddDays(-1)));

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((adjustment.Position, ViolationKinds.WindowNotRespected), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_WhenDecidedEarlyAfterTheRecipientAnswered_IsIntact()
    {
        Notified();
        var observedAt = SanctionScenario.NotifiedAt.AddDays(3);
        log.Add(new ObservationReceived(Guid.NewGuid(), SanctionScenario.FlagId, SanctionScenario.Recipient, "J'étais malade.", observedAt), "review");
        DecidedAndApplied(scenario.Decision(decidedAt: observedAt.AddDays(1), observationReceivedAt: observedAt));

        Assert.True(log.Verify(scenario.Keys).Intact);
    }

    [Fact]
    public void Verify_WhenDecidedEarlyAfterTheRequestedHearingWasHeld_IsIntact()
    {
        Notified();
        var heldAt = SanctionScenario.NotifiedAt.AddDays(4);
        log.Add(new HearingHeld(
            Guid.NewGuid(), SanctionScenario.ProposalId, SanctionScenario.CaseId, SanctionScenario.FlagId, SanctionScenario.Recipient, heldAt.AddHours(-1), heldAt, true,
            "L'allocataire et sa sœur", "Entendue.", "counsellor-1"), "review");
        DecidedAndApplied(scenario.Decision(decidedAt: heldAt.AddDays(1)));

        Assert.True(log.Verify(scenario.Keys).Intact);
    }

    [Fact]
    public void Verify_AdjustmentWithoutAnyDecision_ReportsIt()
    {
        var adjustment = log.Add(SanctionScenario.Adjustment(scenario.Decision()), "allocations");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((adjustment.Position, ViolationKinds.AdjustmentWithoutDecision), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_FlagWhoseRecordedFactsDoNotRaiseIt_ReportsItAsNotReproducible()
    {
        log.Add(SanctionScenario.Flag(5m), "rules");
        var invented = log.Add(SanctionScenario.Flag(20m), "rules");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((invented.Position, ViolationKinds.FlagNotReproducible), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_FlagOfAnUnknownRuleVersion_ReportsItAsNotReproducible()
    {
        var unknown = log.Add(SanctionScenario.Flag(5m, ruleVersion: 99), "rules");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((unknown.Position, ViolationKinds.FlagNotReproducible), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_MissingProducerSequenceNumber_ReportsAGap()
    {
        log.Add(Declaration(), "declarations", 1);
        log.Add(Declaration(), "declarations", 2);
        var after = log.Add(Declaration(), "declarations", 4);

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((after.Position, ViolationKinds.SequenceGap), (violation.Position, violation.Kind));
        Assert.Contains("'declarations'", violation.Reason, StringComparison.Ordinal);
        Assert.Contains("3", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SequenceNumbersArrivingOutOfOrder_AreNotAGap()
    {
        log.Add(Declaration(), "declarations", 1);
        log.Add(Declaration(), "declarations", 3);
        log.Add(Declaration(), "rules", 1);
        log.Add(Declaration(), "declarations", 2);

        Assert.True(log.Verify(scenario.Keys).Intact);
    }

    [Fact]
    public void Verify_TwoEventsClaimingOneSequenceNumber_ReportsADuplicate()
    {
        log.Add(Declaration(), "declarations", 1);
        var second = log.Add(Declaration(), "declarations", 1);

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((second.Position, ViolationKinds.DuplicateSequence), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_EntryAlteredInPlace_IsReportedAtItsPosition()
    {
        for (var i = 0; i < 5; i++)
        {
            log.Add(Declaration(), "declarations");
        }

        log.Entries[2] = log.Entries[2] with { RecipientId = "someone-else" };

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((3L, ViolationKinds.AlteredEntry), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_EntryRewrittenWithARecomputedHash_IsReportedAtItsPosition()
    {
        for (var i = 0; i < 5; i++)
        {
            log.Add(Declaration(), "declarations");
        }

        var forged = log.Entries[2] with { Body = "{}"u8.ToArray() };
        log.Entries[2] = forged with { EntryHash = EntryHash.Compute(forged) };

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((3L, ViolationKinds.AlteredEntry), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_EntryRemoved_IsReportedAtItsPosition_AndSoIsTheEndOfTheLog()
    {
        for (var i = 0; i < 6; i++)
        {
            log.Add(Declaration(), "rules", 1 + i);
        }

        var remaining = log.Entries.Where(entry => entry.Position is not 2 and not 6);

        var report = LogBuilder.Verify(remaining, scenario.Keys, head: 6);

        Assert.Contains(report.Violations, v => v is { Position: 2, Kind: ViolationKinds.MissingEntry });
        Assert.Contains(report.Violations, v => v is { Position: 6, Kind: ViolationKinds.MissingEntry });
    }

    private static DeclarationSubmitted Declaration() =>
        new("r-1", "2026-W48", 1, [new DeclaredActivity("job-search", new DateOnly(2026, 11, 23), 3m, null)], 3m, false, LogBuilder.Start);
}

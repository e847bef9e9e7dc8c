using Platform.Audit.Log;
using Platform.Contracts.Review;

namespace Platform.Audit.Tests;

/// <summary>
/// The verifier holds each decision's <c>windowClosedBy</c> claim to the events recorded before it (CASF L262-37, décret
/// n° 2025-478): the answer window runs from the notice's first proof of receipt, not from its sending; « nothing to
/// add » and the hearing must be in the log; a requested hearing not held leaves no other way to close the window.
/// </summary>
public sealed class WindowClaimTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(15);
    private static readonly DateTimeOffset ReceivedAt = SanctionScenario.NotifiedAt.AddDays(5);

    private readonly SanctionScenario scenario = new();
    private readonly LogBuilder log = new();

    public void Dispose() => scenario.Dispose();

    private void NotifiedAndReceived(DateTimeOffset? receivedAt = null)
    {
        log.Add(SanctionScenario.Notification(), "review");
        var at = receivedAt ?? ReceivedAt;
        log.Add(new NoticeReceived(
            SanctionScenario.NotificationId, SanctionScenario.ProposalId, SanctionScenario.CaseId, SanctionScenario.Recipient, ReceiptChannel.Application,
            at, at, at + Window, SanctionScenario.Recipient), "review");
    }

    /// <summary>A decision claiming how its window closed, signed as the review service signs it.</summary>
    private SanctionDecided Claiming(string closedBy, DateTimeOffset closedAt, DateTimeOffset decidedAt, DateTimeOffset? receivedAt = null)
    {
        var decision = scenario.Decision(decidedAt: decidedAt) with
        {
            ReceivedAt = receivedAt ?? ReceivedAt,
            AnswerBy = (receivedAt ?? ReceivedAt) + Window,
            WindowClosedBy = closedBy,
            WindowClosedAt = closedAt,
        };
        return decision with { Signature = scenario.Sign(decision) };
    }

    private LogEntry DecidedAndApplied(SanctionDecided decision)
    {
        log.Add(decision, "review");
        return log.Add(SanctionScenario.Adjustment(decision), "allocations");
    }

    private Violation Single(string kind)
    {
        var report = log.Verify(scenario.Keys);
        Assert.False(report.Intact);
        var violation = Assert.Single(report.Violations);
        Assert.Equal(kind, violation.Kind);
        return violation;
    }

    [Fact]
    public void ADeadlineClaim_IsMeasuredFromTheFirstReceipt_NotFromTheSending()
    {
        NotifiedAndReceived();
        // Fifteen days after the sending, but only ten after the receipt: the deadline had not passed.
        var sendingDeadline = SanctionScenario.NotifiedAt + Window;
        var adjustment = DecidedAndApplied(Claiming(WindowClosure.Deadline, sendingDeadline, sendingDeadline.AddHours(1)));

        var violation = Single(ViolationKinds.WindowClaimUnsupported);

        Assert.Equal(adjustment.Position, violation.Position);
        Assert.Contains("first proof of receipt", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ADeadlineClaim_AfterTheDeadlineCountedFromReceipt_IsIntact()
    {
        NotifiedAndReceived();
        DecidedAndApplied(Claiming(WindowClosure.Deadline, ReceivedAt + Window, ReceivedAt + Window + TimeSpan.FromHours(1)));

        var report = log.Verify(scenario.Keys);

        Assert.True(report.Intact, string.Join("; ", report.Violations));
    }

    [Fact]
    public void AClaim_WithoutAnyProofOfReceipt_IsReported()
    {
        log.Add(SanctionScenario.Notification(), "review");
        var adjustment = DecidedAndApplied(Claiming(WindowClosure.Deadline, SanctionScenario.AnswerBy, SanctionScenario.AnswerBy.AddDays(1)));

        Assert.Equal(adjustment.Position, Single(ViolationKinds.NoticeNotReceived).Position);
    }

    [Fact]
    public void ANothingToAddClaim_RestingOnAPlainObservation_IsReported_AndOnASaidNothingToAdd_IsIntact()
    {
        NotifiedAndReceived();
        var observedAt = ReceivedAt.AddDays(1);
        log.Add(new ObservationReceived(Guid.NewGuid(), SanctionScenario.FlagId, SanctionScenario.Recipient, "J'étais malade, la suite arrive.", observedAt), "review");
        var adjustment = DecidedAndApplied(Claiming(WindowClosure.NothingToAdd, observedAt, observedAt.AddDays(1)));

        Assert.Equal(adjustment.Position, Single(ViolationKinds.WindowClaimUnsupported).Position);

        using var other = new SanctionScenario();
        var lawful = new LogBuilder();
        lawful.Add(SanctionScenario.Notification(), "review");
        lawful.Add(new NoticeReceived(
            SanctionScenario.NotificationId, SanctionScenario.ProposalId, SanctionScenario.CaseId, SanctionScenario.Recipient, ReceiptChannel.EmailLink,
            ReceivedAt, ReceivedAt, ReceivedAt + Window, SanctionScenario.Recipient), "review");
        lawful.Add(new ObservationReceived(
            Guid.NewGuid(), SanctionScenario.FlagId, SanctionScenario.Recipient, "Je n'ai rien à ajouter.", observedAt, NothingToAdd: true), "review");
        var decision = other.Decision(decidedAt: observedAt.AddDays(1)) with
        {
            ReceivedAt = ReceivedAt, AnswerBy = ReceivedAt + Window, WindowClosedBy = WindowClosure.NothingToAdd, WindowClosedAt = observedAt,
        };
        decision = decision with { Signature = other.Sign(decision) };
        lawful.Add(decision, "review");
        lawful.Add(SanctionScenario.Adjustment(decision), "allocations");

        var report = lawful.Verify(other.Keys);
        Assert.True(report.Intact, string.Join("; ", report.Violations));
    }

    [Fact]
    public void WhileARequestedHearingIsNotHeld_NoOtherClaimHolds_AndAHearingClaimNeedsTheHearing()
    {
        NotifiedAndReceived();
        log.Add(new HearingRequested(
            Guid.NewGuid(), SanctionScenario.ProposalId, SanctionScenario.CaseId, SanctionScenario.FlagId, SanctionScenario.Recipient,
            SanctionScenario.Recipient, ReceivedAt.AddDays(1), "Mme Martin", null), "review");
        // Past the deadline counted from receipt: without the hearing, « deadline » does not close the window.
        var late = ReceivedAt + Window + TimeSpan.FromDays(1);
        var byDeadline = DecidedAndApplied(Claiming(WindowClosure.Deadline, ReceivedAt + Window, late));
        var byHearing = DecidedAndApplied(Claiming(WindowClosure.Hearing, late, late.AddHours(1)));

        var violations = log.Verify(scenario.Keys).Violations;

        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.Position == byDeadline.Position && v.Kind == ViolationKinds.WindowClaimUnsupported && v.Reason.Contains("asked to be heard", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Position == byHearing.Position && v.Kind == ViolationKinds.WindowClaimUnsupported && v.Reason.Contains("no hearing", StringComparison.Ordinal));
    }

    [Fact]
    public void AClaimedReceiptThatIsNotTheFirstInTheLog_IsReported()
    {
        NotifiedAndReceived();
        var claimedReceipt = ReceivedAt.AddDays(3);
        var adjustment = DecidedAndApplied(Claiming(WindowClosure.Deadline, claimedReceipt + Window, claimedReceipt + Window + TimeSpan.FromHours(1), claimedReceipt));

        var violation = Single(ViolationKinds.WindowClaimUnsupported);

        Assert.Equal(adjustment.Position, violation.Position);
        Assert.Contains("first proof of receipt", violation.Reason, StringComparison.Ordinal);
    }
}

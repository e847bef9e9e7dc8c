using Platform.Review.Domain;

namespace Platform.Review.Tests;

public sealed class ApprovalGateTests
{
    private static readonly DateTimeOffset Notified = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AnswerBy = Notified.AddDays(15);

    [Fact]
    public void Evaluate_WhenTheDeciderProposed_IsSelfApproval_EvenAfterTheWindow() =>
        Assert.Equal(ApprovalOutcome.SelfApproval, ApprovalGate.Evaluate("agent-1", "agent-1", true, Notified, Notified, AnswerBy, null, AnswerBy.AddDays(1)));

    [Fact]
    public void Evaluate_InsideTheWindowWithoutObservation_IsWindowOpen() =>
        Assert.Equal(ApprovalOutcome.WindowOpen, ApprovalGate.Evaluate("boss", "agent-1", true, Notified, Notified, AnswerBy, null, AnswerBy.AddSeconds(-1)));

    [Fact]
    public void Evaluate_InsideTheWindowAfterAnObservation_IsAllowed() =>
        Assert.Equal(ApprovalOutcome.Allowed, ApprovalGate.Evaluate("boss", "agent-1", true, Notified, Notified, AnswerBy, Notified.AddDays(2), Notified.AddDays(3)));

    [Fact]
    public void Evaluate_AnObservationFromBeforeTheNotification_DoesNotCount() =>
        Assert.Equal(ApprovalOutcome.WindowOpen, ApprovalGate.Evaluate("boss", "agent-1", true, Notified, Notified, AnswerBy, Notified.AddDays(-1), Notified.AddDays(3)));

    [Fact]
    public void Evaluate_OnceTheWindowClosed_IsAllowed() =>
        Assert.Equal(ApprovalOutcome.Allowed, ApprovalGate.Evaluate("boss", "agent-1", true, Notified, Notified, AnswerBy, null, AnswerBy));

    [Fact]
    public void Evaluate_WhenNoLongerPending_IsNotPending() =>
        Assert.Equal(ApprovalOutcome.NotPending, ApprovalGate.Evaluate("boss", "agent-1", false, Notified, Notified, AnswerBy, null, AnswerBy.AddDays(1)));

    [Fact]
    public void Evaluate_BeforeAnyProofOfReceipt_IsNotReceived_EvenLongAfterSending() =>
        Assert.Equal(ApprovalOutcome.NotReceived, ApprovalGate.Evaluate("boss", "agent-1", true, Notified, null, AnswerBy, Notified.AddDays(2), AnswerBy.AddDays(30)));
}

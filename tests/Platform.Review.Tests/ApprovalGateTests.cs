using Platform.Contracts.Review;
using Platform.Review.Domain;

namespace Platform.Review.Tests;

public sealed class ApprovalGateTests
{
    private static readonly DateTimeOffset Notified = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AnswerBy = Notified.AddDays(15);

    private static readonly Hearing Requested = new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "R-1", HearingState.Requested, "R-1", Notified.AddDays(1), null, null, null, null, null,
        null, null, null, null, null);

    private static readonly Hearing Held = Requested with
    {
        State = HearingState.Held, ScheduledAt = Notified.AddDays(4), Place = "Agence", HeldAt = Notified.AddDays(4).AddHours(1), PersonAttended = true,
        Summary = "Entendu.",
    };

    private static ApprovalOutcome Outcome(string decider, bool pending, DateTimeOffset? received, AnswerWindow window, DateTimeOffset now) =>
        ApprovalGate.Evaluate(decider, "agent-1", pending, received, AnswerBy, window, now).Outcome;

    [Fact]
    public void Evaluate_WhenTheDeciderProposed_IsSelfApproval_EvenAfterTheWindow() =>
        Assert.Equal(ApprovalOutcome.SelfApproval, Outcome("agent-1", true, Notified, AnswerWindow.Untouched, AnswerBy.AddDays(1)));

    [Fact]
    public void Evaluate_InsideTheWindowWithoutObservation_IsWindowOpen() =>
        Assert.Equal(ApprovalOutcome.WindowOpen, Outcome("boss", true, Notified, AnswerWindow.Untouched, AnswerBy.AddSeconds(-1)));

    [Fact]
    public void Evaluate_InsideTheWindow_OnceTheRecipientSaidNothingToAdd_IsAllowed_ClosedByIt()
    {
        var (outcome, closed) = ApprovalGate.Evaluate("boss", "agent-1", true, Notified, AnswerBy, new AnswerWindow(Notified.AddDays(2), null), Notified.AddDays(3));
        Assert.Equal((ApprovalOutcome.Allowed, new ClosedWindow(WindowClosure.NothingToAdd, Notified.AddDays(2))), (outcome, closed));
    }

    [Fact]
    public void Evaluate_NothingToAddSaidLaterThanNow_DoesNotCount() =>
        Assert.Equal(ApprovalOutcome.WindowOpen, Outcome("boss", true, Notified, new AnswerWindow(Notified.AddDays(4), null), Notified.AddDays(3)));

    [Fact]
    public void Evaluate_OnceTheWindowClosed_IsAllowed_ClosedByTheDeadline()
    {
        var (outcome, closed) = ApprovalGate.Evaluate("boss", "agent-1", true, Notified, AnswerBy, AnswerWindow.Untouched, AnswerBy);
        Assert.Equal((ApprovalOutcome.Allowed, new ClosedWindow(WindowClosure.Deadline, AnswerBy)), (outcome, closed));
    }

    [Fact]
    public void Evaluate_WithARequestedHearingNotHeld_IsHearingPending_EvenAfterTheDeadlineOrNothingToAdd()
    {
        Assert.Equal(ApprovalOutcome.HearingPending, Outcome("boss", true, Notified, new AnswerWindow(null, Requested), AnswerBy.AddDays(10)));
        Assert.Equal(ApprovalOutcome.HearingPending, Outcome("boss", true, Notified, new AnswerWindow(Notified.AddDays(2), Requested), Notified.AddDays(3)));
    }

    [Fact]
    public void Evaluate_OnceTheHearingWasHeld_IsAllowed_ClosedByTheHearing()
    {
        var (outcome, closed) = ApprovalGate.Evaluate("boss", "agent-1", true, Notified, AnswerBy, new AnswerWindow(null, Held), Notified.AddDays(5));
        Assert.Equal((ApprovalOutcome.Allowed, new ClosedWindow(WindowClosure.Hearing, Held.HeldAt!.Value)), (outcome, closed));
    }

    [Fact]
    public void Evaluate_WhenNoLongerPending_IsNotPending() =>
        Assert.Equal(ApprovalOutcome.NotPending, Outcome("boss", false, Notified, AnswerWindow.Untouched, AnswerBy.AddDays(1)));

    [Fact]
    public void Evaluate_BeforeAnyProofOfReceipt_IsNotReceived_EvenLongAfterSending() =>
        Assert.Equal(ApprovalOutcome.NotReceived, Outcome("boss", true, null, new AnswerWindow(Notified.AddDays(2), null), AnswerBy.AddDays(30)));
}

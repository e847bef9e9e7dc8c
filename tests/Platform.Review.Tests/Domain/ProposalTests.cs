using Platform.Contracts.Review;
using Platform.Review.Domain;
using static Platform.Review.Tests.Domain.Cases;

namespace Platform.Review.Tests.Domain;

public sealed class ProposalTests
{
    private static readonly DateTimeOffset Notified = Now;
    private static readonly DateTimeOffset WindowEnd = Notified + Window;

    [Fact]
    public void Approve_BeforeTheNoticeWasReceived_IsRefused_AndTheWindowRunsFromReceipt()
    {
        var proposed = Claimed().Propose(Counsellor, Terms, FirstBreachSinglePerson, Window, Guid.CreateVersion7(Notified), Guid.CreateVersion7(Notified), Notified)
            .Change!;
        var unreceived = proposed.Proposal!;
        Assert.Equal(RefusalCode.NoticeNotReceived, Refused(unreceived.Approve(proposed.Case, Supervisor, "r", null, AnswerWindow.Untouched, FirstBreachSinglePerson, WindowEnd.AddDays(30), Signed)).Code);

        var received = unreceived.Received(Notified.AddDays(4), Window);
        Assert.Equal((Notified.AddDays(4), Notified.AddDays(4) + Window), (received.ReceivedAt!.Value, received.AnswerBy));
        Assert.Equal(RefusalCode.ObservationWindowOpen, Refused(received.Approve(proposed.Case, Supervisor, "r", null, AnswerWindow.Untouched, FirstBreachSinglePerson, WindowEnd, Signed)).Code);
        var decision = Assert.IsType<SanctionDecided>(Assert.Single(Allowed(received.Approve(proposed.Case, Supervisor, "r", null, AnswerWindow.Untouched, FirstBreachSinglePerson, received.AnswerBy, Signed)).Events));
        Assert.Equal(Notified.AddDays(4), decision.ReceivedAt);

        // A later proof changes nothing; an earlier one (the letter arrived before the link was followed) moves the start back.
        Assert.Equal(received, received.Received(Notified.AddDays(6), Window));
        Assert.Equal(Notified.AddDays(2), received.Received(Notified.AddDays(2), Window).ReceivedAt);
    }

    [Fact]
    public void Approve_BySecondPerson_AfterTheWindow_SignsTheDecision_AndClosesTheCase()
    {
        var (proposed, proposal) = Proposed(Notified);
        var change = Allowed(proposal.Approve(proposed, Supervisor, "Manquement confirmé.", null, AnswerWindow.Untouched, FirstBreachSinglePerson, WindowEnd, Signed));
        Assert.Equal((CaseState.Sanctioned, (DateTimeOffset?)WindowEnd), (change.Case.State, change.Case.ClosedAt));
        var decided = change.Proposal!;
        Assert.Equal((ProposalState.Approved, Supervisor, "Manquement confirmé."), (decided.State, decided.DecidedBy, decided.DecisionReason));
        var decision = Assert.IsType<SanctionDecided>(Assert.Single(change.Events));
        Assert.Equal(decision.DecisionId, decided.DecisionId);
        Assert.Equal((Counsellor, Supervisor, "test-key", "c2lnbmVk"), (decision.ProposedBy, decision.ApprovedBy, decision.KeyId, decision.Signature));
        var step = Assert.Single(change.History);
        Assert.Equal((CaseHistoryAction.SanctionApproved, Supervisor), (step.Action, step.Actor));
    }

    [Fact]
    public void Approve_InsideTheWindow_AfterAFirstObservation_IsRefused_TheWindowStaysOpen()
    {
        var (proposed, proposal) = Proposed(Notified);
        var refusal = Refused(proposal.Approve(proposed, Supervisor, "r", Notified.AddDays(2), AnswerWindow.Untouched, FirstBreachSinglePerson, Notified.AddDays(3), Signed));
        Assert.Equal(RefusalCode.ObservationWindowOpen, refusal.Code);
    }

    [Fact]
    public void Approve_InsideTheWindow_OnceTheRecipientSaidNothingToAdd_IsAllowed_AndTheDecisionSaysSo()
    {
        var (proposed, proposal) = Proposed(Notified);
        var window = new AnswerWindow(Notified.AddDays(2), null);
        var decision = Assert.IsType<SanctionDecided>(
            Allowed(proposal.Approve(proposed, Supervisor, "r", Notified.AddDays(2), window, FirstBreachSinglePerson, Notified.AddDays(3), Signed)).Events[0]);
        Assert.Equal((Notified.AddDays(2), WindowClosure.NothingToAdd, Notified.AddDays(2)), (decision.ObservationReceivedAt!.Value, decision.WindowClosedBy, decision.WindowClosedAt!.Value));
    }

    [Fact]
    public void Approve_AfterTheDeadline_SaysTheDeadlineClosedTheWindow()
    {
        var (proposed, proposal) = Proposed(Notified);
        var decision = Assert.IsType<SanctionDecided>(
            Allowed(proposal.Approve(proposed, Supervisor, "r", null, AnswerWindow.Untouched, FirstBreachSinglePerson, WindowEnd.AddHours(1), Signed)).Events[0]);
        Assert.Equal((WindowClosure.Deadline, WindowEnd), (decision.WindowClosedBy, decision.WindowClosedAt!.Value));
    }

    [Fact]
    public void Approve_WhileARequestedHearingIsNotHeld_IsRefused_EvenAfterTheDeadline_ThenAllowedOnceHeld()
    {
        var (proposed, proposal) = Proposed(Notified);
        var requested = Hearing.Request(proposed, proposal, AnswerWindow.Untouched, null, Recipient, "Mme Martin", "association", Guid.NewGuid(), Notified.AddDays(1))
            .Change!.Hearing;
        Assert.Equal(RefusalCode.HearingPending, Refused(proposal.Approve(
            proposed, Supervisor, "r", null, new AnswerWindow(null, requested), FirstBreachSinglePerson, WindowEnd.AddDays(1), Signed)).Code);
        var scheduled = requested.Schedule(proposed, proposal, Counsellor, Notified.AddDays(5), "Agence", Notified.AddDays(2)).Change!.Hearing;
        Assert.Equal(RefusalCode.HearingPending, Refused(proposal.Approve(
            proposed, Supervisor, "r", null, new AnswerWindow(Notified.AddDays(3), scheduled), FirstBreachSinglePerson, Notified.AddDays(4), Signed)).Code);
        Assert.Equal(RefusalCode.HearingNotYetDue, scheduled.Record(proposed, proposal, Counsellor, true, "L'allocataire", "Résumé", Notified.AddDays(4)).Refusal!.Code);
        var held = scheduled.Record(proposed, proposal, Counsellor, true, "L'allocataire, Mme Martin", "Résumé", Notified.AddDays(5).AddHours(1)).Change!.Hearing;
        var decision = Assert.IsType<SanctionDecided>(Allowed(proposal.Approve(
            proposed, Supervisor, "r", null, new AnswerWindow(null, held), FirstBreachSinglePerson, Notified.AddDays(6), Signed)).Events[0]);
        Assert.Equal((WindowClosure.Hearing, Notified.AddDays(5).AddHours(1)), (decision.WindowClosedBy, decision.WindowClosedAt!.Value));
    }

    [Fact]
    public void RequestHearing_OnceTheWindowClosed_IsRefused()
    {
        var (proposed, proposal) = Proposed(Notified);
        Assert.Equal(RefusalCode.AnswerWindowClosed, Hearing.Request(
            proposed, proposal, new AnswerWindow(Notified.AddDays(1), null), null, Recipient, null, null, Guid.NewGuid(), Notified.AddDays(2)).Refusal!.Code);
        Assert.Equal(RefusalCode.AnswerWindowClosed, Hearing.Request(
            proposed, proposal, AnswerWindow.Untouched, null, Recipient, null, null, Guid.NewGuid(), WindowEnd).Refusal!.Code);
        Assert.Null(Hearing.Request(proposed, proposal, AnswerWindow.Untouched, null, Recipient, null, null, Guid.NewGuid(), WindowEnd.AddSeconds(-1)).Refusal);
    }

    [Fact]
    public void ScheduleHearing_InThePast_IsRefused()
    {
        var (proposed, proposal) = Proposed(Notified);
        var requested = Hearing.Request(proposed, proposal, AnswerWindow.Untouched, null, Recipient, null, null, Guid.NewGuid(), Notified.AddDays(1)).Change!.Hearing;
        Assert.Equal(RefusalCode.HearingInThePast, requested.Schedule(proposed, proposal, Counsellor, Notified.AddDays(1), "Agence", Notified.AddDays(1)).Refusal!.Code);
    }

    [Fact]
    public void Approve_InsideTheWindow_WithoutAnObservation_IsRefused_WithTheEndOfTheWindow()
    {
        var (proposed, proposal) = Proposed(Notified);
        var refusal = Refused(proposal.Approve(proposed, Supervisor, "r", null, AnswerWindow.Untouched, FirstBreachSinglePerson, WindowEnd.AddSeconds(-1), Signed));
        Assert.Equal(RefusalCode.ObservationWindowOpen, refusal.Code);
        Assert.Equal(WindowEnd, refusal.AnswerBy);
    }

    [Fact]
    public void Approve_ByTheProposer_IsRefused_EvenAfterTheWindow()
    {
        var (proposed, proposal) = Proposed(Notified);
        Assert.Equal(RefusalCode.SelfApproval, Refused(proposal.Approve(proposed, Counsellor, "r", null, AnswerWindow.Untouched, FirstBreachSinglePerson, WindowEnd.AddDays(1), Signed)).Code);
    }

    [Theory]
    [InlineData(ProposalState.Approved)]
    [InlineData(ProposalState.Rejected)]
    [InlineData(ProposalState.Withdrawn)]
    [InlineData(ProposalState.Expired)]
    public void Approve_OrReject_AProposalNoLongerPending_IsRefused(string state)
    {
        var (proposed, proposal) = Proposed(Notified);
        var decided = proposal with { State = state };
        Assert.Equal(RefusalCode.ProposalNotPending, Refused(decided.Approve(proposed, Supervisor, "r", null, AnswerWindow.Untouched, FirstBreachSinglePerson, WindowEnd, Signed)).Code);
        Assert.Equal(RefusalCode.ProposalNotPending, Refused(decided.Reject(proposed, Supervisor, "r", WindowEnd)).Code);
    }

    [Fact]
    public void Reject_BySecondPerson_InsideTheWindow_IsAllowed_ForItOnlyFavoursTheRecipient()
    {
        var (proposed, proposal) = Proposed(Notified);
        var change = Allowed(proposal.Reject(proposed, Supervisor, "Pas de manquement.", Notified.AddHours(1)));
        Assert.Equal(CaseState.Rejected, change.Case.State);
        Assert.Equal((ProposalState.Rejected, (Guid?)null), (change.Proposal!.State, change.Proposal.DecisionId));
        Assert.Equal(CaseHistoryAction.SanctionRejected, Assert.Single(change.History).Action);
        Assert.Equal(Supervisor, Assert.IsType<SanctionRejected>(Assert.Single(change.Events)).RejectedBy);
    }

    [Fact]
    public void Reject_ByTheProposer_IsRefused()
    {
        var (proposed, proposal) = Proposed(Notified);
        Assert.Equal(RefusalCode.SelfApproval, Refused(proposal.Reject(proposed, Counsellor, "r", WindowEnd)).Code);
    }
}

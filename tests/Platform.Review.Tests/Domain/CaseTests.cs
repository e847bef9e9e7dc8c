using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Review.Domain;
using Platform.Rules.Calendar;
using Platform.Rules.Sanctions;
using static Platform.Review.Tests.Domain.Cases;

namespace Platform.Review.Tests.Domain;

public sealed class CaseTests
{
    public static TheoryData<string> ClosedStates => [CaseState.Dismissed, CaseState.Resolved, CaseState.Sanctioned, CaseState.Rejected, CaseState.Withdrawn, CaseState.Expired];

    public static TheoryData<string> UndecidedStates => [CaseState.Open, CaseState.Claimed, CaseState.Proposed];

    [Fact]
    public void Open_KeepsTheFlagAsRaised_AndExpiresAfterTheGivenTime()
    {
        var flag = new FlagRaised(Guid.NewGuid(), Recipient, "2026-W48", "repeated-shortfall", 2, default, null!, null!, true);
        var change = Case.Open(flag, Guid.NewGuid(), Now, TimeSpan.FromDays(90));
        Assert.Equal(CaseState.Open, change.Case.State);
        Assert.Equal(Now.AddDays(90), change.Case.ExpiresAt);
        Assert.Equal(flag.FlagId, change.Case.FlagId);
        var step = Assert.Single(change.History);
        Assert.Equal((CaseHistoryAction.Opened, SystemActors.Rules), (step.Action, step.Actor));
        Assert.Empty(change.Events);
    }

    [Fact]
    public void Claim_AnOpenCase_ClaimsIt_AndPublishesCaseClaimed()
    {
        var open = InState(CaseState.Open);
        var change = Allowed(open.Claim(Counsellor, Now));
        Assert.Equal((CaseState.Claimed, Counsellor), (change.Case.State, change.Case.ClaimedBy));
        Assert.Equal(CaseHistoryAction.Claimed, Assert.Single(change.History).Action);
        var claimed = Assert.IsType<CaseClaimed>(Assert.Single(change.Events));
        Assert.Equal((open.CaseId, Counsellor, Now), (claimed.CaseId, claimed.ClaimedBy, claimed.OccurredAt));
    }

    [Fact]
    public void Claim_OnesOwnCaseAgain_ChangesNothing()
    {
        var change = Allowed(Claimed().Claim(Counsellor, Now));
        Assert.True(change.Unchanged);
        Assert.Empty(change.History);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void Claim_AnotherCounsellorsCase_IsRefusedAsNotOpen() =>
        Assert.Equal(RefusalCode.CaseNotOpen, Refused(Claimed().Claim(OtherCounsellor, Now)).Code);

    [Theory]
    [MemberData(nameof(ClosedStates))]
    [InlineData(CaseState.Proposed)]
    public void Claim_ACaseNotOpen_IsRefused(string state) =>
        Assert.Equal(RefusalCode.CaseNotOpen, Refused(InState(state, Counsellor).Claim(OtherCounsellor, Now)).Code);

    [Fact]
    public void Dismiss_OnesClaimedCase_ClosesIt_AndPublishesFlagDismissed()
    {
        var change = Allowed(Claimed().Dismiss(Counsellor, "Malade.", Now));
        Assert.Equal((CaseState.Dismissed, (DateTimeOffset?)Now), (change.Case.State, change.Case.ClosedAt));
        var step = Assert.Single(change.History);
        Assert.Equal((CaseHistoryAction.Dismissed, Counsellor, "Malade."), (step.Action, step.Actor, step.Detail));
        var dismissed = Assert.IsType<FlagDismissed>(Assert.Single(change.Events));
        Assert.Equal((Counsellor, "Malade."), (dismissed.DismissedBy, dismissed.Reason));
    }

    [Fact]
    public void Resolve_OnesClaimedCase_ClosesIt_WithTheSupportAction()
    {
        var change = Allowed(Claimed().Resolve(Counsellor, "Atelier CV", "Difficultés de garde.", Now));
        Assert.Equal(CaseState.Resolved, change.Case.State);
        Assert.Equal("Atelier CV — Difficultés de garde.", Assert.Single(change.History).Detail);
        var resolved = Assert.IsType<FlagResolved>(Assert.Single(change.Events));
        Assert.Equal(("Atelier CV", "Difficultés de garde."), (resolved.SupportAction, resolved.Reason));
    }

    /// <summary>Dismiss, resolve and propose need the case claimed by the caller; each refusal names why.</summary>
    [Theory]
    [InlineData(CaseState.Open, null, RefusalCode.CaseNotClaimed)]
    [InlineData(CaseState.Claimed, OtherCounsellor, RefusalCode.NotYourCase)]
    [InlineData(CaseState.Proposed, Counsellor, RefusalCode.CaseAwaitsDecision)]
    [InlineData(CaseState.Dismissed, Counsellor, RefusalCode.CaseClosed)]
    [InlineData(CaseState.Resolved, Counsellor, RefusalCode.CaseClosed)]
    [InlineData(CaseState.Sanctioned, Counsellor, RefusalCode.CaseClosed)]
    [InlineData(CaseState.Rejected, Counsellor, RefusalCode.CaseClosed)]
    [InlineData(CaseState.Withdrawn, Counsellor, RefusalCode.CaseClosed)]
    [InlineData(CaseState.Expired, Counsellor, RefusalCode.CaseClosed)]
    public void WorkOnACase_NotClaimedByTheCaller_IsRefused(string state, string? claimedBy, string code)
    {
        var found = InState(state, claimedBy);
        Assert.Equal(code, Refused(found.Dismiss(Counsellor, "r", Now)).Code);
        Assert.Equal(code, Refused(found.Resolve(Counsellor, "s", "r", Now)).Code);
        Assert.Equal(code, Refused(found.Propose(Counsellor, Terms, FirstBreachSinglePerson, Window, Guid.NewGuid(), Guid.NewGuid(), Now)).Code);
    }

    [Fact]
    public void Propose_WithinTheBounds_CreatesAPendingProposal_AndNotifiesTheRecipient()
    {
        var claimed = Claimed();
        var proposalId = Guid.NewGuid();
        var notificationId = Guid.NewGuid();
        var change = Allowed(claimed.Propose(Counsellor, Terms, FirstBreachSinglePerson, Window, proposalId, notificationId, Now));
        Assert.Equal((CaseState.Proposed, Counsellor), (change.Case.State, change.Case.ClaimedBy));
        var proposal = Assert.IsType<Proposal>(change.Proposal);
        Assert.Equal((proposalId, ProposalState.Pending, Now, Now + Window, false), (proposal.ProposalId, proposal.State, proposal.NotifiedAt, proposal.AnswerBy, proposal.RepeatedBreach));
        Assert.Equal(CaseHistoryAction.SanctionProposed, Assert.Single(change.History).Action);
        Assert.Collection(
            change.Events,
            proposed => Assert.Equal(proposalId, Assert.IsType<SanctionProposed>(proposed).ProposalId),
            notified =>
            {
                var notice = Assert.IsType<RecipientNotified>(notified);
                Assert.Equal((notificationId, Now + Window, claimed.Explanation), (notice.NotificationId, notice.AnswerBy, notice.Explanation));
            });
    }

    [Fact]
    public void Propose_AfterAnApprovedSanction_IsARepeatedBreach_AllowingFourMonths()
    {
        var change = Allowed(Claimed().Propose(
            Counsellor, Terms with { Months = 4 }, SanctionedBefore(DecidedBeforeThisBreach), Window, Guid.NewGuid(), Guid.NewGuid(), Now));
        Assert.True(change.Proposal!.RepeatedBreach);
        Assert.True(Assert.IsType<SanctionProposed>(change.Events[0]).RepeatedBreach);
    }

    [Fact]
    public void Propose_FourMonthsOnAFirstBreach_IsOutOfBounds_NamingTheMonths()
    {
        var refusal = Refused(Claimed().Propose(Counsellor, Terms with { Months = 4 }, FirstBreachSinglePerson, Window, Guid.NewGuid(), Guid.NewGuid(), Now));
        Assert.Equal(RefusalCode.OutOfBounds, refusal.Code);
        Assert.Equal("months", Assert.Single(refusal.Violations).Field);
    }

    [Fact]
    public void Propose_AboveFiftyPercent_WhenTheHouseholdIsUnknown_IsRefused_AsForATwoPersonHousehold()
    {
        var refusal = Refused(Claimed().Propose(
            Counsellor, Terms with { Percent = 60 }, new RecipientStanding([], [], null), Window, Guid.NewGuid(), Guid.NewGuid(), Now));
        Assert.Equal(RefusalCode.OutOfBounds, refusal.Code);
        Assert.Equal("percent-above-household-cap", Assert.Single(refusal.Violations).Code);
    }

    [Fact]
    public void Propose_AboveFiftyPercent_ForAKnownSinglePerson_IsAllowed() =>
        Allowed(Claimed().Propose(Counsellor, Terms with { Percent = 60 }, FirstBreachSinglePerson, Window, Guid.NewGuid(), Guid.NewGuid(), Now));

    [Fact]
    public void Propose_OnARuleThatAllowsNoSanction_IsRefused() =>
        Assert.Equal(
            RefusalCode.SanctionNotAllowed,
            Refused(Claimed(sanctionEligible: false).Propose(Counsellor, Terms, FirstBreachSinglePerson, Window, Guid.NewGuid(), Guid.NewGuid(), Now)).Code);

    [Fact]
    public void Propose_StartingInAMonthAlreadyPast_IsRefused() =>
        Assert.Equal(
            RefusalCode.StartMonthPast,
            Refused(Claimed().Propose(Counsellor, Terms with { StartMonth = "2026-11" }, FirstBreachSinglePerson, Window, Guid.NewGuid(), Guid.NewGuid(), Now)).Code);

    /// <summary>Was "starting this month is allowed": a decision applies only to the months after it (never retroactive).</summary>
    [Fact]
    public void Propose_StartingThisMonth_IsRefused_NamingNextMonthAsTheEarliest()
    {
        var refusal = Refused(Claimed().Propose(Counsellor, Terms with { StartMonth = "2026-12" }, FirstBreachSinglePerson, Window, Guid.NewGuid(), Guid.NewGuid(), Now));
        Assert.Equal(RefusalCode.StartMonthPast, refusal.Code);
        Assert.Equal(new DateOnly(2027, 1, 1), refusal.EarliestStartMonth);
    }

    [Fact]
    public void Propose_StartingNextMonth_IsAllowed() =>
        Allowed(Claimed().Propose(Counsellor, Terms with { StartMonth = "2027-01" }, FirstBreachSinglePerson, Window, Guid.NewGuid(), Guid.NewGuid(), Now));

    [Fact]
    public void Propose_AfterADecisionTakenDuringThisBreach_IsAFirstBreach_NotARepeatedOne()
    {
        var duringTheBreach = DecidedBeforeThisBreach with { DecidedAt = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), Breach = null };
        var change = Allowed(Claimed().Propose(Counsellor, Terms, SanctionedBefore(duringTheBreach), Window, Guid.NewGuid(), Guid.NewGuid(), Now));
        Assert.False(change.Proposal!.RepeatedBreach);
        Assert.Equal(("2026-W45", "2026-W48"), (change.Proposal.BreachFirstWeek, change.Proposal.BreachLastWeek));
    }

    [Fact]
    public void Propose_OnWeeksAlreadySanctioned_IsRefused()
    {
        var sameWeeks = DecidedBeforeThisBreach with { Breach = new BreachPeriod(IsoWeek.Parse("2026-W43"), IsoWeek.Parse("2026-W46")) };
        var refusal = Refused(Claimed().Propose(Counsellor, Terms, SanctionedBefore(sameWeeks), Window, Guid.NewGuid(), Guid.NewGuid(), Now));
        Assert.Equal(RefusalCode.BreachAlreadySanctioned, refusal.Code);
        Assert.Contains("2026-W45..2026-W48", refusal.Conflict!.Fr, StringComparison.Ordinal);
    }

    [Fact]
    public void Propose_OnWeeksUnderAnotherPendingProposal_IsRefused()
    {
        var pending = new Suspension(30, new DateOnly(2027, 2, 1), 1, Now.AddDays(-1), BreachPeriod.BehindFlag(IsoWeek.Parse("2026-W47")));
        var standing = FirstBreachSinglePerson with { Pending = [pending] };
        Assert.Equal(
            RefusalCode.BreachAlreadySanctioned,
            Refused(Claimed().Propose(Counsellor, Terms, standing, Window, Guid.NewGuid(), Guid.NewGuid(), Now)).Code);
    }

    [Fact]
    public void Propose_TwoOverlappingFiftyPercentSuspensions_ForAFamily_AreRefused_TheTotalIsCapped()
    {
        var running = DecidedBeforeThisBreach with { Percent = 50, FirstMonth = new DateOnly(2026, 12, 1), Months = 2 };
        var family = SanctionedBefore(running) with { Household = new Household(3, false) };
        var refusal = Refused(Claimed().Propose(Counsellor, Terms with { Percent = 50 }, family, Window, Guid.NewGuid(), Guid.NewGuid(), Now));
        Assert.Equal(RefusalCode.HouseholdCapExceeded, refusal.Code);
        Assert.Contains("R262-68-6", refusal.Conflict!.Fr, StringComparison.Ordinal);
        Allowed(Claimed().Propose(Counsellor, Terms with { Percent = 50, StartMonth = "2027-02" }, family, Window, Guid.NewGuid(), Guid.NewGuid(), Now));
    }

    [Theory]
    [MemberData(nameof(UndecidedStates))]
    [MemberData(nameof(ClosedStates))]
    public void RecordObservation_ByTheRecipient_IsRecorded_WhateverTheState(string state)
    {
        var found = InState(state, Counsellor);
        var observationId = Guid.NewGuid();
        var change = Allowed(found.RecordObservation(Recipient, observationId, "J'étais malade.", Now));
        Assert.Equal(state, change.Case.State);
        Assert.Equal(new Observation(observationId, found.FlagId, Recipient, "J'étais malade.", Now), change.Observation);
        var step = Assert.Single(change.History);
        Assert.Equal((CaseHistoryAction.ObservationReceived, Recipient), (step.Action, step.Actor));
        Assert.Equal(observationId, Assert.IsType<ObservationReceived>(Assert.Single(change.Events)).ObservationId);
    }

    [Fact]
    public void RecordObservation_BySomeoneElse_IsRefused() =>
        Assert.Equal(RefusalCode.NotTheRecipientsFlag, Refused(Claimed().RecordObservation("R-2002", Guid.NewGuid(), "text", Now)).Code);

    [Theory]
    [MemberData(nameof(UndecidedStates))]
    public void Withdraw_AnUndecidedCase_ClosesItInTheRecipientsFavour_WithoutAnEvent(string state)
    {
        var change = Allowed(InState(state, Counsellor).Withdraw(null, "Déclaration corrigée.", Now));
        Assert.Equal((CaseState.Withdrawn, (DateTimeOffset?)Now), (change.Case.State, change.Case.ClosedAt));
        var step = Assert.Single(change.History);
        Assert.Equal((CaseHistoryAction.Withdrawn, SystemActors.Rules, "Déclaration corrigée."), (step.Action, step.Actor, step.Detail));
        Assert.Empty(change.Events);
    }

    [Fact]
    public void Withdraw_WithAPendingProposal_VoidsIt()
    {
        var (proposed, pending) = Proposed(Now.AddDays(-1));
        var change = Allowed(proposed.Withdraw(pending, null, Now));
        Assert.Equal((ProposalState.Withdrawn, (DateTimeOffset?)Now, (string?)null), (change.Proposal!.State, change.Proposal.DecidedAt, change.Proposal.DecidedBy));
    }

    [Theory]
    [MemberData(nameof(ClosedStates))]
    public void Withdraw_ADecidedCase_IsRefused_AndStaysAsPeopleDecided(string state) =>
        Assert.Equal(RefusalCode.CaseClosed, Refused(InState(state, Counsellor).Withdraw(null, null, Now)).Code);

    [Theory]
    [MemberData(nameof(UndecidedStates))]
    public void Expire_AnUndecidedCase_ClosesIt_AndPublishesFlagExpired(string state)
    {
        var found = InState(state, Counsellor);
        var change = Allowed(found.Expire(null, Now));
        Assert.Equal(CaseState.Expired, change.Case.State);
        Assert.Equal((CaseHistoryAction.Expired, SystemActors.Review), (Assert.Single(change.History).Action, change.History[0].Actor));
        Assert.Equal(found.CaseId, Assert.IsType<FlagExpired>(Assert.Single(change.Events)).CaseId);
    }

    [Fact]
    public void Expire_WithAPendingProposal_ExpiresIt()
    {
        var (proposed, pending) = Proposed(Now.AddDays(-1));
        Assert.Equal(ProposalState.Expired, Allowed(proposed.Expire(pending, Now)).Proposal!.State);
    }

    [Theory]
    [MemberData(nameof(ClosedStates))]
    public void Expire_ADecidedCase_IsRefused(string state) =>
        Assert.Equal(RefusalCode.CaseClosed, Refused(InState(state, Counsellor).Expire(null, Now)).Code);
}

using System.Text.Json;
using Platform.Audit.Log;
using Platform.Contracts.Review;

namespace Platform.Audit.Tests;

/// <summary>
/// What the log proves about prior appeals (RAPO): each appeal decision rests on a sanction decision and is taken by a
/// third person, each repayment after an appeal applies a signed appeal decision, and no appeal is left two months
/// without an outcome or an implicit rejection.
/// </summary>
public sealed class AppealVerificationTests : IDisposable
{
    private readonly SanctionScenario scenario = new();
    private readonly LogBuilder log = new();

    public void Dispose() => scenario.Dispose();

    private static Violation Single(VerificationReport report)
    {
        Assert.False(report.Intact);
        return Assert.Single(report.Violations);
    }

    /// <summary>A lawful sanction, proposed, notified, decided and applied; the appeal against it filed on 10 January 2027.</summary>
    private (SanctionDecided Decision, AppealFiled Appeal) SanctionedAndAppealed(string filedOn = "2027-01-10")
    {
        var decision = scenario.Decision();
        log.Add(new SanctionProposed(
            SanctionScenario.ProposalId, SanctionScenario.CaseId, SanctionScenario.FlagId, SanctionScenario.Recipient, decision.RuleId, 30, 1, "2027-02", false,
            decision.ProposedBy, "Heures non déclarées."), "review");
        log.Add(SanctionScenario.Notification(), "review");
        log.Add(decision, "review");
        log.Add(SanctionScenario.Adjustment(decision), "allocations");
        var appeal = SanctionScenario.Appeal(decision, filedOn);
        log.Add(appeal, "review", occurredAt: new DateTimeOffset(2027, 1, 10, 10, 0, 0, TimeSpan.Zero));
        return (decision, appeal);
    }

    [Fact]
    public void Verify_AppealAnnulledByAThirdPersonAndRepaid_IsIntact()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var decided = scenario.AppealDecision(decision, appeal.AppealId);
        log.Add(decided, "review");
        log.Add(SanctionScenario.Repayment(decided), "allocations");

        var report = log.Verify(scenario.Keys);

        Assert.True(report.Intact, string.Join("; ", report.Violations));
    }

    [Theory]
    [InlineData("counsellor-1")]
    [InlineData("supervisor-2")]
    public void Verify_AppealDecidedByTheProposerOrTheApprover_ReportsAppealNotIndependent(string decidedBy)
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var decided = log.Add(scenario.AppealDecision(decision, appeal.AppealId, AppealOutcome.Confirmed, decidedBy), "review");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((decided.Position, ViolationKinds.AppealNotIndependent), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_AppealDecidedByWhoeverProposedTheSanctionInAnEarlierProposal_ReportsAppealNotIndependent()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        log.Add(new SanctionProposed(
            SanctionScenario.ProposalId, SanctionScenario.CaseId, SanctionScenario.FlagId, SanctionScenario.Recipient, decision.RuleId, 30, 1, "2027-02", false,
            "counsellor-7", "Proposition reprise."), "review");
        log.Add(scenario.AppealDecision(decision, appeal.AppealId, AppealOutcome.Confirmed, "counsellor-7"), "review");

        Assert.Equal(ViolationKinds.AppealNotIndependent, Single(log.Verify(scenario.Keys)).Kind);
    }

    [Fact]
    public void Verify_AppealDecisionOnASanctionAbsentFromTheLog_ReportsAppealWithoutDecision()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var elsewhere = decision with { DecisionId = Guid.NewGuid() };
        var decided = log.Add(scenario.AppealDecision(elsewhere, appeal.AppealId, AppealOutcome.Confirmed), "review");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((decided.Position, ViolationKinds.AppealWithoutDecision), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_RepaymentWithoutAnAppealDecision_ReportsIt()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var unsaid = scenario.AppealDecision(decision, appeal.AppealId);
        var repaid = log.Add(SanctionScenario.Repayment(unsaid), "allocations");

        var violations = log.Verify(scenario.Keys).Violations;

        Assert.Contains(violations, v => (v.Position, v.Kind) == (repaid.Position, ViolationKinds.RepaymentWithoutAppealDecision));
    }

    [Fact]
    public void Verify_RepaymentLargerThanTheAppealDecided_ReportsIt()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var reduced = scenario.AppealDecision(decision, appeal.AppealId, AppealOutcome.Reduced);
        log.Add(reduced, "review");
        var repaid = log.Add(SanctionScenario.Repayment(reduced) with { Outcome = AppealOutcome.Annulled, Percent = 0, Months = 0 }, "allocations");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((repaid.Position, ViolationKinds.RepaymentWithoutAppealDecision), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_RepaymentOfAnAppealDecisionAlteredAfterSigning_ReportsBadSignature()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var forged = scenario.AppealDecision(decision, appeal.AppealId, AppealOutcome.Reduced) with { Percent = 0 };
        log.Add(forged, "review");
        var repaid = log.Add(SanctionScenario.Repayment(forged), "allocations");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((repaid.Position, ViolationKinds.BadSignature), (violation.Position, violation.Kind));
    }

    [Fact]
    public void Verify_RepaymentOfAnAppealDecisionSignedWithAnUnknownKey_ReportsBadSignature()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var forged = scenario.AppealDecision(decision, appeal.AppealId, keyId: "someone-else");
        log.Add(forged, "review");
        log.Add(SanctionScenario.Repayment(forged), "allocations");

        Assert.Equal(ViolationKinds.BadSignature, Single(log.Verify(scenario.Keys)).Kind);
    }

    [Fact]
    public void Verify_AppealLeftMoreThanTwoMonthsWithoutOutcome_ReportsAppealUnanswered()
    {
        var (_, appeal) = SanctionedAndAppealed("2027-01-10");
        var filed = log.Entries[^1];
        // Due on 10 March; the sweep has the 11th; on the 12th the log shows nothing.
        log.Add(SanctionScenario.Notification() with { NotificationId = Guid.NewGuid() }, "review", occurredAt: new DateTimeOffset(2027, 3, 12, 9, 0, 0, TimeSpan.Zero));

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((filed.Position, ViolationKinds.AppealUnanswered), (violation.Position, violation.Kind));
        Assert.Contains(appeal.AppealId.ToString(), violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AppealStillWithinItsTwoMonthsOrItsDueDay_IsIntact()
    {
        SanctionedAndAppealed("2027-01-10");
        log.Add(SanctionScenario.Notification() with { NotificationId = Guid.NewGuid() }, "review", occurredAt: new DateTimeOffset(2027, 3, 11, 20, 0, 0, TimeSpan.Zero));

        Assert.True(log.Verify(scenario.Keys).Intact);
    }

    [Fact]
    public void Verify_AppealImplicitlyRejectedOnItsDueDay_IsIntact()
    {
        var (decision, appeal) = SanctionedAndAppealed("2027-01-10");
        log.Add(new AppealImplicitlyRejected(appeal.AppealId, decision.DecisionId, decision.RecipientId, "2027-03-10", "2027-05-10"), "review",
            occurredAt: new DateTimeOffset(2027, 3, 10, 1, 0, 0, TimeSpan.Zero));
        log.Add(SanctionScenario.Notification() with { NotificationId = Guid.NewGuid() }, "review", occurredAt: new DateTimeOffset(2027, 6, 1, 9, 0, 0, TimeSpan.Zero));

        Assert.True(log.Verify(scenario.Keys).Intact);
    }

    [Fact]
    public void Verify_AppealDecidedLongAgo_IsNotUnanswered()
    {
        var (decision, appeal) = SanctionedAndAppealed("2027-01-10");
        log.Add(scenario.AppealDecision(decision, appeal.AppealId, AppealOutcome.Confirmed), "review");
        log.Add(SanctionScenario.Notification() with { NotificationId = Guid.NewGuid() }, "review", occurredAt: new DateTimeOffset(2027, 6, 1, 9, 0, 0, TimeSpan.Zero));

        Assert.True(log.Verify(scenario.Keys).Intact);
    }

    private static DecisionLetterIssued Letter(string kind, Guid? decisionId = null, Guid? proposalId = null, Guid? appealId = null) =>
        new(Guid.NewGuid(), SanctionScenario.Recipient, kind, decisionId, proposalId, appealId);

    [Fact]
    public void Verify_EveryLetterNamingWhatItTellsOf_IsIntact_EvenWhenPublishedJustBeforeItsDecision()
    {
        var decision = scenario.Decision();
        log.Add(SanctionScenario.Notification(), "review");
        log.Add(decision, "review");
        log.Add(Letter(DecisionLetterKind.SanctionApproved, decision.DecisionId, decision.ProposalId), "review");
        log.Add(SanctionScenario.Adjustment(decision), "allocations");
        var rejectedProposal = Guid.NewGuid();
        // In one transaction the review service publishes the letter, then the event it tells of.
        log.Add(Letter(DecisionLetterKind.SanctionRejected, proposalId: rejectedProposal), "review");
        log.Add(new SanctionRejected(rejectedProposal, Guid.NewGuid(), Guid.NewGuid(), decision.RecipientId, "supervisor-2", "Manquement non établi."), "review");
        var appeal = SanctionScenario.Appeal(decision);
        log.Add(Letter(DecisionLetterKind.AppealAcknowledged, appealId: appeal.AppealId), "review");
        log.Add(appeal, "review");
        var decided = scenario.AppealDecision(decision, appeal.AppealId, AppealOutcome.Confirmed);
        log.Add(Letter(DecisionLetterKind.AppealDecided, decided.DecisionId, appealId: appeal.AppealId), "review");
        log.Add(decided, "review");
        var other = SanctionScenario.Appeal(decision with { DecisionId = Guid.NewGuid() });
        log.Add(new AppealImplicitlyRejected(other.AppealId, other.SanctionDecisionId, decision.RecipientId, "2027-03-10", "2027-05-10"), "review");
        log.Add(Letter(DecisionLetterKind.AppealImplicitlyRejected, appealId: other.AppealId), "review");

        var report = log.Verify(scenario.Keys);

        Assert.True(report.Intact, string.Join("; ", report.Violations));
    }

    [Fact]
    public void Verify_LetterNamingADecisionTheLogDoesNotHold_ReportsLetterWithoutDecision()
    {
        var (decision, appeal) = SanctionedAndAppealed();
        var orphan = log.Add(Letter(DecisionLetterKind.SanctionApproved, Guid.NewGuid()), "review");
        // An appeal's outcome letter naming the sanction decision instead of an appeal decision.
        var misnamed = log.Add(Letter(DecisionLetterKind.AppealDecided, decision.DecisionId, appealId: appeal.AppealId), "review");
        var unknown = log.Add(Letter("notice-of-something", decision.DecisionId), "review");

        var report = log.Verify(scenario.Keys);

        Assert.Equal(
            [(orphan.Position, ViolationKinds.LetterWithoutDecision), (misnamed.Position, ViolationKinds.LetterWithoutDecision), (unknown.Position, ViolationKinds.LetterWithoutDecision)],
            report.Violations.Select(v => (v.Position, v.Kind)));
        Assert.Contains("unknown kind", report.Violations[2].Reason, StringComparison.Ordinal);
    }

    /// <summary>The letter of an early ending names the signed ending: intact when the log holds it, reported when not.</summary>
    [Fact]
    public void Verify_SuspensionEndedLetter_NamesTheSignedEnding()
    {
        var (decision, _) = SanctionedAndAppealed();
        var ending = new SuspensionEnded(
            Guid.NewGuid(), decision.DecisionId, decision.RecipientId, "2027-03", "supervisor-3", "Démarches reprises.", null,
            new DateTimeOffset(2027, 2, 10, 10, 0, 0, TimeSpan.Zero), "review-1", "");
        log.Add(Letter(DecisionLetterKind.SuspensionEnded, ending.DecisionId), "review");
        log.Add(ending, "review");
        var orphan = log.Add(Letter(DecisionLetterKind.SuspensionEnded, Guid.NewGuid()), "review");

        var violation = Single(log.Verify(scenario.Keys));

        Assert.Equal((orphan.Position, ViolationKinds.LetterWithoutDecision), (violation.Position, violation.Kind));
    }

    [Fact]
    public void APassStoppedAnywhere_AndResumed_ReportsTheAppealsAsOneWholePass()
    {
        var (decision, appeal) = SanctionedAndAppealed("2027-01-10");
        var second = SanctionScenario.Appeal(decision, "2027-01-20");
        log.Add(Letter(DecisionLetterKind.AppealAcknowledged, appealId: second.AppealId), "review");
        log.Add(Letter(DecisionLetterKind.AppealAcknowledged, appealId: Guid.NewGuid()), "review");
        log.Add(second, "review", occurredAt: new DateTimeOffset(2027, 1, 20, 10, 0, 0, TimeSpan.Zero));
        var forged = scenario.AppealDecision(decision, appeal.AppealId, AppealOutcome.Reduced, decidedBy: "supervisor-2") with { Months = 0 };
        log.Add(forged, "review");
        log.Add(SanctionScenario.Repayment(forged), "allocations");
        log.Add(SanctionScenario.Notification() with { NotificationId = Guid.NewGuid() }, "review", occurredAt: new DateTimeOffset(2027, 4, 1, 9, 0, 0, TimeSpan.Zero));
        var entries = log.Entries;
        var whole = LogBuilder.Verify(entries, scenario.Keys, entries.Count);
        Assert.Equal(
            [ViolationKinds.LetterWithoutDecision, ViolationKinds.AppealUnanswered, ViolationKinds.AppealNotIndependent, ViolationKinds.BadSignature],
            whole.Violations.Select(v => v.Kind));

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

            Assert.Equal(
                whole.Violations.Select(v => (v.Position, v.Kind, v.Reason)).Order(),
                report.Violations.Select(v => (v.Position, v.Kind, v.Reason)).Order());
        }
    }
}

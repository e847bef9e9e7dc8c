using Platform.Audit.Log;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;

namespace Platform.Audit.Tests;

public sealed class RecipientReplayTests
{
    private const string Recipient = SanctionScenario.Recipient;

    private static ReplayView Replay(LogBuilder log, DateTimeOffset at)
    {
        var replay = new RecipientReplay(Recipient, at);
        foreach (var entry in log.Entries)
        {
            replay.Add(entry);
        }

        return replay.Result();
    }

    private static DeclarationSubmitted Declaration(int version, decimal hours) =>
        new(Recipient, "2026-W48", version, [new DeclaredActivity("job-search", new DateOnly(2026, 11, 23), hours, null)], hours, false, LogBuilder.Start);

    [Fact]
    public void Replay_ShowsOnlyWhatHadHappenedAtTheInstant()
    {
        var log = new LogBuilder();
        var t0 = LogBuilder.Start;
        log.Add(Declaration(1, 3m), "declarations", occurredAt: t0);
        var flag = SanctionScenario.Flag(3m) with { RecipientId = Recipient };
        log.Add(flag, "rules", occurredAt: t0.AddHours(1));
        log.Add(Declaration(2, 16m), "declarations", occurredAt: t0.AddHours(2));
        log.Add(new CaseClaimed(SanctionScenario.CaseId, flag.FlagId, Recipient, "counsellor-1"), "review", occurredAt: t0.AddHours(3));
        log.Add(new FlagDismissed(SanctionScenario.CaseId, flag.FlagId, Recipient, flag.RuleId, "counsellor-1", "Heures rattrapées."), "review", occurredAt: t0.AddHours(4));
        log.Add(Declaration(1, 1m) with { RecipientId = "someone-else" }, "declarations", occurredAt: t0.AddHours(1));

        var before = Replay(log, t0.AddMinutes(90));
        var after = Replay(log, t0.AddHours(5));

        var week = Assert.Single(before.Declarations);
        Assert.Equal((1, 3m), (week.Version, week.TotalHours));
        Assert.Equal(FlagState.Open, Assert.Single(before.Flags).State);
        Assert.Empty(before.Cases);

        week = Assert.Single(after.Declarations);
        Assert.Equal((2, 16m), (week.Version, week.TotalHours));
        Assert.Equal([1, 2], week.Versions.Select(v => v.Version));
        Assert.Equal(FlagState.Dismissed, Assert.Single(after.Flags).State);
        var reviewed = Assert.Single(after.Cases);
        Assert.Equal(CaseState.Dismissed, reviewed.State);
        Assert.Equal(["claimed", "dismissed"], reviewed.History.Select(step => step.Step));
        Assert.Equal("counsellor-1", reviewed.ClaimedBy);
    }

    [Fact]
    public void Replay_Allocation_WithholdsOnlyDuringTheAdjustmentsMonths()
    {
        var log = new LogBuilder();
        using var scenario = new SanctionScenario();
        log.Add(new AllocationSet(Recipient, 646.52m, 1, false, "2026-01", "counsellor-1"), "allocations", occurredAt: LogBuilder.Start);
        var decision = scenario.Decision();
        log.Add(new AllocationAdjusted(Guid.NewGuid(), decision.DecisionId, Recipient, 30, 1, "2026-12", 193.96m, SanctionScenario.KeyId), "allocations",
            occurredAt: LogBuilder.Start.AddHours(1));

        var december = Replay(log, new DateTimeOffset(2026, 12, 15, 12, 0, 0, TimeSpan.Zero)).Allocation!;
        var january = Replay(log, new DateTimeOffset(2027, 1, 15, 12, 0, 0, TimeSpan.Zero)).Allocation!;
        var beforeAdjustment = Replay(log, LogBuilder.Start.AddMinutes(30)).Allocation!;

        Assert.Equal(("2026-12", 646.52m, 452.56m), (december.Month, december.BaseAmount, december.AmountDue));
        Assert.Equal(decision.DecisionId, Assert.Single(december.Adjustments).DecisionId);
        Assert.Equal(646.52m, january.AmountDue);
        Assert.Equal(646.52m, beforeAdjustment.AmountDue);
        Assert.Empty(beforeAdjustment.Adjustments);
    }

    /// <summary>
    /// 30 % of 600 € for three months from February, reduced on appeal in March to 10 % for two months: February keeps its
    /// 180 € withheld, March pays back February's 120 € beyond the new share and withholds 60 €, April withholds nothing.
    /// </summary>
    [Fact]
    public void Replay_Allocation_FollowsTheAppealAndItsRepayment()
    {
        var log = new LogBuilder();
        using var scenario = new SanctionScenario();
        log.Add(new AllocationSet(Recipient, 600m, 1, false, "2026-01", "counsellor-1"), "allocations", occurredAt: LogBuilder.Start);
        var decision = scenario.Decision();
        log.Add(new AllocationAdjusted(Guid.NewGuid(), decision.DecisionId, Recipient, 30, 3, "2027-02", 180m, SanctionScenario.KeyId), "allocations",
            occurredAt: LogBuilder.Start.AddHours(1));
        var appealId = Guid.NewGuid();
        log.Add(new AppealRepaid(Guid.NewGuid(), Guid.NewGuid(), appealId, decision.DecisionId, Recipient, AppealOutcome.Reduced, 10, 2, "2027-03", 120m,
            SanctionScenario.KeyId), "allocations", occurredAt: new DateTimeOffset(2027, 3, 10, 10, 0, 0, TimeSpan.Zero));

        AllocationView Month(int month) => Replay(log, new DateTimeOffset(2027, month, 15, 12, 0, 0, TimeSpan.Zero)).Allocation!;

        Assert.Equal(420m, Month(2).AmountDue);
        var march = Month(3);
        Assert.Equal(600m - 60m + 120m, march.AmountDue);
        Assert.Equal((decision.DecisionId, 120m, (Guid?)appealId), (Assert.Single(march.Repayments).DecisionId, march.Repayments[0].Amount, march.Repayments[0].AppealId));
        Assert.Equal(600m, Month(4).AmountDue);
    }

    [Fact]
    public void Replay_ShowsTheCommissionsOpinion_OnceRecorded()
    {
        var log = new LogBuilder();
        using var scenario = new SanctionScenario();
        var decision = scenario.Decision();
        var filedAt = new DateTimeOffset(2027, 1, 10, 10, 0, 0, TimeSpan.Zero);
        log.Add(decision, "review", occurredAt: filedAt.AddDays(-20));
        var appeal = SanctionScenario.Appeal(decision, "2027-01-10");
        log.Add(appeal, "review", occurredAt: filedAt);
        log.Add(new AppealCommissionOpinionRecorded(appeal.AppealId, decision.DecisionId, Recipient, "Avis favorable à l'annulation.", "supervisor-3"), "review",
            occurredAt: filedAt.AddDays(7));

        Assert.Null(Assert.Single(Replay(log, filedAt.AddDays(1)).Appeals).CommissionOpinion);
        var opinion = Assert.Single(Replay(log, filedAt.AddDays(8)).Appeals).CommissionOpinion;
        Assert.Equal(("Avis favorable à l'annulation.", "supervisor-3"), (opinion!.Opinion, opinion.RecordedBy));
    }

    [Fact]
    public void Replay_ShowsTheAppealsAsTheyStoodAtTheInstant()
    {
        var log = new LogBuilder();
        using var scenario = new SanctionScenario();
        var decision = scenario.Decision();
        var filedAt = new DateTimeOffset(2027, 1, 10, 10, 0, 0, TimeSpan.Zero);
        log.Add(decision, "review", occurredAt: filedAt.AddDays(-20));
        var appeal = SanctionScenario.Appeal(decision, "2027-01-10") with { Late = true, Channel = "paper", FiledBy = "counsellor-9" };
        log.Add(appeal, "review", occurredAt: filedAt);
        log.Add(new AppealImplicitlyRejected(appeal.AppealId, decision.DecisionId, Recipient, "2027-03-10", "2027-05-10"), "review",
            occurredAt: new DateTimeOffset(2027, 3, 10, 1, 0, 0, TimeSpan.Zero));
        var annulled = scenario.AppealDecision(decision, appeal.AppealId) with { DecidedAt = new DateTimeOffset(2027, 3, 20, 9, 0, 0, TimeSpan.Zero) };
        log.Add(annulled, "review", occurredAt: annulled.DecidedAt);
        log.Add(SanctionScenario.Repayment(annulled), "allocations", occurredAt: annulled.DecidedAt.AddMinutes(1));
        log.Add(SanctionScenario.Appeal(decision) with { RecipientId = "someone-else" }, "review", occurredAt: filedAt);

        Assert.Empty(Replay(log, filedAt.AddMinutes(-1)).Appeals);

        var filed = Assert.Single(Replay(log, filedAt.AddDays(1)).Appeals);
        Assert.Equal(
            (appeal.AppealId, decision.DecisionId, AppealState.Filed, true, "paper", "counsellor-9", "2027-01-10", "2027-03-10"),
            (filed.AppealId, filed.SanctionDecisionId, filed.State, filed.Late, filed.Channel, filed.FiledBy, filed.FiledOn, filed.ImplicitRejectionOn));
        Assert.Null(filed.Outcome);
        Assert.Null(filed.ImplicitRejection);

        var rejected = Assert.Single(Replay(log, new DateTimeOffset(2027, 3, 15, 0, 0, 0, TimeSpan.Zero)).Appeals);
        Assert.Equal((AppealState.ImplicitlyRejected, "2027-05-10"), (rejected.State, rejected.ImplicitRejection?.TribunalBy));
        Assert.Null(rejected.Outcome);

        var decided = Assert.Single(Replay(log, new DateTimeOffset(2027, 4, 1, 0, 0, 0, TimeSpan.Zero)).Appeals);
        Assert.Equal(
            (AppealState.Decided, AppealOutcome.Annulled, "instructor-3", annulled.DecidedAt),
            (decided.State, decided.Outcome?.Outcome, decided.Outcome?.DecidedBy, decided.Outcome?.DecidedAt));
        Assert.NotNull(decided.ImplicitRejection);
        Assert.Equal((annulled.DecisionId, 193.96m), (decided.Repayment?.AppealDecisionId, decided.Repayment?.AmountRepaid));
    }
}

using Platform.Rules.Calendar;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Allocations.Allocation;
using Platform.Allocations.Decisions;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.Rules.Sanctions;
using Platform.ServiceDefaults.Data;

namespace Platform.Allocations.Messaging;

/// <summary>
/// Applies a sanction decision only when it was published by the review service's broker user and
/// <see cref="DecisionPolicy"/> finds it signed, untouched, new and lawful;
/// anything else changes nothing and is published as <see cref="AdjustmentRejected"/> for the audit log.
/// The same message delivered twice is stopped by the inbox; the same decision under another message id by its id.
/// </summary>
public sealed class SanctionDecidedConsumer(
    ServiceDatabase database,
    DecisionVerifier verifier,
    IOptions<ReviewPublisherOptions> publisher,
    TimeProvider time,
    ILogger<SanctionDecidedConsumer> logger) : IConsumer<SanctionDecided>
{
    public async Task Consume(ConsumeContext<SanctionDecided> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decision = context.Message;
        await using var work = await database.BeginOnceAsync(nameof(SanctionDecidedConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        var recipientId = decision.RecipientId ?? "";
        await DecisionRecords.LockRecipientAsync(work, recipientId);
        var alreadyApplied = await work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM adjustments WHERE decision_id = @DecisionId)", new { decision.DecisionId }, work.Transaction);
        var earlier = await work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM adjustments WHERE recipient_id = @recipientId AND decided_at < @DecidedAt)",
            new { recipientId, decision.DecidedAt },
            work.Transaction);
        var history = await AllocationLedger.HistoryAsync(work.Connection, recipientId, work.Transaction);
        var inForce = Months.TryParse(decision.StartMonth, out var startMonth) ? AllocationLedger.InForce(history, startMonth) : null;
        var household = inForce is null ? null : new HouseholdFacts(inForce.MonthlyBaseAmount, inForce.HouseholdSize, inForce.LoneParentIncrease);

        var now = time.GetUtcNow();
        // Against the cap, each other suspension counts month by month at the share its ledger withholds (a reduction at
        // its reduced share, an ended one not after its end); one annulled on appeal counts for nothing at all.
        var others = (await work.Connection.QueryAsync<AdjustmentRow>(
            $"{AdjustmentRow.Select} WHERE recipient_id = @recipientId AND decision_id <> @DecisionId", new { recipientId, decision.DecisionId }, work.Transaction))
            .Where(row => !row.Annulled)
            .ToList();
        var facts = (await work.Connection.QueryAsync<AppliedRow>(
            "SELECT decision_id, decided_at, breach_first_week, breach_last_week FROM adjustments WHERE recipient_id = @recipientId",
            new { recipientId },
            work.Transaction)).ToDictionary(row => row.DecisionId);
        var applied = others.SelectMany(row => facts[row.DecisionId].MonthByMonth(row, row.Ledger(history))).ToList();
        int Ceiling(DateOnly month) =>
            (AllocationLedger.InForce(history, month) ?? inForce) is { } allocation
                ? SanctionBounds.PercentCeiling(allocation.HouseholdSize, allocation.LoneParentIncrease)
                : SanctionBounds.HouseholdCapPercent;

        var refusal = DecisionPolicy.CheckPublisher(Publisher.ValidatedUserId(context), publisher.Value.UserId)
            ?? DecisionPolicy.Evaluate(decision, verifier, household, earlier, alreadyApplied)
            ?? DecisionPolicy.CheckSchedule(decision, applied, Ceiling, SanctionSchedule.DefaultRepeatDelay);
        if (refusal is not null)
        {
            await DecisionRecords.RefuseAsync(work, decision.DecisionId, recipientId, refusal, now);
            await work.CommitAsync(context.CancellationToken);
            logger.LogWarning("Refused sanction decision {DecisionId}: {ReasonCode}", decision.DecisionId, refusal.ReasonCode);
            return;
        }

        var adjustmentId = Guid.CreateVersion7(now);
        var withheld = AllocationLedger.Withheld(household!.MonthlyBaseAmount, decision.Percent);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO adjustments (adjustment_id, decision_id, proposal_id, recipient_id, percent, months, from_month, monthly_amount_withheld,
                                     key_id, proposed_by, approved_by, decided_at, applied_at, breach_first_week, breach_last_week)
            VALUES (@adjustmentId, @DecisionId, @ProposalId, @RecipientId, @Percent, @Months, @StartMonth, @withheld,
                    @KeyId, @ProposedBy, @ApprovedBy, @DecidedAt, @now, @BreachFirstWeek, @BreachLastWeek)
            """,
            new
            {
                adjustmentId, decision.DecisionId, decision.ProposalId, decision.RecipientId, decision.Percent, decision.Months, decision.StartMonth,
                withheld, decision.KeyId, decision.ProposedBy, decision.ApprovedBy, decision.DecidedAt, now, decision.BreachFirstWeek,
                decision.BreachLastWeek,
            },
            work.Transaction);
        work.Publish(new AllocationAdjusted(
            adjustmentId, decision.DecisionId, recipientId, decision.Percent, decision.Months, decision.StartMonth, withheld, decision.KeyId)
        {
            OccurredAt = now,
        });
        await work.CommitAsync(context.CancellationToken);
        logger.LogInformation("Applied sanction decision {DecisionId} signed with key {KeyId}", decision.DecisionId, decision.KeyId);
    }
}

/// <summary>What the bounds of the next decision need of an applied suspension besides its ledger.</summary>
internal sealed record AppliedRow(Guid DecisionId, DateTimeOffset DecidedAt, string? BreachFirstWeek, string? BreachLastWeek)
{
    /// <summary>The suspension as one-month pieces, each at the share its ledger withholds that month.</summary>
    public IEnumerable<Suspension> MonthByMonth(AdjustmentRow row, SuspensionLedger ledger)
    {
        var breach = BreachPeriod.TryParse(BreachFirstWeek, BreachLastWeek, out var period) ? period : (BreachPeriod?)null;
        for (var month = row.First; month <= row.Last; month = month.AddMonths(1))
        {
            yield return new Suspension(ledger.ShareIn(month), month, 1, DecidedAt, breach);
        }
    }
}

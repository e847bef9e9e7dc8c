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
        var applied = (await work.Connection.QueryAsync<AppliedRow>(
            """
            SELECT COALESCE(appeal_percent, percent) AS percent, from_month, COALESCE(appeal_months, months) AS months, decided_at, breach_first_week,
                   breach_last_week, lifted_from_month
            FROM adjustments WHERE recipient_id = @recipientId AND decision_id <> @DecisionId AND (appeal_months IS NULL OR appeal_months > 0)
            """,
            new { recipientId, decision.DecisionId },
            work.Transaction)).Select(row => row.ToSuspension()).ToList();
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

/// <summary>An applied suspension as the bounds of the next decision need it.</summary>
internal sealed record AppliedRow(
    int Percent, string FromMonth, int Months, DateTimeOffset DecidedAt, string? BreachFirstWeek, string? BreachLastWeek, string? LiftedFromMonth)
{
    public Suspension ToSuspension() => new(
        Percent,
        Platform.Rules.Calendar.Months.TryParse(FromMonth, out var first) ? first : default,
        Months,
        DecidedAt,
        BreachPeriod.TryParse(BreachFirstWeek, BreachLastWeek, out var breach) ? breach : null,
        Platform.Rules.Calendar.Months.TryParse(LiftedFromMonth, out var lifted) ? lifted : null);
}

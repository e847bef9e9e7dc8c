using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Allocations.Allocation;
using Platform.Allocations.Decisions;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Data;

namespace Platform.Allocations.Messaging;

/// <summary>
/// Applies a decision on a prior appeal only when <see cref="AppealPolicy"/> finds it published by the review service's
/// broker user, signed by a known review key, untouched, new, taken by a third person and within the suspension it
/// corrects. Reduced or annulled: from the decision's month the suspension withholds only what the appeal left, and what
/// the months before withheld beyond it is paid back, naming the appeal (<see cref="AppealRepaid"/>). Confirmed: nothing
/// moves. Anything else changes nothing and is published as <see cref="AdjustmentRejected"/> for the audit log.
/// </summary>
public sealed class AppealDecidedConsumer(
    ServiceDatabase database,
    DecisionVerifier verifier,
    IOptions<ReviewPublisherOptions> publisher,
    TimeProvider time,
    ILogger<AppealDecidedConsumer> logger) : IConsumer<AppealDecided>
{
    public async Task Consume(ConsumeContext<AppealDecided> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decision = context.Message;
        await using var work = await database.BeginOnceAsync(nameof(AppealDecidedConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        var recipientId = decision.RecipientId ?? "";
        await DecisionRecords.LockRecipientAsync(work, recipientId);
        var alreadyApplied = await work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM appeal_repayments WHERE appeal_decision_id = @DecisionId)", new { decision.DecisionId }, work.Transaction);
        var suspension = await work.Connection.QuerySingleOrDefaultAsync<AdjustmentRow>(
            $"{AdjustmentRow.Select} WHERE decision_id = @SanctionDecisionId AND recipient_id = @recipientId",
            new { decision.SanctionDecisionId, recipientId },
            work.Transaction);
        var people = await work.Connection.QuerySingleOrDefaultAsync<DecisionPeople>(
            "SELECT proposed_by, approved_by FROM adjustments WHERE decision_id = @SanctionDecisionId AND recipient_id = @recipientId",
            new { decision.SanctionDecisionId, recipientId },
            work.Transaction);

        var now = time.GetUtcNow();
        var refusal = DecisionPolicy.CheckPublisher(Publisher.ValidatedUserId(context), publisher.Value.UserId)
            ?? AppealPolicy.Evaluate(decision, verifier, suspension, people, alreadyApplied);
        if (refusal is not null)
        {
            await DecisionRecords.RefuseAsync(work, decision.DecisionId, recipientId, refusal, now);
            await work.CommitAsync(context.CancellationToken);
            logger.LogWarning("Refused appeal decision {DecisionId}: {ReasonCode}", decision.DecisionId, refusal.ReasonCode);
            return;
        }

        if (decision.Outcome == AppealOutcome.Confirmed)
        {
            await work.CommitAsync(context.CancellationToken);
            logger.LogInformation("Appeal decision {DecisionId} confirms sanction {SanctionDecisionId}: nothing changes", decision.DecisionId, decision.SanctionDecisionId);
            return;
        }

        var from = AppealPolicy.FromMonth(decision);
        var history = await AllocationLedger.HistoryAsync(work.Connection, recipientId, work.Transaction);
        var repaid = suspension!.Ledger(history, new AppealDecision(from, decision.Percent, decision.Months)).Repayments[^1];
        var fromMonth = Months.Format(from);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO appeal_repayments (appeal_decision_id, appeal_id, sanction_decision_id, recipient_id, outcome, percent, months, from_month,
                                           decided_by, decided_at, key_id, amount_repaid, applied_at)
            VALUES (@DecisionId, @AppealId, @SanctionDecisionId, @RecipientId, @Outcome, @Percent, @Months, @fromMonth,
                    @DecidedBy, @DecidedAt, @KeyId, @repaid, @now);
            UPDATE adjustments SET appeal_id = @AppealId, appeal_percent = @Percent, appeal_months = @Months, appeal_from_month = @fromMonth,
                                   appeal_applied_at = @now, appeal_repaid = @repaid
            WHERE decision_id = @SanctionDecisionId;
            """,
            new
            {
                decision.DecisionId, decision.AppealId, decision.SanctionDecisionId, decision.RecipientId, decision.Outcome, decision.Percent, decision.Months,
                fromMonth, decision.DecidedBy, decision.DecidedAt, decision.KeyId, repaid, now,
            },
            work.Transaction);
        var repaymentId = Guid.CreateVersion7(now);
        work.Publish(new AppealRepaid(
            repaymentId, decision.DecisionId, decision.AppealId, decision.SanctionDecisionId, recipientId, decision.Outcome, decision.Percent, decision.Months,
            fromMonth, repaid, decision.KeyId)
        {
            OccurredAt = now,
        });
        await work.CommitAsync(context.CancellationToken);
        logger.LogInformation("Applied appeal decision {DecisionId} ({Outcome}) to sanction {SanctionDecisionId}, signed with key {KeyId}",
            decision.DecisionId, decision.Outcome, decision.SanctionDecisionId, decision.KeyId);
    }
}

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
/// Ends a suspension early and pays back what it withheld, only when <see cref="SuspensionEndingPolicy"/> finds the
/// decision published by the review service's broker user, signed by a known review key, untouched, new and within
/// the suspension. Anything else changes nothing and is published as <see cref="AdjustmentRejected"/> for the audit log.
/// </summary>
public sealed class SuspensionEndedConsumer(
    ServiceDatabase database,
    DecisionVerifier verifier,
    IOptions<ReviewPublisherOptions> publisher,
    TimeProvider time,
    ILogger<SuspensionEndedConsumer> logger) : IConsumer<SuspensionEnded>
{
    public async Task Consume(ConsumeContext<SuspensionEnded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decision = context.Message;
        await using var work = await database.BeginOnceAsync(nameof(SuspensionEndedConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        var recipientId = decision.RecipientId ?? "";
        await DecisionRecords.LockRecipientAsync(work, recipientId);
        var alreadyApplied = await work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM suspension_endings WHERE decision_id = @DecisionId)", new { decision.DecisionId }, work.Transaction);
        var suspension = await work.Connection.QuerySingleOrDefaultAsync<AdjustmentRow>(
            $"{AdjustmentRow.Select} WHERE decision_id = @SanctionDecisionId AND recipient_id = @recipientId",
            new { decision.SanctionDecisionId, recipientId },
            work.Transaction);

        var now = time.GetUtcNow();
        var refusal = DecisionPolicy.CheckPublisher(Publisher.ValidatedUserId(context), publisher.Value.UserId)
            ?? SuspensionEndingPolicy.Evaluate(decision, verifier, suspension, alreadyApplied);
        if (refusal is not null)
        {
            await DecisionRecords.RefuseAsync(work, decision.DecisionId, recipientId, refusal, now);
            await work.CommitAsync(context.CancellationToken);
            logger.LogWarning("Refused suspension ending {DecisionId}: {ReasonCode}", decision.DecisionId, refusal.ReasonCode);
            return;
        }

        var from = Months.TryParse(decision.FromMonth, out var month) ? month : throw new InvalidOperationException("Checked by the policy.");
        var history = await AllocationLedger.HistoryAsync(work.Connection, recipientId, work.Transaction);
        var repaid = suspension!.Ledger(history, new EndingDecision(from, Months.Of(decision.DecidedAt))).Repayments[^1];
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO suspension_endings (decision_id, sanction_decision_id, recipient_id, from_month, decided_by, reason, statement_id,
                                            decided_at, key_id, amount_repaid, applied_at)
            VALUES (@DecisionId, @SanctionDecisionId, @RecipientId, @FromMonth, @DecidedBy, @Reason, @StatementId,
                    @DecidedAt, @KeyId, @repaid, @now);
            UPDATE adjustments SET lifted_from_month = @FromMonth, lifted_at = @now, lifted_decided_month = @decidedIn, amount_repaid = @repaid WHERE decision_id = @SanctionDecisionId;
            """,
            new
            {
                decision.DecisionId, decision.SanctionDecisionId, decision.RecipientId, decision.FromMonth, decision.DecidedBy, decision.Reason,
                decision.StatementId, decision.DecidedAt, decision.KeyId, repaid, now, decidedIn = Months.Format(Months.Of(decision.DecidedAt)),
            },
            work.Transaction);
        work.Publish(new SuspensionLifted(
            suspension!.AdjustmentId, suspension.DecisionId, recipientId, decision.FromMonth, repaid, decision.DecisionId, decision.KeyId)
        {
            OccurredAt = now,
        });
        await work.CommitAsync(context.CancellationToken);
        logger.LogInformation("Ended suspension {SanctionDecisionId} by decision {DecisionId} signed with key {KeyId}",
            decision.SanctionDecisionId, decision.DecisionId, decision.KeyId);
    }
}

using Platform.Rules.Calendar;
using Dapper;
using MassTransit;
using Platform.Allocations.Allocation;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.ServiceDefaults.Data;

namespace Platform.Allocations.Messaging;

/// <summary>
/// CASF R262-68: a suspension ends when the person updates their engagement, and what was withheld is paid back.
/// Every suspension in force this month is lifted from this month on; the months already withheld are repaid
/// with this month's allocation.
/// </summary>
public sealed class EngagementSetConsumer(ServiceDatabase database, TimeProvider time) : IConsumer<EngagementSet>
{
    public async Task Consume(ConsumeContext<EngagementSet> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var recipientId = context.Message.RecipientId ?? "";
        await using var work = await database.BeginOnceAsync(nameof(EngagementSetConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        await work.Connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('allocation:' || @recipientId, 0))", new { recipientId }, work.Transaction);
        var now = time.GetUtcNow();
        var thisMonth = Months.Of(now);
        var history = await AllocationLedger.HistoryAsync(work.Connection, recipientId, work.Transaction);
        var active = (await work.Connection.QueryAsync<AdjustmentRow>(
                $"{AdjustmentRow.Select} WHERE recipient_id = @recipientId AND lifted_from_month IS NULL", new { recipientId }, work.Transaction))
            .Where(adjustment => adjustment.Covers(thisMonth))
            .ToList();
        foreach (var adjustment in active)
        {
            var repaid = 0m;
            for (var month = adjustment.First; month < thisMonth; month = month.AddMonths(1))
            {
                repaid += AllocationLedger.InForce(history, month) is { } allocation
                    ? AllocationLedger.Withheld(allocation.MonthlyBaseAmount, adjustment.Percent)
                    : 0m;
            }

            var liftedFrom = Months.Format(thisMonth);
            await work.Connection.ExecuteAsync(
                "UPDATE adjustments SET lifted_from_month = @liftedFrom, lifted_at = @now, amount_repaid = @repaid WHERE adjustment_id = @AdjustmentId",
                new { liftedFrom, now, repaid, adjustment.AdjustmentId },
                work.Transaction);
            work.Publish(new SuspensionLifted(adjustment.AdjustmentId, adjustment.DecisionId, recipientId, liftedFrom, repaid) { OccurredAt = now });
        }

        await work.CommitAsync(context.CancellationToken);
    }
}

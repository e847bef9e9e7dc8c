using Dapper;
using MassTransit;
using Platform.Contracts.Rules;
using Platform.Review.Cases;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Messaging;

/// <summary>
/// A withdrawn flag closes its case in the recipient's favour and voids a pending proposal. A case already
/// decided by people stays as they decided it.
/// </summary>
public sealed class FlagWithdrawnConsumer(ServiceDatabase database, TimeProvider time) : IConsumer<FlagWithdrawn>
{
    public async Task Consume(ConsumeContext<FlagWithdrawn> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var flag = context.Message;
        await using var work = await database.BeginOnceAsync(nameof(FlagWithdrawnConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        var row = await CaseStore.FindByFlagAsync(work.Connection, flag.FlagId, work.Transaction, forUpdate: true);
        if (row is not null && row.IsUndecided)
        {
            var now = time.GetUtcNow();
            await work.Connection.ExecuteAsync(
                "UPDATE proposals SET state = 'withdrawn', decided_at = @now WHERE case_id = @CaseId AND state = 'pending'",
                new { now, row.CaseId },
                work.Transaction);
            await CaseStore.SetStateAsync(work.Connection, work.Transaction, row.CaseId, CaseStates.Withdrawn, row.ClaimedBy, now);
            await CaseStore.AddHistoryAsync(work.Connection, work.Transaction, row.CaseId, now, "withdrawn", "rules", flag.Reason?.Fr);
        }

        await work.CommitAsync(context.CancellationToken);
    }
}

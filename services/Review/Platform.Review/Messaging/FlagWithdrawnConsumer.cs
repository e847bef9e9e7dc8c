using MassTransit;
using Platform.Contracts.Rules;
using Platform.Review.Stores;
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

        if (await ReviewLocks.CaseOfFlagAsync(work, flag.FlagId) is { IsUndecided: true } found)
        {
            var pending = await ReviewLocks.PendingProposalAsync(work, found);
            if (found.Withdraw(pending, flag.Reason?.Fr, time.GetUtcNow()).Change is { } change)
            {
                await ReviewChanges.SaveAsync(work, change);
            }
        }

        await work.CommitAsync(context.CancellationToken);
    }
}

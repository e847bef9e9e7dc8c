using MassTransit;
using Platform.Contracts.Rules;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Messaging;

/// <summary>
/// A withdrawn flag closes its case in the recipient's favour and voids a pending proposal. A case already
/// decided by people stays as they decided it. A withdrawal of a flag not yet consumed is recorded, and the flag opens
/// its case already withdrawn when it arrives (see <see cref="FlagRaisedConsumer"/>).
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

        await WithdrawnFlagStore.LockFlagAsync(work, flag.FlagId);
        var found = await ReviewLocks.CaseOfFlagAsync(work, flag.FlagId);
        if (found is null)
        {
            await WithdrawnFlagStore.RecordAsync(work, flag.FlagId, flag.RecipientId ?? "", flag.Reason?.Fr, time.GetUtcNow());
        }
        else if (found.IsUndecided)
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

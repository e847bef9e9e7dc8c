using MassTransit;
using Platform.Contracts.Allocations;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Messaging;

/// <summary>
/// Learns the household facts the 50 % cap of CASF R262-68-6 depends on; the allocations service owns them. Statements
/// are ordered by the allocations service's producer sequence, not by arrival: an older one never overwrites a newer one.
/// </summary>
public sealed class AllocationSetConsumer(ServiceDatabase database, TimeProvider time) : IConsumer<AllocationSet>
{
    public async Task Consume(ConsumeContext<AllocationSet> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var set = context.Message;
        await using var work = await database.BeginOnceAsync(nameof(AllocationSetConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        // An older statement consumed after a newer one changes neither the household nor the amount.
        if (await HouseholdStore.SetAsync(work, set.RecipientId, new Household(set.HouseholdSize, set.LoneParentIncrease), set.ProducerSequence, time.GetUtcNow()))
        {
            await HouseholdStore.SetBaseAmountAsync(work, set.RecipientId, set.MonthlyBaseAmount);
        }

        await work.CommitAsync(context.CancellationToken);
    }
}

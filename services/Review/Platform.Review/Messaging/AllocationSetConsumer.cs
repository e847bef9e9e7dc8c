using Dapper;
using MassTransit;
using Platform.Contracts.Allocations;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Messaging;

/// <summary>Learns the household facts the 50 % cap of CASF R262-68 depends on; the allocations service owns them.</summary>
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

        await work.Connection.ExecuteAsync(
            """
            INSERT INTO households (recipient_id, household_size, lone_parent_increase, updated_at)
            VALUES (@RecipientId, @HouseholdSize, @LoneParentIncrease, @now)
            ON CONFLICT (recipient_id) DO UPDATE
            SET household_size = excluded.household_size, lone_parent_increase = excluded.lone_parent_increase, updated_at = excluded.updated_at
            """,
            new { set.RecipientId, set.HouseholdSize, set.LoneParentIncrease, now = time.GetUtcNow() },
            work.Transaction);
        await work.CommitAsync(context.CancellationToken);
    }
}

using MassTransit;
using Platform.Contracts.Declarations;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Departements;

/// <summary>
/// Keeps a service's copy of each recipient's département from the declarations service's events, so that its agent
/// routes answer only the agents of that département (<see cref="DepartementScopeMiddleware"/>).
/// </summary>
public sealed class RecipientPlacementConsumer(ServiceDatabase database) : IConsumer<EngagementSet>, IConsumer<RecipientTransferred>
{
    public Task Consume(ConsumeContext<EngagementSet> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var engagement = context.Message;
        // Engagements set before départements existed carry none: the recipient stays unplaced (national agents only).
        return engagement.Departement is null
            ? Task.CompletedTask
            : PlaceAsync(context, engagement.RecipientId, engagement.Departement, engagement.ProducerSequence, engagement.OccurredAt);
    }

    public Task Consume(ConsumeContext<RecipientTransferred> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var transfer = context.Message;
        return PlaceAsync(context, transfer.RecipientId, transfer.ToDepartement, transfer.ProducerSequence, transfer.OccurredAt);
    }

    private async Task PlaceAsync(ConsumeContext context, string recipientId, string departement, long sequence, DateTimeOffset since)
    {
        await using var work = await database.BeginOnceAsync(nameof(RecipientPlacementConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        await RecipientPlacements.PlaceAsync(work, recipientId, departement, sequence, since);
        await work.CommitAsync(context.CancellationToken);
    }
}

using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Rules;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Messaging;

/// <summary>Opens one case per flag, keeping the flag exactly as raised. A flag seen twice opens one case.</summary>
public sealed class FlagRaisedConsumer(ServiceDatabase database, TimeProvider time, IOptions<ReviewOptions> options, ILogger<FlagRaisedConsumer> logger)
    : IConsumer<FlagRaised>
{
    public async Task Consume(ConsumeContext<FlagRaised> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var flag = context.Message;
        await using var work = await database.BeginOnceAsync(nameof(FlagRaisedConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var opened = Case.Open(flag, Guid.CreateVersion7(now), now, options.Value.CaseExpiry);
        if (await CaseStore.InsertAsync(work, opened.Case))
        {
            await CaseStore.AddHistoryAsync(work, opened.History);
            logger.LogInformation("Opened case {CaseId} for flag {FlagId} of rule {RuleId}", opened.Case.CaseId, flag.FlagId, flag.RuleId);
        }

        await work.CommitAsync(context.CancellationToken);
    }
}

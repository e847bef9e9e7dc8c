using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Rules;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Messaging;

/// <summary>
/// Opens one case per flag, keeping the flag exactly as raised. A flag seen twice opens one case. A flag whose
/// withdrawal was consumed first opens its case already withdrawn, in one transaction: it is never live in the queue,
/// and its history shows it was raised and withdrawn, as in-order delivery would have left it.
/// </summary>
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
        await WithdrawnFlagStore.LockFlagAsync(work, flag.FlagId);
        var opened = Case.Open(flag, Guid.CreateVersion7(now), now, options.Value.CaseExpiry);
        if (await CaseStore.InsertAsync(work, opened.Case))
        {
            await CaseStore.AddHistoryAsync(work, opened.History);
            if (await WithdrawnFlagStore.FindAsync(work, flag.FlagId) is { } withdrawal
                && opened.Case.Withdraw(null, withdrawal.ReasonFr, now).Change is { } withdrawn)
            {
                await ReviewChanges.SaveAsync(work, withdrawn);
                logger.LogInformation("Flag {FlagId} of rule {RuleId} was withdrawn before it arrived: case {CaseId} opened withdrawn",
                    flag.FlagId, flag.RuleId, opened.Case.CaseId);
            }
            else
            {
                logger.LogInformation("Opened case {CaseId} for flag {FlagId} of rule {RuleId}", opened.Case.CaseId, flag.FlagId, flag.RuleId);
            }
        }

        await work.CommitAsync(context.CancellationToken);
    }
}

using MassTransit;
using Platform.Contracts.Declarations;
using Platform.RuleEngine.Flags;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.ServiceDefaults.Data;

namespace Platform.RuleEngine.Messaging;

/// <summary>
/// Keeps each accepted justified absence (a motif légitime excuses its weeks, CASF R262-68-6) and re-runs the rules on
/// its weeks and the three after them, whose repeated-shortfall window they belong to: an open flag of a covered week is
/// withdrawn, in the person's favour, with the absence named. A refused absence changes nothing. A redelivery has no
/// second effect.
/// </summary>
public sealed class AbsenceDecidedConsumer(ServiceDatabase database, ILogger<AbsenceDecidedConsumer> logger) : IConsumer<AbsenceDecided>
{
    public async Task Consume(ConsumeContext<AbsenceDecided> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        if (string.IsNullOrWhiteSpace(message.RecipientId) || message.AbsenceId == Guid.Empty
            || !IsoWeek.TryParse(message.FromWeek, out var from) || !IsoWeek.TryParse(message.ToWeek, out var to) || to < from)
        {
            throw new InvalidEventException("AbsenceDecided without a recipient, an absence id or a valid span of weeks.");
        }

        await using var work = await database.BeginOnceAsync(nameof(AbsenceDecidedConsumer), context.MessageId!.Value, cancellationToken);
        if (work is null)
        {
            return;
        }

        var changes = 0;
        if (message.Accepted)
        {
            await FlagBook.LockRecipientAsync(work, message.RecipientId, cancellationToken);
            var stored = await FlagBook.KeepAbsenceAsync(work, message.AbsenceId, message.RecipientId, from, to, cancellationToken);
            if (stored)
            {
                var weeks = Enumerable.Range(0, from.WeeksUntil(to) + 1 + RepeatedShortfall.WeeksLookedBack).Select(from.AddWeeks);
                changes = await FlagBook.ReconcileAsync(work, message.RecipientId, weeks, cancellationToken);
            }
        }

        await work.CommitAsync(cancellationToken);
        logger.LogInformation("Absence decision processed (accepted: {Accepted}, {Changes} flag changes)", message.Accepted, changes);
    }
}

using MassTransit;
using Platform.Contracts.Declarations;
using Platform.Review.Stores;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Absences;

/// <summary>
/// Keeps the weeks of each accepted justified absence, so that a sanction resting on one of them is refused, when it is
/// proposed and when it is approved (even if the absence was accepted after the proposal).
/// A refused absence changes nothing; a redelivery has no second effect. Open flags of covered weeks are withdrawn by
/// the rules service, whose <c>FlagWithdrawn</c> closes their cases here.
/// </summary>
public sealed class AbsenceDecidedConsumer(ServiceDatabase database, ILogger<AbsenceDecidedConsumer> logger) : IConsumer<AbsenceDecided>
{
    public async Task Consume(ConsumeContext<AbsenceDecided> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var absence = context.Message;
        if (string.IsNullOrWhiteSpace(absence.RecipientId) || absence.AbsenceId == Guid.Empty
            || !IsoWeek.TryParse(absence.FromWeek, out var from) || !IsoWeek.TryParse(absence.ToWeek, out var to) || to < from)
        {
            throw new InvalidOperationException("AbsenceDecided without a recipient, an absence id or a valid span of weeks.");
        }

        await using var work = await database.BeginOnceAsync(nameof(AbsenceDecidedConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        if (absence.Accepted
            && await AcceptedAbsenceStore.KeepAsync(work, absence.AbsenceId, absence.RecipientId, from.ToString(), to.ToString()))
        {
            logger.LogInformation("Accepted absence {AbsenceId} kept: proposals on its weeks are refused", absence.AbsenceId);
        }

        await work.CommitAsync(context.CancellationToken);
    }
}

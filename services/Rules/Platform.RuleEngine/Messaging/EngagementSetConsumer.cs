using Dapper;
using MassTransit;
using Platform.Contracts.Declarations;
using Platform.Rules.Calendar;
using Platform.RuleEngine.Flags;
using Platform.ServiceDefaults.Data;

namespace Platform.RuleEngine.Messaging;

/// <summary>
/// Keeps each engagement by starting week. A change re-runs the rules on every week from then on that has a
/// declaration or an open flag, so a corrected engagement withdraws what it makes untrue. An older EngagementSet
/// (lower producer sequence) arriving after a newer one for the same starting week changes nothing.
/// </summary>
public sealed class EngagementSetConsumer(ServiceDatabase database, ILogger<EngagementSetConsumer> logger) : IConsumer<EngagementSet>
{
    public async Task Consume(ConsumeContext<EngagementSet> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        if (string.IsNullOrWhiteSpace(message.RecipientId) || !IsoWeek.TryParse(message.FromWeek, out var fromWeek)
            || message.HoursPerWeek is < 0 or > 168)
        {
            throw new InvalidEventException("EngagementSet without a recipient, a valid starting week or plausible hours.");
        }

        await using var work = await database.BeginOnceAsync(nameof(EngagementSetConsumer), context.MessageId!.Value, cancellationToken);
        if (work is null)
        {
            return;
        }

        await FlagBook.LockRecipientAsync(work, message.RecipientId, cancellationToken);
        var stored = await work.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO engagements (recipient_id, from_week, hours_per_week, producer_sequence)
            VALUES (@RecipientId, @FromWeek, @HoursPerWeek, @ProducerSequence)
            ON CONFLICT (recipient_id, from_week) DO UPDATE
               SET hours_per_week = excluded.hours_per_week, producer_sequence = excluded.producer_sequence
             WHERE engagements.producer_sequence < excluded.producer_sequence
            """,
            new { message.RecipientId, FromWeek = fromWeek.ToString(), message.HoursPerWeek, message.ProducerSequence },
            work.Transaction, cancellationToken: cancellationToken));
        var changes = 0;
        if (stored > 0)
        {
            var weeks = await work.Connection.QueryAsync<string>(new CommandDefinition(
                """
                SELECT week FROM declarations WHERE recipient_id = @RecipientId AND week >= @fromWeek
                UNION
                SELECT week FROM flags WHERE recipient_id = @RecipientId AND week >= @fromWeek AND withdrawn_at IS NULL
                """,
                new { message.RecipientId, fromWeek = fromWeek.ToString() }, work.Transaction, cancellationToken: cancellationToken));
            changes = await FlagBook.ReconcileAsync(work, message.RecipientId, weeks.Select(IsoWeek.Parse), cancellationToken);
        }

        await work.CommitAsync(cancellationToken);
        logger.LogInformation("Engagement processed ({Stored} stored, {Changes} flag changes)", stored, changes);
    }
}

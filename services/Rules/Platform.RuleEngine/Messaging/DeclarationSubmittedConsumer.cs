using System.Text.Json;
using Dapper;
using MassTransit;
using Platform.Contracts.Declarations;
using Platform.RuleEngine.Flags;
using Platform.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.ServiceDefaults.Data;

namespace Platform.RuleEngine.Messaging;

/// <summary>
/// Keeps the latest version of each declared week (without its notes) and re-runs the rules on that week and on
/// the three after it, whose repeated-shortfall window it belongs to. A redelivery has no second effect; an older
/// version arriving after a newer one changes nothing.
/// </summary>
public sealed class DeclarationSubmittedConsumer(ServiceDatabase database, ILogger<DeclarationSubmittedConsumer> logger)
    : IConsumer<DeclarationSubmitted>
{
    public async Task Consume(ConsumeContext<DeclarationSubmitted> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        if (string.IsNullOrWhiteSpace(message.RecipientId) || !IsoWeek.TryParse(message.Week, out var week)
            || message.Version < 1 || message.Activities is null)
        {
            throw new InvalidEventException("DeclarationSubmitted without a recipient, a valid week, a version or activities.");
        }

        await using var work = await database.BeginOnceAsync(nameof(DeclarationSubmittedConsumer), context.MessageId!.Value, cancellationToken);
        if (work is null)
        {
            return;
        }

        // The shared lock of the recipient's deadline unit (see FlagBook.LockDeadlineUnitSql), the recipient's lock and the store, in one round trip.
        var activities = message.Activities.Select(activity => new RuleActivity(activity.Category, activity.Date, activity.Hours)).ToArray();
        int stored;
        await using (var results = await work.Connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            {FlagBook.LockDeadlineUnitSql(exclusive: false)};
            {FlagBook.LockRecipientSql};
            INSERT INTO declarations (recipient_id, week, version, activities, total_hours, late, submitted_at)
            VALUES (@recipientId, @week, @version, @activities::jsonb, @totalHours, @late, @submittedAt)
            ON CONFLICT (recipient_id, week) DO UPDATE
               SET version = excluded.version, activities = excluded.activities, total_hours = excluded.total_hours,
                   late = excluded.late, submitted_at = excluded.submitted_at
             WHERE declarations.version < excluded.version
            RETURNING 1;
            """,
            new
            {
                recipientId = message.RecipientId,
                week = message.Week,
                version = message.Version,
                activities = JsonSerializer.Serialize(activities, RuleJson.Options),
                totalHours = message.TotalHours,
                late = message.Late,
                submittedAt = message.SubmittedAt,
            },
            work.Transaction, cancellationToken: cancellationToken)))
        {
            await results.ReadAsync();
            await results.ReadAsync();
            stored = (await results.ReadAsync<int>()).Count();
        }

        var changes = stored == 0
            ? 0
            : await FlagBook.ReconcileAsync(
                work, message.RecipientId, Enumerable.Range(0, RepeatedShortfall.WeeksLookedBack + 1).Select(week.AddWeeks), cancellationToken);
        await work.CommitAsync(cancellationToken);
        // A line per declaration would be volume without news: only those that changed flags are logged as information.
        logger.Log(changes > 0 ? LogLevel.Information : LogLevel.Debug,
            "Declaration version {Version} processed ({Stored} stored, {Changes} flag changes)", message.Version, stored, changes);
    }
}

/// <summary>An event that parses but cannot be true: retried, then left in the queue's _error queue for a human.</summary>
public sealed class InvalidEventException(string message) : Exception(message);

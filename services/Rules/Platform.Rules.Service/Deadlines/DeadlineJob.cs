using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Extensions.Options;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.Rules.Service.Flags;
using Platform.ServiceDefaults.Data;

namespace Platform.Rules.Service.Deadlines;

public sealed class DeadlineOptions
{
    public const string Section = "Deadlines";

    /// <summary>How often to look again even when no deadline is due (another instance may have moved the cursor).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// At each week's deadline, gives every recipient whose engagement asks for hours that week and who has not declared
/// it one missing-declaration flag. Deadlines are processed in order from a cursor kept in the database: the cursor
/// row is locked while a deadline is processed and moves in the same transaction as the flags, so a deadline is
/// processed exactly once even with several instances, and an instance that was down catches up when it is back.
/// The first start begins with the week then open: the service never flags weeks from before it existed.
/// </summary>
public sealed class DeadlineJob(
    ServiceDatabase database, TimeProvider time, IOptions<DeadlineOptions> options, ILogger<DeadlineJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            try
            {
                var next = await ProcessDueDeadlinesAsync(stoppingToken);
                var untilNext = WeekCalendar.DeadlineOf(next) - time.GetUtcNow();
                if (untilNext < wait)
                {
                    wait = untilNext > TimeSpan.Zero ? untilNext : TimeSpan.FromMilliseconds(1);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Deadline processing failed; it will be retried");
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Processes every deadline that has passed, one week per transaction; returns the next week to process.</summary>
    public async Task<IsoWeek> ProcessDueDeadlinesAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await database.DataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO deadline_cursor (id, next_week) VALUES (true, @week) ON CONFLICT DO NOTHING",
                new { week = WeekCalendar.WeekOf(time.GetUtcNow()).ToString() }, cancellationToken: cancellationToken));
        }

        while (true)
        {
            await using var work = await database.BeginAsync(cancellationToken);
            var week = IsoWeek.Parse(await work.Connection.QuerySingleAsync<string>(new CommandDefinition(
                "SELECT next_week FROM deadline_cursor FOR UPDATE", transaction: work.Transaction, cancellationToken: cancellationToken)));
            if (WeekCalendar.DeadlineOf(week) > time.GetUtcNow())
            {
                return week;
            }

            await FlagBook.LockWeekAsync(work, week, exclusive: true, cancellationToken);
            var raised = await RaiseMissingFlagsAsync(work, week, cancellationToken);
            await work.Connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE deadline_cursor SET next_week = @next;
                INSERT INTO processed_deadlines (week, processed_at, flags_raised) VALUES (@week, @now, @raised);
                """,
                new { next = week.Next.ToString(), week = week.ToString(), now = time.GetUtcNow(), raised },
                work.Transaction, cancellationToken: cancellationToken));
            await work.CommitAsync(cancellationToken);
            logger.LogInformation("Deadline of week {Week} processed: {Raised} missing-declaration flags", week.ToString(), raised);
        }
    }

    private static async Task<int> RaiseMissingFlagsAsync(ServiceTransaction work, IsoWeek week, CancellationToken cancellationToken)
    {
        var rule = RuleCatalogue.InForce(DeclarationMissing.Id, week);
        if (rule is null)
        {
            return 0;
        }

        var missing = await work.Connection.QueryAsync<MissingDeclaration>(new CommandDefinition(
            """
            SELECT e.recipient_id, e.hours_per_week
              FROM (SELECT DISTINCT ON (recipient_id) recipient_id, hours_per_week
                      FROM engagements WHERE from_week <= @week
                     ORDER BY recipient_id, from_week DESC) e
             WHERE e.hours_per_week > 0
               AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.recipient_id = e.recipient_id AND d.week = @week)
               AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.recipient_id = e.recipient_id AND f.week = @week
                                                      AND f.rule_id = @ruleId)
             ORDER BY e.recipient_id
            """,
            new { week = week.ToString(), ruleId = rule.Definition.Id }, work.Transaction, cancellationToken: cancellationToken));
        var parameters = rule.Definition.DefaultParameters();
        var raised = 0;
        foreach (var recipient in missing)
        {
            var input = new RuleInput(week.ToString(), recipient.HoursPerWeek, false, [], []);
            if (rule.Raises(input, parameters))
            {
                await FlagBook.RaiseAsync(work, recipient.RecipientId, rule, input, parameters, cancellationToken);
                raised++;
            }
        }

        return raised;
    }

    private sealed record MissingDeclaration(string RecipientId, decimal HoursPerWeek);
}

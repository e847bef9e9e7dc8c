using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Extensions.Options;
using Platform.RuleEngine.Flags;
using Platform.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.ServiceDefaults.Data;

namespace Platform.RuleEngine.Deadlines;

public sealed class DeadlineOptions
{
    public const string Section = "Deadlines";

    /// <summary>How often to look again even when no deadline is due (another instance may have moved the cursor).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// At each week's deadline, gives every recipient whose engagement asks for hours that week and who has not declared
/// it one missing-declaration flag. Deadlines are processed in order from a cursor kept in the database. A due week is
/// split into <see cref="FlagBook.DeadlineBuckets"/> (week, bucket) units (a recipient's bucket is a hash of their id);
/// any instance claims a unit with <c>FOR UPDATE SKIP LOCKED</c> and raises its flags, with one statement for the flags
/// and one for their events, in one short transaction that also marks the unit done; the unit's exclusive lock is the
/// only one a declaration of that week waits on, and only for recipients of that bucket. The cursor moves once every
/// unit is done, so a deadline is processed exactly once even with several instances, a unit whose instance died is
/// claimed again, and an instance that was down catches up when it is back. The first start begins with the week then
/// open: the service never flags weeks from before it existed.
/// </summary>
public sealed class DeadlineJob(
    ServiceDatabase database, TimeProvider time, IOptions<DeadlineOptions> options, ILogger<DeadlineJob> logger) : BackgroundService
{
    /// <summary>How long to wait for units another instance is processing before looking again.</summary>
    private static readonly TimeSpan OthersUnitsWait = TimeSpan.FromMilliseconds(100);

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

    /// <summary>Processes every deadline that has passed, bucket by bucket; returns the next week to process.</summary>
    public async Task<IsoWeek> ProcessDueDeadlinesAsync(CancellationToken cancellationToken)
    {
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            await work.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO deadline_cursor (id, next_week) VALUES (true, @week) ON CONFLICT DO NOTHING",
                new { week = WeekCalendar.WeekOf(time.GetUtcNow()).ToString() }, work.Transaction, cancellationToken: cancellationToken));
            await work.CommitAsync(cancellationToken);
        }

        while (true)
        {
            var (week, due) = await OpenDueWeekAsync(cancellationToken);
            if (!due)
            {
                return week;
            }

            while (!await CloseWeekAsync(week, cancellationToken))
            {
                if (!await ProcessOneUnitAsync(week, cancellationToken))
                {
                    // Every unit left is being processed by another instance, which closes the week if it finishes first.
                    await Task.Delay(OthersUnitsWait, cancellationToken);
                }
            }
        }
    }

    /// <summary>The week under the cursor and whether its deadline has passed; if it has, its units exist once this returns.</summary>
    private async Task<(IsoWeek Week, bool Due)> OpenDueWeekAsync(CancellationToken cancellationToken)
    {
        await using var work = await database.BeginAsync(cancellationToken);
        var week = IsoWeek.Parse(await work.Connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT next_week FROM deadline_cursor FOR UPDATE", transaction: work.Transaction, cancellationToken: cancellationToken)));
        if (WeekCalendar.DeadlineOf(week) > time.GetUtcNow())
        {
            return (week, false);
        }

        await work.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO deadline_units (week, bucket)
            SELECT @week, bucket FROM generate_series(0, @last) AS bucket
            ON CONFLICT DO NOTHING
            """,
            new { week = week.ToString(), last = FlagBook.DeadlineBuckets - 1 }, work.Transaction, cancellationToken: cancellationToken));
        await work.CommitAsync(cancellationToken);
        return (week, true);
    }

    /// <summary>Claims one unit of <paramref name="week"/> nobody else holds and raises its flags; false when none is left to claim.</summary>
    private async Task<bool> ProcessOneUnitAsync(IsoWeek week, CancellationToken cancellationToken)
    {
        await using var work = await database.BeginAsync(cancellationToken);
        var bucket = await work.Connection.QuerySingleOrDefaultAsync<short?>(new CommandDefinition(
            """
            SELECT bucket FROM deadline_units WHERE week = @week AND processed_at IS NULL
             ORDER BY bucket LIMIT 1 FOR UPDATE SKIP LOCKED
            """,
            new { week = week.ToString() }, work.Transaction, cancellationToken: cancellationToken));
        if (bucket is not { } claimed)
        {
            return false;
        }

        await work.Connection.ExecuteAsync(new CommandDefinition(
            FlagBook.LockDeadlineUnitSql(exclusive: true), new { week = week.ToString(), bucket = (int)claimed },
            work.Transaction, cancellationToken: cancellationToken));
        var raised = await RaiseMissingFlagsAsync(work, week, claimed, cancellationToken);
        await work.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE deadline_units SET processed_at = @now, flags_raised = @raised WHERE week = @week AND bucket = @claimed",
            new { week = week.ToString(), claimed, now = time.GetUtcNow(), raised }, work.Transaction, cancellationToken: cancellationToken));
        await work.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Moves the cursor past <paramref name="week"/> once all its units are done (or another instance did); false while some are not.</summary>
    private async Task<bool> CloseWeekAsync(IsoWeek week, CancellationToken cancellationToken)
    {
        await using var work = await database.BeginAsync(cancellationToken);
        var cursor = await work.Connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT next_week FROM deadline_cursor FOR UPDATE", transaction: work.Transaction, cancellationToken: cancellationToken));
        if (cursor != week.ToString())
        {
            return true;
        }

        var (pending, raised) = await work.Connection.QuerySingleAsync<(long Pending, long Raised)>(new CommandDefinition(
            """
            SELECT count(*) FILTER (WHERE processed_at IS NULL), coalesce(sum(flags_raised), 0)::bigint
              FROM deadline_units WHERE week = @week
            """,
            new { week = week.ToString() }, work.Transaction, cancellationToken: cancellationToken));
        if (pending > 0)
        {
            return false;
        }

        await work.Connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE deadline_cursor SET next_week = @next;
            INSERT INTO processed_deadlines (week, processed_at, flags_raised) VALUES (@week, @now, @raised);
            """,
            new { next = week.Next.ToString(), week = week.ToString(), now = time.GetUtcNow(), raised = (int)raised },
            work.Transaction, cancellationToken: cancellationToken));
        await work.CommitAsync(cancellationToken);
        logger.LogInformation("Deadline of week {Week} processed: {Raised} missing-declaration flags", week.ToString(), raised);
        return true;
    }

    private static async Task<int> RaiseMissingFlagsAsync(ServiceTransaction work, IsoWeek week, short bucket, CancellationToken cancellationToken)
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
                      FROM engagements WHERE deadline_bucket = @bucket AND from_week <= @week
                     ORDER BY recipient_id, from_week DESC) e
             WHERE e.hours_per_week > 0
               AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.recipient_id = e.recipient_id AND d.week = @week)
               AND NOT EXISTS (SELECT 1 FROM accepted_absences a WHERE a.recipient_id = e.recipient_id
                                                                  AND a.from_week <= @week AND a.to_week >= @week)
               AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.recipient_id = e.recipient_id AND f.week = @week
                                                      AND f.rule_id = @ruleId)
             ORDER BY e.recipient_id
            """,
            new { week = week.ToString(), bucket, ruleId = rule.Definition.Id }, work.Transaction, cancellationToken: cancellationToken));
        var parameters = rule.Definition.DefaultParameters();
        var raised = missing
            .Select(recipient => (recipient.RecipientId, Input: new RuleInput(week.ToString(), recipient.HoursPerWeek, false, [], [])))
            .Where(candidate => rule.Raises(candidate.Input, parameters))
            .ToList();
        await FlagBook.RaiseManyAsync(work, rule, week.ToString(), raised, parameters, cancellationToken);
        return raised.Count;
    }

    private sealed record MissingDeclaration(string RecipientId, decimal HoursPerWeek);
}

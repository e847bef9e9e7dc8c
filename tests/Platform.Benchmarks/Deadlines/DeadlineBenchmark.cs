using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Rules;
using Platform.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.RuleEngine.Deadlines;
using Platform.RuleEngine.Flags;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Benchmarks.Deadlines;

/// <summary>
/// The deadline job on a national-size week, before and after its split into (week, bucket) units, in one run on one
/// database: engagements and declarations loaded with COPY, then the job as it was (one transaction, an exclusive lock
/// on the whole week, one statement per flag and per event) and the job as it is (<see cref="DeadlineJob"/>), each
/// while simulated late declarations take the lock a declaration consumer takes and measure how long they wait for it.
/// The bus is not involved: what is measured is the job's transaction(s), up to the outbox rows committed.
/// </summary>
internal static class DeadlineBenchmark
{
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W47");

    public static async Task RunAsync(string[] args)
    {
        string Option(string name, string fallback) => args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault() ?? fallback;
        var engagements = int.Parse(Option("--engagements", "2000000"), CultureInfo.InvariantCulture);
        var missingPercent = int.Parse(Option("--missing-percent", "15"), CultureInfo.InvariantCulture);
        var declarers = int.Parse(Option("--declarers", "4"), CultureInfo.InvariantCulture);
        await using var database = await BenchmarkDatabase.CreateAsync("bench_deadlines", "services/Rules/Platform.RuleEngine/Data/Migrations");
        var dataSource = database.DataSource;
        try
        {
            var load = Stopwatch.StartNew();
            await LoadAsync(dataSource, engagements, missingPercent);
            Console.Error.WriteLine($"loaded {engagements} engagements in {load.Elapsed.TotalSeconds:0.0} s");

            var clock = new FixedClock(WeekCalendar.DeadlineOf(Week).AddHours(1));
            var rules = new ServiceDatabase(dataSource, new OutboxSignal(), new ServiceIdentity("rules"), clock);
            var late = Enumerable.Range(0, engagements).Where(i => i % 100 < missingPercent).Select(Recipient).ToArray();

            Console.Error.WriteLine("before: one transaction, the whole week locked …");
            var before = await MeasureAsync(dataSource, late, declarers, LegacyDeclarationLock, () => LegacyJobAsync(dataSource, clock));
            await ResetAsync(dataSource);
            Console.Error.WriteLine("after: (week, bucket) units …");
            var job = new DeadlineJob(rules, clock, Options.Create(new DeadlineOptions()), NullLogger<DeadlineJob>.Instance);
            var after = await MeasureAsync(dataSource, late, declarers, FlagBook.LockDeadlineUnitSql(exclusive: false), async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await connection.ExecuteAsync("INSERT INTO deadline_cursor (id, next_week) VALUES (true, @week)", new { week = Week.ToString() });
                await job.ProcessDueDeadlinesAsync(CancellationToken.None);
                return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM flags");
            });

            var c = CultureInfo.InvariantCulture;
            Console.WriteLine($"## Deadline job: {engagements:N0} engagements, {missingPercent} % missing declarations, {declarers} late declarers");
            Console.WriteLine();
            Console.WriteLine("| job | flags raised | duration s | late declarations handled meanwhile | longest wait of a declaration s | p99 wait s |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var (label, result) in new[] { ("before: one transaction, week locked", before), ($"after: {FlagBook.DeadlineBuckets} (week, bucket) units", after) })
            {
                Console.WriteLine(string.Create(c,
                    $"| {label} | {result.Flags:N0} | {result.Duration.TotalSeconds:0.00} | {result.Declarations:N0} | {result.LongestWait.TotalSeconds:0.000} | {result.P99Wait.TotalSeconds:0.000} |"));
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(c,
                $"After / before: duration {after.Duration / before.Duration:0.000}, longest wait of a declaration {after.LongestWait / before.LongestWait:0.0000}."));
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine(exception);
            throw;
        }
    }

    private static string Recipient(int i) => $"b-{i:D8}";

    private static async Task LoadAsync(NpgsqlDataSource dataSource, int engagements, int missingPercent)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY engagements (recipient_id, from_week, hours_per_week, producer_sequence) FROM STDIN (FORMAT binary)"))
        {
            for (var i = 0; i < engagements; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(Recipient(i), NpgsqlDbType.Text);
                await writer.WriteAsync("2026-W01", NpgsqlDbType.Text);
                await writer.WriteAsync(15m, NpgsqlDbType.Numeric);
                await writer.WriteAsync((long)i + 1, NpgsqlDbType.Bigint);
            }

            await writer.CompleteAsync();
        }

        var submittedAt = WeekCalendar.DeadlineOf(Week).AddDays(-2);
        var activities = JsonSerializer.Serialize(new[] { new { category = "job-search", date = Week.Monday, hours = 15m } });
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY declarations (recipient_id, week, version, activities, total_hours, late, submitted_at) FROM STDIN (FORMAT binary)"))
        {
            for (var i = 0; i < engagements; i++)
            {
                if (i % 100 < missingPercent)
                {
                    continue;
                }

                await writer.StartRowAsync();
                await writer.WriteAsync(Recipient(i), NpgsqlDbType.Text);
                await writer.WriteAsync(Week.ToString(), NpgsqlDbType.Text);
                await writer.WriteAsync(1, NpgsqlDbType.Integer);
                await writer.WriteAsync(activities, NpgsqlDbType.Jsonb);
                await writer.WriteAsync(15m, NpgsqlDbType.Numeric);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteAsync(submittedAt, NpgsqlDbType.TimestampTz);
            }

            await writer.CompleteAsync();
        }

        await connection.ExecuteAsync("VACUUM ANALYZE engagements");
        await connection.ExecuteAsync("VACUUM ANALYZE declarations");
    }

    private static async Task ResetAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("TRUNCATE flags, outbox, deadline_units, processed_deadlines, deadline_cursor");
        await connection.ExecuteAsync("VACUUM ANALYZE flags");
        await connection.ExecuteAsync("VACUUM ANALYZE outbox");
    }

    /// <summary>The lock the declaration consumer took before the split: the whole week, shared.</summary>
    private const string LegacyDeclarationLock = "SELECT pg_advisory_xact_lock_shared(hashtextextended('rules-deadline:' || @week, 0))";

    /// <summary>
    /// The job as it was: one transaction holding the week's exclusive lock, the missing declarations read in one query,
    /// then one INSERT per flag and, at commit, one INSERT per outbox row.
    /// </summary>
    private static async Task<long> LegacyJobAsync(NpgsqlDataSource dataSource, TimeProvider clock)
    {
        var rule = RuleCatalogue.InForce(DeclarationMissing.Id, Week) ?? throw new InvalidOperationException("No missing-declaration rule in force.");
        var parameters = rule.Definition.DefaultParameters();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('rules-deadline:' || @week, 0))", new { week = Week.ToString() }, transaction);
        var missing = await connection.QueryAsync<(string RecipientId, decimal HoursPerWeek)>(
            """
            SELECT e.recipient_id, e.hours_per_week
              FROM (SELECT DISTINCT ON (recipient_id) recipient_id, hours_per_week
                      FROM engagements WHERE from_week <= @week
                     ORDER BY recipient_id, from_week DESC) e
             WHERE e.hours_per_week > 0
               AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.recipient_id = e.recipient_id AND d.week = @week)
               AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.recipient_id = e.recipient_id AND f.week = @week AND f.rule_id = @ruleId)
             ORDER BY e.recipient_id
            """,
            new { week = Week.ToString(), ruleId = rule.Definition.Id }, transaction);
        var events = new List<FlagRaised>();
        foreach (var (recipientId, hours) in missing)
        {
            var input = new RuleInput(Week.ToString(), hours, false, [], []);
            if (!rule.Raises(input, parameters))
            {
                continue;
            }

            var now = clock.GetUtcNow();
            var facts = RuleJson.ToFacts(input);
            var raised = new FlagRaised(Guid.CreateVersion7(), recipientId, Week.ToString(), rule.Definition.Id, rule.Definition.Version, facts, parameters,
                rule.Explain(input, parameters), rule.Definition.SanctionEligible) { EventId = Guid.CreateVersion7(), Producer = "rules", OccurredAt = now };
            events.Add(raised);
            await connection.ExecuteAsync(
                """
                INSERT INTO flags (flag_id, recipient_id, week, rule_id, rule_version, facts, parameters, sanction_eligible, raised_at)
                VALUES (@FlagId, @RecipientId, @Week, @RuleId, @RuleVersion, @facts::jsonb, @parameters::jsonb, @SanctionEligible, @OccurredAt)
                """,
                new
                {
                    raised.FlagId, raised.RecipientId, raised.Week, raised.RuleId, raised.RuleVersion, facts = facts.GetRawText(),
                    parameters = JsonSerializer.Serialize(parameters, ContractJson.Options), raised.SanctionEligible, raised.OccurredAt,
                },
                transaction);
        }

        await connection.ExecuteAsync(
            "INSERT INTO outbox (event_id, message_type, body, occurred_at) VALUES (@EventId, @type, @body::jsonb, @OccurredAt)",
            events.Select(e => new { e.EventId, type = typeof(FlagRaised).FullName, body = JsonSerializer.Serialize(e, ContractJson.Options), e.OccurredAt }),
            transaction);
        await transaction.CommitAsync();
        return events.Count;
    }

    private static async Task<Result> MeasureAsync(NpgsqlDataSource dataSource, string[] late, int declarers, string lockSql, Func<Task<long>> job)
    {
        using var stop = new CancellationTokenSource();
        var waits = new List<TimeSpan>[declarers];
        var started = Stopwatch.StartNew();
        var jobTask = Task.Run(job);
        var declaring = Enumerable.Range(0, declarers).Select(d => Task.Run(async () =>
        {
            waits[d] = [];
            var random = new Random(d);
            while (!stop.IsCancellationRequested)
            {
                // A late declaration as the consumer handles it: its deadline lock, then the recipient's; rolled back,
                // so both runs see the same data.
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                var recipientId = late[random.Next(late.Length)];
                var waited = Stopwatch.StartNew();
                await connection.ExecuteAsync(lockSql, new { week = Week.ToString(), recipientId }, transaction);
                waits[d].Add(waited.Elapsed);
                await connection.ExecuteAsync(FlagBook.LockRecipientSql, new { recipientId }, transaction);
                await transaction.RollbackAsync();
                await Task.Delay(5);
            }
        })).ToList();
        var flags = await jobTask;
        var duration = started.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(declaring);
        var all = waits.SelectMany(w => w).Order().ToList();
        return new Result(flags, duration, all.Count, all[^1], all[(int)Math.Floor(0.99 * (all.Count - 1))]);
    }

    private sealed record Result(long Flags, TimeSpan Duration, int Declarations, TimeSpan LongestWait, TimeSpan P99Wait);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

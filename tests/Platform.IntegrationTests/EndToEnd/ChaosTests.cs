using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.Rules;
using Platform.Rules.Calendar;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Tests that restart the broker run alone, after every other test.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// Two instances of every service (declarations, rules, review, allocations, audit), each its own process. 200
/// recipients send 2,000 declarations and amendments while random instances are killed (kill -9) and restarted and
/// RabbitMQ is restarted once. Every submission sent must be accepted — the outbox lets the API accept while the broker
/// is down, and a client sends a request the instance died under again, to a live instance (the same content again is
/// answered with the version already stored, never a second one). Afterwards nothing accepted is lost or applied twice,
/// the flags in force are exactly those the rules compute offline over each week's last version, every flag an
/// amendment withdrew has its case withdrawn, and the audit log holds every producer's events once, without a gap,
/// each recipient's in their producer's order (save those the broker delivered again, in its own order, after its
/// restart), and verifies.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Recipients = 200;
    private const int DeclaredWeeks = 7;
    private const int AmendmentsEach = 3;
    private const int SubmissionsEach = DeclaredWeeks + AmendmentsEach;
    private const decimal EngagementHours = 15;
    private const int InstancesEach = 2;

    /// <summary>Submissions per second: slow enough that every crash and restart happens while they keep coming.</summary>
    private const int SubmissionsPerSecond = 40;

    /// <summary>Kills beyond the one each service gets, of services drawn at random.</summary>
    private const int ExtraKills = 3;

    private const int Seed = 20261130;

    private static readonly string[] Services = ["declarations", "rules", "review", "allocations", "audit"];

    [Fact]
    public async Task SubmissionsSentWhileInstancesCrashAndTheBrokerRestarts_AreAllAcceptedStoredFlaggedAndAuditedInOrderOnce()
    {
        await using var platform = await PlatformProcesses.StartAsync(null, InstancesEach, Services);
        var thisWeek = WeekCalendar.WeekOf(DateTimeOffset.UtcNow);
        var engagementFrom = thisWeek.AddWeeks(-DeclaredWeeks - 2);
        var weeks = Enumerable.Range(0, DeclaredWeeks).Select(i => thisWeek.AddWeeks(i - DeclaredWeeks - 1)).ToList();
        var random = new Random(Seed);
        var recipients = Enumerable.Range(0, Recipients).Select(i => $"F-{i:000}").ToList();
        var plans = recipients.ToDictionary(recipient => recipient, recipient => PlanFor(recipient, weeks, random));

        var counsellor = platform.ClientFor("declarations", "counsellor", "agent-chaos");
        await Parallel.ForEachAsync(recipients, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (recipient, ct) =>
            Assert.Equal(HttpStatusCode.OK, (await counsellor.PutAsJsonAsync(
                $"/api/recipients/{recipient}/engagement", new { hoursPerWeek = EngagementHours, fromWeek = engagementFrom.ToString() }, ct)).StatusCode));

        // Each recipient sends their submissions one after the other, every recipient at once, SubmissionsPerSecond in all,
        // while the chaos runs.
        var accepted = new ConcurrentBag<Submission>();
        var refusals = new ConcurrentQueue<string>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        var chaos = RunChaosAsync(platform, new Random(Seed), () => Volatile.Read(ref sent));
        await Task.WhenAll(recipients.OrderBy(_ => random.Next()).Select(async (recipient, slot) =>
        {
            foreach (var (submission, turn) in plans[recipient].Select((submission, turn) => (submission, turn)))
            {
                var due = TimeSpan.FromSeconds((double)(turn * Recipients + slot) / SubmissionsPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                var response = await SubmitUntilAnsweredAsync(platform, submission, slot);
                if (await AcceptedVersionAsync(response) == submission.Version)
                {
                    accepted.Add(submission);
                }
                else
                {
                    refusals.Enqueue($"{submission.Recipient} {submission.Week} version {submission.Version}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }

                Interlocked.Increment(ref sent);
            }
        }));
        var sendingTook = clock.Elapsed;
        var kills = await chaos;

        // Consumers catch up: rules on every accepted version, review on every flag event, the audit log on every event published.
        var waitedFor = "every accepted version consumed by rules, every flag event by review, every event published and in the audit log";
        var caughtUp = true;
        try
        {
            await Eventually.GetAsync(waitedFor, async () => await CaughtUpAsync(platform, accepted.Count) ? (bool?)true : null, TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            // The figures below say what is missing; the test fails on this after printing them.
            caughtUp = false;
        }

        var declarations = platform.ConnectionStringOf("declarations");
        var audit = platform.ConnectionStringOf("audit");
        var stored = await CountAsync(declarations, "SELECT count(*) FROM declaration_versions");
        var audited = await CountAsync(audit, "SELECT count(*) FROM audit_log WHERE message_type LIKE '%:DeclarationSubmitted'");
        var auditedDistinct = await CountAsync(audit, "SELECT count(DISTINCT message_id) FROM audit_log WHERE message_type LIKE '%:DeclarationSubmitted'");
        var flags = await FlagsAsync(platform);
        var cases = await CasesAsync(platform);
        var producers = await ProducerSequencesAsync(platform);
        var (outOfOrder, redeliveredOutOfOrder) = await OutOfOrderEntriesAsync(platform);
        var amendments = accepted.Count(submission => submission.Version > 1);
        var withdrawn = flags.Count(flag => flag.Withdrawn);
        var report = $"chaos test: {InstancesEach} instances of each service, sent {sent} in {sendingTook.TotalSeconds:0} s, accepted {accepted.Count} " +
            $"({accepted.Count - amendments} declarations, {amendments} amendments), refused {refusals.Count}, stored {stored}, audited {audited} " +
            $"(distinct {auditedDistinct}), flags raised {flags.Count}, withdrawn {withdrawn}, cases {cases.Count}, kills {kills} + 1 RabbitMQ restart, " +
            $"recipients' entries out of their producer's order {outOfOrder.Count} (and {redeliveredOutOfOrder.Count} as the broker delivered them again after its restart)";
        output.WriteLine(report);
        foreach (var producer in producers)
        {
            output.WriteLine($"producer {producer.Producer}: {producer.Entries} entries, {producer.Distinct} distinct sequences, {producer.First}..{producer.Last}, outbox up to {producer.Published}, {producer.Unpublished} unpublished");
        }

        foreach (var refusal in refusals)
        {
            output.WriteLine($"refused {refusal}");
        }

        foreach (var entry in outOfOrder.Take(20))
        {
            output.WriteLine($"out of order: {entry}");
        }

        foreach (var entry in redeliveredOutOfOrder.Take(5))
        {
            output.WriteLine($"out of order as delivered again after the broker's restart: {entry}");
        }

        Directory.CreateDirectory(Path.Combine(PlatformProcesses.RepositoryRoot, "artifacts"));
        await File.WriteAllTextAsync(Path.Combine(PlatformProcesses.RepositoryRoot, "artifacts", "chaos-test.txt"), report + Environment.NewLine);

        Assert.True(caughtUp, $"Still waiting for {waitedFor} after 5 minutes.");

        // Every submission sent was accepted, with the version its place among the week's submissions calls for, and
        // stored and audited once.
        Assert.Equal(Recipients * SubmissionsEach, sent);
        Assert.Empty(refusals);
        Assert.Equal(sent, accepted.Count);
        Assert.Equal(accepted.Count, stored);
        Assert.Equal(accepted.Count, audited);
        Assert.Equal(accepted.Count, auditedDistinct);

        // The flags in force are exactly those the catalogue computes offline from each week's last version.
        Assert.Equal(OfflineFlags(accepted, engagementFrom).Order().ToList(), flags.Where(flag => !flag.Withdrawn).Select(flag => flag.Key).Order().ToList());

        // Review: every flag has its case; a withdrawn flag's case is withdrawn (opened withdrawn when the withdrawal
        // came first), a flag in force waits in the queue, open.
        var wrongCases = flags
            .Select(flag => (flag, state: cases.GetValueOrDefault(flag.FlagId) ?? "no case"))
            .Where(found => found.state != (found.flag.Withdrawn ? "withdrawn" : "open"))
            .Select(found => $"{found.flag.Key} ({(found.flag.Withdrawn ? "withdrawn" : "in force")}): {found.state}")
            .ToList();
        Assert.Empty(wrongCases);
        Assert.Equal(flags.Count, cases.Count);

        // The audit log: every producer's sequence exactly 1..its last, each once, up to the last its outbox published;
        // each recipient's events in their producer's order, but for what the broker delivered again after its restart.
        Assert.All(producers, producer =>
        {
            Assert.Equal(1, producer.First);
            Assert.Equal(producer.Published, producer.Last);
            Assert.Equal(producer.Last, producer.Entries);
            Assert.Equal(producer.Last, producer.Distinct);
        });
        Assert.Empty(outOfOrder);

        // Nothing reached an allocation, and the log's chain and every producer's sequence verify.
        Assert.Equal(0, await CountAsync(audit,
            "SELECT count(*) FROM audit_log WHERE message_type LIKE '%:AllocationAdjusted' OR message_type LIKE '%:SanctionDecided'"));
        await Eventually.GetAsync("every event published so far in the audit log", async () =>
        {
            using var auditor = platform.ClientFor("audit", "auditor", "auditor-chaos");
            var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
            return verification.GetProperty("intact").GetBoolean() ? (JsonElement?)verification : null;
        }, TimeSpan.FromMinutes(1));
    }

    /// <summary>A week's content as sent, and the version it must become: 1 for a declaration, the next for an amendment.</summary>
    private sealed record Submission(string Recipient, IsoWeek Week, decimal Hours, int Version);

    /// <summary>
    /// One recipient's submissions in the order they are sent: a declaration of each week and amendments of weeks
    /// already declared, in a random order (a declaration first). Declarations have 1 to 20 hours, so most fall short of
    /// the engagement; an amendment mostly brings a week that falls short above it (its flag is withdrawn), otherwise
    /// one that does not below it (a flag is raised). Either way it differs from the version in force.
    /// </summary>
    private static List<Submission> PlanFor(string recipient, List<IsoWeek> weeks, Random random)
    {
        var amendmentTurns = Enumerable.Repeat(false, DeclaredWeeks - 1).Concat(Enumerable.Repeat(true, AmendmentsEach)).OrderBy(_ => random.Next());
        var undeclared = new Queue<IsoWeek>(weeks.OrderBy(_ => random.Next()));
        var declared = new List<IsoWeek>();
        var inForce = new Dictionary<IsoWeek, Submission>();
        var plan = new List<Submission>();
        foreach (var isAmendment in amendmentTurns.Prepend(false))
        {
            Submission submission;
            if (isAmendment)
            {
                var fallingShort = declared.Where(week => inForce[week].Hours < EngagementHours).ToList();
                var week = fallingShort.Count > 0 && random.Next(4) > 0
                    ? fallingShort[random.Next(fallingShort.Count)]
                    : declared[random.Next(declared.Count)];
                var current = inForce[week];
                var hours = current.Hours < EngagementHours ? random.Next(30, 41) / 2m : random.Next(2, 30) / 2m;
                submission = new Submission(recipient, week, hours, current.Version + 1);
            }
            else
            {
                var week = undeclared.Dequeue();
                declared.Add(week);
                submission = new Submission(recipient, week, random.Next(2, 41) / 2m, 1);
            }

            inForce[submission.Week] = submission;
            plan.Add(submission);
        }

        return plan;
    }

    /// <summary>
    /// Kills (kill -9) an instance of every service, in a random order, then of services drawn at random, every 200
    /// submissions answered, and restarts each a moment later; restarts RabbitMQ once in between, while the kills go on
    /// (the node takes tens of seconds to stop and start again). A service is never left without a live instance: its
    /// next kill waits for the last one's restart. Returns how many were killed.
    /// </summary>
    private async Task<int> RunChaosAsync(PlatformProcesses platform, Random random, Func<int> sent)
    {
        var victims = Services.OrderBy(_ => random.Next()).Concat(Enumerable.Range(0, ExtraKills).Select(_ => Services[random.Next(Services.Length)])).ToList();
        var brokerRestartAfter = random.Next(1, victims.Count - 1);
        var restarts = new Dictionary<string, Task>();
        var brokerRestart = Task.CompletedTask;

        async Task UntilSentAsync(int count)
        {
            while (sent() < count)
            {
                await Task.Delay(20);
            }
        }

        void Say(string what) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} after {sent()} submissions: {what}");

        async Task RestartBrokerAsync(int afterSent)
        {
            await UntilSentAsync(afterSent);
            Say("restart RabbitMQ");
            await platform.Servers.RestartBrokerAsync(PlatformProcesses.RepositoryRoot);
            Say("RabbitMQ back");
        }

        async Task RestartLaterAsync(string service, int instance, TimeSpan after)
        {
            await Task.Delay(after);
            Say($"restart {service} instance {instance}");
            await platform.RestartAsync(service, instance);
            Say($"{service} instance {instance} ready");
        }

        for (var kill = 0; kill < victims.Count; kill++)
        {
            await UntilSentAsync(100 + kill * 200);
            var service = victims[kill];
            if (restarts.TryGetValue(service, out var restarting))
            {
                await restarting;
            }

            var instance = random.Next(InstancesEach);
            Say($"kill -9 {service} instance {instance}");
            platform.Kill(service, instance);
            restarts[service] = RestartLaterAsync(service, instance, TimeSpan.FromMilliseconds(random.Next(500, 4000)));
            if (kill == brokerRestartAfter)
            {
                brokerRestart = RestartBrokerAsync(200 + kill * 200);
            }
        }

        await Task.WhenAll(restarts.Values.Append(brokerRestart));
        Say("chaos over");
        return victims.Count;
    }

    /// <summary>
    /// Sends one submission until a declarations instance answers (a broken connection, or 503 while it starts), as a
    /// client would, each attempt to the next live instance: a request cut by a crash may or may not have been stored,
    /// and sending the same content again is safe either way.
    /// </summary>
    private static async Task<HttpResponseMessage> SubmitUntilAnsweredAsync(PlatformProcesses platform, Submission submission, int slot)
    {
        var body = new
        {
            activities = new[]
            {
                new { category = "job-search", date = submission.Week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = submission.Hours },
            },
        };
        for (var attempt = 1; ; attempt++)
        {
            var live = platform.LiveInstancesOf("declarations");
            var instance = live.Count > 0 ? live[(slot + attempt) % live.Count] : 0;
            try
            {
                using var client = platform.ClientFor("declarations", instance, "recipient", submission.Recipient);
                var response = await client.PutAsJsonAsync($"/api/recipients/{submission.Recipient}/declarations/{submission.Week}", body);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 300)
                {
                    return response;
                }
            }
            catch (HttpRequestException) when (attempt < 300)
            {
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// The version an answer accepted: 201 for a first declaration, 200 for an amendment — or for the same content sent
    /// again after an earlier attempt stored it and lost its answer, with the version that attempt stored. Null for a refusal.
    /// </summary>
    private static async Task<int?> AcceptedVersionAsync(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32()
            : null;

    /// <summary>
    /// Whether the consumers have caught up: rules consumed every accepted version, every service's outbox is published
    /// and the audit log holds every event numbered, review consumed every flag raised and withdrawn.
    /// </summary>
    private static async Task<bool> CaughtUpAsync(PlatformProcesses platform, int accepted)
    {
        var rules = platform.ConnectionStringOf("rules");
        var review = platform.ConnectionStringOf("review");
        if (await CountAsync(rules, "SELECT count(*) FROM inbox WHERE consumer = 'DeclarationSubmittedConsumer'") != accepted)
        {
            return false;
        }

        foreach (var producer in await ProducerSequencesAsync(platform))
        {
            if (producer.Unpublished > 0 || producer.Entries != producer.Published)
            {
                return false;
            }
        }

        return await CountAsync(review, "SELECT count(*) FROM inbox WHERE consumer = 'FlagRaisedConsumer'")
                == await CountAsync(rules, "SELECT count(*) FROM flags")
            && await CountAsync(review, "SELECT count(*) FROM inbox WHERE consumer = 'FlagWithdrawnConsumer'")
                == await CountAsync(rules, "SELECT count(*) FROM flags WHERE withdrawn_at IS NOT NULL");
    }

    /// <summary>A producer's entries in the audit log (count, distinct sequences, first and last) beside what its outbox numbered.</summary>
    private sealed record ProducerSequences(string Producer, long Entries, long Distinct, long First, long Last, long Published, long Unpublished);

    private static async Task<List<ProducerSequences>> ProducerSequencesAsync(PlatformProcesses platform)
    {
        await using var audit = new NpgsqlConnection(platform.ConnectionStringOf("audit"));
        var logged = (await audit.QueryAsync<(string Producer, long Entries, long Distinct, long First, long Last)>(
            """
            SELECT producer, count(*), count(DISTINCT producer_sequence), min(producer_sequence), max(producer_sequence)
              FROM audit_log GROUP BY producer
            """)).ToDictionary(row => row.Producer);
        var producers = new List<ProducerSequences>();
        foreach (var service in Services)
        {
            await using var database = new NpgsqlConnection(platform.ConnectionStringOf(service));
            var (numbered, unpublished) = await database.QuerySingleAsync<(long, long)>(
                "SELECT coalesce(max(sequence), 0), count(*) FILTER (WHERE published_at IS NULL) FROM outbox");
            var (_, entries, distinct, first, last) = logged.GetValueOrDefault(service, (service, 0L, 0L, 0L, 0L));
            if (numbered > 0 || entries > 0)
            {
                producers.Add(new ProducerSequences(service, entries, distinct, first, last, numbered, unpublished));
            }
        }

        // An entry from a producer that is none of the services would be a stranger in the log: it shows as never published.
        producers.AddRange(logged.Values.Where(row => !Services.Contains(row.Producer))
            .Select(row => new ProducerSequences(row.Producer, row.Entries, row.Distinct, row.First, row.Last, 0, 0)));
        return producers;
    }

    /// <summary>
    /// A recipient's entries of one producer that stand after a later one of theirs, each with when both were received
    /// (one pass of the audit consumer shares one instant), to tell where the order was lost. Those the broker
    /// delivered again when it came back are counted apart: RabbitMQ delivers again what a consumer held unacknowledged
    /// as the node stopped, and a quorum queue can hand that run over in reverse (seen on 3.10). The audit service
    /// orders each pass of its appender by producer sequence, which undoes it within a pass but not across two. They
    /// are the entries received in the first seconds after the longest pause in the log's receptions: the restart.
    /// </summary>
    private static async Task<(List<string> OutOfOrder, List<string> Redelivered)> OutOfOrderEntriesAsync(PlatformProcesses platform)
    {
        await using var audit = new NpgsqlConnection(platform.ConnectionStringOf("audit"));
        var backAt = await audit.QuerySingleAsync<DateTime>(
            """
            SELECT received_at FROM (SELECT received_at, received_at - lag(received_at) OVER (ORDER BY received_at) AS pause FROM audit_log) AS receptions
             ORDER BY pause DESC NULLS LAST LIMIT 1
            """);
        bool Redelivered(DateTime receivedAt) => receivedAt >= backAt && receivedAt < backAt.AddSeconds(10);
        var entries = (await audit.QueryAsync<(string RecipientId, string Producer, long Position, long Sequence, DateTime ReceivedAt, long Previous, DateTime PreviousReceivedAt)>(
            """
            SELECT recipient_id, producer, position, producer_sequence, received_at, previous, previous_received_at
              FROM (SELECT recipient_id, producer, position, producer_sequence, received_at,
                           lag(producer_sequence) OVER recipient_order AS previous,
                           lag(received_at) OVER recipient_order AS previous_received_at
                      FROM audit_log
                    WINDOW recipient_order AS (PARTITION BY recipient_id, producer ORDER BY position)) AS entries
             WHERE previous >= producer_sequence
             ORDER BY position
            """)).ToList();
        string Describe((string RecipientId, string Producer, long Position, long Sequence, DateTime ReceivedAt, long Previous, DateTime PreviousReceivedAt) entry) =>
            $"{entry.RecipientId} {entry.Producer} #{entry.Sequence} at position {entry.Position} " +
            $"(received {entry.ReceivedAt:HH:mm:ss.fff}) after #{entry.Previous} (received {entry.PreviousReceivedAt:HH:mm:ss.fff})";
        var redelivered = entries.Where(entry => Redelivered(entry.ReceivedAt) && Redelivered(entry.PreviousReceivedAt)).ToList();
        return (entries.Except(redelivered).Select(Describe).ToList(), redelivered.Select(Describe).ToList());
    }

    private sealed record Flag(Guid FlagId, string RecipientId, string Week, string RuleId, bool Withdrawn)
    {
        public string Key => $"{RecipientId} {Week} {RuleId}";
    }

    private static async Task<List<Flag>> FlagsAsync(PlatformProcesses platform)
    {
        await using var rules = new NpgsqlConnection(platform.ConnectionStringOf("rules"));
        return (await rules.QueryAsync<(Guid FlagId, string RecipientId, string Week, string RuleId, bool Withdrawn)>(
            "SELECT flag_id, recipient_id, week, rule_id, withdrawn_at IS NOT NULL FROM flags"))
            .Select(row => new Flag(row.FlagId, row.RecipientId, row.Week, row.RuleId, row.Withdrawn)).ToList();
    }

    /// <summary>Each case's state by the flag it was opened for.</summary>
    private static async Task<Dictionary<Guid, string>> CasesAsync(PlatformProcesses platform)
    {
        await using var review = new NpgsqlConnection(platform.ConnectionStringOf("review"));
        return (await review.QueryAsync<(Guid FlagId, string State)>("SELECT flag_id, state FROM cases")).ToDictionary(row => row.FlagId, row => row.State);
    }

    /// <summary>The catalogue run over each week's last accepted version, as the rules service sees them once all arrived.</summary>
    private static IEnumerable<string> OfflineFlags(IEnumerable<Submission> accepted, IsoWeek engagementFrom)
    {
        decimal EngagementIn(IsoWeek week) => week >= engagementFrom ? EngagementHours : 0;
        foreach (var recipient in accepted.GroupBy(submission => submission.Recipient))
        {
            var declared = recipient.GroupBy(submission => submission.Week)
                .ToDictionary(week => week.Key, week => week.MaxBy(submission => submission.Version)!.Hours);
            foreach (var (week, hours) in declared)
            {
                var previous = Enumerable.Range(1, 3).Select(back => week.AddWeeks(-back)).Reverse()
                    .Select(w => new PreviousWeek(w.ToString(), declared.ContainsKey(w), declared.GetValueOrDefault(w), EngagementIn(w)))
                    .ToList();
                var input = new RuleInput(week.ToString(), EngagementIn(week), true, [new RuleActivity("job-search", week.Monday, hours)], previous);
                foreach (var rule in RuleCatalogue.All)
                {
                    var parameters = rule.Definition.Parameters.ToDictionary(p => p.Name, p => p.Default);
                    if (rule.Raises(input, parameters))
                    {
                        yield return $"{recipient.Key} {week} {rule.Definition.Id}";
                    }
                }
            }
        }
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

using System.Collections.Concurrent;
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
/// 200 recipients submit 2,000 declarations while every service (declarations, rules, review, allocations, audit) is
/// killed (kill -9) and restarted and RabbitMQ is restarted once. Every declaration sent must be accepted — the outbox lets
/// the API accept while the broker is down, and a client retries a request the declarations service died under (the
/// same content again is answered with the version already stored, never a second one) —, nothing accepted may be lost
/// or applied twice, the flags must be exactly those the rules compute offline, and the audit log must verify.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class FaultTests(ITestOutputHelper output)
{
    private const int Recipients = 200;
    private const int WeeksEach = 10;
    private const decimal EngagementHours = 15;

    /// <summary>Declarations per second: slow enough that every crash and restart happens while they keep coming.</summary>
    private const int SubmissionsPerSecond = 40;

    [Fact]
    public async Task DeclarationsSentThroughCrashesAndABrokerRestart_AreStoredAuditedAndFlaggedExactlyOnce()
    {
        await using var platform = await PlatformProcesses.StartAsync(null, "declarations", "rules", "review", "allocations", "audit");
        var thisWeek = WeekCalendar.WeekOf(DateTimeOffset.UtcNow);
        var engagementFrom = thisWeek.AddWeeks(-WeeksEach - 2);
        var weeks = Enumerable.Range(0, WeeksEach).Select(i => thisWeek.AddWeeks(i - WeeksEach - 1)).ToList();
        var recipients = Enumerable.Range(0, Recipients).Select(i => $"F-{i:000}").ToList();
        var random = new Random(20261128);
        var plan = recipients.SelectMany(r => weeks.Select(w => (Recipient: r, Week: w, Hours: (decimal)random.Next(2, 31) / 2))).ToList();
        var order = plan.OrderBy(_ => random.Next()).ToList();

        var counsellor = platform.ClientFor("declarations", "counsellor", "agent-fault");
        await Parallel.ForEachAsync(recipients, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (recipient, ct) =>
            Assert.Equal(HttpStatusCode.OK, (await counsellor.PutAsJsonAsync(
                $"/api/recipients/{recipient}/engagement", new { hoursPerWeek = EngagementHours, fromWeek = engagementFrom.ToString() }, ct)).StatusCode));

        // Submissions go on while the chaos runs.
        var accepted = new ConcurrentBag<(string Recipient, IsoWeek Week, decimal Hours)>();
        var refused = 0;
        var sent = 0;
        var chaos = RunChaosAsync(platform, () => Volatile.Read(ref sent));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(order.Select((item, index) => (item, index)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (entry, ct) =>
        {
            var (item, index) = entry;
            var due = TimeSpan.FromSeconds((double)index / SubmissionsPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, ct);
            }

            var response = await SubmitUntilAnsweredAsync(platform, item.Recipient, item.Week, item.Hours, ct);
            if (response.StatusCode == HttpStatusCode.Created || await IsVersionOneAsync(response, ct))
            {
                accepted.Add(item);
            }
            else
            {
                Interlocked.Increment(ref refused);
                output.WriteLine($"refused {item.Recipient} {item.Week}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }

            Interlocked.Increment(ref sent);
        });
        await chaos;

        // Wait until the rules service has consumed every accepted declaration and the audit log holds each of them.
        const string auditedDeclarations = "SELECT count(*) FROM audit_log WHERE message_type LIKE '%:DeclarationSubmitted'";
        await Eventually.GetAsync("every accepted declaration consumed by rules and in the audit log", async () =>
            await CountAsync(platform.ConnectionStringOf("rules"), "SELECT count(*) FROM inbox WHERE consumer = 'DeclarationSubmittedConsumer'") == accepted.Count
            && await CountAsync(platform.ConnectionStringOf("audit"), auditedDeclarations) == accepted.Count ? (bool?)true : null,
            TimeSpan.FromMinutes(4));

        var stored = await CountAsync(platform.ConnectionStringOf("declarations"), "SELECT count(*) FROM declaration_versions");
        var audited = await CountAsync(platform.ConnectionStringOf("audit"), auditedDeclarations);
        var auditedDistinct = await CountAsync(platform.ConnectionStringOf("audit"),
            "SELECT count(DISTINCT message_id) FROM audit_log WHERE message_type LIKE '%:DeclarationSubmitted'");
        var report = $"fault test: sent {sent}, accepted {accepted.Count}, refused {refused}, stored {stored}, audited {audited} " +
            $"(distinct {auditedDistinct}), lost {accepted.Count - Math.Min(stored, audited)}";
        output.WriteLine(report);
        Directory.CreateDirectory(Path.Combine(PlatformProcesses.RepositoryRoot, "artifacts"));
        await File.WriteAllTextAsync(Path.Combine(PlatformProcesses.RepositoryRoot, "artifacts", "fault-test.txt"), report + Environment.NewLine);

        Assert.Equal(Recipients * WeeksEach, sent);
        Assert.Equal(0, refused);
        Assert.Equal(sent, accepted.Count);
        Assert.Equal(accepted.Count, stored);
        Assert.Equal(accepted.Count, audited);
        Assert.Equal(accepted.Count, auditedDistinct);

        // The flags in force are exactly those the catalogue computes offline from the accepted declarations.
        var expected = OfflineFlags(accepted.ToList(), engagementFrom).Order().ToList();
        await using var rules = new NpgsqlConnection(platform.ConnectionStringOf("rules"));
        var actual = (await rules.QueryAsync<(string RecipientId, string Week, string RuleId)>(
            "SELECT recipient_id, week, rule_id FROM flags WHERE withdrawn_at IS NULL")).Select(f => $"{f.RecipientId} {f.Week} {f.RuleId}").Order().ToList();
        Assert.Equal(expected, actual);

        // Nothing reached an allocation, and the log's chain and every producer's sequence verify.
        Assert.Equal(0, await CountAsync(platform.ConnectionStringOf("audit"),
            "SELECT count(*) FROM audit_log WHERE message_type LIKE '%:AllocationAdjusted' OR message_type LIKE '%:SanctionDecided'"));
        await Eventually.GetAsync("every event published so far in the audit log", async () =>
        {
            var verification = await platform.ClientFor("audit", "auditor", "auditor-fault").GetFromJsonAsync<JsonElement>("/api/audit/verification");
            return verification.GetProperty("intact").GetBoolean() ? (JsonElement?)verification : null;
        }, TimeSpan.FromMinutes(1));
    }

    private async Task RunChaosAsync(PlatformProcesses platform, Func<int> sent)
    {
        async Task At(int count, string what, Func<Task> act)
        {
            while (sent() < count)
            {
                await Task.Delay(20);
            }

            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} after {sent()} declarations: {what}");
            await act();
        }

        await At(200, "kill -9 rules", () => { platform.Kill("rules"); return Task.CompletedTask; });
        await At(400, "restart rules", () => platform.RestartAsync("rules"));
        await At(500, "kill -9 review", () => { platform.Kill("review"); return Task.CompletedTask; });
        await At(700, "restart review", () => platform.RestartAsync("review"));
        await At(900, "kill -9 audit", () => { platform.Kill("audit"); return Task.CompletedTask; });
        await At(1000, "kill -9 allocations", () => { platform.Kill("allocations"); return Task.CompletedTask; });
        await At(1100, "restart audit", () => platform.RestartAsync("audit"));
        await At(1300, "restart allocations", () => platform.RestartAsync("allocations"));
        await At(1500, "restart RabbitMQ", () => platform.Servers.RestartBrokerAsync(PlatformProcesses.RepositoryRoot));
        await At(1700, "kill -9 declarations, restart it 2 s later", async () =>
        {
            // Requests in flight die with it and are sent again by their clients; the count of answered ones stalls
            // meanwhile, so the restart waits on time, not on a count.
            platform.Kill("declarations");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await platform.RestartAsync("declarations");
        });
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} chaos over after {sent()} declarations");
    }

    /// <summary>
    /// Sends one declaration until the service answers (a broken connection, or 503 while it starts), as a client would: a request cut by a
    /// crash may or may not have been stored, and sending the same content again is safe either way.
    /// </summary>
    private static async Task<HttpResponseMessage> SubmitUntilAnsweredAsync(
        PlatformProcesses platform, string recipient, IsoWeek week, decimal hours, CancellationToken cancellationToken)
    {
        var body = new
        {
            activities = new[] { new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours } },
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var client = platform.ClientFor("declarations", "recipient", recipient);
                var response = await client.PutAsJsonAsync($"/api/recipients/{recipient}/declarations/{week}", body, cancellationToken);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 300)
                {
                    return response;
                }
            }
            catch (HttpRequestException) when (attempt < 300)
            {
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>A 200 answering the same content again: the version stored by an earlier attempt that lost its answer.</summary>
    private static async Task<bool> IsVersionOneAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.StatusCode == HttpStatusCode.OK
        && (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("version").GetInt32() == 1;

    /// <summary>The catalogue run over the accepted declarations, as the rules service would see them once all arrived.</summary>
    private static IEnumerable<string> OfflineFlags(List<(string Recipient, IsoWeek Week, decimal Hours)> accepted, IsoWeek engagementFrom)
    {
        decimal EngagementIn(IsoWeek week) => week >= engagementFrom ? EngagementHours : 0;
        foreach (var recipient in accepted.GroupBy(item => item.Recipient))
        {
            var declared = recipient.ToDictionary(item => item.Week, item => item.Hours);
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

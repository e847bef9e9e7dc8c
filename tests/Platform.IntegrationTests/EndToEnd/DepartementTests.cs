using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.Rules.Calendar;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Départements, through HTTP only against the five services as processes, each under its broker user: an agent acts
/// only on the recipients of the départements in their token — another département's file answers 404 and nothing is
/// written — a transfer moves the file with its history, and bad input is refused with a reason.
/// </summary>
public sealed class DepartementTests(DepartementTests.Platform fixture) : IClassFixture<DepartementTests.Platform>
{
    private static readonly string[] AgentServices = ["declarations", "review", "allocations"];

    private readonly PlatformProcesses platform = fixture.Processes;

    /// <summary>The five services as processes, each under its broker user, for the class's tests.</summary>
    public sealed class Platform : IAsyncLifetime
    {
        private PlatformServers servers = null!;
        private Dictionary<string, string> users = [];

        public PlatformProcesses Processes { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            servers = await PlatformServers.GetAsync();
            (var virtualHost, var settings, users) = await BrokerUsers.FromDefinitionsAsync(servers);
            Processes = await PlatformProcesses.StartOnAsync(virtualHost, settings, BrokerUsers.Services);
        }

        public async Task DisposeAsync()
        {
            await Processes.DisposeAsync();
            await BrokerUsers.DeleteAsync(servers, users.Values);
        }
    }

    [Fact]
    public async Task AnAgentActsOnlyInTheirDepartement_ATransferMovesTheFileAndItsHistory()
    {
        const string recipientId = "R-dep-paris";
        var paris = Agent("counsellor", "agent-paris", "75");
        var marseille = Agent("counsellor", "agent-marseille", "13");
        await PlaceWithThreeShortWeeksAsync(recipientId, paris, "75");

        // Paris sees the file: the engagement, the declarations, the case in its queue, the allocation.
        var caseId = await Eventually.GetAsync("the case in the Paris queue", async () =>
            StoryTests.Items(await paris["review"].GetFromJsonAsync<JsonElement>($"/api/review/cases?status=open&recipient={recipientId}"))
                .Select(item => (Guid?)item.GetProperty("caseId").GetGuid()).FirstOrDefault());
        var engagement = await paris["declarations"].GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/engagement");
        Assert.Equal("75", engagement.GetProperty("departement").GetString());
        await AssertAnswersAsync(HttpStatusCode.OK, paris, recipientId, caseId);

        // Marseille does not: every read answers 404, the queue does not list it, and acting on it writes nothing.
        await AssertAnswersAsync(HttpStatusCode.NotFound, marseille, recipientId, caseId);
        Assert.Empty(StoryTests.Items(await marseille["review"].GetFromJsonAsync<JsonElement>($"/api/review/cases?status=open&recipient={recipientId}")));
        Assert.Equal(HttpStatusCode.NotFound, (await marseille["review"].PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        var unclaimed = await paris["review"].GetFromJsonAsync<JsonElement>($"/api/review/cases/{caseId}");
        Assert.Equal("open", unclaimed.GetProperty("state").GetString());

        // Nor can Marseille engage the recipient for itself (409: a move is a transfer).
        var taken = await marseille["declarations"].PutAsJsonAsync(
            $"/api/recipients/{recipientId}/engagement", new { hoursPerWeek = 10, fromWeek = "2026-W40", reductionReason = "health", departement = "13" });
        await AssertProblemAsync(taken, HttpStatusCode.Conflict, "recipient-in-another-departement");
        Assert.Equal(15m, (await paris["declarations"].GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/engagement"))
            .GetProperty("current").GetProperty("hoursPerWeek").GetDecimal());

        // The recipient moves to Marseille; a Paris counsellor records it.
        var same = await paris["declarations"].PostAsJsonAsync($"/api/recipients/{recipientId}/transfer", new { toDepartement = "75", reason = "Erreur." });
        await AssertProblemAsync(same, HttpStatusCode.Conflict, "same-departement");
        var moved = await paris["declarations"].PostAsJsonAsync(
            $"/api/recipients/{recipientId}/transfer", new { toDepartement = "13", reason = "Déménagement à Marseille." });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var transfer = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("75", transfer.GetProperty("fromDepartement").GetString());
        Assert.Equal("agent-paris", transfer.GetProperty("transferredBy").GetString());

        // From then on the reverse: Marseille reads the whole history, Paris gets 404 everywhere.
        await Eventually.GetAsync("the case visible to Marseille", async () =>
            (await marseille["review"].GetAsync($"/api/review/cases/{caseId}")).StatusCode == HttpStatusCode.OK ? (bool?)true : null);
        await Eventually.GetAsync("the allocation visible to Marseille", async () =>
            (await marseille["allocations"].GetAsync($"/api/recipients/{recipientId}/allocation")).StatusCode == HttpStatusCode.OK ? (bool?)true : null);
        await AssertAnswersAsync(HttpStatusCode.OK, marseille, recipientId, caseId);
        await AssertAnswersAsync(HttpStatusCode.NotFound, paris, recipientId, caseId);
        var history = await marseille["declarations"].GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/declarations");
        Assert.Equal(3, StoryTests.Items(history).Count());
        Assert.Equal(HttpStatusCode.OK, (await marseille["review"].PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);

        // The audit log keeps the transfer.
        var auditor = platform.ClientFor("audit", "auditor", "auditor-national", "*");
        await Eventually.GetAsync("the transfer in the audit log", async () =>
        {
            var events = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events?recipient={recipientId}&limit=100");
            return StoryTests.Items(events).Any(entry => entry.GetRawText().Contains("RecipientTransferred", StringComparison.Ordinal)) ? (bool?)true : null;
        });

        // Every read by an agent is in the person's consultations — Paris's before the move, Marseille's after it, each
        // with the route read — and in the audit log, which verifies; the reads Marseille was refused are not there.
        var person = platform.ClientFor("audit", "recipient", recipientId);
        async Task<List<(string? Agent, string? Route)>> ReadsAsync() =>
            (await person.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/consultations?limit=500")).GetProperty("consultations")
                .EnumerateArray().Select(read => (read.GetProperty("agentId").GetString(), read.GetProperty("route").GetString())).ToList();
        await Eventually.GetAsync("the agents' reads in the person's consultations", async () =>
            (await ReadsAsync()).Contains(("agent-marseille", "GET /api/review/cases/{caseId}")) ? (bool?)true : null);
        var reads = await ReadsAsync();
        Assert.Contains(("agent-paris", "GET /api/review/cases/{caseId}"), reads);
        Assert.Contains(("agent-paris", "GET /api/recipients/{recipientId}/allocation"), reads);
        Assert.Contains(("agent-marseille", "GET /api/recipients/{recipientId}/declarations"), reads);
        Assert.Equal(1, reads.Count(read => read == ("agent-marseille", "GET /api/recipients/{recipientId}/engagement")));   // its refused read is not one
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.ClientFor("audit", "recipient", "R-someone-else")
            .GetAsync($"/api/recipients/{recipientId}/consultations")).StatusCode);
        var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verification?full=true");
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
    }

    [Fact]
    public async Task BadInput_IsRefusedWithAReason_AndWritesNothing()
    {
        const string recipientId = "R-dep-refused";
        var paris = Agent("counsellor", "agent-paris-2", "75");
        var engagementUrl = $"/api/recipients/{recipientId}/engagement";

        var unknown = await paris["declarations"].PutAsJsonAsync(engagementUrl, new { hoursPerWeek = 15, fromWeek = "2026-W40", departement = "20" });
        await AssertProblemAsync(unknown, (HttpStatusCode)422, "validation");
        Assert.Contains("departement", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var notTheirs = await paris["declarations"].PutAsJsonAsync(engagementUrl, new { hoursPerWeek = 15, fromWeek = "2026-W40", departement = "13" });
        await AssertProblemAsync(notTheirs, HttpStatusCode.Forbidden, "departement-not-yours");

        var noClaim = Agent("counsellor", "agent-nowhere", "");
        var refused = await noClaim["declarations"].PutAsJsonAsync(engagementUrl, new { hoursPerWeek = 15, fromWeek = "2026-W40", departement = "75" });
        await AssertProblemAsync(refused, HttpStatusCode.Forbidden, "departements-missing");
        await AssertProblemAsync(await noClaim["review"].GetAsync("/api/review/cases?status=open"), HttpStatusCode.Forbidden, "departements-missing");

        // Nothing was written: not even a national agent finds an engagement.
        var national = Agent("counsellor", "agent-national", "*");
        Assert.Equal(HttpStatusCode.NotFound, (await national["declarations"].GetAsync(engagementUrl)).StatusCode);

        // A counsellor of one département places the recipient in it without naming it.
        Assert.Equal(HttpStatusCode.OK, (await paris["declarations"].PutAsJsonAsync(engagementUrl, new { hoursPerWeek = 15, fromWeek = "2026-W40" })).StatusCode);
        var placed = await national["declarations"].GetFromJsonAsync<JsonElement>(engagementUrl);
        Assert.Equal("75", placed.GetProperty("departement").GetString());
        var badTransfer = await paris["declarations"].PostAsJsonAsync($"/api/recipients/{recipientId}/transfer", new { toDepartement = "2C", reason = "" });
        await AssertProblemAsync(badTransfer, (HttpStatusCode)422, "validation");
    }

    /// <summary>
    /// Every event about a placed recipient names their département, whichever service produced it, as the audit log
    /// received it: statistics, auditors and other départements' systems can tell whose file each event belongs to.
    /// </summary>
    [Fact]
    public async Task EveryEventAboutAPlacedRecipient_NamesTheirDepartement()
    {
        const string recipientId = "R-dep-events";
        var lyon = Agent("counsellor", "agent-lyon", "69");
        var thisWeek = WeekCalendar.WeekOf(DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await lyon["declarations"].PutAsJsonAsync(
            $"/api/recipients/{recipientId}/engagement", new { hoursPerWeek = 15, fromWeek = thisWeek.AddWeeks(-5).ToString(), departement = "69" })).StatusCode);
        // A service stamps what it knows: each learns the placement from EngagementSet before the flags reach it here.
        foreach (var service in new[] { "rules", "review", "allocations" })
        {
            await Eventually.GetAsync($"the placement in {service}", async () =>
            {
                await using var connection = new NpgsqlConnection(platform.ConnectionStringOf(service));
                return await connection.ExecuteScalarAsync<string?>(
                    "SELECT departement FROM recipient_departements WHERE recipient_id = @recipientId", new { recipientId }) is null ? null : (bool?)true;
            });
        }

        var recipient = platform.ClientFor("declarations", "recipient", recipientId);
        var week = thisWeek.AddWeeks(-1);
        Assert.Equal(HttpStatusCode.Created, (await recipient.PutAsJsonAsync($"/api/recipients/{recipientId}/declarations/{week}", new
        {
            activities = new[] { new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 5m } },
        })).StatusCode);
        var caseId = await Eventually.GetAsync("the case in Lyon's queue", async () =>
            StoryTests.Items(await lyon["review"].GetFromJsonAsync<JsonElement>($"/api/review/cases?status=open&recipient={recipientId}"))
                .Select(item => (Guid?)item.GetProperty("caseId").GetGuid()).FirstOrDefault());
        Assert.Equal(HttpStatusCode.OK, (await lyon["review"].GetAsync($"/api/review/cases/{caseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lyon["review"].PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);

        // Declarations (engagement, declaration), rules (the flag), review (the claim, the read recorded).
        async Task<List<(string Producer, string Type, string? Departement)>> AuditedAsync()
        {
            await using var connection = new NpgsqlConnection(platform.ConnectionStringOf("audit"));
            return (await connection.QueryAsync<(string Producer, string Type, string? Departement)>(
                """
                SELECT producer, message_type, convert_from(body, 'UTF8')::jsonb ->> 'departement'
                  FROM audit_log WHERE recipient_id = @recipientId ORDER BY position
                """, new { recipientId })).ToList();
        }

        string[] expected = [":EngagementSet", ":DeclarationSubmitted", ":FlagRaised", ":CaseClaimed", ":FileConsulted"];
        await Eventually.GetAsync("the events of every producer in the audit log", async () =>
        {
            var rows = await AuditedAsync();
            return expected.All(type => rows.Any(row => row.Type.EndsWith(type, StringComparison.Ordinal))) ? true : (bool?)null;
        });
        var events = await AuditedAsync();
        var unstamped = events.Where(row => row.Departement != "69").ToList();
        Assert.True(unstamped.Count == 0, "events without département 69: " + string.Join(", ", unstamped));
    }

    /// <summary>
    /// PostgreSQL itself keeps each transaction to its scope, whatever the query asks: in every service's database, as the
    /// role the service runs as, another département's rows read empty, no scope at all reads nothing, and that role can
    /// neither switch the policy off nor get round it.
    /// </summary>
    [Fact]
    public async Task RowLevelSecurity_KeepsEveryRecipientTableToTheTransactionsScope()
    {
        const string parisId = "R-rls-paris", marseilleId = "R-rls-marseille";
        var paris = Agent("counsellor", "agent-paris", "75");
        var marseille = Agent("counsellor", "agent-marseille", "13");
        await PlaceWithThreeShortWeeksAsync(parisId, paris, "75");
        await PlaceWithThreeShortWeeksAsync(marseilleId, marseille, "13");
        foreach (var (agent, recipientId) in new[] { (paris, parisId), (marseille, marseilleId) })
        {
            await Eventually.GetAsync($"the case of {recipientId} in its département's queue", async () =>
                StoryTests.Items(await agent["review"].GetFromJsonAsync<JsonElement>($"/api/review/cases?status=open&recipient={recipientId}"))
                    .Select(item => (Guid?)item.GetProperty("caseId").GetGuid()).FirstOrDefault());
        }

        foreach (var service in new[] { "declarations", "rules", "review", "allocations" })
        {
            await using var owner = new NpgsqlConnection(platform.ConnectionStringOf(service));
            await owner.OpenAsync();
            var tables = (await owner.QueryAsync<string>(
                """
                SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'recipient_id'
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                   AND c.relname NOT IN ('recipient_departements', 'outbox', 'inbox', 'idempotency_keys')
                   AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid))
                """)).ToList();
            Assert.True(tables.Count == 0, $"{service}: tables holding recipient_id without row-level security: {string.Join(", ", tables)}");
            tables = (await owner.QueryAsync<string>(
                """
                SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'recipient_id'
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relrowsecurity ORDER BY 1
                """)).ToList();
            Assert.NotEmpty(tables);

            await using var runtime = new NpgsqlConnection(PlatformServers.AsRuntimeRole(platform.ConnectionStringOf(service)));
            await runtime.OpenAsync();
            var parisRows = 0L;
            foreach (var table in tables)
            {
                // What is there, as the owner sees it (a superuser: row-level security does not hold it).
                var all = await owner.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
                var ofParis = await owner.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE recipient_id = @parisId", new { parisId });
                // An agent's scope reaches the recipients this service knows to be placed in their départements.
                var inMarseille = await owner.ExecuteScalarAsync<long>(
                    $"SELECT count(*) FROM {table} t JOIN recipient_departements p USING (recipient_id) WHERE p.departement = '13'");
                var ofParisInParis = await owner.ExecuteScalarAsync<long>(
                    $"SELECT count(*) FROM {table} t JOIN recipient_departements p USING (recipient_id) WHERE p.departement = '75' AND recipient_id = @parisId",
                    new { parisId });
                var ofMarseille = await owner.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE recipient_id = @marseilleId", new { marseilleId });
                parisRows += ofParis;

                Assert.Equal(0, await CountInScopeAsync(runtime, table, scope: null));
                Assert.Equal(0, await CountInScopeAsync(runtime, table, scope: ""));
                Assert.Equal(all, await CountInScopeAsync(runtime, table, scope: "*"));
                Assert.Equal(inMarseille, await CountInScopeAsync(runtime, table, scope: "13"));
                Assert.Equal(0, await CountInScopeAsync(runtime, table, scope: "13", $"recipient_id = '{parisId}'"));
                Assert.Equal(ofParisInParis, await CountInScopeAsync(runtime, table, scope: "75,93", $"recipient_id = '{parisId}'"));
                Assert.Equal(ofMarseille, await CountInScopeAsync(runtime, table, scope: "recipient:" + marseilleId));

                // The runtime role owns nothing: it cannot switch the policy off, and asking PostgreSQL to ignore it fails.
                foreach (var sideDoor in new[]
                         {
                             $"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY", $"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
                             $"DROP POLICY within_scope ON {table}",
                             $"SET LOCAL row_security = off; SELECT count(*) FROM {table}",
                         })
                {
                    await using var attempt = await runtime.BeginTransactionAsync();
                    var refused = await Assert.ThrowsAsync<PostgresException>(() => runtime.ExecuteAsync(sideDoor, transaction: attempt));
                    Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
                }
            }

            if (service != "rules")
            {
                Assert.True(parisRows > 0, $"{service}: the test's recipient left no row to hide");
            }
        }
    }

    /// <summary>Rows of <paramref name="table"/> a transaction sees as the runtime role with <paramref name="scope"/> set (null: not set).</summary>
    private static async Task<long> CountInScopeAsync(NpgsqlConnection runtime, string table, string? scope, string where = "true")
    {
        await using var transaction = await runtime.BeginTransactionAsync();
        if (scope is not null)
        {
            await runtime.ExecuteAsync("SELECT set_config('platform.scope', @scope, true)", new { scope }, transaction);
        }

        return await runtime.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {where}", transaction: transaction);
    }

    /// <summary>Every API as an agent of <paramref name="departements"/> ("" for a token without the claim).</summary>
    private Dictionary<string, HttpClient> Agent(string role, string subject, string departements) =>
        AgentServices.ToDictionary(service => service, service => platform.ClientFor(service, role, subject, departements));

    private async Task PlaceWithThreeShortWeeksAsync(string recipientId, Dictionary<string, HttpClient> counsellor, string departement)
    {
        var thisWeek = WeekCalendar.WeekOf(DateTimeOffset.UtcNow);
        var placed = await counsellor["declarations"].PutAsJsonAsync(
            $"/api/recipients/{recipientId}/engagement", new { hoursPerWeek = 15, fromWeek = thisWeek.AddWeeks(-5).ToString(), departement });
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        var payer = platform.ClientFor("allocations", "payer", "caf-" + departement);
        Assert.Equal(HttpStatusCode.OK, (await payer.PutAsJsonAsync($"/api/recipients/{recipientId}/allocation", new
        {
            monthlyBaseAmount = 646.52m, householdSize = 1, loneParentIncrease = false,
            fromMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow)),
        })).StatusCode);
        var recipient = platform.ClientFor("declarations", "recipient", recipientId);
        for (var back = 3; back >= 1; back--)
        {
            var week = thisWeek.AddWeeks(-back);
            var declared = await recipient.PutAsJsonAsync($"/api/recipients/{recipientId}/declarations/{week}", new
            {
                activities = new[] { new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 5m } },
            });
            Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        }
    }

    /// <summary>The reads of one recipient's file in the three services, as <paramref name="agent"/>.</summary>
    private static async Task AssertAnswersAsync(HttpStatusCode expected, Dictionary<string, HttpClient> agent, string recipientId, Guid caseId)
    {
        string[] reads =
        [
            $"declarations /api/recipients/{recipientId}/engagement",
            $"declarations /api/recipients/{recipientId}/declarations",
            $"review /api/review/cases/{caseId}",
            $"review /api/recipients/{recipientId}/suspensions",
            $"allocations /api/recipients/{recipientId}/allocation",
        ];
        foreach (var read in reads)
        {
            var (service, path) = (read.Split(' ')[0], read.Split(' ')[1]);
            var response = await agent[service].GetAsync(path);
            Assert.True(expected == response.StatusCode, $"{read}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal($"https://xp-rsa.example/problems/{type}", JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
            fromMonth = DateTimeOffset.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture),
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

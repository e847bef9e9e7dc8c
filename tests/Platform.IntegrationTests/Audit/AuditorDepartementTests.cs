using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Declarations;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// One national log, read by auditors who may work for some départements only: such an auditor reads the entries of
/// the recipients of their départements (as the log's own events place them) and gets 404 for anyone else's, is refused
/// the views over every recipient's entries (403 national-auditor-required), keeps the views without personal data;
/// a refused read is not served and so not recorded. A national auditor (*) reads everything.
/// </summary>
public sealed class AuditorDepartementTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    [Fact]
    public async Task AnAuditorOfADepartement_ReadsOnlyItsRecipientsEntries()
    {
        var paris = $"R-aud-75-{Guid.NewGuid():N}"[..20];
        var marseille = $"R-aud-13-{Guid.NewGuid():N}"[..20];
        PlatformEvent[] events =
        [
            new EngagementSet(paris, 15, "2026-W40", "agent-c75") { Departement = "75" },
            new EngagementSet(marseille, 15, "2026-W40", "agent-c13") { Departement = "13" },
        ];
        var sequence = 0;
        foreach (var message in events)
        {
            await fixture.PublishAsync(message with
            {
                EventId = Guid.NewGuid(), Producer = "declarations", ProducerSequence = ++sequence, OccurredAt = AuditFixture.Now,
            });
        }

        await WaitForRecipientsAsync(paris, marseille);

        var ofParis = fixture.Audit.ClientFor("auditor", "auditor-75", "75");
        var national = fixture.Audit.ClientFor("auditor", "auditor-fr", "*");
        var at = Uri.EscapeDataString(AuditFixture.Now.AddDays(1).ToString("O"));

        Assert.Equal(HttpStatusCode.OK, (await ofParis.GetAsync($"/api/audit/replay?recipient={paris}&at={at}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ofParis.GetAsync($"/api/audit/events?recipient={paris}")).StatusCode);
        await AssertProblemAsync(await ofParis.GetAsync($"/api/audit/replay?recipient={marseille}&at={at}"), HttpStatusCode.NotFound, null);
        await AssertProblemAsync(await ofParis.GetAsync($"/api/audit/events?recipient={marseille}"), HttpStatusCode.NotFound, null);
        await AssertProblemAsync(await ofParis.GetAsync("/api/audit/events"), HttpStatusCode.Forbidden, "national-auditor-required");
        await AssertProblemAsync(await ofParis.GetAsync("/api/audit/verification"), HttpStatusCode.Forbidden, "national-auditor-required");
        Assert.Equal(HttpStatusCode.OK, (await ofParis.GetAsync("/api/audit/checkpoints")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ofParis.GetAsync("/api/audit/appeals/statistics")).StatusCode);
        Assert.Equal(0, await fixture.CountAsync(
            "SELECT count(*) FROM audit_access WHERE auditor = 'auditor-75' AND (recipient_id = @marseille OR recipient_id IS NULL AND action <> 'checkpoints' AND action NOT LIKE 'appeal%')",
            new { marseille }));

        var replay = await national.GetFromJsonAsync<JsonElement>($"/api/audit/replay?recipient={marseille}&at={at}");
        Assert.Equal(marseille, replay.GetProperty("recipientId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await national.GetAsync("/api/audit/events")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await national.GetAsync("/api/audit/verification")).StatusCode);
    }

    private async Task WaitForRecipientsAsync(params string[] recipients)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await fixture.CountAsync("SELECT count(DISTINCT recipient_id) FROM audit_log WHERE recipient_id = ANY(@recipients)", new { recipients }) < recipients.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, "the log did not receive the engagements");
            await Task.Delay(100);
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (type is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.EndsWith("/" + type, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        }
    }
}

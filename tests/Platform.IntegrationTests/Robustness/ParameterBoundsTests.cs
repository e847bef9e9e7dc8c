using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Platform.Audit;
using Platform.Declarations;
using Platform.IntegrationTests.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review;
using Platform.RuleEngine;

namespace Platform.IntegrationTests.Robustness;

/// <summary>
/// Page sizes, cursors and ranges at and past the edges of their types: each is checked before any arithmetic, so the
/// answer is a 422 naming the parameter (also when the text is not a number its type can hold), never an overflow's 500.
/// </summary>
public sealed class ParameterBoundsTests
{
    [Fact]
    public async Task AuditEvents_OutOfRangePaging_Answers422_AndSoDoesAPageSizeThatIsNoInt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var audit = await StartAsync<AuditService>(new Dictionary<string, string?>
        {
            ["DecisionKeys:bounds-1"] = key.ExportSubjectPublicKeyInfoPem(),
        });
        var auditor = audit.ClientFor("auditor", "auditor-bounds");
        foreach (var (query, field) in new[]
                 {
                     ("limit=2147483647", "limit"), ("limit=-2147483648", "limit"), ("limit=0", "limit"), ("limit=1001", "limit"),
                     ("cursor=-1", "cursor"), ("cursor=9223372036854775808", "cursor"), ("cursor=99999999999999999999999", "cursor"),
                 })
        {
            await AssertValidationAsync(await auditor.GetAsync($"/api/audit/events?{query}"), field);
        }

        // Text the parameter's type cannot hold is a value to correct like one out of range: 422 too, not 400.
        foreach (var query in new[] { "limit=2147483648", "limit=1e3", "limit=abc", "limit=1.5", "limit=99999999999999999999" })
        {
            await AssertValidationAsync(await auditor.GetAsync($"/api/audit/events?{query}"), "limit");
        }

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/audit/events?limit=1000&cursor=9223372036854775807")).StatusCode);
    }

    [Fact]
    public async Task DeclarationList_AtTheEdgesOfTheCalendar_AnswersWithoutOverflow()
    {
        await using var declarations = await StartAsync<DeclarationsService>(null);
        var recipient = declarations.ClientFor("recipient", "R-edge");
        await AssertValidationAsync(await recipient.GetAsync("/api/recipients/R-edge/declarations?from=0001-W01&to=9998-W52"), "from");
        await AssertValidationAsync(await recipient.GetAsync("/api/recipients/R-edge/declarations?from=9998-W52&to=0001-W01"), "from");
        Assert.Equal(HttpStatusCode.OK, (await recipient.GetAsync("/api/recipients/R-edge/declarations?to=0001-W01")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await recipient.GetAsync("/api/recipients/R-edge/declarations?from=9998-W40&to=9998-W52")).StatusCode);
    }

    [Fact]
    public async Task Simulation_FromTheFirstWeekOfTheCalendar_Answers422()
    {
        await using var rules = await StartAsync<RulesService>(null);
        var supervisor = rules.ClientFor("supervisor", "agent-edge");
        await AssertValidationAsync(
            await supervisor.PostAsJsonAsync("/api/rules/simulations", new { fromWeek = "0001-W01", toWeek = "0001-W10" }), "fromWeek");
        await AssertValidationAsync(
            await supervisor.PostAsJsonAsync("/api/rules/simulations", new { fromWeek = "9998-W01", toWeek = "0001-W10" }), "toWeek");
    }

    [Fact]
    public async Task MalformedQueryParameters_OnEveryPagedRoute_Answer422NamingTheParameter_InFrenchAndEnglish()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var audit = await StartAsync<AuditService>(new Dictionary<string, string?>
        {
            ["DecisionKeys:bounds-2"] = key.ExportSubjectPublicKeyInfoPem(),
        });
        await using var review = await StartAsync<ReviewService>(new Dictionary<string, string?>
        {
            ["Signing:ActiveKeyId"] = "bounds-2",
            ["Signing:Keys:bounds-2"] = key.ExportPkcs8PrivateKeyPem(),
        });
        var auditor = audit.ClientFor("auditor", "auditor-malformed");
        var counsellor = review.ClientFor("counsellor", "agent-malformed");
        string[] malformed = ["abc", "1.5", "99999999999999999999", "-99999999999999999999", "1e3", "0x10", "%20", "１"];
        var routes = new (HttpClient Client, string Path, string Parameter)[]
        {
            (auditor, "/api/audit/events", "limit"),
            (auditor, "/api/audit/checkpoints", "limit"),
            (counsellor, "/api/review/cases", "page"),
            (counsellor, "/api/review/cases", "pageSize"),
        };
        foreach (var (client, path, parameter) in routes)
        {
            foreach (var value in malformed)
            {
                await AssertValidationAsync(await client.GetAsync($"{path}?{parameter}={value}"), parameter);
            }
        }

        await AssertValidationAsync(await auditor.GetAsync("/api/audit/verification?full=maybe"), "full");
        using var english = new HttpRequestMessage(HttpMethod.Get, "/api/review/cases?pageSize=abc");
        english.Headers.AcceptLanguage.ParseAdd("en");
        var inEnglish = await (await counsellor.SendAsync(english)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("'pageSize': a whole number", inEnglish.GetProperty("errors").GetProperty("pageSize")[0].GetString(), StringComparison.Ordinal);
        var inFrench = await (await counsellor.GetAsync("/api/review/cases?pageSize=abc")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("« pageSize » : un nombre entier", inFrench.GetProperty("errors").GetProperty("pageSize")[0].GetString(), StringComparison.Ordinal);
    }

    private static async Task AssertValidationAsync(HttpResponseMessage response, string field)
    {
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://xp-rsa.example/problems/validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private static async Task<ServiceHost<T>> StartAsync<T>(IReadOnlyDictionary<string, string?>? settings)
        where T : class
    {
        var servers = await PlatformServers.GetAsync();
        var service = new ServiceHost<T>(
            await servers.CreateDatabaseAsync("bounds"),
            servers.Amqp,
            await servers.CreateVirtualHostAsync("bounds"),
            new FakeTimeProvider(DeclarationsFixture.Now),
            settings);
        _ = service.Server;
        return service;
    }
}

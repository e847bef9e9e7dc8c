using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Platform.Declarations;
using Platform.IntegrationTests.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.RuleEngine;

namespace Platform.IntegrationTests.Robustness;

/// <summary>
/// The rate limits as a client meets them: past its allowance in a window a caller gets 429 with Retry-After and the
/// rate-limited problem type, while another caller is unaffected; the costly routes have their own, smaller
/// allowance; a recipient's week of declarations stays far below the production limits.
/// </summary>
public sealed class RateLimitTests
{
    private const string RateLimited = "https://xp-rsa.example/problems/rate-limited";

    [Fact]
    public async Task TheCallAfterTheAllowance_Gets429WithRetryAfter_AndAnotherCallerIsUnaffected()
    {
        await using var service = await StartAsync<DeclarationsService>(new Dictionary<string, string?>
        {
            ["RateLimits:PermitsPerCaller"] = "5",
            // A window far longer than the test, so that the sixth call cannot fall into a fresh one.
            ["RateLimits:Window"] = "01:00:00",
        });
        var busy = service.ClientFor("counsellor", "agent-busy");
        for (var i = 0; i < 5; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await busy.GetAsync($"/api/recipients/R-{i}/engagement")).StatusCode);
        }

        var sixth = await busy.GetAsync("/api/recipients/R-6/engagement");
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.True(sixth.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        Assert.Equal("application/problem+json", sixth.Content.Headers.ContentType?.MediaType);
        var problem = await sixth.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(RateLimited, problem.GetProperty("type").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());

        var other = service.ClientFor("counsellor", "agent-calm");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/recipients/R-6/engagement")).StatusCode);
    }

    [Fact]
    public async Task CostlyRoutes_HaveTheirOwnSmallerAllowance()
    {
        await using var service = await StartAsync<RulesService>(new Dictionary<string, string?>
        {
            ["RateLimits:CostlyPermits"] = "2",
            ["RateLimits:CostlyWindow"] = "01:00:00",
        });
        var supervisor = service.ClientFor("supervisor", "agent-sim");
        var simulation = new { fromWeek = "2026-W01", toWeek = "2026-W10" };
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync("/api/rules/simulations", simulation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync("/api/rules/simulations", simulation)).StatusCode);
        var third = await supervisor.PostAsJsonAsync("/api/rules/simulations", simulation);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(RateLimited, (await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        // The same caller's cheap routes are still open; another supervisor still simulates.
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync("/api/rules")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.ClientFor("supervisor", "agent-other").PostAsJsonAsync("/api/rules/simulations", simulation)).StatusCode);
    }

    [Fact]
    public async Task ARecipientsWeekOfDeclarations_IsNeverLimited_WithTheProductionLimits()
    {
        await using var service = await StartAsync<DeclarationsService>(null);
        var recipient = service.ClientFor("recipient", "R-week");
        // A busy week: the week declared, read back and amended a dozen times, with the history read in between.
        for (var i = 1; i <= 12; i++)
        {
            var put = await recipient.PutAsJsonAsync(
                "/api/recipients/R-week/declarations/2026-W48",
                new { activities = new[] { new { category = "job-search", date = "2026-11-23", hours = i } } });
            Assert.True(put.IsSuccessStatusCode, $"{put.StatusCode}");
            Assert.Equal(HttpStatusCode.OK, (await recipient.GetAsync("/api/recipients/R-week/declarations/2026-W48")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await recipient.GetAsync("/api/recipients/R-week/declarations")).StatusCode);
        }
    }

    private static async Task<ServiceHost<T>> StartAsync<T>(IReadOnlyDictionary<string, string?>? settings)
        where T : class
    {
        var servers = await PlatformServers.GetAsync();
        var service = new ServiceHost<T>(
            await servers.CreateDatabaseAsync("ratelimit"),
            servers.Amqp,
            await servers.CreateVirtualHostAsync("ratelimit"),
            new FakeTimeProvider(DeclarationsFixture.Now),
            settings);
        _ = service.Server;
        return service;
    }
}

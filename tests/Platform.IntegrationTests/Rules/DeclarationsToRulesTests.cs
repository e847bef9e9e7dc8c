using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Platform.Contracts.Rules;
using Platform.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.Rules;
using Platform.Rules.Catalogue;
using Platform.RuleEngine;

namespace Platform.IntegrationTests.Rules;

/// <summary>The real declarations service feeding the real rules service over one virtual host, each on its own database.</summary>
public sealed class DeclarationsToRulesTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(RulesFixture.Now);
    private PlatformServers servers = null!;
    private string virtualHost = null!;
    private EventProbe events = null!;
    private ServiceHost<DeclarationsService> DeclarationsHost { get; set; } = null!;

    private ServiceHost<RulesService> RulesHost { get; set; } = null!;

    public async Task InitializeAsync()
    {
        servers = await PlatformServers.GetAsync();
        virtualHost = await servers.CreateVirtualHostAsync("rules-e2e");
        events = await EventProbe.StartAsync(servers.Amqp, virtualHost);
        RulesHost = new ServiceHost<RulesService>(await servers.CreateDatabaseAsync("rules"), servers.Amqp, virtualHost, clock);
        DeclarationsHost = new ServiceHost<DeclarationsService>(await servers.CreateDatabaseAsync("declarations"), servers.Amqp, virtualHost, clock);
        _ = RulesHost.Server;
        _ = DeclarationsHost.Server;
    }

    [Fact]
    public async Task ShortDeclaration_ThenAnAmendment_RaisesThenWithdrawsAReproducibleFlag()
    {
        var recipient = RulesFixture.NewRecipient();
        var counsellor = DeclarationsHost.ClientFor("counsellor", "agent-7");
        var person = DeclarationsHost.ClientFor("recipient", recipient);
        var url = $"/api/recipients/{recipient}/declarations/2026-W48";

        Assert.Equal(HttpStatusCode.OK, (await counsellor.PutAsJsonAsync(
            $"/api/recipients/{recipient}/engagement", new { hoursPerWeek = 15, fromWeek = "2026-W45" })).StatusCode);
        await events.WaitForAsync<Platform.Contracts.Declarations.EngagementSet>(e => e.RecipientId == recipient);
        Assert.Equal(HttpStatusCode.Created, (await person.PutAsJsonAsync(url, new
        {
            activities = new[] { new { category = "job-search", date = "2026-11-23", hours = 4m, note = "rendez-vous médical annulé" } },
        })).StatusCode);

        var raised = await events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient);
        Assert.Equal(WeeklyHoursBelowEngagement.Id, raised.RuleId);
        Assert.DoesNotContain("médical", raised.Facts.GetRawText(), StringComparison.Ordinal);
        Assert.True(RuleReplay.WouldRaise(raised.RuleId, raised.RuleVersion, raised.Facts, raised.Parameters));

        Assert.Equal(HttpStatusCode.OK, (await person.PutAsJsonAsync(url, new
        {
            activities = new[]
            {
                new { category = "job-search", date = "2026-11-23", hours = 4m },
                new { category = "training", date = "2026-11-24", hours = 11m },
            },
        })).StatusCode);

        var withdrawn = await events.WaitForAsync<FlagWithdrawn>(e => e.RecipientId == recipient);
        Assert.Equal(raised.FlagId, withdrawn.FlagId);
    }

    public async Task DisposeAsync()
    {
        await (DeclarationsHost?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (RulesHost?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (events?.DisposeAsync() ?? ValueTask.CompletedTask);
        if (virtualHost is not null)
        {
            await servers.DeleteVirtualHostAsync(virtualHost);
        }
    }
}

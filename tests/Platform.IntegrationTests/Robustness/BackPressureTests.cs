using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Contracts.Declarations;
using Platform.Declarations;
using Platform.IntegrationTests.Declarations;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Robustness;

/// <summary>
/// A dependency going down, seen by one service through a relay the test cuts (the shared RabbitMQ and PostgreSQL
/// stay up for every other test): with the broker away, declarations are still accepted and wait in the outbox, up to
/// its bound, then 503; once the broker is back they are published, also when its connection kept dropping while they
/// were. With the database away, 503 at once.
/// </summary>
public sealed class BackPressureTests
{
    private const string Week = "2026-W48";
    private const int ConnectionLossRecipients = 240;

    [Fact]
    public async Task BrokerDown_DeclarationsAreAccepted_UpToTheOutboxBound_ThenRefusedWith503_AndPublishedOnceItIsBack()
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("backpressure");
        var virtualHost = await servers.CreateVirtualHostAsync("backpressure");
        await using var events = await EventProbe.StartAsync(servers.Amqp, virtualHost);
        await using var broker = TcpProxy.Start(servers.Amqp.Host, servers.Amqp.Port);
        var throughProxy = new UriBuilder(servers.Amqp) { Port = broker.Port }.Uri;
        await using var service = new ServiceHost<DeclarationsService>(
            database, throughProxy, virtualHost, new FakeTimeProvider(DeclarationsFixture.Now), new Dictionary<string, string?>
            {
                ["Outbox:MaxDepth"] = "3",
                ["Outbox:DepthCheckInterval"] = "00:00:00",
            });
        _ = service.Server;

        // Connected: accepted and published.
        Assert.Equal(HttpStatusCode.Created, (await DeclareAsync(service, "R-bp-0")).StatusCode);
        await events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == "R-bp-0");
        for (var tries = 0; await CountAsync(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL") > 0; tries++)
        {
            Assert.True(tries < 300, "the first event was never marked published");
            await Task.Delay(100);
        }

        broker.Cut();
        var whileDown = new List<HttpResponseMessage>();
        for (var i = 1; i <= 3; i++)
        {
            whileDown.Add(await DeclareAsync(service, $"R-bp-{i}"));
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created], whileDown.Select(response => response.StatusCode));
        var refused = await DeclareAsync(service, "R-bp-4");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://xp-rsa.example/problems/unavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(0L, await CountAsync(database, "SELECT count(*) FROM declaration_versions WHERE recipient_id = 'R-bp-4'"));

        // Back: the three waiting declarations are published, each once, and new ones are accepted again.
        broker.Open();
        for (var i = 1; i <= 3; i++)
        {
            var recipient = $"R-bp-{i}";
            await events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == recipient, TimeSpan.FromSeconds(90));
        }

        Assert.Equal(HttpStatusCode.Created, (await DeclareAsync(service, "R-bp-5")).StatusCode);
        await events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == "R-bp-5", TimeSpan.FromSeconds(60));
        Assert.Equal(1, await events.CountAfterQuietAsync<DeclarationSubmitted>(TimeSpan.FromSeconds(1), e => e.RecipientId == "R-bp-2"));
        await servers.DeleteVirtualHostAsync(virtualHost);
    }

    /// <summary>
    /// The broker's connection dropped again and again while the outbox is publishing, with confirmations outstanding:
    /// once it stays up, every event accepted is published. (A publish whose confirmation never came used to hold the
    /// dispatcher, and with it the outbox partitions it owned, for good.)
    /// </summary>
    [Fact]
    public async Task TheBrokerConnectionDroppingWhileEventsArePublished_LosesNoneAndHoldsNoneBack()
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("connloss");
        var virtualHost = await servers.CreateVirtualHostAsync("connloss");
        await using var events = await EventProbe.StartAsync(servers.Amqp, virtualHost);
        await using var broker = TcpProxy.Start(servers.Amqp.Host, servers.Amqp.Port);
        var throughProxy = new UriBuilder(servers.Amqp) { Port = broker.Port }.Uri;
        await using var service = new ServiceHost<DeclarationsService>(
            database, throughProxy, virtualHost, new FakeTimeProvider(DeclarationsFixture.Now), new Dictionary<string, string?>
            {
                ["Outbox:ConfirmTimeout"] = "00:00:05",
            });
        _ = service.Server;

        var declared = 0;
        var declaring = Task.WhenAll(Enumerable.Range(0, 6).Select(async worker =>
        {
            for (var i = worker; i < ConnectionLossRecipients; i += 6)
            {
                var response = await DeclareAsync(service, $"R-cl-{i}");
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                Interlocked.Increment(ref declared);
            }
        }));

        // Cut while the dispatcher publishes: each cut finds confirmations outstanding.
        for (var cut = 0; cut < 6 && !declaring.IsCompleted; cut++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(700));
            broker.Cut();
            await Task.Delay(TimeSpan.FromMilliseconds(300 + 400 * (cut % 3)));
            broker.Open();
        }

        await declaring;
        Assert.Equal(ConnectionLossRecipients, declared);
        for (var tries = 0; await CountAsync(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL") > 0; tries++)
        {
            Assert.True(tries < 1200, "events accepted are still unpublished two minutes after the connection came back");
            await Task.Delay(100);
        }

        var received = await events.WaitForCountAsync<DeclarationSubmitted>(ConnectionLossRecipients, e => e.RecipientId.StartsWith("R-cl-", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Equal(ConnectionLossRecipients, received.Select(e => e.RecipientId).Distinct().Count());
        await servers.DeleteVirtualHostAsync(virtualHost);
    }

    [Fact]
    public async Task DatabaseDown_ReadsAndWritesAnswer503WithRetryAfter()
    {
        var servers = await PlatformServers.GetAsync();
        var direct = new NpgsqlConnectionStringBuilder(await servers.CreateDatabaseAsync("dbdown"));
        var virtualHost = await servers.CreateVirtualHostAsync("dbdown");
        await using var postgres = TcpProxy.Start(direct.Host!, direct.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = postgres.Port }.ConnectionString;
        await using var service = new ServiceHost<DeclarationsService>(
            throughProxy, servers.Amqp, virtualHost, new FakeTimeProvider(DeclarationsFixture.Now));
        _ = service.Server;
        Assert.Equal(HttpStatusCode.Created, (await DeclareAsync(service, "R-db-1")).StatusCode);

        postgres.Cut();
        var client = service.ClientFor("recipient", "R-db-1");
        foreach (var response in new[]
                 {
                     await client.GetAsync($"/api/recipients/R-db-1/declarations/{Week}"),
                     await DeclareAsync(service, "R-db-2"),
                 })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("https://xp-rsa.example/problems/unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }

        postgres.Open();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/recipients/R-db-1/declarations/{Week}")).StatusCode);
        await servers.DeleteVirtualHostAsync(virtualHost);
    }

    private static Task<HttpResponseMessage> DeclareAsync(ServiceHost<DeclarationsService> service, string recipient) =>
        service.ClientFor("recipient", recipient).PutAsJsonAsync(
            $"/api/recipients/{recipient}/declarations/{Week}",
            new { activities = new[] { new { category = "job-search", date = "2026-11-23", hours = 3 } } });

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Contracts.Declarations;
using Platform.Declarations;
using Platform.IntegrationTests.Declarations;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Robustness;

/// <summary>
/// The broker's connection dropped again and again while the outbox is publishing, with confirmations outstanding:
/// once it stays up, every event accepted is published. (A publish whose confirmation never came used to hold the
/// dispatcher, and with it the outbox partitions it owned, for good.)
/// </summary>
public sealed class ConnectionLossTests
{
    private const string Week = "2026-W48";
    private const int Recipients = 240;

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
            for (var i = worker; i < Recipients; i += 6)
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
        Assert.Equal(Recipients, declared);
        for (var tries = 0; await CountAsync(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL") > 0; tries++)
        {
            Assert.True(tries < 1200, "events accepted are still unpublished two minutes after the connection came back");
            await Task.Delay(100);
        }

        var received = await events.WaitForCountAsync<DeclarationSubmitted>(Recipients, e => e.RecipientId.StartsWith("R-cl-", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Equal(Recipients, received.Select(e => e.RecipientId).Distinct().Count());
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

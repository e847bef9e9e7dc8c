using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// deploy/rabbitmq/definitions.json as deployed: each service runs under its own broker user with the permissions
/// the file gives it, the platform still works, and no service but review can publish a SanctionDecided.
/// </summary>
public sealed class BrokerPermissionsTests
{
    private static readonly string[] Services = ["declarations", "rules", "review", "allocations", "audit"];

    [Fact]
    public async Task TheServicesRunUnderTheirOwnUsers_AndOnlyReviewMayPublishASanctionDecided()
    {
        var servers = await PlatformServers.GetAsync();
        var virtualHost = await servers.CreateVirtualHostAsync("permissions");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var definitions = JsonDocument.Parse(await File.ReadAllTextAsync(
            Path.Combine(PlatformProcesses.RepositoryRoot, "deploy", "rabbitmq", "definitions.json"))).RootElement;
        using var management = Management(servers);
        var settings = new Dictionary<string, string>();
        foreach (var service in Services)
        {
            // The file's user and password hash (password = the service's name), under a name unique to this test.
            var user = definitions.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == service);
            var permission = definitions.GetProperty("permissions").EnumerateArray().Single(p => p.GetProperty("user").GetString() == service);
            (await management.PutAsJsonAsync($"api/users/{service}-{suffix}", new
            {
                password_hash = user.GetProperty("password_hash").GetString(),
                hashing_algorithm = user.GetProperty("hashing_algorithm").GetString(),
                tags = "",
            })).EnsureSuccessStatusCode();
            (await management.PutAsJsonAsync($"api/permissions/{virtualHost}/{service}-{suffix}", new
            {
                configure = permission.GetProperty("configure").GetString(),
                write = permission.GetProperty("write").GetString(),
                read = permission.GetProperty("read").GetString(),
            })).EnsureSuccessStatusCode();
            settings[$"{service}:RabbitMq__Username"] = $"{service}-{suffix}";
            settings[$"{service}:RabbitMq__Password"] = service;
        }

        try
        {
            await using var platform = await PlatformProcesses.StartOnAsync(virtualHost, settings, Services);

            // The platform works under these permissions: a declaration flows to the rules and the audit log.
            var recipient = platform.ClientFor("declarations", "recipient", "R-perm");
            Assert.Equal(HttpStatusCode.Created, (await recipient.PutAsJsonAsync("/api/recipients/R-perm/declarations/2026-W40",
                new { activities = new[] { new { category = "training", date = "2026-09-28", hours = 2 } } })).StatusCode);
            var auditor = platform.ClientFor("audit", "auditor", "auditor-perm");
            await Eventually.GetAsync("the declaration in the audit log", async () =>
            {
                var events = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/events?recipient=R-perm");
                return events.GetProperty("events").GetArrayLength() > 0 ? (bool?)true : null;
            });

            // Every service but review is refused when it tries to publish a SanctionDecided.
            foreach (var service in Services)
            {
                var refused = await TryPublishSanctionDecidedAsync(servers, virtualHost, $"{service}-{suffix}", service);
                Assert.True(refused == (service != "review"), $"{service}: publishing a SanctionDecided was {(refused ? "refused" : "allowed")}");
            }
        }
        finally
        {
            foreach (var service in Services)
            {
                await management.DeleteAsync($"api/users/{service}-{suffix}");
            }
        }
    }

    /// <summary>True when the broker refuses the publish (ACCESS_REFUSED closes the channel).</summary>
    private static async Task<bool> TryPublishSanctionDecidedAsync(PlatformServers servers, string virtualHost, string user, string password)
    {
        var factory = new ConnectionFactory
        {
            HostName = servers.Amqp.Host, Port = servers.Amqp.Port, VirtualHost = virtualHost, UserName = user, Password = password,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        try
        {
            await channel.ExchangeDeclareAsync("Platform.Contracts.Review:SanctionDecided", ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.BasicPublishAsync("Platform.Contracts.Review:SanctionDecided", "", Encoding.UTF8.GetBytes("{}"));
            return false;
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 403)
        {
            return true;
        }
        catch (AlreadyClosedException exception) when (exception.ShutdownReason?.ReplyCode == 403)
        {
            return true;
        }
    }

    private static HttpClient Management(PlatformServers servers)
    {
        var http = new HttpClient { BaseAddress = new Uri(servers.Management.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(servers.Management.UserInfo))));
        return http;
    }
}

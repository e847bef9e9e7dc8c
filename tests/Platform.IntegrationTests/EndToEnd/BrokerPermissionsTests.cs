using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Contracts;
using Platform.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// deploy/rabbitmq/definitions.json as deployed: each service runs under its own broker user with the permissions the
/// file gives it and the platform works; each user may write only the exchanges of the events it owns and its own
/// queues' exchanges, never the default exchange; no user may delete or purge another's queue.
/// </summary>
public sealed class BrokerPermissionsTests
{
    /// <summary>The services whose consumers read partition queues behind a <c>&lt;service&gt;-partitions</c> exchange.</summary>
    private static readonly string[] PartitionedServices = ["rules", "review", "allocations"];

    [Fact]
    public async Task UnderTheirOwnUsers_EachServiceMayWriteOnlyItsOwnEvents_AndTouchNoOtherQueue()
    {
        var servers = await PlatformServers.GetAsync();
        var (virtualHost, settings, users) = await BrokerUsers.FromDefinitionsAsync(servers);
        try
        {
            await using var platform = await PlatformProcesses.StartOnAsync(virtualHost, settings, BrokerUsers.Services);

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

            // Every event type's exchange exists (declared here by the test's own user, as a service would).
            var eventTypes = typeof(PlatformEvent).Assembly.GetTypes()
                .Where(type => type.IsSealed && typeof(PlatformEvent).IsAssignableFrom(type)).ToList();
            var owners = new Dictionary<string, string>
            {
                ["Declarations"] = "declarations", ["Rules"] = "rules", ["Review"] = "review", ["Allocations"] = "allocations", ["Audit"] = "audit",
            };
            await using (var admin = await ConnectAsync(servers, virtualHost, null))
            await using (var channel = await admin.CreateChannelAsync())
            {
                foreach (var type in eventTypes)
                {
                    await channel.ExchangeDeclareAsync($"{type.Namespace}:{type.Name}", ExchangeType.Fanout, durable: true, autoDelete: false);
                }
            }

            var queues = await QueuesAsync(servers, virtualHost);
            Assert.Contains("allocations-p0", queues);
            Assert.Contains("review-p15", queues);
            var failures = new List<string>();
            foreach (var service in BrokerUsers.Services)
            {
                await using var connection = await ConnectAsync(servers, virtualHost, (users[service], service));
                // Every service publishes FileConsulted about its own routes: the contracts' root namespace has no owner.
                foreach (var type in eventTypes.Where(type => type.Namespace != typeof(PlatformEvent).Namespace))
                {
                    var owner = owners[type.Namespace!.Split('.')[^1]];
                    var exchange = $"{type.Namespace}:{type.Name}";
                    if (owner != service && !await BrokerUsers.RefusedAsync(connection, channel => channel.BasicPublishAsync(exchange, "", Encoding.UTF8.GetBytes("{}")).AsTask()))
                    {
                        failures.Add($"{service} may publish {type.Name}, owned by {owner}");
                    }
                }

                foreach (var queue in queues.Where(queue => !queue.StartsWith(service + "-", StringComparison.Ordinal)))
                {
                    if (!await BrokerUsers.RefusedAsync(connection, channel => channel.BasicPublishAsync("", queue, Encoding.UTF8.GetBytes("{}")).AsTask()))
                    {
                        failures.Add($"{service} may publish to {queue} through the default exchange");
                    }

                    if (!await BrokerUsers.RefusedAsync(connection, channel => channel.BasicPublishAsync(queue, "", Encoding.UTF8.GetBytes("{}")).AsTask()))
                    {
                        failures.Add($"{service} may publish to the exchange of {queue}");
                    }

                    if (!await BrokerUsers.RefusedAsync(connection, channel => channel.QueueDeleteAsync(queue)))
                    {
                        failures.Add($"{service} may delete {queue}");
                    }

                    if (!await BrokerUsers.RefusedAsync(connection, channel => channel.QueuePurgeAsync(queue)))
                    {
                        failures.Add($"{service} may purge {queue}");
                    }
                }

                // Nor may it feed another service's partitions (the consistent-hash exchange in front of its queues).
                foreach (var other in PartitionedServices.Where(other => other != service))
                {
                    if (!await BrokerUsers.RefusedAsync(connection, channel => channel.BasicPublishAsync($"{other}-partitions", "R-perm", Encoding.UTF8.GetBytes("{}")).AsTask()))
                    {
                        failures.Add($"{service} may publish to the partitions of {other}");
                    }
                }

                // Its own queues reach only itself, but the default exchange is no one's.
                var own = queues.FirstOrDefault(queue => queue.StartsWith(service + "-", StringComparison.Ordinal));
                if (own is not null && !await BrokerUsers.RefusedAsync(connection, channel => channel.BasicPublishAsync("", own, Encoding.UTF8.GetBytes("{}")).AsTask()))
                {
                    failures.Add($"{service} may publish through the default exchange");
                }
            }

            // The owner may publish its own: the review user publishes a (here meaningless) SanctionDecided.
            await using (var review = await ConnectAsync(servers, virtualHost, (users["review"], "review")))
            {
                Assert.False(await BrokerUsers.RefusedAsync(review, channel => channel.BasicPublishAsync(
                    "Platform.Contracts.Review:SanctionDecided", "", Encoding.UTF8.GetBytes("{}")).AsTask()));
            }

            Assert.Empty(failures);
            // Every queue is still there.
            Assert.Equal(queues.Order(), (await QueuesAsync(servers, virtualHost)).Where(queues.Contains).Order());
        }
        finally
        {
            await BrokerUsers.DeleteAsync(servers, users.Values);
        }
    }

    private static async Task<IConnection> ConnectAsync(PlatformServers servers, string virtualHost, (string User, string Password)? credentials)
    {
        var factory = new ConnectionFactory { Uri = servers.Amqp, VirtualHost = virtualHost };
        if (credentials is { } given)
        {
            factory.UserName = given.User;
            factory.Password = given.Password;
        }

        return await factory.CreateConnectionAsync();
    }

    private static async Task<List<string>> QueuesAsync(PlatformServers servers, string virtualHost)
    {
        using var management = Management(servers);
        var queues = await management.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(virtualHost)}?columns=name");
        return queues.EnumerateArray().Select(queue => queue.GetProperty("name").GetString()!).Where(name => !name.Contains("_bus_", StringComparison.Ordinal)).ToList();
    }

    private static HttpClient Management(PlatformServers servers)
    {
        var http = new HttpClient { BaseAddress = new Uri(servers.Management.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(servers.Management.UserInfo))));
        return http;
    }
}

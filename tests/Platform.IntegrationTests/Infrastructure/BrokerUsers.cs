using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>The services' broker users of deploy/rabbitmq/definitions.json, set up on a test virtual host.</summary>
public static class BrokerUsers
{
    public static readonly string[] Services = ["declarations", "rules", "review", "allocations", "audit"];

    /// <summary>
    /// The file's users (password = the service's name) and permissions on a fresh virtual host, under names unique to
    /// the test; returns the virtual host, the settings that make each service connect as its user, and the user names.
    /// </summary>
    public static async Task<(string VirtualHost, Dictionary<string, string> Settings, Dictionary<string, string> Users)> FromDefinitionsAsync(
        PlatformServers servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var virtualHost = await servers.CreateVirtualHostAsync("permissions");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var definitions = JsonDocument.Parse(await File.ReadAllTextAsync(
            Path.Combine(PlatformProcesses.RepositoryRoot, "deploy", "rabbitmq", "definitions.json"))).RootElement;
        using var management = servers.ManagementClientForTests();
        var settings = new Dictionary<string, string>();
        var users = new Dictionary<string, string>();
        foreach (var service in Services)
        {
            var user = definitions.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == service);
            var permission = definitions.GetProperty("permissions").EnumerateArray().Single(p => p.GetProperty("user").GetString() == service);
            users[service] = $"{service}-{suffix}";
            (await management.PutAsJsonAsync($"api/users/{users[service]}", new
            {
                password_hash = user.GetProperty("password_hash").GetString(),
                hashing_algorithm = user.GetProperty("hashing_algorithm").GetString(),
                tags = "",
            })).EnsureSuccessStatusCode();
            (await management.PutAsJsonAsync($"api/permissions/{virtualHost}/{users[service]}", new
            {
                configure = permission.GetProperty("configure").GetString(),
                write = permission.GetProperty("write").GetString(),
                read = permission.GetProperty("read").GetString(),
            })).EnsureSuccessStatusCode();
            settings[$"{service}:RabbitMq__Username"] = users[service];
            settings[$"{service}:RabbitMq__Password"] = service;
            // The audit log knows each producer by its broker user (Audit:Publishers maps a user to the producer it may be).
            settings[$"audit:Audit__Publishers__{users[service]}"] = service;
        }

        // The allocations service acts only on decisions whose validated publisher is the review service's user.
        settings["allocations:ReviewPublisher__UserId"] = users["review"];
        return (virtualHost, settings, users);
    }

    public static async Task DeleteAsync(PlatformServers servers, IEnumerable<string> users)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(users);
        using var management = servers.ManagementClientForTests();
        foreach (var user in users)
        {
            await management.DeleteAsync($"api/users/{user}");
        }
    }

    private static HttpClient ManagementClientForTests(this PlatformServers servers)
    {
        var http = new HttpClient { BaseAddress = new Uri(servers.Management.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(servers.Management.UserInfo))));
        return http;
    }

    /// <summary>True when the broker refuses the operation with 403 ACCESS_REFUSED (which closes the channel).</summary>
    public static async Task<bool> RefusedAsync(IConnection connection, Func<IChannel, Task> operation)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        try
        {
            await operation(channel);
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
}

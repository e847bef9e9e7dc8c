using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.RuleEngine;

namespace Platform.IntegrationTests.Rules;

/// <summary>
/// The rules service on its own database and virtual host, fed the way the declarations service feeds it: events on
/// the bus (published raw, so a test controls message ids, versions and order), with a probe on every event.
/// </summary>
public sealed class RulesFixture : IAsyncLifetime
{
    /// <summary>Thursday of week 2026-W48, 10:00 in Paris: 2026-W47 and before are past their deadline, 2026-W48 is open.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static long sequence;

    public PlatformServers Servers { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public string VirtualHost { get; private set; } = null!;

    public ServiceHost<RulesService> Service { get; private set; } = null!;

    public EventProbe Events { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(Now);

    public async Task InitializeAsync()
    {
        Servers = await PlatformServers.GetAsync();
        ConnectionString = await Servers.CreateDatabaseAsync("rules");
        VirtualHost = await Servers.CreateVirtualHostAsync("rules");
        Events = await EventProbe.StartAsync(Servers.Amqp, VirtualHost);
        Service = StartService();
        _ = Service.Server; // start now: migrations and bus, before the first test
    }

    public ServiceHost<RulesService> StartService() =>
        new(ConnectionString, Servers.Amqp, VirtualHost, Clock, new Dictionary<string, string?> { ["Deadlines:PollInterval"] = "00:00:01" });

    public static string NewRecipient() => $"r-{Guid.NewGuid():N}"[..20];

    /// <summary>An EngagementSet as the declarations service would publish it, with the next producer sequence.</summary>
    public static EngagementSet Engagement(string recipientId, decimal hours, string fromWeek) =>
        new(recipientId, hours, fromWeek, "agent-7") { ProducerSequence = Interlocked.Increment(ref sequence), Producer = "declarations", EventId = Guid.NewGuid(), OccurredAt = Now };

    /// <summary>A transfer as the declarations service would publish it, with the next producer sequence.</summary>
    public static RecipientTransferred Transfer(string recipientId, string from, string to) =>
        new(recipientId, from, to, "agent-7", "Déménagement.") { ProducerSequence = Interlocked.Increment(ref sequence), Producer = "declarations", EventId = Guid.NewGuid(), OccurredAt = Now };

    /// <summary>A declaration of <paramref name="week"/> with one activity per number of hours, on the week's first days.</summary>
    public static DeclarationSubmitted Declaration(string recipientId, string week, int version, params decimal[] hours)
    {
        var monday = Platform.Rules.Calendar.IsoWeek.Parse(week).Monday;
        var activities = hours.Select((h, i) => new DeclaredActivity("job-search", monday.AddDays(i % 7), h, "a note no rule may see")).ToList();
        return new DeclarationSubmitted(recipientId, week, version, activities, hours.Sum(), false, Now)
        {
            ProducerSequence = Interlocked.Increment(ref sequence), Producer = "declarations", EventId = Guid.NewGuid(), OccurredAt = Now,
        };
    }

    public Task PublishAsync<T>(T message)
        where T : PlatformEvent => Events.PublishRawAsync(message, Guid.NewGuid());

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, parameters);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return (await Dapper.SqlMapper.ExecuteScalarAsync<T>(connection, sql, parameters))!;
    }

    /// <summary>Polls until <paramref name="sql"/> counts <paramref name="expected"/>; fails with the last count after 20 s.</summary>
    public async Task WaitForCountAsync(string sql, object? parameters, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long count;
        while ((count = await CountAsync(sql, parameters)) != expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Expected {expected} from «{sql}», still {count} after 20 s.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Messages in the error queues of the test's virtual host (one per partition queue: a message that failed lands in
    /// its partition's), as the RabbitMQ management API reports them.
    /// </summary>
    public async Task<long> ErrorQueueMessagesAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Servers.Management.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(Servers.Management.UserInfo))));
        var queues = await http.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,messages");
        return queues.EnumerateArray()
            .Where(queue => queue.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal))
            .Sum(queue => queue.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0);
    }

    public async Task DisposeAsync()
    {
        await (Service?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Events?.DisposeAsync() ?? ValueTask.CompletedTask);
        if (VirtualHost is not null)
        {
            await Servers.DeleteVirtualHostAsync(VirtualHost);
        }
    }
}

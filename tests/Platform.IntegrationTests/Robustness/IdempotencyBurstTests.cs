using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Contracts.Rules;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.Robustness;

/// <summary>
/// Bursts of keyed POSTs, far more than the connection pool holds, on a recipient's observations: every answer is a
/// 2xx or a 429, never a 5xx; each key has its effect exactly once, and every request with one key gets the same answer.
/// </summary>
public sealed class IdempotencyBurstTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 400;
    private PlatformServers servers = null!;
    private string database = null!;
    private string virtualHost = null!;
    private EventProbe events = null!;

    private ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private ServiceHost<ReviewService> Review { get; set; } = null!;

    public async Task InitializeAsync()
    {
        servers = await PlatformServers.GetAsync();
        database = await servers.CreateDatabaseAsync("burst");
        virtualHost = await servers.CreateVirtualHostAsync("burst");
        events = await EventProbe.StartAsync(servers.Amqp, virtualHost);
        // 400 requests share the pool's connections and queue on one case's lock: on a loaded test machine a request
        // may wait for a connection longer than the default 15 s, or for the lock longer than the default 30 s command
        // timeout, and would then (correctly) be answered 503. The test is about idempotency, not speed.
        var patient = new NpgsqlConnectionStringBuilder(database) { Timeout = 300, CommandTimeout = 300 }.ConnectionString;
        Review = new ServiceHost<ReviewService>(patient, servers.Amqp, virtualHost, new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)), new Dictionary<string, string?>
        {
            ["Signing:ActiveKeyId"] = "burst-1",
            ["Signing:Keys:burst-1"] = SigningKey.ExportPkcs8PrivateKeyPem(),
            // One caller sends the whole burst: the per-caller limit is raised so that the test is about the pool.
            ["RateLimits:PermitsPerCaller"] = "100000",
            // Requests reusing a key wait for the first one's answer; on a loaded test machine twenty handlers in a row
            // on one case can take longer than the production wait, after which the answer is a (correct) 409.
            ["Idempotency:WaitForConcurrent"] = "00:03:00",
        });
        _ = Review.Server;
    }

    [Fact]
    public async Task FourHundredConcurrentKeyedPosts_AnswerCreatedOrTooManyRequests_AndEachKeyHasOneEffect()
    {
        var (recipient, flagId) = await RaiseFlagAsync();
        var client = Review.ClientFor("recipient", recipient);
        var answers = await BurstAsync(client, recipient, flagId, Enumerable.Range(0, Requests).Select(i => ($"key-{i}", $"Observation {i}")));

        Assert.All(answers, answer => Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"{answer.Key}: {(int)answer.Status}"));
        var created = answers.Where(answer => answer.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        var stored = (await QueryAsync<(Guid ObservationId, string Text)>("SELECT observation_id, text FROM observations WHERE flag_id = @flagId", new { flagId }))
            .ToDictionary(row => row.ObservationId, row => row.Text);
        Assert.Equal(created.Count, stored.Count);
        foreach (var answer in created)
        {
            var observation = JsonDocument.Parse(answer.Body).RootElement;
            Assert.Equal($"Observation {answer.Key[4..]}", stored[observation.GetProperty("observationId").GetGuid()]);
        }
    }

    [Fact]
    public async Task FourHundredConcurrentPostsReusingTwentyKeys_HaveTwentyEffects_AndIdenticalAnswersPerKey()
    {
        var (recipient, flagId) = await RaiseFlagAsync();
        var client = Review.ClientFor("recipient", recipient);
        var answers = await BurstAsync(client, recipient, flagId, Enumerable.Range(0, Requests).Select(i => ($"shared-{i % 20}", $"Observation {i % 20}")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.Status));
        foreach (var key in answers.GroupBy(answer => answer.Key))
        {
            Assert.Single(key.Select(answer => answer.Body).Distinct());
        }

        Assert.Equal(20L, (await QueryAsync<long>("SELECT count(*) FROM observations WHERE flag_id = @flagId", new { flagId })).Single());
        Assert.Equal(20, answers.Select(answer => answer.Body).Distinct().Count());
    }

    private async Task<List<(string Key, HttpStatusCode Status, string Body)>> BurstAsync(
        HttpClient client, string recipient, Guid flagId, IEnumerable<(string Key, string Text)> requests)
    {
        var answers = new ConcurrentBag<(string, HttpStatusCode, string)>();
        using var start = new SemaphoreSlim(0);
        var sending = requests.Select(async request =>
        {
            await start.WaitAsync();
            using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/recipients/{recipient}/flags/{flagId}/observations")
            {
                Content = JsonContent.Create(new { text = request.Text }),
            };
            message.Headers.Add("Idempotency-Key", request.Key);
            using var response = await client.SendAsync(message);
            answers.Add((request.Key, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        start.Release(sending.Count);
        await Task.WhenAll(sending);
        clock.Stop();
        // Printed, not asserted (the machine is shared and noisy): deploy/bench/idempotency.sh reads this line.
        output.WriteLine(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"keyed burst: {sending.Count} POSTs in {clock.Elapsed.TotalSeconds:0.00} s = {sending.Count / clock.Elapsed.TotalSeconds:0} requests/s; answers: {string.Join(", ", answers.GroupBy(answer => (int)answer.Item2).OrderBy(group => group.Key).Select(group => $"{group.Key} × {group.Count()}"))}"));
        return answers.ToList();
    }

    private async Task<(string Recipient, Guid FlagId)> RaiseFlagAsync()
    {
        var recipient = "r-" + Guid.NewGuid().ToString("N")[..12];
        var flagId = Guid.NewGuid();
        await events.PublishRawAsync(
            new FlagRaised(
                flagId,
                recipient,
                "2026-W47",
                "weekly-hours-below-engagement",
                1,
                JsonDocument.Parse("""{"declaredHours":3,"engagementHours":15}""").RootElement,
                new Dictionary<string, decimal>(),
                new Explanation("Heures déclarées inférieures à l'engagement.", "Declared hours below the engagement."),
                false) { EventId = Guid.NewGuid(), Producer = "rules", OccurredAt = DateTimeOffset.UtcNow },
            Guid.NewGuid());
        for (var tries = 0; (await QueryAsync<long>("SELECT count(*) FROM cases WHERE flag_id = @flagId", new { flagId })).Single() == 0; tries++)
        {
            Assert.True(tries < 300, "the flag never became a case");
            await Task.Delay(100);
        }

        return (recipient, flagId);
    }

    private async Task<IEnumerable<T>> QueryAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.QueryAsync<T>(sql, parameters);
    }

    public async Task DisposeAsync()
    {
        await (Review?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (events?.DisposeAsync() ?? ValueTask.CompletedTask);
        if (virtualHost is not null)
        {
            await servers.DeleteVirtualHostAsync(virtualHost);
        }

        SigningKey?.Dispose();
    }
}

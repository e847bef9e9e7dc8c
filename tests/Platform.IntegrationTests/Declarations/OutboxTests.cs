using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Contracts.Declarations;
using Platform.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.ServiceDefaults.Data;

namespace Platform.IntegrationTests.Declarations;

/// <summary>
/// The outbox and the inbox on the real servers: a commit whose publication was interrupted is published after a
/// restart, once; a publication repeated after a crash carries the same message id; an inbox sees a message once.
/// Each test has its own database and virtual host, since it stops and restarts the service.
/// </summary>
public sealed class OutboxTests
{
    private static readonly Dictionary<string, string?> DispatchDisabled = new() { ["Outbox:DispatchEnabled"] = "false" };

    [Fact]
    public async Task EventCommittedButNotPublished_IsPublishedExactlyOnce_AfterRestart()
    {
        await using var scope = await Scope.StartAsync();
        var recipient = "R-outbox-1";

        // The service commits the declaration and its event, then stops before publishing (dispatch off: as if it
        // had crashed right after the commit).
        await using (var crashed = scope.Service(DispatchDisabled))
        {
            var response = await crashed.ClientFor("recipient", recipient).PutAsJsonAsync(
                $"/api/recipients/{recipient}/declarations/2026-W48",
                new { activities = new[] { new { category = "job-search", date = "2026-11-23", hours = 3 } } });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        Assert.Equal(1L, await scope.ScalarAsync("SELECT count(*) FROM outbox WHERE published_at IS NULL"));
        Assert.Equal(0, await scope.Events.CountAfterQuietAsync<DeclarationSubmitted>(TimeSpan.FromMilliseconds(500)));

        // Restarted with dispatch on: the event goes out once, and the row is marked published.
        await using var restarted = scope.Service();
        _ = restarted.Server;
        var submitted = await scope.Events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == recipient);
        Assert.Equal(1, await scope.Events.CountAfterQuietAsync<DeclarationSubmitted>(TimeSpan.FromSeconds(1)));
        Assert.Equal(1L, submitted.ProducerSequence);
        Assert.Equal(0L, await scope.ScalarAsync("SELECT count(*) FROM outbox WHERE published_at IS NULL"));
    }

    [Fact]
    public async Task PublishRepeatedAfterACrashBeforeMarking_CarriesTheSameMessageId()
    {
        await using var scope = await Scope.StartAsync();
        await using var service = scope.Service();
        var recipient = "R-outbox-2";
        await service.ClientFor("recipient", recipient).PutAsJsonAsync(
            $"/api/recipients/{recipient}/declarations/2026-W48",
            new { activities = new[] { new { category = "job-search", date = "2026-11-23", hours = 3 } } });
        await scope.Events.WaitForAsync<DeclarationSubmitted>();

        // A crash between the broker's confirm and the "published" mark leaves the row unpublished: it goes out again.
        await scope.ExecuteAsync("UPDATE outbox SET published_at = NULL");
        await WaitUntilAsync(() => scope.Events.Received.Count == 2);

        var deliveries = scope.Events.Received.ToList();
        Assert.Equal(deliveries[0].MessageId, deliveries[1].MessageId);
        Assert.Equal(deliveries[0].Message<DeclarationSubmitted>().EventId, deliveries[0].MessageId);
        Assert.Equal(deliveries[0].Message<DeclarationSubmitted>().ProducerSequence, deliveries[1].Message<DeclarationSubmitted>().ProducerSequence);
    }

    [Fact]
    public async Task ProducerSequence_IsGapFree_EvenWhenATransactionRollsBack()
    {
        await using var scope = await Scope.StartAsync();
        await using var service = scope.Service();
        var database = service.ServiceProvider.GetRequiredService<ServiceDatabase>();

        await using (var committed = await database.BeginAsync(CancellationToken.None))
        {
            committed.Publish(new EngagementSet("R-seq", 15, "2026-W45", "agent-1"));
            await committed.CommitAsync(CancellationToken.None);
        }

        await using (var rolledBack = await database.BeginAsync(CancellationToken.None))
        {
            rolledBack.Publish(new EngagementSet("R-seq", 10, "2026-W46", "agent-1"));
            // Disposed without commit: the state change and its event vanish together.
        }

        await using (var committed = await database.BeginAsync(CancellationToken.None))
        {
            committed.Publish(new EngagementSet("R-seq", 12, "2026-W47", "agent-1"));
            committed.Publish(new EngagementSet("R-seq", 13, "2026-W48", "agent-1"));
            await committed.CommitAsync(CancellationToken.None);
        }

        await WaitUntilAsync(() => scope.Events.All<EngagementSet>().Count == 3);
        Assert.Equal([1L, 2L, 3L], scope.Events.All<EngagementSet>().Select(e => e.ProducerSequence).Order());
        Assert.DoesNotContain(scope.Events.All<EngagementSet>(), e => e.HoursPerWeek == 10);
    }

    [Fact]
    public async Task ProducerSequence_IsGapFreeUniqueAndInCommitOrder_WithTwoInstancesAndManyWriters()
    {
        await using var scope = await Scope.StartAsync();
        await using var first = scope.Service();
        await using var second = scope.Service();
        var databases = new[] { first, second }.Select(host => host.ServiceProvider.GetRequiredService<ServiceDatabase>()).ToArray();

        // Writers never wait for each other: both instances' dispatchers number the committed rows, serialised on the
        // counter row only for the moment of numbering.
        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, ct) =>
        {
            await using var work = await databases[i % 2].BeginAsync(ct);
            work.Publish(new EngagementSet($"R-par-{i}", 15, "2026-W45", "agent-1"));
            if (i % 6 == 5)
            {
                return; // rolled back: takes no number
            }

            await work.CommitAsync(ct);
        });

        // Then one after the other, alternating instances, as a recipient's successive engagements are: numbered in
        // the order committed, which consumers rely on to keep the latest.
        for (var hours = 1; hours <= 20; hours++)
        {
            await using var work = await databases[hours % 2].BeginAsync(CancellationToken.None);
            work.Publish(new EngagementSet("R-successive", hours, "2026-W45", "agent-1"));
            await work.CommitAsync(CancellationToken.None);
        }

        await WaitUntilAsync(() => scope.Events.All<EngagementSet>().Count == 70);
        Assert.Equal(70, await scope.Events.CountAfterQuietAsync<EngagementSet>(TimeSpan.FromSeconds(1)));
        Assert.Equal(Enumerable.Range(1, 70).Select(n => (long)n), scope.Events.All<EngagementSet>().Select(e => e.ProducerSequence).Order());
        var successive = scope.Events.All<EngagementSet>().Where(e => e.RecipientId == "R-successive").OrderBy(e => e.ProducerSequence);
        Assert.Equal(Enumerable.Range(1, 20).Select(hours => (decimal)hours), successive.Select(e => e.HoursPerWeek));
        Assert.Equal(0L, await scope.ScalarAsync("SELECT count(*) FROM outbox WHERE sequence IS NULL OR published_at IS NULL"));
    }

    [Fact]
    public async Task Inbox_LetsAConsumerApplyAMessageOnce_WhateverTheRedeliveries()
    {
        await using var scope = await Scope.StartAsync();
        await using var service = scope.Service();
        var database = service.ServiceProvider.GetRequiredService<ServiceDatabase>();
        var messageId = Guid.NewGuid();

        var applied = 0;
        for (var delivery = 0; delivery < 3; delivery++)
        {
            await using var work = await database.BeginOnceAsync("test-consumer", messageId, CancellationToken.None);
            if (work is null)
            {
                continue;
            }

            applied++;
            await work.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(1, applied);
        Assert.Equal(1L, await scope.ScalarAsync("SELECT count(*) FROM inbox WHERE consumer = 'test-consumer'"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The expected events did not arrive within 20 s.");
            await Task.Delay(50);
        }
    }

    private sealed class Scope : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> hosts = [];

        private Scope(PlatformServers servers, string connectionString, string virtualHost, EventProbe events)
        {
            Servers = servers;
            ConnectionString = connectionString;
            VirtualHost = virtualHost;
            Events = events;
        }

        public PlatformServers Servers { get; }

        public string ConnectionString { get; }

        public string VirtualHost { get; }

        public EventProbe Events { get; }

        public static async Task<Scope> StartAsync()
        {
            var servers = await PlatformServers.GetAsync();
            var virtualHost = await servers.CreateVirtualHostAsync("outbox");
            return new Scope(servers, await servers.CreateDatabaseAsync("outbox"), virtualHost, await EventProbe.StartAsync(servers.Amqp, virtualHost));
        }

        public ServiceHost<DeclarationsService> Service(IReadOnlyDictionary<string, string?>? settings = null)
        {
            var host = new ServiceHost<DeclarationsService>(
                ConnectionString, Servers.Amqp, VirtualHost, new FakeTimeProvider(DeclarationsFixture.Now), settings);
            hosts.Add(host);
            return host;
        }

        public async Task<long> ScalarAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            return await connection.ExecuteScalarAsync<long>(sql);
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.ExecuteAsync(sql);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            await Events.DisposeAsync();
            await Servers.DeleteVirtualHostAsync(VirtualHost);
        }
    }
}

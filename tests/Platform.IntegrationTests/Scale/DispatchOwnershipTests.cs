using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Contracts.Declarations;
using Platform.Declarations;
using Platform.IntegrationTests.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Messaging;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.Scale;

/// <summary>
/// Partitioned dispatch on the real servers: two instances of one service over one database and one virtual host
/// share the outbox partitions, one owner per partition (seen in PostgreSQL's lock table); when an owner goes (its
/// host stopped, or its session killed as a dead process's is), the other takes its partitions, and a probe on the
/// broker sees every recipient's events once each, in their producer's order.
/// </summary>
public sealed class DispatchOwnershipTests(ITestOutputHelper output)
{
    private const int Partitions = 8;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Outbox:Partitions"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Outbox:OwnershipInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task TwoInstances_ShareThePartitions_AndTheSurvivorTakesTheStoppedOnes_InOrderOnce()
    {
        await using var scope = await Scope.StartAsync();
        var first = scope.Service();
        var second = scope.Service();
        await WaitForAsync(() => Owned(first).Count > 0 && Owned(second).Count > 0 && Owned(first).Count + Owned(second).Count == Partitions,
            "both instances own a share of the partitions");
        await AssertOneOwnerPerPartitionAsync(scope, first, second);

        var recipients = Enumerable.Range(0, 32).Select(i => $"R-part-{i}").ToList();
        await WriteAsync(recipients, hours: 1..6, i => i % 2 == 0 ? first : second);

        // The first instance stops while the second keeps writing; events of the first's partitions wait for the
        // second to take them.
        var firstOwned = first.ServiceProvider.GetRequiredService<OutboxPartitions>().Owned.ToList();
        var writing = WriteAsync(recipients, hours: 7..12, _ => second);
        var stopwatch = Stopwatch.StartNew();
        await scope.StopAsync(first);
        await WaitForAsync(() => Owned(second).Count == Partitions, "the survivor owns every partition");
        output.WriteLine($"partitions {string.Join(',', firstOwned)} taken over {stopwatch.ElapsedMilliseconds} ms after the first instance began to stop");
        await writing;

        await AssertEveryRecipientInOrderOnceAsync(scope, recipients, 12);
    }

    [Fact]
    public async Task AnInstanceWhoseSessionDies_LosesItsPartitionsToTheOther_AndGetsItsShareBack_WithoutDuplicatesOrDisorder()
    {
        await using var scope = await Scope.StartAsync();
        var first = scope.Service();
        var second = scope.Service();
        await WaitForAsync(() => Owned(first).Count > 0 && Owned(second).Count > 0 && Owned(first).Count + Owned(second).Count == Partitions,
            "both instances own a share of the partitions");

        var recipients = Enumerable.Range(0, 32).Select(i => $"R-lost-{i}").ToList();
        var writing = WriteAsync(recipients, hours: 1..12, i => i % 2 == 0 ? first : second);
        await WaitForAsync(() => scope.Events.Received.Count >= 50, "the first events published");

        // The first instance's lock session ends as a killed process's does (the server drops it): its locks go at
        // once, though the instance itself learns it only at its next refresh. Meanwhile the second takes the
        // partitions, then the first reconnects and gets a share back: ownership moves twice while events flow.
        var terminated = await scope.TerminateLockSessionsAsync(Owned(first));
        Assert.Single(terminated);
        await writing;
        // Judged on the lock table, not on the instances' views: the first one believes it owns its partitions until it
        // notices that its session is gone.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var holders = (await scope.QueryAsync<(long Partition, int Pid)>(
                """
                SELECT objid::bigint, pid FROM pg_locks
                 WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = @PartitionLockClass
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """,
                new { OutboxPartitions.PartitionLockClass })).ToList();
            if (holders.Count == Partitions && holders.Select(h => h.Pid).Distinct().Count() == 2 && !holders.Any(h => terminated.Contains(h.Pid))
                && Owned(first).Count > 0 && Owned(second).Count > 0 && !Owned(first).Intersect(Owned(second)).Any()
                && Owned(first).Count + Owned(second).Count == Partitions)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "Not within 60 s: both instances own a share of the partitions again, from live sessions.");
            await Task.Delay(50);
        }

        await AssertOneOwnerPerPartitionAsync(scope, first, second);

        await AssertEveryRecipientInOrderOnceAsync(scope, recipients, 12);
    }

    [Fact]
    public async Task AKilledProcessesPartitions_AreTakenByTheLiveInstance_AndEveryRecipientsEventsArriveInOrder()
    {
        // One instance as its own process (so that it can be killed with kill -9), one in this process, one database.
        await using var platform = await PlatformProcesses.StartAsync(
            new Dictionary<string, string> { ["Outbox__Partitions"] = Settings["Outbox:Partitions"]!, ["Outbox__OwnershipInterval"] = Settings["Outbox:OwnershipInterval"]! },
            "declarations");
        await using var events = await EventProbe.StartAsync(platform.Servers.Amqp, platform.VirtualHost);
        await using var survivor = new ServiceHost<DeclarationsService>(
            platform.ConnectionStringOf("declarations"), platform.Servers.Amqp, platform.VirtualHost, new FakeTimeProvider(DeclarationsFixture.Now), Settings);
        _ = survivor.Server;
        await WaitForAsync(() => Owned(survivor).Count is > 0 and < Partitions, "the process and the host each own a share");

        var recipients = Enumerable.Range(0, 32).Select(i => $"R-kill-{i}").ToList();
        var writing = WriteAsync(recipients, hours: 1..12, _ => survivor);
        await WaitForAsync(() => events.Received.Count >= 50, "the first events published");
        platform.Kill("declarations");
        var stopwatch = Stopwatch.StartNew();
        await WaitForAsync(() => Owned(survivor).Count == Partitions, "the survivor owns every partition");
        output.WriteLine($"the killed process's partitions taken over {stopwatch.ElapsedMilliseconds} ms after kill -9");
        await writing;

        // Killed between the broker's confirms and marking its rows, a process leaves events that its successor publishes
        // again, with the same message id and sequence (consumers' inboxes drop them): at least once. Each recipient's
        // events still arrive first in their producer's order, none missing.
        var total = recipients.Count * 12;
        await WaitForAsync(() => events.All<EngagementSet>().Select(e => e.EventId).Distinct().Count() >= total, $"{total} events arrived");
        var received = events.Received.Where(e => e.Is<EngagementSet>()).Select(e => (e.MessageId, Event: e.Message<EngagementSet>())).ToList();
        Assert.All(received.GroupBy(e => e.MessageId), copies => Assert.Single(copies.Select(c => c.Event.ProducerSequence).Distinct()));
        foreach (var recipient in recipients)
        {
            var firstArrivals = received.Where(e => e.Event.RecipientId == recipient).DistinctBy(e => e.MessageId).Select(e => e.Event).ToList();
            Assert.Equal(Enumerable.Range(1, 12).Select(h => (decimal)h), firstArrivals.Select(e => e.HoursPerWeek));
        }

        output.WriteLine($"{received.Count - total} events published twice (a batch confirmed but not marked when the process died)");
    }

    private static IReadOnlyList<int> Owned(ServiceHost<DeclarationsService> host) =>
        host.ServiceProvider.GetRequiredService<OutboxPartitions>().Owned;

    /// <summary>Each recipient's events one after the other (as a recipient's successive changes are), recipients at once.</summary>
    private static Task WriteAsync(IReadOnlyList<string> recipients, Range hours, Func<int, ServiceHost<DeclarationsService>> through) =>
        Parallel.ForEachAsync(recipients, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (recipient, ct) =>
        {
            for (var h = hours.Start.Value; h <= hours.End.Value; h++)
            {
                var database = through(h).ServiceProvider.GetRequiredService<ServiceDatabase>();
                await using var work = await database.BeginAsync(ct);
                work.Publish(new EngagementSet(recipient, h, "2026-W45", "agent-1"));
                await work.CommitAsync(ct);
            }
        });

    /// <summary>The instances' views agree with PostgreSQL's lock table: every partition held, each by one session.</summary>
    private static async Task AssertOneOwnerPerPartitionAsync(Scope scope, ServiceHost<DeclarationsService> first, ServiceHost<DeclarationsService> second)
    {
        Assert.Empty(Owned(first).Intersect(Owned(second)));
        Assert.Equal(Enumerable.Range(0, Partitions), Owned(first).Concat(Owned(second)).Order());
        var holders = (await scope.QueryAsync<(long Partition, int Pid)>(
            """
            SELECT objid::bigint, pid FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = @PartitionLockClass
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            new { OutboxPartitions.PartitionLockClass })).ToList();
        Assert.Equal(Enumerable.Range(0, Partitions).Select(p => (long)p), holders.Select(h => h.Partition).Order());
        Assert.Equal(2, holders.Select(h => h.Pid).Distinct().Count());
    }

    private static async Task AssertEveryRecipientInOrderOnceAsync(Scope scope, List<string> recipients, int perRecipient)
    {
        var total = recipients.Count * perRecipient;
        await WaitForAsync(() => scope.Events.All<EngagementSet>().Count(e => recipients.Contains(e.RecipientId)) >= total, $"{total} events arrived");
        Assert.Equal(total, await scope.Events.CountAfterQuietAsync<EngagementSet>(TimeSpan.FromSeconds(1), e => recipients.Contains(e.RecipientId)));

        var received = scope.Events.Received.Where(e => e.Is<EngagementSet>()).ToList();
        Assert.Equal(received.Count, received.Select(e => e.MessageId).Distinct().Count());
        foreach (var recipient in recipients)
        {
            var arrived = received.Select(e => e.Message<EngagementSet>()).Where(e => e.RecipientId == recipient).ToList();
            Assert.Equal(Enumerable.Range(1, perRecipient).Select(h => (decimal)h), arrived.Select(e => e.HoursPerWeek));
            Assert.Equal(arrived.Select(e => e.ProducerSequence).Order(), arrived.Select(e => e.ProducerSequence));
        }

        // Every row published, in its recipient's partition, one partition per recipient.
        Assert.Equal(0L, await scope.ScalarAsync("SELECT count(*) FROM outbox WHERE published_at IS NULL"));
        Assert.Equal(0L, await scope.ScalarAsync($"SELECT count(*) FROM outbox WHERE partition IS DISTINCT FROM outbox_partition(body->>'recipientId', {Partitions})"));
        Assert.Equal(recipients.Count, await scope.ScalarAsync("SELECT count(DISTINCT (body->>'recipientId', partition)) FROM outbox"));
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within 60 s: {what}.");
            await Task.Delay(50);
        }
    }

    private sealed class Scope : IAsyncDisposable
    {
        private readonly List<ServiceHost<DeclarationsService>> hosts = [];

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
            var virtualHost = await servers.CreateVirtualHostAsync("partitions");
            return new Scope(servers, await servers.CreateDatabaseAsync("partitions"), virtualHost, await EventProbe.StartAsync(servers.Amqp, virtualHost));
        }

        public ServiceHost<DeclarationsService> Service()
        {
            var host = new ServiceHost<DeclarationsService>(
                ConnectionString, Servers.Amqp, VirtualHost, new FakeTimeProvider(DeclarationsFixture.Now), Settings);
            hosts.Add(host);
            _ = host.Server; // started now: migrations, bus, dispatcher
            return host;
        }

        public async Task StopAsync(ServiceHost<DeclarationsService> host)
        {
            hosts.Remove(host);
            await host.DisposeAsync();
        }

        /// <summary>Ends, from the server's side, the sessions holding the locks of <paramref name="partitions"/>.</summary>
        public async Task<List<int>> TerminateLockSessionsAsync(IReadOnlyList<int> partitions)
        {
            var terminated = await QueryAsync<(int Pid, bool Terminated)>(
                """
                SELECT pid, pg_terminate_backend(pid) FROM (
                    SELECT DISTINCT pid FROM pg_locks
                     WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = @PartitionLockClass
                       AND objid::bigint = ANY(@partitions)
                       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS owners
                """,
                new { OutboxPartitions.PartitionLockClass, partitions = partitions.Select(p => (long)p).ToArray() });
            return terminated.Where(t => t.Terminated).Select(t => t.Pid).ToList();
        }

        public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            return await connection.QueryAsync<T>(sql, parameters);
        }

        public async Task<long> ScalarAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            return await connection.ExecuteScalarAsync<long>(sql);
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

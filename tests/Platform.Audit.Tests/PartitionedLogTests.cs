using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Audit.Capture;
using Platform.Audit.Log;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Audit.Tests;

/// <summary>
/// The partitioned log on a real PostgreSQL database (<c>PLATFORM_TEST_POSTGRES</c>, a superuser: these tests tamper
/// with rows behind the log's back): events appended by several appenders at once through <c>audit_append</c>, each in
/// its recipient's partition, checked by the auditors' tool as an auditor runs it; and events that reach the consumer out
/// of delivery order, appended in delivery order.
/// </summary>
public sealed class PartitionedLogTests : IAsyncLifetime
{
    private const int Partitions = 16;

    /// <summary>Delivery tags that reach the consumer before tag 1.</summary>
    private static readonly int[] EarlyDeliveries = [3, 2];

    private string admin = "";
    private string name = "";
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        admin = Environment.GetEnvironmentVariable("PLATFORM_TEST_POSTGRES")
            ?? throw new InvalidOperationException("PLATFORM_TEST_POSTGRES is not set: these tests need a real PostgreSQL (see deploy/local/test.sh).");
        name = $"audit_partitions_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        }

        connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        // The schema only, as the service's migrations make it.
        var schema = await Tool.RunAsync(connectionString, "generate", "--count", "0");
        Assert.True(schema.ExitCode == 0, schema.Stderr);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>
    /// Appends one event per recipient, for <paramref name="recipients"/> recipients, from eight appenders at once; each
    /// from a producer of its own, so that removing one leaves no gap in a producer's sequence.
    /// </summary>
    private async Task AppendAsync(int recipients, Func<int, DateTimeOffset>? occurredAt = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var appender = new LogAppender(dataSource, Options.Create(new OutboxOptions { Partitions = Partitions }));
        var events = Enumerable.Range(1, recipients).Select(i =>
        {
            var at = occurredAt?.Invoke(i) ?? LogBuilder.Start.AddSeconds(i);
            var body = JsonSerializer.SerializeToUtf8Bytes(new { recipientId = $"r-{i:D4}", hoursPerWeek = 15, fromWeek = "2026-W45", setBy = "agent-1" });
            return new CapturedEvent(
                Guid.NewGuid(), "urn:message:Platform.Contracts.Declarations:EngagementSet", $"producer-{i}", 1, at, at, $"r-{i:D4}", body, "declarations");
        }).ToList();
        await Task.WhenAll(events.Chunk(Math.Max(1, recipients / 8)).Select(batch => appender.AppendAsync(batch, CancellationToken.None)));
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.QueryAsync<T>(sql)).ToList();
    }

    private async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync("SET session_replication_role = replica");
        Assert.Equal(1, await connection.ExecuteAsync(sql));
    }

    private static List<(long Position, string Kind, string Reason)> Violations(string report)
    {
        using var document = JsonDocument.Parse(report);
        return document.RootElement.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("position").GetInt64(), v.GetProperty("kind").GetString()!, v.GetProperty("reason").GetString()!)).ToList();
    }

    [Fact]
    public async Task EventsOfManyRecipients_LandInTheirRecipientsPartitions_AndEveryPartitionsChainVerifies()
    {
        await AppendAsync(200);

        var rows = await QueryAsync<(string RecipientId, int Partition, int Expected)>(
            $"SELECT recipient_id, partition, outbox_partition(recipient_id, {Partitions}) FROM audit_log");
        Assert.Equal(200, rows.Count);
        Assert.All(rows, row => Assert.Equal((row.Expected, LogPartitions.Of(row.RecipientId, Partitions)), (row.Partition, row.Partition)));
        Assert.True(rows.Select(row => row.Partition).Distinct().Count() >= 8, "200 recipients fell in fewer than 8 of 16 partitions");

        // Each partition's links and hashes, with SQL alone (the recipe of HASHING.md), and its head.
        Assert.Empty(await QueryAsync<long>("SELECT position FROM audit_log l WHERE sha256(audit_canonical(l)) <> l.entry_hash"));
        Assert.Empty(await QueryAsync<long>(
            """
            SELECT position FROM (
                SELECT position, previous_position, previous_hash,
                       coalesce(lag(position) OVER w, 0) AS expected_position,
                       coalesce(lag(entry_hash) OVER w, decode(repeat('00', 32), 'hex')) AS expected_hash
                FROM audit_log WINDOW w AS (PARTITION BY partition ORDER BY position)) chain
            WHERE previous_position <> expected_position OR previous_hash <> expected_hash
            """));
        Assert.Empty(await QueryAsync<int>(
            """
            SELECT h.partition FROM audit_partition_head h
            LEFT JOIN LATERAL (SELECT position, entry_hash FROM audit_log l WHERE l.partition = h.partition ORDER BY position DESC LIMIT 1) last ON true
            WHERE h.position <> coalesce(last.position, 0) OR (last.position IS NOT NULL AND h.entry_hash <> last.entry_hash)
            """));

        // The partitions' chains on four workers beside the reading thread.
        var verified = await Tool.RunAsync(connectionString, "verify", "--no-progress", "--parallel", "4");
        Assert.True(verified.ExitCode == 0, verified.Stdout + verified.Stderr);
        using var report = JsonDocument.Parse(verified.Stdout);
        Assert.Equal(200, report.RootElement.GetProperty("entries").GetInt64());
    }

    [Fact]
    public async Task AnEntryAlteredInOnePartition_AndOneDeletedInAnother_AreReportedThereOnly()
    {
        await AppendAsync(200);
        // The middle entry of the fullest partition, and of another partition with entries after it.
        var counts = await QueryAsync<(int Partition, long Count)>("SELECT partition, count(*) FROM audit_log GROUP BY partition ORDER BY count(*) DESC, partition");
        var altered = await MiddleOfAsync(counts[0].Partition);
        var deleted = await MiddleOfAsync(counts[1].Partition);

        await TamperAsync($"UPDATE audit_log SET body = convert_to('{{\"hoursPerWeek\":0}}', 'UTF8') WHERE position = {altered}");
        await TamperAsync($"DELETE FROM audit_log WHERE position = {deleted}");
        var result = await Tool.RunAsync(connectionString, "verify", "--no-progress", "--parallel", "1");
        var onWorkers = await Tool.RunAsync(connectionString, "verify", "--no-progress", "--parallel", "4");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(1, onWorkers.ExitCode);
        var violations = Violations(result.Stdout);
        Assert.Equal(violations, Violations(onWorkers.Stdout));
        Assert.Equal(
            new[] { (altered, "altered-entry"), (deleted, "missing-entry") }.OrderBy(v => v.Item1),
            violations.Select(v => (v.Position, v.Kind)).OrderBy(v => v.Position));
        Assert.Contains($"partition {counts[1].Partition}", Assert.Single(violations, v => v.Kind == "missing-entry").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsReachingTheConsumerOutOfDeliveryOrder_AreAppendedInDeliveryOrder()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var log = new LogAppender(dataSource, Options.Create(new OutboxOptions { Partitions = Partitions }));

        // Deliveries 2 and 3 reach the consumer before 1: they wait for it (however slow this machine, for an hour).
        using (var patient = new DeliveryOrderAppender(log, NullLogger<DeliveryOrderAppender>.Instance, TimeSpan.FromHours(1)))
        {
            var early = EarlyDeliveries.Select(tag => patient.AppendAsync("channel-a", (ulong)tag, Delivered("rules", tag), CancellationToken.None)).ToList();
            await Task.Delay(300);
            Assert.Empty(await QueryAsync<long>("SELECT position FROM audit_log"));
            await patient.AppendAsync("channel-a", 1, Delivered("rules", 1), CancellationToken.None);
            await Task.WhenAll(early);
        }

        using var inOrder = new DeliveryOrderAppender(log, NullLogger<DeliveryOrderAppender>.Instance, TimeSpan.FromMilliseconds(100));
        // Delivery 2 without 1 (refused before it reached the consumer): appended once the gap is given up on.
        await inOrder.AppendAsync("channel-b", 2, Delivered("rules", 4), CancellationToken.None);

        // A new channel counts its deliveries from 1 again: nothing of the old one holds it back.
        await inOrder.AppendAsync("channel-c", 1, Delivered("rules", 5), CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4, 5], await QueryAsync<long>("SELECT producer_sequence FROM audit_log ORDER BY position"));
    }

    [Fact]
    public async Task AChannelsFirstDeliveries_AreAppendedTogether_EachProducersInSequenceOrder()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var log = new LogAppender(dataSource, Options.Create(new OutboxOptions { Partitions = Partitions }));

        // As a quorum queue may deliver again, after the broker's restart, what the consumer held: rules 7, 6, 5 in
        // reverse, a declarations event between them, one after the other on the new channel. The first is here
        // before the others: appended at once, it would stand first.
        using var appender = new DeliveryOrderAppender(log, NullLogger<DeliveryOrderAppender>.Instance, settleTime: TimeSpan.FromSeconds(2));
        var deliveries = new[] { (1, "rules", 7), (2, "declarations", 9), (3, "rules", 6), (4, "rules", 5) }
            .Select(delivery => appender.AppendAsync("channel-a", (ulong)delivery.Item1, Delivered(delivery.Item2, delivery.Item3), CancellationToken.None))
            .ToList();
        await Task.WhenAll(deliveries);

        Assert.Equal(
            ["rules 5", "declarations 9", "rules 6", "rules 7"],
            await QueryAsync<string>("SELECT producer || ' ' || producer_sequence FROM audit_log ORDER BY position"));
    }

    [Fact]
    public async Task ALateMessageOfAReplacedChannel_IsRefused_AndTheNewChannelGoesOn()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var log = new LogAppender(dataSource, Options.Create(new OutboxOptions { Partitions = Partitions }));
        using var appender = new DeliveryOrderAppender(log, NullLogger<DeliveryOrderAppender>.Instance, TimeSpan.FromSeconds(2));

        await appender.AppendAsync("channel-a", 1, Delivered("rules", 1), CancellationToken.None);
        await appender.AppendAsync("channel-b", 1, Delivered("rules", 2), CancellationToken.None);
        // A retry of channel a's delivery 2 comes late: refused (the broker delivers it again on b), b goes on.
        await Assert.ThrowsAsync<OperationCanceledException>(() => appender.AppendAsync("channel-a", 2, Delivered("rules", 3), CancellationToken.None));
        await appender.AppendAsync("channel-b", 2, Delivered("rules", 3), CancellationToken.None);

        Assert.Equal([1L, 2, 3], await QueryAsync<long>("SELECT producer_sequence FROM audit_log ORDER BY position"));
    }

    /// <summary>An event of <paramref name="producer"/> about one recipient, as the consumer captures it.</summary>
    private static CapturedEvent Delivered(string producer, int sequence) => new(
        Guid.NewGuid(), "urn:message:Platform.Contracts.Rules:FlagRaised", producer, sequence, LogBuilder.Start, LogBuilder.Start, "r-0001",
        JsonSerializer.SerializeToUtf8Bytes(new { recipientId = "r-0001", producer, sequence }), producer);

    private async Task<long> MiddleOfAsync(int partition)
    {
        var positions = await QueryAsync<long>($"SELECT position FROM audit_log WHERE partition = {partition} ORDER BY position");
        Assert.True(positions.Count >= 3, $"partition {partition} holds {positions.Count} entries");
        return positions[positions.Count / 2];
    }

    [Fact]
    public async Task Export_MergesThePartitions_InOrderOfOccurrence()
    {
        // Appended in one order, occurred in the reverse one: log positions and occurrence disagree across partitions.
        await AppendAsync(64, i => LogBuilder.Start.AddMinutes(-i));
        var file = Path.Combine(Path.GetTempPath(), $"audit-export-{Guid.NewGuid():N}.jsonl");
        try
        {
            var result = await Tool.RunAsync(connectionString, "export", "--output", file, "--no-progress");

            Assert.True(result.ExitCode == 0, result.Stderr);
            var lines = (await File.ReadAllLinesAsync(file)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.Equal(64, lines.Count);
            var occurred = lines.Select(line => line.GetProperty("occurredAt").GetDateTimeOffset()).ToList();
            Assert.Equal(occurred.Order().ToList(), occurred);
            Assert.Equal(Enumerable.Range(1, 64).Reverse().Select(i => $"r-{i:D4}"), lines.Select(line => line.GetProperty("recipientId").GetString()));
            Assert.True(lines.Select(line => line.GetProperty("partition").GetInt32()).Distinct().Count() > 1);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>The auditors' tool as built in its own output folder, run as a separate process.</summary>
internal static class Tool
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--connection");
        start.ArgumentList.Add(connectionString);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Path()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var root = testDirectory;
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Platform.sln")))
        {
            root = root.Parent;
        }

        return System.IO.Path.Combine(
            root?.FullName ?? throw new InvalidOperationException("The repository root (Platform.sln) is not above the test folder."),
            "services", "Audit", "Platform.Audit.Cli", "bin", testDirectory.Parent!.Name, testDirectory.Name, "platform-audit.dll");
    }
}

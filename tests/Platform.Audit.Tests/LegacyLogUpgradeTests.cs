using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Audit.Capture;
using Platform.Audit.Log;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Audit.Tests;

/// <summary>
/// A log written as one chain, before partitions, then migrated and appended to in partitions: the old entries are
/// partition 0's history and the whole log still verifies (real PostgreSQL, <c>PLATFORM_TEST_POSTGRES</c>).
/// </summary>
public sealed class LegacyLogUpgradeTests : IAsyncLifetime
{
    private string admin = "";
    private string name = "";
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        admin = Environment.GetEnvironmentVariable("PLATFORM_TEST_POSTGRES")
            ?? throw new InvalidOperationException("PLATFORM_TEST_POSTGRES is not set: these tests need a real PostgreSQL (see deploy/local/test.sh).");
        name = $"audit_upgrade_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        }

        connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>The platform's migrations, then the audit service's, in the order the service applies them: those <paramref name="which"/> picks.</summary>
    private async Task MigrateAsync(Func<string, bool> which)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var assembly in new[] { typeof(OutboxOptions).Assembly, typeof(LogAppender).Assembly })
        {
            var prefix = assembly.GetName().Name + ".Data.Migrations.";
            foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                if (!which(assembly.GetName().Name + "/" + resource[prefix.Length..]))
                {
                    continue;
                }

                await using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                await connection.ExecuteAsync(await reader.ReadToEndAsync());
            }
        }
    }

    private static CapturedEvent Event(int i) =>
        new(Guid.NewGuid(), "urn:message:Platform.Contracts.Declarations:EngagementSet", "declarations", i, LogBuilder.Start.AddSeconds(i),
            LogBuilder.Start.AddSeconds(i), $"r-{i:D4}", JsonSerializer.SerializeToUtf8Bytes(new { recipientId = $"r-{i:D4}", hoursPerWeek = 15 }), "declarations");

    [Fact]
    public async Task ALogOfOneChain_MigratedAndAppendedToInPartitions_VerifiesWhole_WithItsOldEntriesAsPartitionZerosHistory()
    {
        const string partitioned = "Platform.Audit/005_partitioned_chains.sql";
        await MigrateAsync(id => string.CompareOrdinal(id, partitioned) < 0);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            // Appended as the service did before partitions: one chain through the old function.
            foreach (var i in Enumerable.Range(1, 30))
            {
                var e = Event(i);
                await connection.ExecuteAsync(
                    "SELECT audit_append(ARRAY[@MessageId], ARRAY[@MessageType], ARRAY[@Producer], ARRAY[@Publisher], ARRAY[@ProducerSequence], ARRAY[@OccurredAt], ARRAY[@ReceivedAt], ARRAY[@RecipientId], ARRAY[@Body])",
                    new { e.MessageId, e.MessageType, e.Producer, e.Publisher, e.ProducerSequence, OccurredAt = e.OccurredAt.UtcDateTime, ReceivedAt = e.ReceivedAt.UtcDateTime, e.RecipientId, e.Body });
            }
        }

        await MigrateAsync(id => string.CompareOrdinal(id, partitioned) >= 0);
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            var appender = new LogAppender(dataSource, Options.Create(new OutboxOptions()));
            await appender.AppendAsync(Enumerable.Range(31, 90).Select(Event).ToList(), CancellationToken.None);
        }

        var verified = await Tool.RunAsync(connectionString, "verify", "--no-progress");

        Assert.True(verified.ExitCode == 0, verified.Stdout + verified.Stderr);
        Assert.Equal(120, JsonDocument.Parse(verified.Stdout).RootElement.GetProperty("entries").GetInt64());
        await using var check = new NpgsqlConnection(connectionString);
        var legacy = (await check.QueryAsync<(int Partition, long? PreviousPosition)>("SELECT partition, previous_position FROM audit_log WHERE position <= 30")).ToList();
        Assert.All(legacy, row => Assert.Equal((0, (long?)null), (row.Partition, row.PreviousPosition)));
        // Partition 0's first new entry goes on from the old head; every other partition starts from nothing.
        Assert.Equal(30, await check.ExecuteScalarAsync<long>("SELECT previous_position FROM audit_log WHERE partition = 0 AND position > 30 ORDER BY position LIMIT 1"));
        Assert.Equal(0, await check.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM (SELECT DISTINCT ON (partition) previous_position FROM audit_log WHERE partition > 0 ORDER BY partition, position) firsts WHERE previous_position <> 0"));

        // An old entry is still held to its hash.
        await check.ExecuteAsync("SET session_replication_role = replica; UPDATE audit_log SET body = convert_to('{}', 'UTF8') WHERE position = 12");
        var altered = await Tool.RunAsync(connectionString, "verify", "--no-progress");
        Assert.Equal(1, altered.ExitCode);
        var violation = Assert.Single(JsonDocument.Parse(altered.Stdout).RootElement.GetProperty("violations").EnumerateArray());
        Assert.Equal((12L, "altered-entry"), (violation.GetProperty("position").GetInt64(), violation.GetProperty("kind").GetString()));
    }
}

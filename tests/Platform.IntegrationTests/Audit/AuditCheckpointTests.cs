using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Audit.Log;
using Platform.Contracts.Audit;
using Platform.Contracts.Declarations;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// Someone with the database's keys cuts the log's tail and moves the head back, or rewrites the last 100 entries and
/// re-hashes the chain and the head: the chain alone cannot see it, the signed checkpoints do — through the API and
/// through the auditors' tool with a checkpoint file kept outside. One class per damage, each on its own log.
/// </summary>
public abstract class AuditCheckpointTests(AuditFixture fixture)
{
    protected AuditFixture Fixture => fixture;

    /// <summary>Appends <paramref name="count"/> events, waits for a checkpoint of the head, keeps it in a file with the tool.</summary>
    protected async Task<(long Head, string File)> FillAndKeepCheckpointAsync(int count)
    {
        var producer = $"cp-{Guid.NewGuid():N}"[..16];
        var ids = new List<Guid>();
        for (var i = 1; i <= count; i++)
        {
            var message = new EngagementSet($"r-{i}", 15m, "2026-W45", "agent-1")
            {
                EventId = Guid.NewGuid(), Producer = producer, ProducerSequence = i, OccurredAt = AuditFixture.Now,
            };
            ids.Add(message.EventId);
            await fixture.PublishAsync(message);
        }

        await fixture.WaitForEntriesAsync([.. ids]);
        var head = await fixture.CountAsync("SELECT position FROM audit_head");
        await WaitForCheckpointAsync(head, "No checkpoint of the head was signed.");

        // What the API serves verifies against the audit service's key.
        var page = await fixture.Audit.ClientFor("auditor", "auditor-1").GetFromJsonAsync<JsonElement>("/api/audit/checkpoints");
        var served = page.GetProperty("checkpoints").Deserialize<List<AuditCheckpointSigned>>(EventTypes.Json)!;
        Assert.Equal(head, served[^1].Position);
        Assert.Null(AuditCheckpoint.Check(served[^1], fixture.CheckpointKey));

        var file = Path.Combine(Path.GetTempPath(), $"audit-checkpoints-{Guid.NewGuid():N}.json");
        var kept = await RunToolAsync("checkpoint", "--all", "--output", file);
        Assert.True(kept.ExitCode == 0, kept.Stderr);
        return (head, file);
    }

    /// <summary>Waits up to 30 s for a checkpoint at <paramref name="position"/> or beyond.</summary>
    protected async Task WaitForCheckpointAsync(long position, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await fixture.CountAsync("SELECT coalesce(max(position), 0) FROM audit_checkpoint") < position)
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }

    /// <summary>As a superuser, triggers off, behind the log's back.</summary>
    protected async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, "SET session_replication_role = replica");
        await Dapper.SqlMapper.ExecuteAsync(connection, sql);
    }

    protected async Task<List<(long Position, string Kind, string Reason)>> ApiViolationsAsync()
    {
        var response = await fixture.Audit.ClientFor("auditor", "auditor-1").GetAsync("/api/audit/verification");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Violations(await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    protected async Task<(int ExitCode, List<(long Position, string Kind, string Reason)> Violations)> ToolViolationsAsync(string file)
    {
        var pem = Path.Combine(Path.GetTempPath(), $"audit-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pem, fixture.CheckpointKey.ExportSubjectPublicKeyInfoPem());
        try
        {
            var result = await RunToolAsync("verify", "--no-progress", "--checkpoint", file, "--checkpoint-key", $"{AuditFixture.CheckpointKeyId}={pem}");
            using var report = JsonDocument.Parse(result.Stdout);
            return (result.ExitCode, Violations(report.RootElement));
        }
        finally
        {
            File.Delete(pem);
        }
    }

    private static List<(long, string, string)> Violations(JsonElement report) =>
        report.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("position").GetInt64(), v.GetProperty("kind").GetString()!, v.GetProperty("reason").GetString()!))
            .ToList();

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunToolAsync(params string[] args)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(PlatformProcesses.RepositoryRoot, "services", "Audit", "Platform.Audit.Cli", "bin", configuration, "net10.0", "platform-audit.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // As an auditor reads the log: the service's own runtime role, which may read everything.
        // A generous connect timeout: a fresh process's first connection on a loaded test machine can take long.
        start.Environment["PLATFORM_AUDIT_CONNECTION"] = new NpgsqlConnectionStringBuilder(fixture.RuntimeConnectionString) { Timeout = 120 }.ConnectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}

public sealed class CheckpointTailCutTests(AuditFixture fixture) : AuditCheckpointTests(fixture), IClassFixture<AuditFixture>
{
    [Fact]
    public async Task TailCutWithTheHeadMovedBack_IsReportedAgainstTheLastCheckpoint_ByTheApiAndTheTool()
    {
        var (head, file) = await FillAndKeepCheckpointAsync(60);
        try
        {
            var kept = head - 20;
            // Every partition's head moved back to its last remaining entry (or to empty), so heads and entries agree.
            await TamperAsync($"""
                DELETE FROM audit_log WHERE position > {kept};
                UPDATE audit_partition_head h SET position = coalesce(l.position, 0), entry_hash = coalesce(l.entry_hash, decode(repeat('00', 32), 'hex'))
                  FROM audit_partition_head k
                  LEFT JOIN LATERAL (SELECT position, entry_hash FROM audit_log WHERE partition = k.partition ORDER BY position DESC LIMIT 1) l ON true
                 WHERE k.partition = h.partition;
                """);

            var api = await ApiViolationsAsync();
            var (exitCode, tool) = await ToolViolationsAsync(file);

            // The chains and the heads agree with each other: only the checkpoints show the cut, where it may start at the
            // earliest (a partition's cut begins after its last remaining entry, which may lie before the global cut).
            Assert.DoesNotContain(api, v => v.Kind is "missing-entry" or "altered-entry");
            var departed = Assert.Single(api, v => v.Kind == "checkpoint-departed");
            Assert.InRange(departed.Position, 1, kept + 1);
            Assert.Equal(1, exitCode);
            Assert.Contains(tool, v => v.Kind == "checkpoint-departed" && v.Position == departed.Position);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public sealed class CheckpointRewriteTests(AuditFixture fixture) : AuditCheckpointTests(fixture), IClassFixture<AuditFixture>
{
    [Fact]
    public async Task LastHundredEntriesRewrittenAndReHashed_IsReportedAgainstTheLastCheckpoint_ByTheApiAndTheTool()
    {
        var (head, file) = await FillAndKeepCheckpointAsync(130);
        try
        {
            var firstRewritten = head - 99;
            await TamperAsync($$"""
                DO $$
                DECLARE previous bytea; r record;
                BEGIN
                    -- Each rewritten entry re-linked to its partition's previous entry (rewritten first: position order), then
                    -- re-hashed; every partition's head takes its new last hash.
                    FOR r IN SELECT position, previous_position FROM audit_log WHERE position >= {{firstRewritten}} ORDER BY position LOOP
                        previous := coalesce((SELECT entry_hash FROM audit_log WHERE position = r.previous_position), decode(repeat('00', 32), 'hex'));
                        UPDATE audit_log SET body = convert_to('{"hoursPerWeek":0}', 'UTF8'), previous_hash = previous WHERE position = r.position;
                        UPDATE audit_log l SET entry_hash = sha256(audit_canonical(l)) WHERE position = r.position;
                    END LOOP;
                    UPDATE audit_partition_head h SET entry_hash = l.entry_hash FROM audit_log l WHERE l.position = h.position;
                END $$;
                """);

            var api = await ApiViolationsAsync();
            var (exitCode, tool) = await ToolViolationsAsync(file);

            // Every hash and link recomputes: the chain alone would call this log intact.
            Assert.DoesNotContain(api, v => v.Kind is "missing-entry" or "altered-entry");
            var departed = Assert.Single(api, v => v.Kind == "checkpoint-departed");
            Assert.InRange(departed.Position, 1, firstRewritten);
            Assert.Equal(1, exitCode);
            Assert.Contains(tool, v => v.Kind == "checkpoint-departed" && v.Position == departed.Position);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public sealed class CheckpointPartitionTests(AuditFixture fixture) : AuditCheckpointTests(fixture), IClassFixture<AuditFixture>
{
    [Fact]
    public async Task ACheckpointStatesEveryPartitionsHead_AndARewriteOfOnePartitionAloneIsCaughtAgainstIt_ByTheApiAndTheTool()
    {
        var (_, file) = await FillAndKeepCheckpointAsync(80);
        try
        {
            var page = await Fixture.Audit.ClientFor("auditor", "auditor-1").GetFromJsonAsync<JsonElement>("/api/audit/checkpoints");
            var last = page.GetProperty("checkpoints").Deserialize<List<KeptCheckpoint>>(EventTypes.Json)![^1];
            var heads = await Fixture.QueryAsync<(int Partition, long Position, byte[] Hash)>(
                "SELECT partition, position, entry_hash FROM audit_partition_head ORDER BY partition");
            // Every partition's head as the log holds it, bound to the signature by the signed head hash.
            Assert.Equal(heads.Select(h => new PartitionHead(h.Partition, h.Position, Convert.ToHexStringLower(h.Hash))), last.Partitions!);
            Assert.True(last.Partitions!.Count(h => h.Position > 0) >= 8, "80 recipients fell in fewer than 8 partitions");
            Assert.Null(AuditCheckpoint.Check(last, Fixture.CheckpointKey));
            Assert.NotNull(AuditCheckpoint.Check(last with { Partitions = [.. last.Partitions!.Skip(1)] }, Fixture.CheckpointKey));

            // One partition's last entry rewritten and re-hashed, its head with it: its chain and head agree, the others are untouched.
            var (victim, rewritten) = (await Fixture.QueryAsync<(int Partition, long Position)>(
                "SELECT partition, max(position) FROM audit_log GROUP BY partition ORDER BY count(*) DESC, partition LIMIT 1")).Single();
            await TamperAsync($$"""
                UPDATE audit_log SET body = convert_to('{"hoursPerWeek":0}', 'UTF8') WHERE position = {{rewritten}};
                UPDATE audit_log l SET entry_hash = sha256(audit_canonical(l)) WHERE position = {{rewritten}};
                UPDATE audit_partition_head h SET entry_hash = l.entry_hash FROM audit_log l WHERE l.position = h.position AND h.partition = {{victim}};
                """);

            var api = await ApiViolationsAsync();
            var (exitCode, tool) = await ToolViolationsAsync(file);

            Assert.DoesNotContain(api, v => v.Kind is "missing-entry" or "altered-entry");
            var departed = Assert.Single(api, v => v.Kind == "checkpoint-departed");
            Assert.InRange(departed.Position, 1, rewritten);
            Assert.Contains($"in partition {victim}", departed.Reason, StringComparison.Ordinal);
            Assert.Equal(1, exitCode);
            Assert.Contains(tool, v => v.Kind == "checkpoint-departed" && v.Position == departed.Position);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public sealed class CheckpointCutTests(AuditFixture fixture) : AuditCheckpointTests(fixture), IClassFixture<AuditFixture>
{
    private const int Partitions = 16;

    /// <summary>
    /// Appends to different partitions take their positions in parallel, so one numbered earlier can commit later. A
    /// checkpoint signed between the two commits must not state the later position without the earlier entry: it waits
    /// for the append under way, and states the earlier entry's partition at its position.
    /// </summary>
    [Fact]
    public async Task AnAppendNumberedEarlierButCommittedLater_IsInEveryCheckpointPastItsPosition()
    {
        var (earlierRecipient, laterRecipient) = ("r-earlier", Enumerable.Range(1, 100).Select(i => $"r-later-{i}")
            .First(r => LogPartitions.Of(r, Partitions) != LogPartitions.Of("r-earlier", Partitions)));
        var partition = LogPartitions.Of(earlierRecipient, Partitions);

        await using var earlier = new NpgsqlConnection(Fixture.ConnectionString);
        await earlier.OpenAsync();
        await using var underWay = await earlier.BeginTransactionAsync();
        var earlierPosition = await AppendAsync(earlier, earlierRecipient, "cp-earlier");

        // The later append, committed at once (unless a checkpoint being signed holds it back: then it goes on below).
        var later = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
            await connection.OpenAsync();
            return await AppendAsync(connection, laterRecipient, "cp-later");
        });
        await Task.WhenAny(later, Task.Delay(TimeSpan.FromSeconds(5)));
        await Task.Delay(TimeSpan.FromSeconds(2)); // four signing intervals with the earlier append under way
        await underWay.CommitAsync();
        var laterPosition = await later;
        Assert.True(laterPosition > earlierPosition);

        await WaitForCheckpointAsync(laterPosition, "No checkpoint of the later entry was signed.");

        var missing = await Fixture.QueryAsync<long>(
            """
            SELECT c.position FROM audit_checkpoint c
             WHERE c.position > @earlierPosition
               AND NOT EXISTS (SELECT FROM jsonb_array_elements(c.partitions) h
                                WHERE (h->>'partition')::int = @partition AND (h->>'position')::bigint >= @earlierPosition)
            """,
            new { earlierPosition, partition });
        Assert.Empty(missing);
    }

    private static async Task<long> AppendAsync(NpgsqlConnection connection, string recipientId, string producer)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT * FROM audit_append(@partitions, ARRAY[gen_random_uuid()], ARRAY['urn:message:Platform.Contracts.Declarations:EngagementSet'],
                                       ARRAY[@producer], ARRAY[@producer], ARRAY[1::bigint], ARRAY[now()], ARRAY[now()], ARRAY[@recipientId],
                                       ARRAY[convert_to('{}', 'UTF8')])
            """,
            connection);
        command.Parameters.AddWithValue("partitions", Partitions);
        command.Parameters.AddWithValue("producer", producer);
        command.Parameters.AddWithValue("recipientId", recipientId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

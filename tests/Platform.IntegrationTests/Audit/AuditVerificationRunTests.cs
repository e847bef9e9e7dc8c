using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Audit.Verification;
using Platform.Contracts.Declarations;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// The whole log verified in the background, the API serving the last run carried on over what was appended since: a
/// run is recorded where and when it stopped, the API checks what came after it, the next run finds an older rewrite,
/// and a poisoned entry stops no run.
/// </summary>
public sealed class AuditVerificationRunTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private VerificationRunner Runner => fixture.Audit.ServiceProvider.GetRequiredService<VerificationRunner>();

    private async Task<JsonElement> VerifyAsync(string auditor, string query = "")
    {
        var response = await fixture.Audit.ClientFor("auditor", auditor).GetAsync($"/api/audit/verification{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<(long Position, string Kind)> Violations(JsonElement report) =>
        report.GetProperty("violations").EnumerateArray().Select(v => (v.GetProperty("position").GetInt64(), v.GetProperty("kind").GetString()!)).ToList();

    private async Task<long> RunAsync()
    {
        var id = await Runner.RunAsync(CancellationToken.None);
        Assert.NotNull(id);
        return id.Value;
    }

    private async Task<RunRow> RunRowAsync(long id) =>
        (await fixture.QueryAsync<RunRow>(
            """
            SELECT status, position, head_hash AS HeadHash, finished_at AS FinishedAt, violation_count AS ViolationCount
            FROM audit_verification_run WHERE id = @id
            """,
            new { id })).Single();

    private sealed record RunRow(string Status, long Position, byte[] HeadHash, DateTime FinishedAt, int ViolationCount);

    /// <summary>Whether run <paramref name="id"/> recorded a violation of <paramref name="kind"/> at <paramref name="position"/>.</summary>
    private async Task<bool> RecordedAsync(long id, long position, string kind) =>
        await fixture.CountAsync(
            """
            SELECT count(*) FROM audit_verification_run r, jsonb_array_elements(r.report -> 'violations') v
            WHERE r.id = @id AND (v ->> 'position')::bigint = @position AND v ->> 'kind' = @kind
            """,
            new { id, position, kind }) > 0;

    private async Task<long> PublishAsync(string producer)
    {
        var message = new EngagementSet($"r-{Guid.NewGuid():N}"[..18], 15m, "2026-W45", "agent-1") with
        {
            EventId = Guid.NewGuid(), Producer = producer, ProducerSequence = 1, OccurredAt = AuditFixture.Now,
        };
        await fixture.PublishAsync(message);
        await fixture.WaitForEntriesAsync(message.EventId);
        return await fixture.CountAsync("SELECT position FROM audit_log WHERE message_id = @EventId", new { message.EventId });
    }

    /// <summary>Appends through the runtime role's only way in, with no validated publisher, as the log would receive it.</summary>
    private async Task<long> AppendAsync(string type, byte[] body, string producer)
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(fixture.RuntimeConnectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            "SELECT audit_append(16, ARRAY[@id], ARRAY[@type], ARRAY[@producer], ARRAY[''], ARRAY[1::bigint], ARRAY[now()], ARRAY[now()], ARRAY['r'], ARRAY[@body])",
            new { id, type, producer, body });
    }

    [Fact]
    public async Task ARun_IsRecordedWithThePositionAndHeadHashItReached_AndItsTime_AndTheApiServesIt()
    {
        var position = await PublishAsync($"run-{Guid.NewGuid():N}"[..12]);

        var run = await RunRowAsync(await RunAsync());
        var report = await VerifyAsync("auditor-run-1");

        Assert.Equal("completed", run.Status);
        Assert.True(run.Position >= position, $"the run reached {run.Position}, before {position}");
        var hashThere = (await fixture.QueryAsync<byte[]>("SELECT entry_hash FROM audit_log WHERE position = @Position", new { run.Position })).Single();
        Assert.Equal(hashThere, run.HeadHash);
        var lastRun = report.GetProperty("lastRun");
        Assert.Equal(run.Position, lastRun.GetProperty("position").GetInt64());
        Assert.Equal(new DateTimeOffset(DateTime.SpecifyKind(run.FinishedAt, DateTimeKind.Utc)), lastRun.GetProperty("finishedAt").GetDateTimeOffset());
        Assert.Equal(run.ViolationCount, lastRun.GetProperty("violations").GetInt32());
        Assert.False(report.GetProperty("full").GetBoolean());
        Assert.Equal(run.Position, report.GetProperty("checkedAfter").GetInt64());
        Assert.True(report.GetProperty("entries").GetInt64() >= run.Position);
    }

    [Fact]
    public async Task AnEntryAppendedAfterTheRun_IsCheckedByTheApi_AsAWholePassWouldCheckIt()
    {
        var runPosition = (await RunRowAsync(await RunAsync())).Position;
        var appended = await AppendAsync(
            "urn:message:Platform.Contracts.Declarations:EngagementSet", "{}"u8.ToArray(), $"after-{Guid.NewGuid():N}"[..14]);

        var carried = await VerifyAsync("auditor-run-2");
        var whole = await VerifyAsync("auditor-run-2", "?full=true");

        Assert.True(appended > runPosition);
        Assert.False(carried.GetProperty("full").GetBoolean());
        Assert.True(carried.GetProperty("checkedAfter").GetInt64() < appended);
        Assert.Contains((appended, "unvalidated-publisher"), Violations(carried));
        Assert.True(whole.GetProperty("full").GetBoolean());
        Assert.Equal(0, whole.GetProperty("checkedAfter").GetInt64());
        Assert.Equal(Violations(whole), Violations(carried));
        Assert.Equal(whole.GetProperty("entries").GetInt64(), carried.GetProperty("entries").GetInt64());
    }

    [Fact]
    public async Task AnEntryRewrittenBeforeTheRunsPosition_IsFoundByTheNextRun_AndReported()
    {
        var position = await PublishAsync($"rewrite-{Guid.NewGuid():N}"[..16]);
        var firstId = await RunAsync();
        Assert.True((await RunRowAsync(firstId)).Position >= position);
        Assert.False(await RecordedAsync(firstId, position, "altered-entry"));

        await fixture.TamperAsync("UPDATE audit_log SET body = convert_to('{\"hours\":0}', 'UTF8') WHERE position = @position", new { position });
        var nextId = await RunAsync();
        var next = await RunRowAsync(nextId);
        var report = await VerifyAsync("auditor-run-3");

        Assert.Equal("completed", next.Status);
        Assert.True(next.ViolationCount >= 1);
        Assert.True(await RecordedAsync(nextId, position, "altered-entry"));
        Assert.Equal(nextId, report.GetProperty("lastRun").GetProperty("id").GetInt64());
        Assert.Contains((position, "altered-entry"), Violations(report));
        Assert.False(report.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task APoisonedEntry_StopsNoRun()
    {
        // A body no contract reads as it was meant (a huge number where an id belongs, truncated JSON).
        var poisoned = await AppendAsync(
            "urn:message:Platform.Contracts.Review:SanctionDecided",
            Encoding.UTF8.GetBytes("{\"decisionId\":1" + new string('9', 500) + ",\"keyId\":["),
            $"poison-{Guid.NewGuid():N}"[..14]);

        var firstId = await RunAsync();
        var secondId = await RunAsync();
        var report = await VerifyAsync("auditor-run-4");

        Assert.Equal("completed", (await RunRowAsync(firstId)).Status);
        Assert.Equal("completed", (await RunRowAsync(secondId)).Status);
        Assert.True(await RecordedAsync(firstId, poisoned, "unreadable-event"));
        Assert.True(await RecordedAsync(secondId, poisoned, "unreadable-event"));
        Assert.Contains((poisoned, "unreadable-event"), Violations(report));
        Assert.False(report.GetProperty("full").GetBoolean());
    }
}

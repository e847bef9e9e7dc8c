using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Platform.Audit.Capture;
using Platform.Audit.Log;

namespace Platform.Audit.Tests;

/// <summary>
/// The auditors' tool as an auditor runs it — a separate process — against a real PostgreSQL database
/// (<c>PLATFORM_TEST_POSTGRES</c>, a superuser: these tests tamper with rows behind the log's back).
/// </summary>
public sealed class CliTests : IAsyncLifetime
{
    private string admin = "";
    private string name = "";
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        admin = Environment.GetEnvironmentVariable("PLATFORM_TEST_POSTGRES")
            ?? throw new InvalidOperationException("PLATFORM_TEST_POSTGRES is not set: these tests need a real PostgreSQL (see deploy/local/test.sh).");
        name = $"audit_cli_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var generated = await RunAsync("generate", "--count", "500", "--recipients", "20");
        Assert.True(generated.ExitCode == 0, generated.Stderr);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Verify_IntactLog_Exits0_AndPrintsTheReport()
    {
        var result = await RunAsync("verify", "--no-progress");

        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        Assert.True(report.RootElement.GetProperty("intact").GetBoolean());
        Assert.Equal(500, report.RootElement.GetProperty("entries").GetInt64());
    }

    [Fact]
    public async Task Verify_RowsAlteredAndDeletedAsSuperuser_Exits1_NamingTheirPositions()
    {
        await TamperAsync(
            "UPDATE audit_log SET body = convert_to('{\"recipientId\":\"r-000001\"}', 'UTF8') WHERE position = 123",
            "DELETE FROM audit_log WHERE position = 321");

        var result = await RunAsync("verify", "--no-progress");

        Assert.Equal(1, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        var violations = report.RootElement.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("position").GetInt64(), v.GetProperty("kind").GetString())).ToList();
        Assert.Contains((123L, "altered-entry"), violations);
        Assert.Contains((321L, "missing-entry"), violations);
    }

    [Fact]
    public async Task Verify_AnEntryLargerThanTheReadBuffer_IsCheckedLikeAnyOther()
    {
        var huge = "{\"note\":\"" + new string('x', 3 << 20) + "\"}";
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            var appender = new LogAppender(dataSource, Microsoft.Extensions.Options.Options.Create(new Platform.ServiceDefaults.Messaging.OutboxOptions()));
            var captured = new CapturedEvent(
                Guid.NewGuid(), "urn:message:Platform.Contracts.Declarations:EngagementSet", "bulky", 1, LogBuilder.Start, LogBuilder.Start, "r-1",
                System.Text.Encoding.UTF8.GetBytes(huge));
            Assert.Equal(501, Assert.Single(await appender.AppendAsync([captured], CancellationToken.None)));
        }

        var intact = await RunAsync("verify", "--no-progress");
        await TamperAsync("UPDATE audit_log SET body = body || ' '::bytea WHERE position = 501");
        var altered = await RunAsync("verify", "--no-progress");

        Assert.Equal(0, intact.ExitCode);
        Assert.Equal(1, altered.ExitCode);
        using var report = JsonDocument.Parse(altered.Stdout);
        var violation = Assert.Single(report.RootElement.GetProperty("violations").EnumerateArray());
        Assert.Equal(501, violation.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task Verify_ConnectionFromTheEnvironment_Works()
    {
        var result = await RunAsync(["verify", "--no-progress"], withConnection: false, environment: connectionString);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Verify_UnreachableDatabase_Exits2()
    {
        var missing = new NpgsqlConnectionStringBuilder(connectionString) { Database = "no_such_database" }.ConnectionString;

        var result = await RunAsync(["verify", "--no-progress", "--connection", missing], withConnection: false);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("could not run", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_Exits2_WithUsage()
    {
        var result = await RunAsync("shred");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: platform-audit", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WritesOneJsonLinePerEntry_WithTheBodyAsStored()
    {
        var file = Path.Combine(Path.GetTempPath(), $"audit-export-{Guid.NewGuid():N}.jsonl");
        try
        {
            var result = await RunAsync("export", "--output", file, "--no-progress");

            Assert.Equal(0, result.ExitCode);
            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal(500, lines.Length);
            using var line = JsonDocument.Parse(lines[41]);
            Assert.Equal(42, line.RootElement.GetProperty("position").GetInt64());
            var stored = await ScalarAsync<byte[]>("SELECT body FROM audit_log WHERE position = 42");
            Assert.Equal(System.Text.Encoding.UTF8.GetString(stored), line.RootElement.GetProperty("body").GetRawText());
            Assert.Equal(Convert.ToHexStringLower(await ScalarAsync<byte[]>("SELECT entry_hash FROM audit_log WHERE position = 42")),
                line.RootElement.GetProperty("entryHash").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Replay_PrintsTheRecipientsDeclarationsAndFlags()
    {
        var result = await RunAsync("replay", "--recipient", "r-000010", "--at", "2030-01-01T00:00:00Z");

        Assert.Equal(0, result.ExitCode);
        using var replay = JsonDocument.Parse(result.Stdout);
        Assert.Equal("r-000010", replay.RootElement.GetProperty("recipientId").GetString());
        // Every 20th position belongs to r-000010; one in ten positions is a flag, so positions 10, 30, … are flags.
        Assert.Equal(25, replay.RootElement.GetProperty("flags").GetArrayLength());
    }

    private async Task TamperAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // As a superuser, behind the log's back: triggers off for this session.
        await using (var off = new NpgsqlCommand("SET session_replication_role = replica", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private Task<ToolResult> RunAsync(params string[] args) => RunAsync(args, withConnection: true);

    private async Task<ToolResult> RunAsync(string[] args, bool withConnection, string? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (withConnection)
        {
            start.ArgumentList.Add("--connection");
            start.ArgumentList.Add(connectionString);
        }

        start.Environment["PLATFORM_AUDIT_CONNECTION"] = environment;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The tool as built in its own output folder (with its own dependencies, as shipped), in the test's configuration:
    /// a copy beside the tests would resolve against the test's dependency graph instead.
    /// </summary>
    private static string ToolPath()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testDirectory.Name;
        var configuration = testDirectory.Parent!.Name;
        var root = testDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(
            root?.FullName ?? throw new InvalidOperationException("The repository root (Platform.sln) is not above the test folder."),
            "services", "Audit", "Platform.Audit.Cli", "bin", configuration, framework, "platform-audit.dll");
    }

    private sealed record ToolResult(int ExitCode, string Stdout, string Stderr);
}

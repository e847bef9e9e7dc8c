using System.Data;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Platform.Audit.Log;
using Spectre.Console;

namespace Platform.Audit.Cli;

public static class Commands
{
    public const string Usage = """
        usage: platform-audit <command> [--connection "<npgsql connection string>"] [options]
          verify   [--key <keyId>=<spki.pem>]... [--no-progress]    check the chain, producer sequences, decisions and flags
                                                                     (exit 0 intact, 1 violations found, 2 could not run)
          replay   --recipient <id> --at <RFC 3339 instant>          a recipient's case and allocation as they stood then (JSON)
          export   [--output <file>] [--no-progress]                 the whole log as JSON Lines (stdout by default)
          generate --count <n> [--recipients <n>] [--key-id <id>]    append n synthetic events (benchmarks only)
        The connection string may come from PLATFORM_AUDIT_CONNECTION instead of --connection.
        """;

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Output for people and files, not for an HTML page: keep accents and quotes readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> VerifyAsync(CommandLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        using var keys = new DecisionKeys(line.All("--key").Select(ReadKey));
        await using var connection = await OpenAsync(line, cancellationToken);
        // One snapshot for the head and the rows: appends during the pass are not mistaken for a truncated log.
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var head = await HeadAsync(connection, cancellationToken);
        using var verifier = new LogVerifier(keys, FlagReplay.Reproduce);
        var started = DateTime.UtcNow;
        await WithProgressAsync(line, "verifying", head, advance => RawLogScanner.ScanAsync(connection, verifier, advance, cancellationToken));
        await snapshot.CommitAsync(cancellationToken);
        var report = verifier.Complete(head);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;

        await using (var stdout = Console.OpenStandardOutput())
        {
            await JsonSerializer.SerializeAsync(stdout, report, Indented, cancellationToken);
        }

        Console.Out.WriteLine();
        await Console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{(report.Intact ? "intact" : "VIOLATIONS")}: {report.Entries} entries, {report.Violations.Count} violation(s), {seconds:F2} s, {report.Entries / Math.Max(seconds, 1e-9):F0} entries/s"));
        return report.Intact ? 0 : 1;
    }

    public static async Task<int> ReplayAsync(CommandLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var recipient = line.Required("--recipient");
        if (!DateTimeOffset.TryParse(line.Required("--at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            throw new UsageException("--at must be an RFC 3339 instant, e.g. 2026-11-26T09:00:00Z");
        }

        await using var connection = await OpenAsync(line, cancellationToken);
        var replay = new RecipientReplay(recipient, at.ToUniversalTime());
        await foreach (var entry in LogReader.ReadRecipientAsync(connection, recipient, at, cancellationToken))
        {
            replay.Add(entry);
        }

        await using (var stdout = Console.OpenStandardOutput())
        {
            await JsonSerializer.SerializeAsync(stdout, replay.Result(), Indented, cancellationToken);
        }

        Console.Out.WriteLine();
        return 0;
    }

    public static async Task<int> ExportAsync(CommandLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        await using var connection = await OpenAsync(line, cancellationToken);
        var output = line.Get("--output");
        await using var stream = output is null ? Console.OpenStandardOutput() : File.Create(output);
        await using var buffered = new BufferedStream(stream, 1 << 16);
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var head = await HeadAsync(connection, cancellationToken);
        long count = 0;
        await using (var json = new Utf8JsonWriter(buffered, new JsonWriterOptions { SkipValidation = true }))
        {
            await WithProgressAsync(line, "exporting", head, async advance =>
            {
                await foreach (var entry in LogReader.ReadAllAsync(connection, cancellationToken))
                {
                    WriteLine(json, entry);
                    json.Flush();
                    buffered.WriteByte((byte)'\n');
                    json.Reset();
                    advance(++count);
                }
            });
        }

        await snapshot.CommitAsync(cancellationToken);
        await buffered.FlushAsync(cancellationToken);
        await Console.Error.WriteLineAsync($"exported {count} entries");
        return 0;
    }

    /// <summary>One entry as a JSON line; the body is written as the bytes received, not re-serialised.</summary>
    private static void WriteLine(Utf8JsonWriter json, LogEntry entry)
    {
        json.WriteStartObject();
        json.WriteNumber("position", entry.Position);
        json.WriteString("messageId", entry.MessageId);
        json.WriteString("messageType", entry.MessageType);
        json.WriteString("producer", entry.Producer);
        json.WriteNumber("producerSequence", entry.ProducerSequence);
        json.WriteString("occurredAt", entry.OccurredAt);
        json.WriteString("receivedAt", entry.ReceivedAt);
        json.WriteString("recipientId", entry.RecipientId);
        json.WriteString("previousHash", Convert.ToHexStringLower(entry.PreviousHash));
        json.WriteString("entryHash", Convert.ToHexStringLower(entry.EntryHash));
        json.WritePropertyName("body");
        json.WriteRawValue(entry.Body, skipInputValidation: true);
        json.WriteEndObject();
    }

    public static async Task<NpgsqlConnection> OpenAsync(CommandLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var connection = new NpgsqlConnection(line.Connection());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<long> HeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT position FROM audit_head", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }

    private static KeyValuePair<string, string?> ReadKey(string option)
    {
        var separator = option.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new UsageException("--key takes <keyId>=<path to the SPKI PEM public key>");
        }

        return KeyValuePair.Create(option[..separator], (string?)File.ReadAllText(option[(separator + 1)..]));
    }

    /// <summary>A progress bar on stderr, so stdout stays the data; updated every few thousand entries, not per entry.</summary>
    private static async Task WithProgressAsync(CommandLine line, string label, long total, Func<Action<long>, Task> work)
    {
        if (line.Has("--no-progress") || Console.IsErrorRedirected)
        {
            await work(_ => { });
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: Math.Max(total, 1));
                await work(done =>
                {
                    if (done % 16_384 == 0)
                    {
                        task.Value = done;
                    }
                });
                // The scanner reports every 16,384 entries itself; both paths land here.
                task.Value = task.MaxValue;
            });
    }
}

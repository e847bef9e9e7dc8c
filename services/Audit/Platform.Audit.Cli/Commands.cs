using System.Data;
using System.Globalization;
using System.Text.Json;
using System.Security.Cryptography;
using Npgsql;
using Platform.Audit.Log;
using Spectre.Console;

namespace Platform.Audit.Cli;

public static class Commands
{
    public const string Usage = """
        usage: platform-audit <command> [--connection "<npgsql connection string>"] [options]
          verify   [--key <keyId>=<spki.pem>]... [--no-progress]    check each partition's chain, producer sequences, decisions, appeals, flags
                   [--parallel <n>]                                  ... partitions' chains on n workers (default: processors - 1)
                   [--checkpoint <file>]...                          ... and that the log still extends each checkpoint kept
                   [--checkpoint-key <keyId>=<spki.pem>]...          ... whose signature is checked against these keys
                   [--publisher <broker user>=<producer,...|*>]...   ... and who may publish as which producer
                                                                     (exit 0 intact, 1 violations found, 2 could not run)
          checkpoint [--output <file>] [--all]                       the latest signed checkpoint (or all) as JSON, to keep
                                                                     outside the platform
          replay   --recipient <id> --at <RFC 3339 instant>          a recipient's case, allocation and appeals then (JSON)
          export   [--output <file>] [--no-progress]                 the whole log as JSON Lines (stdout by default), every
                                                                     partition merged in order of occurrence
          generate --count <n> [--recipients <n>] [--partitions <p>] append n synthetic events (benchmarks only; needs the
                                                                     owner role: the service's own role cannot write rows)
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
        var kept = CheckpointsKept(line);
        var publishers = line.Has("--publisher") ? new PublisherPolicy(line.All("--publisher").Select(ReadPublisher)) : null;
        var parallel = int.Parse(line.Get("--parallel") ?? Math.Max(1, Environment.ProcessorCount - 1).ToString(CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture);
        await using var connection = await OpenAsync(line, cancellationToken);
        // One snapshot for the heads and the rows: appends during the pass are not mistaken for a truncated log.
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var head = await HeadAsync(connection, cancellationToken);
        var heads = await RawLogScanner.HeadsAsync(connection, snapshot, cancellationToken);
        using var verifier = new LogVerifier(keys, FlagReplay.Reproduce, publishers: publishers);
        verifier.ExpectCheckpoints(kept);
        var started = DateTime.UtcNow;
        await WithProgressAsync(line, "verifying", head, advance => RawLogScanner.ScanPartitionsAsync(
            connection, new Dictionary<int, long>(), verifier, parallel, advance, cancellationToken));
        await snapshot.CommitAsync(cancellationToken);
        var report = verifier.Complete(heads);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;

        await using (var stdout = Console.OpenStandardOutput())
        {
            await JsonSerializer.SerializeAsync(stdout, report, Indented, cancellationToken);
        }

        Console.Out.WriteLine();
        await Console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{(report.Intact ? "intact" : "VIOLATIONS")}: {report.Entries} entries in {heads.Count} partition(s), {report.Violations.Count} violation(s), {seconds:F2} s, {report.Entries / Math.Max(seconds, 1e-9):F0} entries/s"));
        return report.Intact ? 0 : 1;
    }

    /// <summary>The checkpoints given with --checkpoint, each signature checked when its key is given with --checkpoint-key.</summary>
    private static List<CheckpointMark> CheckpointsKept(CommandLine line)
    {
        var keys = line.All("--checkpoint-key").Select(ReadKey).ToDictionary(pair => pair.Key, pair => pair.Value!, StringComparer.Ordinal);
        var marks = new List<CheckpointMark>();
        foreach (var file in line.All("--checkpoint"))
        {
            IReadOnlyList<KeptCheckpoint> checkpoints;
            try
            {
                checkpoints = AuditCheckpoint.Read(File.ReadAllBytes(file));
            }
            catch (Exception exception) when (exception is JsonException or FormatException)
            {
                throw new UsageException($"{file} is not a checkpoint file: {exception.Message}");
            }

            foreach (var checkpoint in checkpoints)
            {
                if (keys.TryGetValue(checkpoint.KeyId, out var pem))
                {
                    using var key = ECDsa.Create();
                    key.ImportFromPem(pem);
                    if (AuditCheckpoint.Check(checkpoint, key) is { } problem)
                    {
                        throw new UsageException($"{file}: {problem}: it cannot be relied on");
                    }
                }
                else
                {
                    Console.Error.WriteLine($"warning: {file}: no --checkpoint-key for key '{checkpoint.KeyId}': the checkpoint's signature is not checked");
                }

                marks.Add(AuditCheckpoint.Mark(checkpoint, $"checkpoint file {Path.GetFileName(file)}"));
            }
        }

        return marks;
    }

    /// <summary>Writes the latest signed checkpoint (or, with --all, every one) as JSON, for an auditor to keep elsewhere.</summary>
    public static async Task<int> CheckpointAsync(CommandLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        await using var connection = await OpenAsync(line, cancellationToken);
        var all = line.Has("--all");
        var checkpoints = new List<KeptCheckpoint>();
        await using (var command = new NpgsqlCommand(
            $"SELECT position, head_hash, producers::text, signed_at, key_id, signature, partitions::text FROM audit_checkpoint ORDER BY position DESC {(all ? "" : "LIMIT 1")}",
            connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                checkpoints.Add(new KeptCheckpoint(
                    reader.GetInt64(0), Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(1)),
                    JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(2)) ?? [],
                    new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc)), reader.GetString(4), reader.GetString(5),
                    reader.IsDBNull(6) ? null : JsonSerializer.Deserialize<List<PartitionHead>>(reader.GetString(6), EventTypes.Json)));
            }
        }

        if (checkpoints.Count == 0)
        {
            await Console.Error.WriteLineAsync("platform-audit: the log has no signed checkpoint yet");
            return 2;
        }

        checkpoints.Reverse();
        var output = line.Get("--output");
        await using (var stream = output is null ? Console.OpenStandardOutput() : File.Create(output))
        {
            await (all
                ? JsonSerializer.SerializeAsync(stream, checkpoints, Indented, cancellationToken)
                : JsonSerializer.SerializeAsync(stream, checkpoints[^1], Indented, cancellationToken));
        }

        await Console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"checkpoint at position {checkpoints[^1].Position}, head {checkpoints[^1].HeadHash}, key '{checkpoints[^1].KeyId}'"));
        return 0;
    }

    private static KeyValuePair<string, string?> ReadPublisher(string option)
    {
        var separator = option.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new UsageException("--publisher takes <broker user>=<producer>[,<producer>...] or <broker user>=*");
        }

        return KeyValuePair.Create(option[..separator], (string?)option[(separator + 1)..]);
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
        json.WriteNumber("partition", entry.Partition);
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

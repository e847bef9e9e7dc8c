using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Audit.Log;
using Platform.Contracts;
using Platform.Contracts.Declarations;
using Platform.Contracts.Rules;
using Platform.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;

namespace Platform.Audit.Cli;

/// <summary>
/// Appends synthetic, valid events to a log to measure verification on a realistic one: eight in ten are declarations,
/// one in ten an engagement, one in ten a flag the rule catalogue reproduces. Written with a binary COPY, each in its
/// recipient's partition (<c>--partitions</c>, 16 by default) and chained exactly as the service chains them. For benchmark databases only: the service never writes this way.
/// </summary>
public static class Generator
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var count = long.Parse(line.Required("--count"), NumberStyles.None, CultureInfo.InvariantCulture);
        var recipients = int.Parse(line.Get("--recipients") ?? "10000", NumberStyles.None, CultureInfo.InvariantCulture);
        var partitions = int.Parse(line.Get("--partitions") ?? "16", NumberStyles.None, CultureInfo.InvariantCulture);
        await using var connection = await Commands.OpenAsync(line, cancellationToken);
        await EnsureSchemaAsync(connection, cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Every head locked, as audit_append locks the ones it touches; positions go on from the sequence.
        var heads = new Dictionary<int, (long Position, byte[] Hash)>();
        await using (var head = new NpgsqlCommand("SELECT partition, position, entry_hash FROM audit_partition_head ORDER BY partition FOR UPDATE", connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                heads[reader.GetInt32(0)] = (reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
            }
        }

        long position;
        await using (var last = new NpgsqlCommand("SELECT greatest(coalesce(max(position), 0), (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM audit_log_position)) FROM audit_log", connection, transaction))
        {
            position = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
        }

        var sequences = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["declarations"] = await LastSequenceAsync(connection, "declarations", cancellationToken),
            ["rules"] = await LastSequenceAsync(connection, "rules", cancellationToken),
        };
        var start = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        await using (var import = await connection.BeginBinaryImportAsync($"COPY audit_log ({LogReader.Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (long i = 0; i < count; i++)
            {
                var occurredAt = start.AddMilliseconds(position * 10);
                var (producer, message) = Event(position, recipients, occurredAt);
                var sequence = ++sequences[producer];
                message = message with { EventId = Guid.CreateVersion7(occurredAt), Producer = producer, ProducerSequence = sequence, OccurredAt = occurredAt };
                var captured = new CapturedEvent(
                    message.EventId, EventTypes.Urn(message.GetType()), producer, sequence, occurredAt, occurredAt.AddMilliseconds(3),
                    message.RecipientId, JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), EventTypes.Json), producer);
                var partition = LogPartitions.Of(message.RecipientId, partitions);
                var (previous, hash) = heads.TryGetValue(partition, out var at) ? at : (0L, EntryHash.Genesis);
                var entry = captured.Chain(++position, partition, previous, hash);
                heads[partition] = (entry.Position, entry.EntryHash);
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(entry.Position, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(entry.PreviousHash, NpgsqlDbType.Bytea, cancellationToken);
                await import.WriteAsync(entry.EntryHash, NpgsqlDbType.Bytea, cancellationToken);
                await import.WriteAsync(entry.MessageId, NpgsqlDbType.Uuid, cancellationToken);
                await import.WriteAsync(entry.MessageType, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(entry.Producer, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(entry.ProducerSequence, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(entry.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await import.WriteAsync(entry.ReceivedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await import.WriteAsync(entry.RecipientId, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(entry.Body, NpgsqlDbType.Bytea, cancellationToken);
                await import.WriteAsync(entry.Publisher, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(entry.Partition, NpgsqlDbType.Integer, cancellationToken);
                await import.WriteAsync(entry.PreviousPosition!.Value, NpgsqlDbType.Bigint, cancellationToken);
            }

            await import.CompleteAsync(cancellationToken);
        }

        await using (var move = new NpgsqlCommand(
            """
            INSERT INTO audit_partition_head (partition, position, entry_hash) SELECT * FROM unnest(@partitions, @positions, @hashes)
            ON CONFLICT (partition) DO UPDATE SET position = excluded.position, entry_hash = excluded.entry_hash;
            SELECT setval('audit_log_position', greatest(@position, 1), @position > 0);
            """, connection, transaction))
        {
            move.Parameters.AddWithValue("partitions", heads.Keys.ToArray());
            move.Parameters.AddWithValue("positions", heads.Values.Select(h => h.Position).ToArray());
            move.Parameters.AddWithValue("hashes", heads.Values.Select(h => h.Hash).ToArray());
            move.Parameters.AddWithValue("position", position);
            await move.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await Console.Error.WriteLineAsync($"generated {count} events in {partitions} partition(s); the log now ends at position {position}");
        return 0;
    }

    private static (string Producer, PlatformEvent Message) Event(long position, int recipients, DateTimeOffset occurredAt)
    {
        var recipient = $"r-{(position % recipients).ToString("D6", CultureInfo.InvariantCulture)}";
        var week = IsoWeek.Parse("2026-W02").AddWeeks((int)(position / recipients % 150));
        var monday = week.Monday;
        DeclaredActivity[] activities =
        [
            new("job-search", monday, 3m, "Candidature envoyée à une entreprise du secteur"),
            new("training", monday.AddDays(2), 2m, null),
        ];
        switch (position % 10)
        {
            case 0:
                var input = new RuleInput(week.ToString(), 15m, true, activities.Select(a => new RuleActivity(a.Category, a.Date, a.Hours)).ToList(), []);
                var parameters = new Dictionary<string, decimal> { [WeeklyHoursBelowEngagement.ToleranceHours] = 0m };
                return ("rules", new FlagRaised(
                    Guid.CreateVersion7(occurredAt), recipient, week.ToString(), WeeklyHoursBelowEngagement.Id, 1, RuleJson.ToFacts(input), parameters,
                    WeeklyHoursBelowEngagement.V1.Explain(input, parameters), false));
            case 1:
                return ("declarations", new EngagementSet(recipient, 15m, week.ToString(), "agent-1"));
            default:
                return ("declarations", new DeclarationSubmitted(recipient, week.ToString(), 1, activities, 5m, false, occurredAt));
        }
    }

    private static async Task<long> LastSequenceAsync(NpgsqlConnection connection, string producer, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(producer_sequence), 0) FROM audit_log WHERE producer = @producer", connection);
        command.Parameters.AddWithValue("producer", producer);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('audit_log') IS NOT NULL", connection);
        if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return;
        }

        // The platform's own migrations first (outbox_partition), then the audit service's, as the service applies them.
        var scripts = typeof(Generator).Assembly.GetManifestResourceNames();
        foreach (var script in scripts.Where(name => name.StartsWith("shared-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                     .Concat(scripts.Where(name => name.StartsWith("audit-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)))
        {
            await using var stream = typeof(Generator).Assembly.GetManifestResourceStream(script)!;
            using var reader = new StreamReader(stream);
            await using var create = new NpgsqlCommand(await reader.ReadToEndAsync(cancellationToken), connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

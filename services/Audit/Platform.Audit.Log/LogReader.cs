using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Audit.Log;

/// <summary>
/// Streams the log in constant memory, every partition merged in order of occurrence (occurred-at, then position): the
/// whole log through a binary <c>COPY ... TO STDOUT</c> (PostgreSQL's fastest way out, one row at a time), one
/// recipient's entries through a server-side cursor.
/// </summary>
public static class LogReader
{
    public const string Columns =
        "position, previous_hash, entry_hash, message_id, message_type, producer, producer_sequence, occurred_at, received_at, recipient_id, body, publisher, partition, previous_position";

    public static async IAsyncEnumerable<LogEntry> ReadAllAsync(
        NpgsqlConnection connection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var export = await connection.BeginBinaryExportAsync(
            $"COPY (SELECT {Columns} FROM audit_log ORDER BY occurred_at, position) TO STDOUT (FORMAT BINARY)", cancellationToken);
        while (await export.StartRowAsync(cancellationToken) != -1)
        {
            yield return new LogEntry(
                await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken),
                await export.ReadAsync<byte[]>(NpgsqlDbType.Bytea, cancellationToken),
                await export.ReadAsync<byte[]>(NpgsqlDbType.Bytea, cancellationToken),
                await export.ReadAsync<Guid>(NpgsqlDbType.Uuid, cancellationToken),
                await export.ReadAsync<string>(NpgsqlDbType.Text, cancellationToken),
                await export.ReadAsync<string>(NpgsqlDbType.Text, cancellationToken),
                await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken),
                Utc(await export.ReadAsync<DateTime>(NpgsqlDbType.TimestampTz, cancellationToken)),
                Utc(await export.ReadAsync<DateTime>(NpgsqlDbType.TimestampTz, cancellationToken)),
                await export.ReadAsync<string>(NpgsqlDbType.Text, cancellationToken),
                await export.ReadAsync<byte[]>(NpgsqlDbType.Bytea, cancellationToken),
                export.IsNull ? Skip(export) : await export.ReadAsync<string>(NpgsqlDbType.Text, cancellationToken),
                await export.ReadAsync<int>(NpgsqlDbType.Integer, cancellationToken),
                export.IsNull ? SkipNumber(export) : await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken));
        }
    }

    /// <summary>Entries about <paramref name="recipientId"/> that had occurred at <paramref name="at"/>, in order of occurrence.</summary>
    public static async IAsyncEnumerable<LogEntry> ReadRecipientAsync(
        NpgsqlConnection connection, string recipientId, DateTimeOffset at, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM audit_log WHERE recipient_id = @recipient AND occurred_at <= @at ORDER BY occurred_at, position", connection);
        command.Parameters.AddWithValue("recipient", recipientId);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <summary>Every entry of the given types, in order of occurrence: for figures drawn from a few rare kinds of event.</summary>
    public static async IAsyncEnumerable<LogEntry> ReadTypesAsync(
        NpgsqlConnection connection, IReadOnlyList<string> types, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(types);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM audit_log WHERE message_type = ANY(@types) ORDER BY occurred_at, position", connection);
        command.Parameters.AddWithValue("types", types.ToArray());
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    public static LogEntry Read(NpgsqlDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new LogEntry(
            reader.GetInt64(0),
            reader.GetFieldValue<byte[]>(1),
            reader.GetFieldValue<byte[]>(2),
            reader.GetGuid(3),
            reader.GetString(4),
            reader.GetString(5),
            reader.GetInt64(6),
            Utc(reader.GetDateTime(7)),
            Utc(reader.GetDateTime(8)),
            reader.GetString(9),
            reader.GetFieldValue<byte[]>(10),
            reader.IsDBNull(11) ? null : reader.GetString(11),
            reader.GetInt32(12),
            reader.IsDBNull(13) ? null : reader.GetInt64(13));
    }

    private static string? Skip(NpgsqlBinaryExporter export)
    {
        export.Skip();
        return null;
    }

    private static long? SkipNumber(NpgsqlBinaryExporter export)
    {
        export.Skip();
        return null;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

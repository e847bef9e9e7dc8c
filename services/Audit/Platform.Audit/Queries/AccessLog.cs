using System.Text.Json;
using Dapper;
using Npgsql;

namespace Platform.Audit.Queries;

/// <summary>
/// Every auditor query is itself recorded — who looked at whose data, when — before any data is returned, in the
/// same append-only way as the log. It stays in the audit database: it is not a platform event.
/// </summary>
public static class AccessLog
{
    public static Task RecordAsync(
        NpgsqlConnection connection, DateTimeOffset at, string auditor, string action, string? recipientId, object parameters) =>
        connection.ExecuteAsync(
            """
            INSERT INTO audit_access (accessed_at, auditor, action, recipient_id, parameters)
            VALUES (@at, @auditor, @action, @recipientId, @parameters::jsonb)
            """,
            new { at, auditor, action, recipientId, parameters = JsonSerializer.Serialize(parameters, JsonSerializerOptions.Web) });
}

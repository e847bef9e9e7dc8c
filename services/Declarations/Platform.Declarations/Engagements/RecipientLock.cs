using Dapper;
using Platform.ServiceDefaults.Data;

namespace Platform.Declarations.Engagements;

/// <summary>Serialises the changes to one recipient's engagement and département (a row lock cannot: the first has no row).</summary>
internal static class RecipientLock
{
    public static Task TakeAsync(ServiceTransaction work, string recipientId) => work.Connection.ExecuteAsync(
        "SELECT pg_advisory_xact_lock(hashtextextended('engagement:' || @recipientId, 0))", new { recipientId }, work.Transaction);
}

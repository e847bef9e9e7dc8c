using System.Security.Claims;
using Dapper;
using Npgsql;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Departements;

/// <summary>The table <c>recipient_departements</c>: the département each recipient belongs to, in every service.</summary>
public static class RecipientPlacements
{
    /// <summary>
    /// A list's condition on its <c>recipient_id</c> column for the parameter <c>@departements</c>
    /// (<see cref="AgentScope.ListFilter"/>: null lists every recipient, for national agents).
    /// </summary>
    public const string InDepartements =
        "(@departements::text[] IS NULL OR recipient_id IN (SELECT recipient_id FROM recipient_departements WHERE departement = ANY(@departements)))";

    /// <summary>
    /// True when <paramref name="agent"/> acts for the recipient's département: for an endpoint whose route does not
    /// name the recipient (the recipient is in its body), which the middleware therefore cannot check.
    /// </summary>
    public static async Task<bool> AgentActsForAsync(
        ServiceDatabase database, ClaimsPrincipal agent, string recipientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.IsNational())
        {
            return true;
        }

        await using var connection = await database.OpenReadAsync(cancellationToken);
        return agent.ActsFor(await DepartementOfAsync(connection, recipientId));
    }

    public static Task<string?> DepartementOfAsync(NpgsqlConnection connection, string recipientId, NpgsqlTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT departement FROM recipient_departements WHERE recipient_id = @recipientId", new { recipientId }, transaction);

    /// <summary>
    /// Places the recipient in <paramref name="departement"/>. A copy kept from the declarations service's events
    /// passes their <paramref name="producerSequence"/>: an older event consumed after a newer one changes nothing.
    /// </summary>
    public static Task<int> PlaceAsync(
        ServiceTransaction work, string recipientId, string departement, long? producerSequence, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work.Connection.ExecuteAsync(
            """
            INSERT INTO recipient_departements (recipient_id, departement, producer_sequence, since)
            VALUES (@recipientId, @departement, @producerSequence, @since)
            ON CONFLICT (recipient_id) DO UPDATE
               SET departement = excluded.departement, producer_sequence = excluded.producer_sequence, since = excluded.since
             WHERE excluded.producer_sequence IS NULL OR recipient_departements.producer_sequence IS NULL
                OR recipient_departements.producer_sequence < excluded.producer_sequence
            """,
            new { recipientId, departement, producerSequence, since },
            work.Transaction);
    }
}

using System.Globalization;
using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The <c>delegations</c> table: only ever appended.</summary>
internal static class DelegationStore
{
    private const string Select =
        """
        SELECT delegation_id, agent_id, agent_name, agent_role, departement, reference, valid_from::text AS valid_from,
               valid_until::text AS valid_until, recorded_by, recorded_at
        FROM delegations
        """;

    /// <summary>Records a delegation; false when the same agent already has the same act for the same département.</summary>
    public static async Task<bool> InsertAsync(ServiceTransaction work, Delegation delegation) =>
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO delegations (delegation_id, agent_id, agent_name, agent_role, departement, reference, valid_from, valid_until, recorded_by, recorded_at)
            VALUES (@DelegationId, @AgentId, @AgentName, @AgentRole, @Departement, @Reference, @from::date, @until::date, @RecordedBy, @RecordedAt)
            ON CONFLICT (agent_id, departement, reference) DO NOTHING
            """,
            new
            {
                delegation.DelegationId, delegation.AgentId, delegation.AgentName, delegation.AgentRole, delegation.Departement, delegation.Reference,
                from = Text(delegation.ValidFrom), until = delegation.ValidUntil is { } until ? Text(until) : null, delegation.RecordedBy, delegation.RecordedAt,
            },
            work.Transaction) == 1;

    /// <summary>The agent's delegations for the département, in the caller's transaction.</summary>
    public static async Task<IReadOnlyList<Delegation>> OfAgentAsync(ServiceTransaction work, string agentId, string departement) =>
        (await work.Connection.QueryAsync<Row>($"{Select} WHERE agent_id = @agentId AND departement = @departement", new { agentId, departement }, work.Transaction))
        .Select(row => row.ToDelegation()).ToList();

    public static async Task<Delegation?> FindAsync(ServiceDatabase database, Guid delegationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE delegation_id = @delegationId", new { delegationId }))?.ToDelegation();
    }

    /// <summary>Every delegation of the département, the latest first.</summary>
    public static async Task<IReadOnlyList<Delegation>> ListAsync(ServiceDatabase database, string departement, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(
                $"{Select} WHERE departement = @departement ORDER BY valid_from DESC, recorded_at DESC, delegation_id", new { departement }))
            .Select(row => row.ToDelegation()).ToList();
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Row(
        Guid DelegationId, string AgentId, string AgentName, string AgentRole, string Departement, string Reference, string ValidFrom, string? ValidUntil,
        string RecordedBy, DateTimeOffset RecordedAt)
    {
        public Delegation ToDelegation() =>
            new(DelegationId, AgentId, AgentName, AgentRole, Departement, Reference, Day(ValidFrom), ValidUntil is null ? null : Day(ValidUntil), RecordedBy, RecordedAt);
    }
}

using System.Data;
using Dapper;
using Npgsql;

namespace Platform.Review.Cases;

/// <summary>The SQL shared by the case, proposal and recipient endpoints.</summary>
internal static class CaseStore
{
    public static Task<CaseRow?> FindAsync(IDbConnection connection, Guid caseId, IDbTransaction? transaction = null, bool forUpdate = false) =>
        connection.QuerySingleOrDefaultAsync<CaseRow>(
            $"{CaseRow.Select} WHERE case_id = @caseId{(forUpdate ? " FOR UPDATE" : "")}", new { caseId }, transaction);

    public static Task<CaseRow?> FindByFlagAsync(IDbConnection connection, Guid flagId, IDbTransaction? transaction = null, bool forUpdate = false) =>
        connection.QuerySingleOrDefaultAsync<CaseRow>(
            $"{CaseRow.Select} WHERE flag_id = @flagId{(forUpdate ? " FOR UPDATE" : "")}", new { flagId }, transaction);

    public static Task AddHistoryAsync(
        IDbConnection connection, IDbTransaction transaction, Guid caseId, DateTimeOffset at, string action, string actor, string? detail) =>
        connection.ExecuteAsync(
            "INSERT INTO case_history (case_id, at, action, actor, detail) VALUES (@caseId, @at, @action, @actor, @detail)",
            new { caseId, at, action, actor, detail },
            transaction);

    public static Task SetStateAsync(
        IDbConnection connection, IDbTransaction transaction, Guid caseId, string state, string? claimedBy, DateTimeOffset? closedAt) =>
        connection.ExecuteAsync(
            "UPDATE cases SET state = @state, claimed_by = @claimedBy, closed_at = @closedAt WHERE case_id = @caseId",
            new { caseId, state, claimedBy, closedAt },
            transaction);

    /// <summary>The cases with their history and proposals, in the order given.</summary>
    public static async Task<IReadOnlyList<CaseView>> ViewsAsync(IDbConnection connection, IReadOnlyList<CaseRow> rows, IDbTransaction? transaction = null)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(row => row.CaseId).ToArray();
        var history = (await connection.QueryAsync<(Guid CaseId, DateTimeOffset At, string Action, string Actor, string? Detail)>(
                "SELECT case_id, at, action, actor, detail FROM case_history WHERE case_id = ANY(@ids) ORDER BY id", new { ids }, transaction))
            .ToLookup(entry => entry.CaseId, entry => new HistoryEntry(entry.At, entry.Action, entry.Actor, entry.Detail));
        var proposals = (await connection.QueryAsync<ProposalView>(
                $"{ProposalSql.Select} WHERE case_id = ANY(@ids) ORDER BY notified_at", new { ids }, transaction))
            .ToLookup(proposal => proposal.CaseId);
        var flagIds = rows.Select(row => row.FlagId).ToArray();
        var observations = (await connection.QueryAsync<(Guid FlagId, Guid ObservationId, string Text, DateTimeOffset ReceivedAt)>(
                "SELECT flag_id, observation_id, text, received_at FROM observations WHERE flag_id = ANY(@flagIds) ORDER BY received_at",
                new { flagIds },
                transaction))
            .ToLookup(observation => observation.FlagId, observation => new CaseObservation(observation.ObservationId, observation.Text, observation.ReceivedAt));
        return rows.Select(row => row.ToView(history[row.CaseId], proposals[row.CaseId], observations[row.FlagId])).ToList();
    }

    public static async Task<CaseView> ViewAsync(IDbConnection connection, CaseRow row, IDbTransaction? transaction = null) =>
        (await ViewsAsync(connection, [row], transaction))[0];

    public static async Task<CaseView> ReadAsync(NpgsqlDataSource dataSource, Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await FindAsync(connection, caseId) ?? throw new InvalidOperationException("The case was just written.");
        return await ViewAsync(connection, row);
    }
}

using Dapper;
using Npgsql;
using Platform.Review.Cases;
using Platform.Review.Domain;
using Platform.Review.Recipients;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;

namespace Platform.Review.Stores;

/// <summary>What the review pages and the recipient read: committed data, outside any unit of work, never locked.</summary>
internal static class ReviewReads
{
    /// <summary>One page of the queue, oldest first, and how many cases match in all.</summary>
    public static async Task<(long Total, IReadOnlyList<CaseView> Items)> QueueAsync(
        ServiceDatabase database, string status, string? rule, string? recipient, string[]? departements, long offset, int size,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        const string Filter = "state = @status AND (@rule::text IS NULL OR rule_id = @rule) AND (@recipient::text IS NULL OR recipient_id = @recipient)"
            + " AND " + RecipientPlacements.InDepartements;
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM cases WHERE {Filter}", new { status, rule, recipient, departements });
        var rows = (await connection.QueryAsync<CaseRow>(
            $"{CaseRow.Select} WHERE {Filter} ORDER BY opened_at, case_id LIMIT @size OFFSET @offset",
            new { status, rule, recipient, departements, size, offset })).ToList();
        return (total, await ViewsAsync(connection, rows));
    }

    public static async Task<CaseView?> CaseAsync(ServiceDatabase database, Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CaseRow>($"{CaseRow.Select} WHERE case_id = @caseId", new { caseId });
        return row is null ? null : (await ViewsAsync(connection, [row]))[0];
    }

    public static async Task<ProposalView?> ProposalAsync(ServiceDatabase database, Guid proposalId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var proposal = await connection.QuerySingleOrDefaultAsync<Proposal>($"{ProposalStore.Select} WHERE proposal_id = @proposalId", new { proposalId });
        var hearing = await connection.QuerySingleOrDefaultAsync<Hearing>($"{HearingStore.Select} WHERE proposal_id = @proposalId", new { proposalId });
        return proposal is null ? null : ProposalView.Of(proposal, hearing);
    }

    /// <summary>The flag behind a case, as raised; null when there is no such flag.</summary>
    public static async Task<FlagView?> FlagAsync(ServiceDatabase database, Guid flagId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CaseRow>($"{CaseRow.Select} WHERE flag_id = @flagId", new { flagId });
        return row?.ToFlag();
    }

    /// <summary>Every case of a recipient, oldest first, with the observations they sent about each flag.</summary>
    public static async Task<(IReadOnlyList<CaseView> Cases, ILookup<Guid, ObservationView> Observations)> RecipientAsync(
        ServiceDatabase database, string recipientId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CaseRow>(
            $"{CaseRow.Select} WHERE recipient_id = @recipientId ORDER BY opened_at, case_id", new { recipientId })).ToList();
        var views = await ViewsAsync(connection, rows);
        var observations = (await connection.QueryAsync<ObservationView>(
                "SELECT observation_id, flag_id, text, received_at, nothing_to_add FROM observations WHERE recipient_id = @recipientId ORDER BY received_at",
                new { recipientId }))
            .ToLookup(observation => observation.FlagId);
        return (views, observations);
    }

    /// <summary>The cases with their history, proposals and observations, in the order given.</summary>
    private static async Task<IReadOnlyList<CaseView>> ViewsAsync(NpgsqlConnection connection, List<CaseRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(row => row.CaseId).ToArray();
        var history = (await connection.QueryAsync<(Guid CaseId, DateTimeOffset At, string Action, string Actor, string? Detail)>(
                "SELECT case_id, at, action, actor, detail FROM case_history WHERE case_id = ANY(@ids) ORDER BY id", new { ids }))
            .ToLookup(entry => entry.CaseId, entry => new HistoryEntry(entry.At, entry.Action, entry.Actor, entry.Detail));
        var hearings = (await connection.QueryAsync<Hearing>($"{HearingStore.Select} WHERE case_id = ANY(@ids)", new { ids }))
            .ToDictionary(hearing => hearing.ProposalId);
        var proposals = (await connection.QueryAsync<Proposal>(
                $"{ProposalStore.Select} WHERE case_id = ANY(@ids) ORDER BY notified_at", new { ids }))
            .ToLookup(proposal => proposal.CaseId, proposal => ProposalView.Of(proposal, hearings.GetValueOrDefault(proposal.ProposalId)));
        var flagIds = rows.Select(row => row.FlagId).ToArray();
        var observations = (await connection.QueryAsync<(Guid FlagId, Guid ObservationId, string Text, DateTimeOffset ReceivedAt, bool NothingToAdd)>(
                "SELECT flag_id, observation_id, text, received_at, nothing_to_add FROM observations WHERE flag_id = ANY(@flagIds) ORDER BY received_at",
                new { flagIds }))
            .ToLookup(
                observation => observation.FlagId,
                observation => new CaseObservation(observation.ObservationId, observation.Text, observation.ReceivedAt, observation.NothingToAdd));
        return rows.Select(row => row.ToView(history[row.CaseId], proposals[row.CaseId], observations[row.FlagId])).ToList();
    }
}

using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>
/// The one place that locks review rows, always in the same order — the case first, then its proposal — so that the
/// endpoints, the consumers and the expiry job cannot deadlock one another. Every load here is for a change.
/// </summary>
internal static class ReviewLocks
{
    /// <summary>
    /// Serialises the decisions that weigh one recipient's sanctions against each other (propose, approve), so that two
    /// counsellors at once cannot each stay under the cap and together exceed it. Taken after the case lock.
    /// </summary>
    public static Task RecipientAsync(ServiceTransaction work, string recipientId) =>
        work.Connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('review-sanctions:' || @recipientId, 0))", new { recipientId }, work.Transaction);

    public static async Task<Case?> CaseAsync(ServiceTransaction work, Guid caseId)
    {
        var row = await work.Connection.QuerySingleOrDefaultAsync<CaseRow>(
            $"{CaseRow.Select} WHERE case_id = @caseId FOR UPDATE", new { caseId }, work.Transaction);
        return row is null ? null : CaseStore.ToCase(row);
    }

    public static async Task<Case?> CaseOfFlagAsync(ServiceTransaction work, Guid flagId)
    {
        var row = await work.Connection.QuerySingleOrDefaultAsync<CaseRow>(
            $"{CaseRow.Select} WHERE flag_id = @flagId FOR UPDATE", new { flagId }, work.Transaction);
        return row is null ? null : CaseStore.ToCase(row);
    }

    /// <summary>A proposal and its case, the case locked first; null when there is no such proposal.</summary>
    public static async Task<(Case Case, Proposal Proposal)?> ProposalAsync(ServiceTransaction work, Guid proposalId)
    {
        var row = await work.Connection.QuerySingleOrDefaultAsync<CaseRow>(
            $"{CaseRow.Select} WHERE case_id = (SELECT case_id FROM proposals WHERE proposal_id = @proposalId) FOR UPDATE",
            new { proposalId },
            work.Transaction);
        if (row is null)
        {
            return null;
        }

        var proposal = await work.Connection.QuerySingleAsync<Proposal>(
            $"{ProposalStore.Select} WHERE proposal_id = @proposalId FOR UPDATE", new { proposalId }, work.Transaction);
        return (CaseStore.ToCase(row), proposal);
    }

    /// <summary>The pending proposal of a case the caller already locked; null when none waits.</summary>
    public static Task<Proposal?> PendingProposalAsync(ServiceTransaction work, Case locked) =>
        work.Connection.QuerySingleOrDefaultAsync<Proposal>(
            $"{ProposalStore.Select} WHERE case_id = @CaseId AND state = @pending FOR UPDATE",
            new { locked.CaseId, pending = Contracts.Review.ProposalState.Pending },
            work.Transaction);

    /// <summary>Up to <paramref name="limit"/> undecided cases past their expiry, skipping those another transaction holds.</summary>
    public static async Task<IReadOnlyList<Case>> OverdueCasesAsync(ServiceTransaction work, DateTimeOffset now, int limit)
    {
        var rows = await work.Connection.QueryAsync<CaseRow>(
            $"{CaseRow.Select} WHERE state = ANY(@undecided) AND expires_at <= @now ORDER BY expires_at LIMIT @limit FOR UPDATE SKIP LOCKED",
            new { undecided = Contracts.Review.CaseState.Undecided.ToArray(), now, limit },
            work.Transaction);
        return rows.Select(CaseStore.ToCase).ToList();
    }
}

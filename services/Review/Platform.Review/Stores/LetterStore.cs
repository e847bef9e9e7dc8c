using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The <c>decision_letters</c> and <c>decision_letter_receipts</c> tables (their e-mails: <see cref="LetterEmailOutbox"/>).</summary>
internal static class LetterStore
{
    private const string Select =
        """
        SELECT letter_id, kind, proposal_id, case_id, recipient_id, delegation_id, decision_id, key_id, signature, signed_decision::text AS signed_decision,
               created_at
        FROM decision_letters
        """;

    public static Task InsertAsync(ServiceTransaction work, DecisionLetterRecord letter) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO decision_letters (letter_id, kind, proposal_id, case_id, recipient_id, delegation_id, decision_id, key_id, signature, signed_decision, created_at)
            VALUES (@LetterId, @Kind, @ProposalId, @CaseId, @RecipientId, @DelegationId, @DecisionId, @KeyId, @Signature, @SignedDecision::jsonb, @CreatedAt)
            """,
            letter,
            work.Transaction);

    /// <summary>Records a proof of receipt once per channel; false when that channel already proved it.</summary>
    public static async Task<bool> AddReceiptAsync(ServiceTransaction work, Guid letterId, LetterReceipt receipt) =>
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO decision_letter_receipts (letter_id, channel, received_at, recorded_by, recorded_at)
            VALUES (@letterId, @Channel, @ReceivedAt, @RecordedBy, @RecordedAt)
            ON CONFLICT (letter_id, channel) DO NOTHING
            """,
            new { letterId, receipt.Channel, receipt.ReceivedAt, receipt.RecordedBy, receipt.RecordedAt },
            work.Transaction) == 1;

    /// <summary>The ids of a recipient's decision letters, newest first.</summary>
    public static async Task<IReadOnlyList<Guid>> IdsOfAsync(ServiceDatabase database, string recipientId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(
            "SELECT letter_id FROM decision_letters WHERE recipient_id = @recipientId ORDER BY created_at DESC, letter_id", new { recipientId })).ToList();
    }

    /// <summary>The letter of a signed decision, by the decision's id; null when no letter carries it.</summary>
    public static async Task<DecisionLetterRecord?> FindByDecisionAsync(ServiceDatabase database, Guid decisionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DecisionLetterRecord>($"{Select} WHERE decision_id = @decisionId", new { decisionId });
    }

    /// <summary>A letter with all it states, as committed; null when there is no such letter.</summary>
    public static async Task<LetterSource?> ReadAsync(ServiceDatabase database, Guid letterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var letter = await connection.QuerySingleOrDefaultAsync<DecisionLetterRecord>($"{Select} WHERE letter_id = @letterId", new { letterId });
        if (letter is null)
        {
            return null;
        }

        var proposal = await connection.QuerySingleAsync<Proposal>($"{ProposalStore.Select} WHERE proposal_id = @ProposalId", new { letter.ProposalId });
        var caseRow = await connection.QuerySingleAsync<CaseRow>($"{CaseRow.Select} WHERE case_id = @CaseId", new { letter.CaseId });
        var baseAmount = await connection.ExecuteScalarAsync<decimal?>(
            "SELECT monthly_base_amount FROM notices WHERE proposal_id = @ProposalId", new { letter.ProposalId });
        var observations = (await connection.QueryAsync<Observation>(
            """
            SELECT observation_id, flag_id, recipient_id, text, received_at, nothing_to_add FROM observations
            WHERE flag_id = @FlagId AND received_at <= @decidedAt ORDER BY received_at, observation_id
            """,
            new { proposal.FlagId, decidedAt = proposal.DecidedAt ?? letter.CreatedAt })).ToList();
        var hearing = await connection.QuerySingleOrDefaultAsync<Hearing>($"{HearingStore.Select} WHERE proposal_id = @ProposalId", new { letter.ProposalId });
        var receipts = (await connection.QueryAsync<LetterReceipt>(
            "SELECT channel, received_at, recorded_by, recorded_at FROM decision_letter_receipts WHERE letter_id = @letterId ORDER BY received_at, id",
            new { letterId })).ToList();
        var delegation = await DelegationStore.FindAsync(database, letter.DelegationId, cancellationToken)
            ?? throw new InvalidOperationException("A letter's delegation vanished.");
        return new LetterSource(letter, CaseStore.ToCase(caseRow), proposal, delegation, baseAmount, observations, hearing, receipts);
    }
}

using System.Globalization;
using System.Text.Json;
using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;

namespace Platform.Review.Stores;

/// <summary>The <c>appeals</c> and <c>appeal_letters</c> tables (their e-mails: <see cref="LetterEmailOutbox"/>).</summary>
internal static class AppealStore
{
    private const string Select =
        """
        SELECT appeal_id, sanction_decision_id, decision_letter_id, proposal_id, recipient_id, percent, months, start_month, proposed_by, approved_by,
               channel, filed_by, filed_on::text AS filed_on, recorded_at, reasons, array_to_json(documents)::text AS documents, late, implicit_rejection_on::text AS implicit_rejection_on,
               commission_opinion, commission_recorded_by, commission_recorded_at, outcome, outcome_percent, outcome_months, outcome_reason, decided_by,
               delegation_id, decided_at, appeal_decision_id, key_id, signature, signed_decision::text AS signed_decision, implicitly_rejected_at
        FROM appeals
        """;

    /// <summary>Records a new appeal; false when the decision already has one (one appeal per decision).</summary>
    public static async Task<bool> InsertAsync(ServiceTransaction work, Appeal appeal) =>
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO appeals (appeal_id, sanction_decision_id, decision_letter_id, proposal_id, recipient_id, percent, months, start_month, proposed_by,
                                 approved_by, channel, filed_by, filed_on, recorded_at, reasons, documents, late, implicit_rejection_on)
            VALUES (@AppealId, @SanctionDecisionId, @DecisionLetterId, @ProposalId, @RecipientId, @Percent, @Months, @StartMonth, @ProposedBy,
                    @ApprovedBy, @Channel, @FiledBy, @filedOn::date, @RecordedAt, @Reasons,
                    ARRAY(SELECT jsonb_array_elements_text(@documents::jsonb)), @Late, @implicitRejectionOn::date)
            ON CONFLICT (sanction_decision_id) DO NOTHING
            """,
            new
            {
                appeal.AppealId, appeal.SanctionDecisionId, appeal.DecisionLetterId, appeal.ProposalId, appeal.RecipientId, appeal.Percent, appeal.Months,
                appeal.StartMonth, appeal.ProposedBy, appeal.ApprovedBy, appeal.Channel, appeal.FiledBy, filedOn = Text(appeal.FiledOn), appeal.RecordedAt,
                appeal.Reasons, documents = JsonSerializer.Serialize(appeal.Documents), appeal.Late, implicitRejectionOn = Text(appeal.ImplicitRejectionOn),
            },
            work.Transaction) == 1;

    /// <summary>Whether the decision already has an appeal, in the caller's transaction.</summary>
    public static Task<bool> ExistsForDecisionAsync(ServiceTransaction work, Guid sanctionDecisionId) =>
        work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM appeals WHERE sanction_decision_id = @sanctionDecisionId)", new { sanctionDecisionId }, work.Transaction);

    /// <summary>An appeal locked for a change; null when there is none.</summary>
    public static async Task<Appeal?> LockAsync(ServiceTransaction work, Guid appealId) =>
        (await work.Connection.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE appeal_id = @appealId FOR UPDATE", new { appealId }, work.Transaction))
        ?.ToAppeal();

    /// <summary>Up to <paramref name="limit"/> appeals without an outcome whose two months ran out by <paramref name="today"/>, locked.</summary>
    public static async Task<IReadOnlyList<Appeal>> OverdueAsync(ServiceTransaction work, DateOnly today, int limit) =>
        (await work.Connection.QueryAsync<Row>(
            $"""
             {Select} WHERE outcome IS NULL AND implicitly_rejected_at IS NULL AND implicit_rejection_on <= @today::date
             ORDER BY implicit_rejection_on, appeal_id LIMIT @limit FOR UPDATE SKIP LOCKED
             """,
            new { today = Text(today), limit },
            work.Transaction)).Select(row => row.ToAppeal()).ToList();

    public static Task SaveOpinionAsync(ServiceTransaction work, Appeal appeal) =>
        work.Connection.ExecuteAsync(
            """
            UPDATE appeals SET commission_opinion = @CommissionOpinion, commission_recorded_by = @CommissionRecordedBy,
                               commission_recorded_at = @CommissionRecordedAt
            WHERE appeal_id = @AppealId
            """,
            appeal,
            work.Transaction);

    public static Task SaveOutcomeAsync(ServiceTransaction work, Appeal appeal) =>
        work.Connection.ExecuteAsync(
            """
            UPDATE appeals SET outcome = @Outcome, outcome_percent = @OutcomePercent, outcome_months = @OutcomeMonths, outcome_reason = @OutcomeReason,
                               decided_by = @DecidedBy, delegation_id = @DelegationId, decided_at = @DecidedAt, appeal_decision_id = @AppealDecisionId,
                               key_id = @KeyId, signature = @Signature, signed_decision = @SignedDecision::jsonb
            WHERE appeal_id = @AppealId AND outcome IS NULL
            """,
            appeal,
            work.Transaction);

    public static Task MarkImplicitlyRejectedAsync(ServiceTransaction work, Guid appealId, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(
            "UPDATE appeals SET implicitly_rejected_at = @now WHERE appeal_id = @appealId AND implicitly_rejected_at IS NULL",
            new { appealId, now },
            work.Transaction);

    public static Task InsertLetterAsync(ServiceTransaction work, AppealLetterRecord letter) =>
        work.Connection.ExecuteAsync(
            "INSERT INTO appeal_letters (letter_id, appeal_id, kind, created_at) VALUES (@LetterId, @AppealId, @Kind, @CreatedAt)",
            letter,
            work.Transaction);

    public static async Task<Appeal?> FindAsync(ServiceDatabase database, Guid appealId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE appeal_id = @appealId", new { appealId }))?.ToAppeal();
    }

    /// <summary>The appeal whose signed outcome is <paramref name="appealDecisionId"/>; null when none.</summary>
    public static async Task<Appeal?> FindByOutcomeDecisionAsync(ServiceDatabase database, Guid appealDecisionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE appeal_decision_id = @appealDecisionId", new { appealDecisionId }))
            ?.ToAppeal();
    }

    /// <summary>A recipient's appeals, newest first.</summary>
    public static async Task<IReadOnlyList<Appeal>> OfRecipientAsync(ServiceDatabase database, string recipientId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<Row>($"{Select} WHERE recipient_id = @recipientId ORDER BY recorded_at DESC, appeal_id", new { recipientId }))
            .Select(row => row.ToAppeal()).ToList();
    }

    /// <summary>The appeals awaiting a person's decision (implicitly rejected ones included), oldest first.</summary>
    /// <param name="departements">The recipients' départements listed (null: all, for a national agent).</param>
    public static async Task<IReadOnlyList<Appeal>> QueueAsync(
        ServiceDatabase database, string[]? departements, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(
                $"{Select} WHERE outcome IS NULL AND {RecipientPlacements.InDepartements} ORDER BY filed_on, recorded_at, appeal_id LIMIT @limit",
                new { limit, departements }))
            .Select(row => row.ToAppeal()).ToList();
    }

    /// <summary>An appeal's letters, oldest first.</summary>
    public static async Task<IReadOnlyList<AppealLetterRecord>> LettersAsync(ServiceDatabase database, Guid appealId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<AppealLetterRecord>(
            "SELECT letter_id, appeal_id, kind, created_at FROM appeal_letters WHERE appeal_id = @appealId ORDER BY created_at, letter_id",
            new { appealId })).ToList();
    }

    public static async Task<AppealLetterRecord?> LetterAsync(ServiceDatabase database, Guid letterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AppealLetterRecord>(
            "SELECT letter_id, appeal_id, kind, created_at FROM appeal_letters WHERE letter_id = @letterId", new { letterId });
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Row(
        Guid AppealId, Guid SanctionDecisionId, Guid DecisionLetterId, Guid ProposalId, string RecipientId, int Percent, int Months, string StartMonth,
        string ProposedBy, string ApprovedBy, string Channel, string FiledBy, string FiledOn, DateTimeOffset RecordedAt, string Reasons, string Documents,
        bool Late, string ImplicitRejectionOn, string? CommissionOpinion, string? CommissionRecordedBy, DateTimeOffset? CommissionRecordedAt,
        string? Outcome, int? OutcomePercent, int? OutcomeMonths, string? OutcomeReason, string? DecidedBy, Guid? DelegationId, DateTimeOffset? DecidedAt,
        Guid? AppealDecisionId, string? KeyId, string? Signature, string? SignedDecision, DateTimeOffset? ImplicitlyRejectedAt)
    {
        public Appeal ToAppeal() => new(
            AppealId, SanctionDecisionId, DecisionLetterId, ProposalId, RecipientId, Percent, Months, StartMonth, ProposedBy, ApprovedBy, Channel, FiledBy,
            Day(FiledOn), RecordedAt, Reasons, JsonSerializer.Deserialize<string[]>(Documents) ?? [], Late, Day(ImplicitRejectionOn), CommissionOpinion, CommissionRecordedBy, CommissionRecordedAt,
            Outcome, OutcomePercent, OutcomeMonths, OutcomeReason, DecidedBy, DelegationId, DecidedAt, AppealDecisionId, KeyId, Signature, SignedDecision,
            ImplicitlyRejectedAt);
    }
}

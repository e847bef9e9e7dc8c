using System.Globalization;
using Dapper;
using Platform.Review.Domain;
using Platform.Review.Letters;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The <c>notices</c>, <c>notice_receipts</c>, <c>notice_emails</c> and <c>recipient_contacts</c> tables.</summary>
internal static class NoticeStore
{
    private const string Select =
        """
        SELECT notice_id, proposal_id, case_id, recipient_id, created_at, monthly_base_amount, tracking_reference,
               postal_received_on::text AS postal_received_on
        FROM notices
        """;

    public static Task InsertAsync(ServiceTransaction work, Notice notice, byte[] linkTokenHash) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO notices (notice_id, proposal_id, case_id, recipient_id, created_at, monthly_base_amount, link_token_hash)
            VALUES (@NoticeId, @ProposalId, @CaseId, @RecipientId, @CreatedAt, @MonthlyBaseAmount, @linkTokenHash)
            """,
            new { notice.NoticeId, notice.ProposalId, notice.CaseId, notice.RecipientId, notice.CreatedAt, notice.MonthlyBaseAmount, linkTokenHash },
            work.Transaction);

    /// <summary>Queues the notice's e-mail in the same transaction as the notice (an outbox): the mailer sends it, retrying.</summary>
    public static Task QueueEmailAsync(ServiceTransaction work, Guid noticeId, string address, string linkToken, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(
            "INSERT INTO notice_emails (notice_id, address, link_token, next_attempt_at) VALUES (@noticeId, @address, @linkToken, @now)",
            new { noticeId, address, linkToken, now },
            work.Transaction);

    /// <summary>The next e-mail due, locked for this transaction; null when none is due.</summary>
    public static Task<QueuedEmail?> NextDueEmailAsync(ServiceTransaction work, DateTimeOffset now) =>
        work.Connection.QuerySingleOrDefaultAsync<QueuedEmail?>(
            """
            SELECT notice_id AS id, address, link_token, attempts FROM notice_emails
            WHERE sent_at IS NULL AND next_attempt_at <= @now
            ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
            """,
            new { now },
            work.Transaction);

    /// <summary>Marks the e-mail sent and erases its link token (the e-mail was its only copy); returns the notice's case.</summary>
    public static async Task<Guid> MarkEmailSentAsync(ServiceTransaction work, Guid noticeId, DateTimeOffset now)
    {
        await work.Connection.ExecuteAsync(
            "UPDATE notice_emails SET sent_at = @now, attempts = attempts + 1, link_token = NULL, last_error = NULL WHERE notice_id = @noticeId",
            new { noticeId, now },
            work.Transaction);
        return await work.Connection.ExecuteScalarAsync<Guid>("SELECT case_id FROM notices WHERE notice_id = @noticeId", new { noticeId }, work.Transaction);
    }

    public static Task MarkEmailFailedAsync(ServiceTransaction work, Guid noticeId, DateTimeOffset next, string error) =>
        work.Connection.ExecuteAsync(
            "UPDATE notice_emails SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE notice_id = @noticeId",
            new { noticeId, next, error },
            work.Transaction);

    /// <summary>The notice, its proposal and its case, locked in <see cref="ReviewLocks"/>' order; null when there is no such notice.</summary>
    public static async Task<(Case Case, Proposal Proposal, Notice Notice)?> LockAsync(ServiceTransaction work, Guid noticeId)
    {
        var proposalId = await work.Connection.ExecuteScalarAsync<Guid?>(
            "SELECT proposal_id FROM notices WHERE notice_id = @noticeId", new { noticeId }, work.Transaction);
        if (proposalId is not { } id || await ReviewLocks.ProposalAsync(work, id) is not (Case found, Proposal proposal))
        {
            return null;
        }

        var row = await work.Connection.QuerySingleAsync<NoticeRow>($"{Select} WHERE notice_id = @noticeId FOR UPDATE", new { noticeId }, work.Transaction);
        return (found, proposal, row.ToNotice());
    }

    /// <summary>The notice whose e-mail link carries this token's hash, and whether the link was already followed.</summary>
    public static Task<(Guid NoticeId, DateTimeOffset? LinkUsedAt)?> FindByLinkAsync(ServiceTransaction work, byte[] linkTokenHash) =>
        work.Connection.QuerySingleOrDefaultAsync<(Guid NoticeId, DateTimeOffset? LinkUsedAt)?>(
            "SELECT notice_id, link_used_at FROM notices WHERE link_token_hash = @linkTokenHash FOR UPDATE",
            new { linkTokenHash },
            work.Transaction);

    public static Task MarkLinkUsedAsync(ServiceTransaction work, Guid noticeId, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(
            "UPDATE notices SET link_used_at = @now WHERE notice_id = @noticeId", new { noticeId, now }, work.Transaction);

    public static Task<bool> HasReceiptAsync(ServiceTransaction work, Guid noticeId, string channel) =>
        work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM notice_receipts WHERE notice_id = @noticeId AND channel = @channel)",
            new { noticeId, channel },
            work.Transaction);

    /// <summary>Records one proof of receipt: the receipt line, the postal fields, the proposal's window, the history, the event.</summary>
    public static async Task SaveReceiptAsync(ServiceTransaction work, NoticeReceipt receipt, DateTimeOffset now)
    {
        await work.Connection.ExecuteAsync(
            """
            UPDATE notices SET tracking_reference = @TrackingReference, postal_received_on = @postalReceivedOn::date, postal_recorded_by = @recordedBy
            WHERE notice_id = @NoticeId AND @TrackingReference::text IS NOT NULL
            """,
            new
            {
                receipt.Notice.NoticeId,
                receipt.Notice.TrackingReference,
                postalReceivedOn = receipt.Notice.PostalReceivedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                recordedBy = receipt.RecordedBy,
            },
            work.Transaction);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO notice_receipts (notice_id, channel, received_at, recorded_by, recorded_at)
            VALUES (@noticeId, @Channel, @ReceivedAt, @RecordedBy, @now)
            """,
            new { noticeId = receipt.Notice.NoticeId, receipt.Channel, receipt.ReceivedAt, receipt.RecordedBy, now },
            work.Transaction);
        await ProposalStore.SaveAsync(work, receipt.Proposal);
        await CaseStore.AddHistoryAsync(work, [receipt.History]);
        work.Publish(receipt.Event);
    }

    public static Task SetContactAsync(ServiceTransaction work, string recipientId, string email, string updatedBy, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO recipient_contacts (recipient_id, email, updated_by, updated_at) VALUES (@recipientId, @email, @updatedBy, @now)
            ON CONFLICT (recipient_id) DO UPDATE SET email = excluded.email, updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """,
            new { recipientId, email, updatedBy, now },
            work.Transaction);

    public static Task<string?> ContactAsync(ServiceTransaction work, string recipientId) =>
        work.Connection.ExecuteScalarAsync<string?>(
            "SELECT email FROM recipient_contacts WHERE recipient_id = @recipientId", new { recipientId }, work.Transaction);

    /// <summary>
    /// A notice with its proposal and case, as committed, and the accepted absences over the proposal's weeks; null when
    /// there is no such notice.
    /// </summary>
    public static async Task<(Case Case, Proposal Proposal, Notice Notice)?> ReadAsync(ServiceDatabase database, Guid noticeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<NoticeRow>($"{Select} WHERE notice_id = @noticeId", new { noticeId });
        if (row is null)
        {
            return null;
        }

        var proposal = await connection.QuerySingleAsync<Proposal>($"{ProposalStore.Select} WHERE proposal_id = @ProposalId", new { row.ProposalId });
        var caseRow = await connection.QuerySingleAsync<CaseRow>($"{CaseRow.Select} WHERE case_id = @CaseId", new { row.CaseId });
        var found = CaseStore.ToCase(caseRow);
        var absences = Notice.WeeksOf(found, proposal) is { } weeks
            ? await AcceptedAbsenceStore.OverlappingAsync(database, row.RecipientId, weeks, cancellationToken)
            : [];
        return (found, proposal, row.ToNotice() with { Absences = absences });
    }

    /// <summary>The ids of a recipient's notices, newest first.</summary>
    public static async Task<IReadOnlyList<Guid>> IdsOfAsync(ServiceDatabase database, string recipientId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(
            "SELECT notice_id FROM notices WHERE recipient_id = @recipientId ORDER BY created_at DESC, notice_id", new { recipientId })).ToList();
    }

    /// <summary>Every proof of receipt of a notice, oldest first.</summary>
    public static async Task<IReadOnlyList<(string Channel, DateTimeOffset ReceivedAt, DateTimeOffset RecordedAt)>> ReceiptsAsync(
        ServiceDatabase database, Guid noticeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<(string, DateTimeOffset, DateTimeOffset)>(
            "SELECT channel, received_at, recorded_at FROM notice_receipts WHERE notice_id = @noticeId ORDER BY received_at, id", new { noticeId })).ToList();
    }

    private sealed record NoticeRow(
        Guid NoticeId, Guid ProposalId, Guid CaseId, string RecipientId, DateTimeOffset CreatedAt, decimal? MonthlyBaseAmount, string? TrackingReference,
        string? PostalReceivedOn)
    {
        public Notice ToNotice() => new(
            NoticeId, ProposalId, CaseId, RecipientId, CreatedAt, MonthlyBaseAmount, TrackingReference,
            PostalReceivedOn is null ? null : DateOnly.ParseExact(PostalReceivedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}

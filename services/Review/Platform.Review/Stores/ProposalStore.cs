using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The reads and writes of the <c>proposals</c> table inside the caller's unit of work (locks: <see cref="ReviewLocks"/>).</summary>
internal static class ProposalStore
{
    public const string Select =
        """
        SELECT proposal_id, case_id, flag_id, recipient_id, rule_id, percent, months, start_month, repeated_breach, proposed_by, reason,
               notification_id, notified_at, answer_by, state, decided_by, decided_at, decision_reason, decision_id, received_at
        FROM proposals
        """;

    /// <summary>Writes a new proposal, or the decision on an existing one.</summary>
    public static Task SaveAsync(ServiceTransaction work, Proposal proposal) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO proposals (proposal_id, case_id, flag_id, recipient_id, rule_id, percent, months, start_month, repeated_breach,
                                   proposed_by, reason, notification_id, notified_at, answer_by, state)
            VALUES (@ProposalId, @CaseId, @FlagId, @RecipientId, @RuleId, @Percent, @Months, @StartMonth, @RepeatedBreach,
                    @ProposedBy, @Reason, @NotificationId, @NotifiedAt, @AnswerBy, @State)
            ON CONFLICT (proposal_id) DO UPDATE
            SET state = excluded.state, decided_by = @DecidedBy, decided_at = @DecidedAt, decision_reason = @DecisionReason, decision_id = @DecisionId,
                received_at = @ReceivedAt, answer_by = excluded.answer_by
            """,
            proposal,
            work.Transaction);

    /// <summary>"Repeated" (CASF R262-68) needs to know whether a sanction against this recipient was already approved.</summary>
    public static Task<bool> HasApprovedAsync(ServiceTransaction work, string recipientId) =>
        work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM proposals WHERE recipient_id = @recipientId AND state = @approved)",
            new { recipientId, approved = Contracts.Review.ProposalState.Approved },
            work.Transaction);
}

using Dapper;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Rules.Calendar;
using Platform.Rules.Sanctions;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The reads and writes of the <c>proposals</c> table inside the caller's unit of work (locks: <see cref="ReviewLocks"/>).</summary>
internal static class ProposalStore
{
    public const string Select =
        """
        SELECT proposal_id, case_id, flag_id, recipient_id, rule_id, percent, months, start_month, repeated_breach, proposed_by, reason,
               notification_id, notified_at, answer_by, state, decided_by, decided_at, decision_reason, decision_id,
               breach_first_week, breach_last_week, assessment_vulnerability, assessment_dependants, assessment_nature_and_frequency,
               assessment_consequences, received_at
        FROM proposals
        """;

    /// <summary>Writes a new proposal, or the decision on an existing one.</summary>
    public static Task SaveAsync(ServiceTransaction work, Proposal proposal) =>
        work.Connection.ExecuteAsync(
            """
            INSERT INTO proposals (proposal_id, case_id, flag_id, recipient_id, rule_id, percent, months, start_month, repeated_breach,
                                   proposed_by, reason, notification_id, notified_at, answer_by, state, breach_first_week, breach_last_week,
                                   assessment_vulnerability, assessment_dependants, assessment_nature_and_frequency, assessment_consequences)
            VALUES (@ProposalId, @CaseId, @FlagId, @RecipientId, @RuleId, @Percent, @Months, @StartMonth, @RepeatedBreach,
                    @ProposedBy, @Reason, @NotificationId, @NotifiedAt, @AnswerBy, @State, @BreachFirstWeek, @BreachLastWeek,
                    @AssessmentVulnerability, @AssessmentDependants, @AssessmentNatureAndFrequency, @AssessmentConsequences)
            ON CONFLICT (proposal_id) DO UPDATE
            SET state = excluded.state, decided_by = @DecidedBy, decided_at = @DecidedAt, decision_reason = @DecisionReason, decision_id = @DecisionId,
                received_at = @ReceivedAt, answer_by = excluded.answer_by
            """,
            proposal,
            work.Transaction);

    /// <summary>
    /// The recipient's other sanctions (approved, as ended early if they were, at the share and length an appeal reduced
    /// them to; none annulled on appeal, as the allocations service counts them) and pending proposals, the household and
    /// the accepted justified absences: what the bounds of a new or decided sanction are checked against. The caller holds the recipient's lock.
    /// </summary>
    public static async Task<RecipientStanding> StandingAsync(ServiceTransaction work, string recipientId, Guid? excludingProposal)
    {
        var rows = (await work.Connection.QueryAsync<StandingRow>(
            """
            SELECT p.state, CASE WHEN a.outcome = @reduced THEN a.outcome_percent ELSE p.percent END AS percent, p.start_month,
                   CASE WHEN a.outcome = @reduced THEN a.outcome_months ELSE p.months END AS months, COALESCE(p.decided_at, p.notified_at) AS decided_at,
                   p.breach_first_week, p.breach_last_week, e.from_month AS ended_from_month
            FROM proposals p
            LEFT JOIN suspension_endings e ON e.sanction_decision_id = p.decision_id
            LEFT JOIN appeals a ON a.sanction_decision_id = p.decision_id
            WHERE p.recipient_id = @recipientId AND p.state IN (@approved, @pending) AND p.proposal_id IS DISTINCT FROM @excludingProposal
              AND a.outcome IS DISTINCT FROM @annulled
            """,
            new
            {
                recipientId, excludingProposal, approved = ProposalState.Approved, pending = ProposalState.Pending, reduced = AppealOutcome.Reduced,
                annulled = AppealOutcome.Annulled,
            },
            work.Transaction)).ToList();
        Suspension Of(StandingRow row) => new(
            row.Percent,
            Months.TryParse(row.StartMonth, out var first) ? first : default,
            row.Months,
            row.DecidedAt,
            BreachPeriod.TryParse(row.BreachFirstWeek, row.BreachLastWeek, out var breach) ? breach : null,
            Months.TryParse(row.EndedFromMonth, out var ended) ? ended : null);
        return new RecipientStanding(
            rows.Where(row => row.State == ProposalState.Approved).Select(Of).ToList(),
            rows.Where(row => row.State == ProposalState.Pending).Select(Of).ToList(),
            await HouseholdStore.FindAsync(work, recipientId))
        {
            AcceptedAbsences = await AcceptedAbsenceStore.OfAsync(work, recipientId),
        };
    }

    private sealed record StandingRow(
        string State, int Percent, string StartMonth, int Months, DateTimeOffset DecidedAt, string? BreachFirstWeek, string? BreachLastWeek,
        string? EndedFromMonth);
}

using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The reads and writes of the <c>hearings</c> table inside the caller's unit of work (the proposal's case locked first).</summary>
internal static class HearingStore
{
    public const string Select =
        """
        SELECT hearing_id, proposal_id, case_id, flag_id, recipient_id, state, requested_by, requested_at, assistant_name, assistant_role,
               scheduled_at, place, scheduled_by, held_at, person_attended, attendees, summary, recorded_by
        FROM hearings
        """;

    public static Task<Hearing?> FindAsync(ServiceTransaction work, Guid proposalId) =>
        work.Connection.QuerySingleOrDefaultAsync<Hearing>($"{Select} WHERE proposal_id = @proposalId", new { proposalId }, work.Transaction);

    /// <summary>Saves what a hearing method decided: the hearing, its history line, and its event through the outbox.</summary>
    public static async Task SaveAsync(ServiceTransaction work, HearingChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO hearings (hearing_id, proposal_id, case_id, flag_id, recipient_id, state, requested_by, requested_at, assistant_name,
                                  assistant_role, scheduled_at, place, scheduled_by, held_at, person_attended, attendees, summary, recorded_by)
            VALUES (@HearingId, @ProposalId, @CaseId, @FlagId, @RecipientId, @State, @RequestedBy, @RequestedAt, @AssistantName,
                    @AssistantRole, @ScheduledAt, @Place, @ScheduledBy, @HeldAt, @PersonAttended, @Attendees, @Summary, @RecordedBy)
            ON CONFLICT (hearing_id) DO UPDATE
            SET state = excluded.state, scheduled_at = excluded.scheduled_at, place = excluded.place, scheduled_by = excluded.scheduled_by,
                held_at = excluded.held_at, person_attended = excluded.person_attended, attendees = excluded.attendees,
                summary = excluded.summary, recorded_by = excluded.recorded_by
            """,
            change.Hearing,
            work.Transaction);
        await CaseStore.AddHistoryAsync(work, [change.History]);
        work.Publish(change.Event);
    }
}

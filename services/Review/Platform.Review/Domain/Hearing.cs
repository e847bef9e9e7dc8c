using Platform.Contracts.Review;

namespace Platform.Review.Domain;

/// <summary>Where a requested hearing stands.</summary>
public static class HearingState
{
    public const string Requested = "requested";
    public const string Scheduled = "scheduled";
    public const string Held = "held";

    public static readonly IReadOnlyList<string> All = [Requested, Scheduled, Held];
}

/// <summary>
/// The hearing a person asked for on a pending sanction proposal (CASF L262-37, décret n° 2025-478 du 30 mai 2025: the
/// notice tells them they may « demander à être entendu », assisted by a person of their choice). Asked for while the
/// answer window is open, by the person or a counsellor for them; scheduled by a counsellor, at a future instant and a
/// place (or by phone); recorded once its time has come, with who attended and what was said, or that the person did not
/// come. While it is not held, the proposal cannot be approved; once held, its record closes the answer window.
/// </summary>
/// <param name="HeldAt">When a counsellor recorded the hearing; the instant the answer window closed.</param>
public sealed record Hearing(
    Guid HearingId,
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    string State,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    string? AssistantName,
    string? AssistantRole,
    DateTimeOffset? ScheduledAt,
    string? Place,
    string? ScheduledBy,
    DateTimeOffset? HeldAt,
    bool? PersonAttended,
    string? Attendees,
    string? Summary,
    string? RecordedBy)
{
    public bool IsHeld => State == HearingState.Held;

    /// <summary>
    /// The person, or <paramref name="me"/> for them, asks to be heard on <paramref name="proposal"/>: only while it is
    /// pending, its answer window still open, and no hearing already asked for.
    /// </summary>
    public static HearingOutcome Request(
        Case of, Proposal proposal, AnswerWindow window, Hearing? existing, string me, string? assistantName, string? assistantRole, Guid hearingId,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(window);
        if (!proposal.IsPending)
        {
            return new(null, new Refusal(RefusalCode.ProposalNotPending));
        }

        if (existing is not null)
        {
            return new(null, new Refusal(RefusalCode.HearingAlreadyRequested));
        }

        if (ApprovalGate.ClosedWindow(proposal.ReceivedAt, proposal.AnswerBy, window, now) is { } closed)
        {
            return new(null, new Refusal(RefusalCode.AnswerWindowClosed) { ClosedAt = closed.At });
        }

        var hearing = new Hearing(
            hearingId, proposal.ProposalId, proposal.CaseId, proposal.FlagId, proposal.RecipientId, HearingState.Requested, me, now, assistantName,
            assistantRole, null, null, null, null, null, null, null, null);
        var assisted = assistantName is null ? "" : $" — {assistantName}{(assistantRole is null ? "" : $" ({assistantRole})")}";
        return new(
            new HearingChange(
                hearing,
                of.Step(now, CaseHistoryAction.HearingRequested, me, "hearing requested" + assisted),
                new HearingRequested(hearingId, proposal.ProposalId, proposal.CaseId, proposal.FlagId, proposal.RecipientId, me, now, assistantName, assistantRole)
                {
                    OccurredAt = now,
                }),
            null);
    }

    /// <summary>A counsellor sets or moves the hearing: in the future, while it is not held and its proposal pending.</summary>
    public HearingOutcome Schedule(Case of, Proposal proposal, string me, DateTimeOffset at, string place, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(proposal);
        if (!proposal.IsPending)
        {
            return new(null, new Refusal(RefusalCode.ProposalNotPending));
        }

        if (IsHeld)
        {
            return new(null, new Refusal(RefusalCode.HearingAlreadyHeld));
        }

        if (at <= now)
        {
            return new(null, new Refusal(RefusalCode.HearingInThePast));
        }

        var scheduled = this with { State = HearingState.Scheduled, ScheduledAt = at.ToUniversalTime(), Place = place, ScheduledBy = me };
        return new(
            new HearingChange(
                scheduled,
                of.Step(now, CaseHistoryAction.HearingScheduled, me, $"{at.ToUniversalTime():yyyy-MM-dd'T'HH:mm'Z'} — {place}"),
                new HearingScheduled(HearingId, ProposalId, CaseId, FlagId, RecipientId, scheduled.ScheduledAt!.Value, place, me) { OccurredAt = now }),
            null);
    }

    /// <summary>
    /// A counsellor records the hearing once its time has come: who attended and what was said, or that the person did not
    /// come. The proposal's answer window closes now.
    /// </summary>
    public HearingOutcome Record(Case of, Proposal proposal, string me, bool personAttended, string? attendees, string summary, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(proposal);
        if (!proposal.IsPending)
        {
            return new(null, new Refusal(RefusalCode.ProposalNotPending));
        }

        if (IsHeld)
        {
            return new(null, new Refusal(RefusalCode.HearingAlreadyHeld));
        }

        if (ScheduledAt is not { } scheduledAt)
        {
            return new(null, new Refusal(RefusalCode.HearingNotScheduled));
        }

        if (now < scheduledAt)
        {
            return new(null, new Refusal(RefusalCode.HearingNotYetDue) { ScheduledAt = scheduledAt });
        }

        var held = this with
        {
            State = HearingState.Held, HeldAt = now, PersonAttended = personAttended, Attendees = attendees, Summary = summary, RecordedBy = me,
        };
        return new(
            new HearingChange(
                held,
                of.Step(now, CaseHistoryAction.HearingHeld, me, personAttended ? "attended" : "did not come"),
                new HearingHeld(HearingId, ProposalId, CaseId, FlagId, RecipientId, scheduledAt, now, personAttended, attendees, summary, me) { OccurredAt = now }),
            null);
    }
}

/// <summary>A hearing as it now stands, the history line and the event to publish, saved in one transaction.</summary>
public sealed record HearingChange(Hearing Hearing, HistoryStep History, Platform.Contracts.PlatformEvent Event);

/// <summary>What a hearing method returns: the change to save, or why nothing changes.</summary>
public readonly record struct HearingOutcome(HearingChange? Change, Refusal? Refusal);

namespace Platform.Contracts.Review;

/// <summary>
/// How the answer window of a sanction proposal closed, so that a decision may be taken (CASF L262-37, décret
/// n° 2025-478 du 30 mai 2025: at least 10 days from receipt to send written observations or ask to be heard). A first
/// observation does not close it: the person may write « more to come ».
/// </summary>
public static class WindowClosure
{
    /// <summary>The deadline, counted from the first proof of receipt, passed; closes at the deadline itself.</summary>
    public const string Deadline = "deadline";

    /// <summary>The person said they had nothing to add; closes when they said it.</summary>
    public const string NothingToAdd = "nothing-to-add";

    /// <summary>The hearing the person asked for was held (or they did not come to it); closes when it was recorded.</summary>
    public const string Hearing = "hearing";

    public static readonly IReadOnlyList<string> All = [Deadline, NothingToAdd, Hearing];
}

/// <summary>
/// The person (or a counsellor for them) asked to be heard on a pending sanction proposal, assisted by a person of
/// their choice (CASF L262-37). Until the hearing is held, no approval is possible.
/// </summary>
/// <param name="AssistantName">Who will assist the person, if they said; free text.</param>
/// <param name="AssistantRole">That person's role (family, association, lawyer…), if they said.</param>
public sealed record HearingRequested(
    Guid HearingId,
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    string? AssistantName,
    string? AssistantRole) : PlatformEvent;

/// <summary>A counsellor set (or moved) the hearing's date and place.</summary>
/// <param name="Place">An address, or « par téléphone » and a number.</param>
public sealed record HearingScheduled(
    Guid HearingId, Guid ProposalId, Guid CaseId, Guid FlagId, string RecipientId, DateTimeOffset ScheduledAt, string Place, string ScheduledBy) : PlatformEvent;

/// <summary>
/// A counsellor recorded the hearing: who attended and what was said, or that the person did not come. The answer window
/// of the proposal closes at <paramref name="HeldAt"/>.
/// </summary>
/// <param name="HeldAt">When the hearing was recorded as held; never before <paramref name="ScheduledAt"/>.</param>
public sealed record HearingHeld(
    Guid HearingId,
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    DateTimeOffset ScheduledAt,
    DateTimeOffset HeldAt,
    bool PersonAttended,
    string? Attendees,
    string Summary,
    string RecordedBy) : PlatformEvent;

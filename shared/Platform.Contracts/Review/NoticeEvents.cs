namespace Platform.Contracts.Review;

/// <summary>How a proof that the recipient received a notice came in.</summary>
public static class ReceiptChannel
{
    /// <summary>The recipient acknowledged the notice in the application.</summary>
    public const string Application = "application";

    /// <summary>The recipient followed the single-use link of the notice's e-mail.</summary>
    public const string EmailLink = "email-link";

    /// <summary>A counsellor recorded the registered letter's date of receipt (La Poste tracking).</summary>
    public const string Post = "post";

    public static readonly IReadOnlyList<string> All = [Application, EmailLink, Post];
}

/// <summary>
/// A proof that the recipient received the notice of a proposed sanction was recorded (CASF L262-37, décret
/// n° 2025-478 du 30 mai 2025: the person is informed « par tout moyen conférant date certaine à la réception »).
/// The first proof starts the answer window; later ones are recorded and change nothing.
/// </summary>
/// <param name="ReceivedAt">When this proof says the notice was received.</param>
/// <param name="FirstReceivedAt">The first proof of receipt of this notice, after this one was recorded.</param>
/// <param name="AnswerBy">Until when the recipient may answer, counted from <paramref name="FirstReceivedAt"/>.</param>
/// <param name="TrackingReference">The registered letter's tracking number, for <see cref="ReceiptChannel.Post"/>.</param>
public sealed record NoticeReceived(
    Guid NoticeId,
    Guid ProposalId,
    Guid CaseId,
    string RecipientId,
    string Channel,
    DateTimeOffset ReceivedAt,
    DateTimeOffset FirstReceivedAt,
    DateTimeOffset AnswerBy,
    string RecordedBy,
    string? TrackingReference = null) : PlatformEvent;

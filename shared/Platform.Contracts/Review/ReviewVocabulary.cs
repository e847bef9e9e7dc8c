namespace Platform.Contracts.Review;

/// <summary>
/// The states of a review case, as the review service stores and answers them, the web pages show them and the
/// audit replay rebuilds them. The closed states never reopen.
/// </summary>
public static class CaseState
{
    public const string Open = "open";
    public const string Claimed = "claimed";
    public const string Proposed = "proposed";
    public const string Dismissed = "dismissed";
    public const string Resolved = "resolved";
    public const string Sanctioned = "sanctioned";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";

    public static readonly IReadOnlyList<string> All = [Open, Claimed, Proposed, Dismissed, Resolved, Sanctioned, Rejected, Withdrawn, Expired];

    /// <summary>The states in which a case still waits for a human, and so can still expire or be withdrawn.</summary>
    public static readonly IReadOnlyList<string> Undecided = [Open, Claimed, Proposed];

    public static bool IsUndecided(string state) => Undecided.Contains(state);
}

/// <summary>The states of a sanction proposal. Only a pending one can be decided, withdrawn or expire.</summary>
public static class ProposalState
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";

    public static readonly IReadOnlyList<string> All = [Pending, Approved, Rejected, Withdrawn, Expired];
}

/// <summary>The steps of a case's history, as the review service records them and the audit replay rebuilds them.</summary>
public static class CaseHistoryAction
{
    public const string Opened = "opened";
    public const string Claimed = "claimed";
    public const string Dismissed = "dismissed";
    public const string Resolved = "resolved";
    public const string SanctionProposed = "sanction-proposed";
    public const string RecipientNotified = "recipient-notified";
    public const string ObservationReceived = "observation-received";
    public const string SanctionApproved = "sanction-approved";
    public const string SanctionRejected = "sanction-rejected";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";
    public const string NoticeEmailed = "notice-emailed";
    public const string NoticeReceived = "notice-received";
    public const string PostalReceiptRecorded = "postal-receipt-recorded";
    public const string HearingRequested = "hearing-requested";
    public const string HearingScheduled = "hearing-scheduled";
    public const string HearingHeld = "hearing-held";

    public static readonly IReadOnlyList<string> All =
    [
        Opened, Claimed, Dismissed, Resolved, SanctionProposed, RecipientNotified, ObservationReceived, SanctionApproved, SanctionRejected, Withdrawn,
        Expired, NoticeEmailed, NoticeReceived, PostalReceiptRecorded, HearingRequested, HearingScheduled, HearingHeld,
    ];
}

/// <summary>
/// A flag's state as the audit replay rebuilds it from the events, and the web pages show it: where its case stands,
/// or why it no longer does.
/// </summary>
public static class FlagState
{
    public const string Open = "open";
    public const string InReview = "in-review";
    public const string Withdrawn = "withdrawn";
    public const string Dismissed = "dismissed";
    public const string Resolved = "resolved";
    public const string Expired = "expired";
    public const string SanctionProposed = "sanction-proposed";
    public const string SanctionRejected = "sanction-rejected";
    public const string Sanctioned = "sanctioned";
}

/// <summary>Who a history step is attributed to when no person took it.</summary>
public static class SystemActors
{
    /// <summary>The rules service: it raised or withdrew the flag.</summary>
    public const string Rules = "rules";

    /// <summary>The review service itself: the case expired unreviewed.</summary>
    public const string Review = "review";
}

/// <summary>The time limits the law sets on a review, shared by the service that proposes and the one that applies.</summary>
public static class ReviewDeadlines
{
    /// <summary>CASF L262-37 as the platform applies it: the recipient has at least 10 days to answer a proposal.</summary>
    public static readonly TimeSpan MinimumObservationWindow = TimeSpan.FromDays(10);
}

namespace Platform.Review.Suspensions;

/// <summary>A suspension this service decided (a signed, approved sanction) and, once decided, its early ending.</summary>
public sealed record SuspensionView(
    Guid DecisionId,
    string RecipientId,
    int Percent,
    int Months,
    string StartMonth,
    DateTimeOffset DecidedAt,
    Guid? EndingDecisionId,
    string? EndedFromMonth,
    string? EndedBy,
    string? EndingReason,
    DateTimeOffset? EndedAt);

/// <summary>What the recipient said (or a counsellor recorded them saying): they meet their obligations again.</summary>
public sealed record StatementView(Guid StatementId, string RecipientId, string StatedBy, string Text, DateTimeOffset StatedAt);

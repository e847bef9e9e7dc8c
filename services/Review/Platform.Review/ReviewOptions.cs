using Platform.Contracts.Review;

namespace Platform.Review;

/// <summary>The review service's time limits (section <c>Review</c>).</summary>
public sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>How long the recipient has to answer a proposal before a supervisor may decide without their observations.</summary>
    public TimeSpan ObservationWindow { get; set; } = TimeSpan.FromDays(15);

    /// <summary>A case nobody decides within this time after it opened closes as expired, in the recipient's favour.</summary>
    public TimeSpan CaseExpiry { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the expiry job looks for overdue cases.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    public static bool IsValid(ReviewOptions options) =>
        options.ObservationWindow >= ReviewDeadlines.MinimumObservationWindow
        && options.CaseExpiry > options.ObservationWindow
        && options.ExpirySweepInterval > TimeSpan.Zero;
}

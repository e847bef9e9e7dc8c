namespace Platform.Contracts.Declarations;

/// <summary>A counsellor set the weekly hours of a recipient's contrat d'engagement from a week on.</summary>
/// <param name="FromWeek">ISO week, e.g. <c>2026-W45</c>.</param>
/// <param name="SetBy">The counsellor's subject id.</param>
public sealed record EngagementSet(
    string RecipientId,
    decimal HoursPerWeek,
    string FromWeek,
    string SetBy) : PlatformEvent;

/// <summary>A recipient submitted (version 1) or amended (version 2 and later) a week's declaration.</summary>
/// <param name="Week">ISO week, e.g. <c>2026-W48</c>.</param>
/// <param name="Late">Submitted after the week's deadline (see <c>WeekCalendar.DeadlineOf</c>).</param>
public sealed record DeclarationSubmitted(
    string RecipientId,
    string Week,
    int Version,
    IReadOnlyList<DeclaredActivity> Activities,
    decimal TotalHours,
    bool Late,
    DateTimeOffset SubmittedAt) : PlatformEvent;

/// <param name="Category">One of <see cref="ActivityCategories.All"/>.</param>
public sealed record DeclaredActivity(string Category, DateOnly Date, decimal Hours, string? Note);

public static class ActivityCategories
{
    public static readonly IReadOnlyList<string> All =
    [
        "training", "work-immersion", "job-search", "workshop", "employment", "business-creation",
        "volunteering", "rights-access", "health", "housing", "childcare", "other",
    ];
}

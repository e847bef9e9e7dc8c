using System.Text.Json.Serialization;

namespace Platform.Contracts.Declarations;

/// <summary>
/// A counsellor set the weekly hours of a recipient's contrat d'engagement from a week on. Its
/// <see cref="PlatformEvent.Departement"/> places the recipient: that département's agents act on the file (null in
/// engagements set before départements were recorded).
/// </summary>
/// <param name="FromWeek">ISO week, e.g. <c>2026-W45</c>.</param>
/// <param name="SetBy">The counsellor's subject id.</param>
public sealed record EngagementSet(
    string RecipientId,
    decimal HoursPerWeek,
    string FromWeek,
    string SetBy) : PlatformEvent;

/// <summary>
/// A recipient who moved now belongs to another département: from this event on, its agents act on the file and the
/// former département's agents no longer see it. The history moves with the person.
/// </summary>
/// <param name="TransferredBy">The agent's subject id, of the département left or joined.</param>
/// <param name="Reason">Why, in the agent's words (a move, an error corrected).</param>
public sealed record RecipientTransferred(
    string RecipientId,
    string FromDepartement,
    string ToDepartement,
    string TransferredBy,
    string Reason) : PlatformEvent;

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

/// <param name="Category">One of <see cref="ActivityCategories.All"/>, or <see cref="ActivityCategories.PersonalAppointment"/>
/// where a health-revealing activity is shown to someone other than the person.</param>
/// <param name="SharedWithCounsellor">For a category that reveals health (<see cref="ActivityCategories.RevealingHealth"/>):
/// whether the person chose to show it to counsellors as it is. Null (and absent from the JSON) for every other category.</param>
public sealed record DeclaredActivity(
    string Category,
    DateOnly Date,
    decimal Hours,
    string? Note,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? SharedWithCounsellor = null)
{
    /// <summary>
    /// The activity as a counsellor (or any other service) may see it: a health-revealing one the person did not choose to
    /// share becomes a "personal appointment", without its note; its day and hours stay, so the week's total is unchanged.
    /// </summary>
    public DeclaredActivity AsSeenByOthers() =>
        SharedWithCounsellor == false ? new DeclaredActivity(ActivityCategories.PersonalAppointment, Date, Hours, null) : this;
}

public static class ActivityCategories
{
    /// <summary>What others see in place of a health-revealing activity the person did not share; never declared as such.</summary>
    public const string PersonalAppointment = "personal-appointment";

    /// <summary>The categories that reveal health (care appointments): masked to others unless the person shares them.</summary>
    public static readonly IReadOnlyList<string> RevealingHealth = ["health"];

    public static readonly IReadOnlyList<string> All =
    [
        "training", "work-immersion", "job-search", "workshop", "employment", "business-creation",
        "volunteering", "rights-access", "health", "housing", "childcare", "other",
    ];
}

using System.Text.Json;
using Platform.Contracts.Declarations;

namespace Platform.Declarations.Weeks;

/// <summary>One version of a week's declaration, as the API shows it.</summary>
public sealed record DeclarationVersion(
    string RecipientId,
    string Week,
    int Version,
    bool Late,
    decimal TotalHours,
    IReadOnlyList<DeclaredActivity> Activities,
    DateTimeOffset SubmittedAt);

/// <summary>The latest version, the week's deadline and every version, oldest first.</summary>
public sealed record DeclarationWithVersions(
    string RecipientId,
    string Week,
    int Version,
    bool Late,
    decimal TotalHours,
    IReadOnlyList<DeclaredActivity> Activities,
    DateTimeOffset SubmittedAt,
    DateTimeOffset Deadline,
    IReadOnlyList<DeclarationVersion> Versions);

public sealed record DeclarationList(string RecipientId, string From, string To, IReadOnlyList<DeclarationVersion> Items);

/// <summary>A row of <c>declaration_versions</c>.</summary>
internal sealed record StoredVersion(
    string RecipientId,
    string Week,
    int Version,
    string Activities,
    decimal TotalHours,
    bool Late,
    DateTimeOffset SubmittedAt,
    string ContentHash)
{
    public const string Select =
        "SELECT recipient_id, week, version, activities::text AS activities, total_hours, late, submitted_at, content_hash FROM declaration_versions";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="masked">For anyone but the person: health-revealing activities they did not share become personal appointments.</param>
    public DeclarationVersion ToView(bool masked = false)
    {
        var activities = JsonSerializer.Deserialize<List<DeclaredActivity>>(Activities, Json)!;
        return new(
            RecipientId, Week, Version, Late, TotalHours, masked ? [.. activities.Select(activity => activity.AsSeenByOthers())] : activities, SubmittedAt);
    }
}

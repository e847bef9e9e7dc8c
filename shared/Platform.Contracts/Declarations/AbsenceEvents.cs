namespace Platform.Contracts.Declarations;

/// <summary>
/// A recipient declared a justified absence (motif légitime: illness, hospitalisation, a childcare breakdown...) over
/// whole ISO weeks, which a counsellor will accept or refuse. The kind, the person's words and any document stay in the
/// declarations service: other services only learn which weeks are concerned.
/// </summary>
/// <param name="FromWeek">First ISO week covered, e.g. <c>2026-W45</c>.</param>
/// <param name="ToWeek">Last ISO week covered (inclusive).</param>
public sealed record AbsenceDeclared(
    Guid AbsenceId,
    string RecipientId,
    string FromWeek,
    string ToWeek,
    DateTimeOffset DeclaredAt) : PlatformEvent;

/// <summary>
/// A counsellor accepted or refused a justified absence. An accepted absence excuses its weeks: no shortfall flag is
/// raised for them, an open one is withdrawn, and no sanction may rest on them (CASF R262-68-6; Conseil
/// constitutionnel, décision n° 2023-858 DC). The counsellor's reason stays in the declarations service.
/// </summary>
/// <param name="DecidedBy">The counsellor's subject id.</param>
public sealed record AbsenceDecided(
    Guid AbsenceId,
    string RecipientId,
    string FromWeek,
    string ToWeek,
    bool Accepted,
    string DecidedBy,
    DateTimeOffset DecidedAt) : PlatformEvent;

public static class AbsenceKinds
{
    public const string Illness = "illness";
    public const string Hospitalisation = "hospitalisation";
    public const string ChildcareBreakdown = "childcare-breakdown";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Illness, Hospitalisation, ChildcareBreakdown, Other];
}

/// <summary>Why an engagement asks fewer than 15 hours a week (loi n° 2023-1196, art. L5411-6-1 du code du travail).</summary>
public static class EngagementReductionReasons
{
    public const string Health = "health";
    public const string Disability = "disability";
    public const string LoneParentWithoutChildcare = "lone-parent-without-childcare";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Health, Disability, LoneParentWithoutChildcare, Other];
}

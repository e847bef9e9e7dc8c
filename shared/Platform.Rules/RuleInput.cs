using System.Text.Json.Serialization;
using Platform.Rules.Calendar;

namespace Platform.Rules;

/// <summary>
/// Everything a rule may see, and nothing more: the week, what was declared in it, the engagement's weekly hours and,
/// for the repeated-shortfall rule, the totals of the weeks just before. No free text (activity notes stay out), no
/// health, disability, nationality, family situation, address or income: the type has no place for them, and a test
/// fails if a property outside its allow-list appears. Serialised with <see cref="RuleJson.Options"/>, it is exactly
/// the <c>Facts</c> of a <c>FlagRaised</c>, so anyone can re-run the rule on it.
/// </summary>
/// <param name="Week">ISO week, e.g. <c>2026-W48</c>.</param>
/// <param name="EngagementHoursPerWeek">The engagement in force for that week (0 when none was ever set).</param>
/// <param name="Declared">Whether a declaration exists for the week (false for the deadline rule).</param>
/// <param name="Activities">The declared activities of the latest version, without their notes.</param>
/// <param name="PreviousWeeks">The weeks before <paramref name="Week"/> that the rule looks back on (empty for rules
/// that do not look back).</param>
/// <param name="Absences">The accepted justified absences covering any of those weeks (null when there are none, so
/// facts recorded before absences existed, and inputs without any, read and evaluate exactly as before). An absence is
/// only a span of weeks and an id: its kind and the person's words never reach a rule.</param>
public sealed record RuleInput(
    string Week,
    decimal EngagementHoursPerWeek,
    bool Declared,
    IReadOnlyList<RuleActivity> Activities,
    IReadOnlyList<PreviousWeek> PreviousWeeks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AcceptedAbsence>? Absences = null)
{
    public decimal TotalHours() => Activities.Sum(activity => activity.Hours);

    /// <summary>The accepted absence that excuses <paramref name="week"/>, if any (CASF R262-68-6: a motif légitime).</summary>
    public AcceptedAbsence? AbsenceCovering(string week) =>
        Absences is null || !IsoWeek.TryParse(week, out var parsed)
            ? null
            : Absences.Where(absence => absence.Covers(parsed)).MinBy(absence => absence.FromWeek, StringComparer.Ordinal);

    /// <summary>The same input with only the absences that cover one of its weeks, or none (null) when none does.</summary>
    public RuleInput WithAbsences(IEnumerable<AcceptedAbsence> absences)
    {
        ArgumentNullException.ThrowIfNull(absences);
        var weeks = PreviousWeeks.Select(previous => previous.Week).Prepend(Week).ToList();
        var relevant = absences
            .Where(absence => weeks.Any(week => IsoWeek.TryParse(week, out var parsed) && absence.Covers(parsed)))
            .OrderBy(absence => absence.FromWeek, StringComparer.Ordinal)
            .ThenBy(absence => absence.AbsenceId)
            .ToList();
        return this with { Absences = relevant.Count == 0 ? null : relevant };
    }
}

/// <summary>An accepted justified absence as a rule sees it: which weeks it excuses, from first to last inclusive.</summary>
public sealed record AcceptedAbsence(Guid AbsenceId, string FromWeek, string ToWeek)
{
    public bool Covers(IsoWeek week) =>
        IsoWeek.TryParse(FromWeek, out var from) && IsoWeek.TryParse(ToWeek, out var to) && week >= from && week <= to;
}

/// <summary>One declared activity as a rule sees it: a category, a day, a number of hours. Never the note.</summary>
public sealed record RuleActivity(string Category, DateOnly Date, decimal Hours);

/// <summary>A past week as the repeated-shortfall rule sees it: declared or not, how many hours, against what engagement.</summary>
public sealed record PreviousWeek(string Week, bool Declared, decimal TotalHours, decimal EngagementHoursPerWeek);

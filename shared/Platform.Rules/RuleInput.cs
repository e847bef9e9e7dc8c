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
public sealed record RuleInput(
    string Week,
    decimal EngagementHoursPerWeek,
    bool Declared,
    IReadOnlyList<RuleActivity> Activities,
    IReadOnlyList<PreviousWeek> PreviousWeeks)
{
    public decimal TotalHours() => Activities.Sum(activity => activity.Hours);
}

/// <summary>One declared activity as a rule sees it: a category, a day, a number of hours. Never the note.</summary>
public sealed record RuleActivity(string Category, DateOnly Date, decimal Hours);

/// <summary>A past week as the repeated-shortfall rule sees it: declared or not, how many hours, against what engagement.</summary>
public sealed record PreviousWeek(string Week, bool Declared, decimal TotalHours, decimal EngagementHoursPerWeek);

using System.Text.Json;
using Dapper;
using Platform.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;

namespace Platform.RuleEngine.Flags;

/// <summary>
/// What the service knows of one recipient, as rules may see it: engagements by starting week and the latest
/// version of each declared week. Builds the exact <see cref="RuleInput"/> each rule evaluates.
/// </summary>
public sealed class RecipientHistory(
    IReadOnlyList<EngagementRow> engagements, IReadOnlyDictionary<string, DeclarationRow> declarations, IReadOnlyList<AcceptedAbsence> absences)
{
    public RecipientHistory(IReadOnlyList<EngagementRow> engagements, IReadOnlyDictionary<string, DeclarationRow> declarations)
        : this(engagements, declarations, [])
    {
    }

    /// <summary>The three queries <see cref="ReadAsync"/> reads, for one recipient (parameter <c>@recipientId</c>).</summary>
    public const string Select =
        """
        SELECT from_week, hours_per_week FROM engagements WHERE recipient_id = @recipientId;
        SELECT week, version, activities::text AS activities FROM declarations WHERE recipient_id = @recipientId;
        SELECT absence_id, from_week, to_week FROM accepted_absences WHERE recipient_id = @recipientId;
        """;

    /// <summary>Reads the results of <see cref="Select"/>, sent with other queries in one round trip.</summary>
    public static async Task<RecipientHistory> ReadAsync(SqlMapper.GridReader results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var engagements = await results.ReadAsync<EngagementRow>();
        var declarations = await results.ReadAsync<DeclarationRow>();
        var absences = await results.ReadAsync<AcceptedAbsence>();
        return new RecipientHistory(
            engagements.ToList(), declarations.ToDictionary(row => row.Week, StringComparer.Ordinal), absences.ToList());
    }

    /// <summary>The accepted absence that excuses <paramref name="week"/>, if any.</summary>
    public AcceptedAbsence? AbsenceCovering(IsoWeek week) =>
        absences.Where(absence => absence.Covers(week)).MinBy(absence => absence.FromWeek, StringComparer.Ordinal);

    /// <summary>The engagement in force for <paramref name="week"/>: the one with the latest starting week not after it;
    /// 0 when none was set yet.</summary>
    public decimal EngagementFor(IsoWeek week) => EngagementFor(engagements, week);

    public static decimal EngagementFor(IEnumerable<EngagementRow> engagements, IsoWeek week)
    {
        var key = week.ToString();
        return engagements
            .Where(engagement => string.CompareOrdinal(engagement.FromWeek, key) <= 0)
            .MaxBy(engagement => engagement.FromWeek, StringComparer.Ordinal)?.HoursPerWeek ?? 0m;
    }

    /// <summary>The input of the rules that look at one week only.</summary>
    public RuleInput InputFor(IsoWeek week) =>
        (declarations.TryGetValue(week.ToString(), out var declaration)
            ? new RuleInput(week.ToString(), EngagementFor(week), true, declaration.RuleActivities(), [])
            : new RuleInput(week.ToString(), EngagementFor(week), false, [], []))
        .WithAbsences(absences);

    /// <summary>The input of the repeated-shortfall rule: the week and the three before it.</summary>
    public RuleInput InputWithPreviousWeeksFor(IsoWeek week)
    {
        var previous = Enumerable.Range(1, RepeatedShortfall.WeeksLookedBack)
            .Select(back => week.AddWeeks(-back))
            .Select(past => declarations.TryGetValue(past.ToString(), out var declaration)
                ? new PreviousWeek(past.ToString(), true, declaration.RuleActivities().Sum(activity => activity.Hours), EngagementFor(past))
                : new PreviousWeek(past.ToString(), false, 0m, EngagementFor(past)))
            .ToArray();
        return (InputFor(week) with { PreviousWeeks = previous }).WithAbsences(absences);
    }
}

public sealed record EngagementRow(string FromWeek, decimal HoursPerWeek);

public sealed record DeclarationRow(string Week, int Version, string Activities)
{
    public RuleActivity[] RuleActivities() => JsonSerializer.Deserialize<RuleActivity[]>(Activities, RuleJson.Options) ?? [];
}

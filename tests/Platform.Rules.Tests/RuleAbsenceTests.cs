using System.Text.Json;
using Platform.Rules.Catalogue;

namespace Platform.Rules.Tests;

/// <summary>
/// A week covered by an accepted justified absence (a motif légitime, CASF R262-68-6) raises no shortfall flag and does
/// not count towards a repeated shortfall; an input without absences evaluates and replays exactly as before.
/// </summary>
public sealed class RuleAbsenceTests
{
    private const string Week = "2026-W48";

    private static readonly AcceptedAbsence CoversW48 = new(Guid.Parse("0197a1b2-0000-7000-8000-000000000048"), "2026-W47", "2026-W48");

    private static readonly AcceptedAbsence CoversW46 = new(Guid.Parse("0197a1b2-0000-7000-8000-000000000046"), "2026-W46", "2026-W46");

    private static RuleActivity[] Activities(params decimal[] hours) =>
        hours.Select((h, i) => new RuleActivity("job-search", new DateOnly(2026, 11, 23).AddDays(i % 7), h)).ToArray();

    private static RuleInput ShortWeek() => new(Week, 15m, Declared: true, Activities(5m), []);

    /// <summary>This week and the three before it, all short (5 h against 15 h).</summary>
    private static RuleInput FourShortWeeks() => ShortWeek() with
    {
        PreviousWeeks = [new("2026-W47", true, 5m, 15m), new("2026-W46", true, 5m, 15m), new("2026-W45", true, 5m, 15m)],
    };

    [Fact]
    public void WeeklyHoursBelowEngagement_OnACoveredWeek_DoesNotRaise()
    {
        var rule = WeeklyHoursBelowEngagement.V1;
        var parameters = rule.Definition.DefaultParameters();

        Assert.True(rule.Raises(ShortWeek(), parameters));
        Assert.False(rule.Raises(ShortWeek().WithAbsences([CoversW48]), parameters));
    }

    [Fact]
    public void DeclarationMissing_OnACoveredWeek_DoesNotRaise()
    {
        var rule = DeclarationMissing.V1;
        var missing = new RuleInput(Week, 15m, Declared: false, [], []);

        Assert.True(rule.Raises(missing, rule.Definition.DefaultParameters()));
        Assert.False(rule.Raises(missing.WithAbsences([CoversW48]), rule.Definition.DefaultParameters()));
    }

    [Fact]
    public void RepeatedShortfall_OnACoveredWeek_DoesNotRaise()
    {
        var rule = RepeatedShortfall.V1;

        Assert.False(rule.Raises(FourShortWeeks().WithAbsences([CoversW48]), rule.Definition.DefaultParameters()));
    }

    [Fact]
    public void RepeatedShortfall_CoveredEarlierWeeks_DoNotCount()
    {
        var rule = RepeatedShortfall.V1;
        var parameters = rule.Definition.WithParameters(new Dictionary<string, decimal> { [RepeatedShortfall.MinimumShortfallWeeks] = 4m });
        var input = FourShortWeeks();

        Assert.True(rule.Raises(input, parameters));
        Assert.False(rule.Raises(input.WithAbsences([CoversW46]), parameters));
    }

    [Fact]
    public void RepeatedShortfall_ItsExplanation_NamesTheAbsencesTakenIntoAccount()
    {
        var rule = RepeatedShortfall.V1;
        var input = FourShortWeeks().WithAbsences([CoversW46]);
        var parameters = rule.Definition.DefaultParameters();

        Assert.True(rule.Raises(input, parameters));
        var explanation = rule.Explain(input, parameters);
        Assert.Contains(CoversW46.AbsenceId.ToString(), explanation.Fr, StringComparison.Ordinal);
        Assert.Contains(CoversW46.AbsenceId.ToString(), explanation.En, StringComparison.Ordinal);
        Assert.Contains("3 des 4 dernières semaines", explanation.Fr, StringComparison.Ordinal);
    }

    [Fact]
    public void WithAbsences_KeepsOnlyThoseCoveringTheInputsWeeks()
    {
        var far = new AcceptedAbsence(Guid.NewGuid(), "2026-W30", "2026-W32");

        Assert.Null(ShortWeek().WithAbsences([far]).Absences);
        Assert.Equal([CoversW48], ShortWeek().WithAbsences([far, CoversW48]).Absences!);
        Assert.Equal([CoversW46], FourShortWeeks().WithAbsences([CoversW46, far]).Absences!);
    }

    [Fact]
    public void FactsWithoutAbsences_AreTheSameBytesAsBefore_AndReplay()
    {
        var facts = RuleJson.ToFacts(ShortWeek());

        Assert.False(facts.TryGetProperty("absences", out _));
        Assert.True(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 1, facts, WeeklyHoursBelowEngagement.V1.Definition.DefaultParameters()));
    }

    [Fact]
    public void FactsWithAbsences_RoundTrip_AndReplayToTheSameAnswer()
    {
        var rule = RepeatedShortfall.V1;
        var parameters = rule.Definition.DefaultParameters();
        var input = FourShortWeeks().WithAbsences([CoversW46]);

        var facts = RuleJson.ToFacts(input);
        var back = RuleJson.FromFacts(facts);

        Assert.NotNull(back);
        Assert.Equal(CoversW46, Assert.Single(back.Absences!));
        Assert.Equal(rule.Raises(input, parameters), RuleReplay.WouldRaise(rule.Definition.Id, 1, facts, parameters));
        Assert.False(RuleReplay.WouldRaise(
            rule.Definition.Id, 1, RuleJson.ToFacts(FourShortWeeks().WithAbsences([CoversW48])), parameters));
        Assert.Contains("\"absences\"", JsonSerializer.Serialize(facts), StringComparison.Ordinal);
    }
}

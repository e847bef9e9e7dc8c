using System.Text.Json;
using Platform.Review.Cases;
using Platform.Review.Recipients;

namespace Platform.Review.Tests;

public sealed class CrpaExplanationTests
{
    [Fact]
    public void For_AFlag_GivesTheFourCrpaItemsInFrenchAndEnglish_WithTheFactsAndParametersAsApplied()
    {
        var flag = new FlagView(
            Guid.NewGuid(), "r-1", "2026-W48", "weekly-hours-below-engagement", 2, "open",
            JsonDocument.Parse("""{"declaredHours":6,"engagementHours":15}""").RootElement,
            new Dictionary<string, decimal> { ["toleranceHours"] = 1.5m },
            new TextView("6 h déclarées pour 15 h prévues.", "6 h declared for 15 h committed."),
            SanctionEligible: false);

        var explanation = CrpaExplanation.For(flag);

        foreach (var text in new[] { explanation.DegreeAndModeOfContribution, explanation.DataAndSources, explanation.ParametersAsApplied, explanation.OperationsPerformed })
        {
            Assert.False(string.IsNullOrWhiteSpace(text.Fr));
            Assert.False(string.IsNullOrWhiteSpace(text.En));
        }

        Assert.Contains("declaredHours = 6", explanation.DataAndSources.Fr, StringComparison.Ordinal);
        Assert.Contains("toleranceHours = 1.5", explanation.ParametersAsApplied.En, StringComparison.Ordinal);
        Assert.Contains("6 h déclarées pour 15 h prévues.", explanation.OperationsPerformed.Fr, StringComparison.Ordinal);
        Assert.Contains("version 2", explanation.DegreeAndModeOfContribution.Fr, StringComparison.Ordinal);
        Assert.Equal(new AppliedParameter("toleranceHours", 1.5m), Assert.Single(explanation.Parameters));
    }
}

using Platform.Contracts.Review;

namespace Platform.Review.Tests;

public sealed class SanctionBoundsTests
{
    [Theory]
    [InlineData(30, 1)]
    [InlineData(30, 2)]
    [InlineData(100, 1)]
    [InlineData(65, 2)]
    public void Check_FirstBreach_SinglePersonHousehold_AcceptsAtLeast30PercentFor1To2Months(int percent, int months) =>
        Assert.Empty(SanctionBounds.Check(percent, months, repeatedBreach: false, householdSize: 1, loneParentIncrease: false));

    [Theory]
    [InlineData(29, 1, "percent-below-minimum")]
    [InlineData(0, 1, "percent-below-minimum")]
    [InlineData(101, 1, "percent-above-maximum")]
    [InlineData(30, 0, "months-out-of-range")]
    [InlineData(30, 3, "months-out-of-range")]
    public void Check_FirstBreach_OutOfBounds_NamesTheViolation(int percent, int months, string code)
    {
        var violation = Assert.Single(SanctionBounds.Check(percent, months, repeatedBreach: false, householdSize: 1, loneParentIncrease: false));
        Assert.Equal(code, violation.Code);
        Assert.NotEmpty(violation.Fr);
        Assert.NotEmpty(violation.En);
    }

    [Theory]
    [InlineData(30, 1)]
    [InlineData(100, 4)]
    [InlineData(75, 3)]
    public void Check_RepeatedBreach_Accepts30To100PercentFor1To4Months(int percent, int months) =>
        Assert.Empty(SanctionBounds.Check(percent, months, repeatedBreach: true, householdSize: 1, loneParentIncrease: false));

    [Theory]
    [InlineData(29, 2)]
    [InlineData(30, 5)]
    [InlineData(101, 4)]
    public void Check_RepeatedBreach_OutOfBounds_IsRefused(int percent, int months) =>
        Assert.NotEmpty(SanctionBounds.Check(percent, months, repeatedBreach: true, householdSize: 1, loneParentIncrease: false));

    [Theory]
    [InlineData(2, false)]
    [InlineData(5, false)]
    [InlineData(1, true)]
    public void Check_HouseholdOfSeveralOrLoneParent_CapsAt50Percent(int householdSize, bool loneParent)
    {
        Assert.Empty(SanctionBounds.Check(50, 1, repeatedBreach: true, householdSize, loneParent));
        var violation = Assert.Single(SanctionBounds.Check(51, 1, repeatedBreach: true, householdSize, loneParent));
        Assert.Equal("percent-above-household-cap", violation.Code);
        Assert.Equal(50, SanctionBounds.PercentCeiling(householdSize, loneParent));
    }

    [Fact]
    public void Check_PercentAndMonthsBothWrong_ReportsBoth()
    {
        var violations = SanctionBounds.Check(20, 3, repeatedBreach: false, householdSize: 1, loneParentIncrease: false);
        Assert.Equal(["percent", "months"], violations.Select(violation => violation.Field));
    }
}

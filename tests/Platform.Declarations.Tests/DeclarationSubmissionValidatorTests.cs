using System.Globalization;
using FluentValidation.Results;
using Microsoft.Extensions.Time.Testing;
using Platform.Declarations.Weeks;

namespace Platform.Declarations.Tests;

public sealed class DeclarationSubmissionValidatorTests
{
    // Thursday of 2026-W48 in Paris.
    private static readonly DeclarationSubmissionValidator Validator =
        new(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)));

    private static ValidationResult Validate(string week, params ActivityRequest[] activities) =>
        Validator.Validate(new DeclarationSubmission(week, activities));

    private static ActivityRequest Activity(string date, decimal? hours, string? category = "job-search", string? note = null) =>
        new(category, date, hours, note);

    private static string Errors(ValidationResult result) =>
        string.Join(" | ", result.Errors.Select(error => $"{error.PropertyName}: {error.ErrorMessage}"));

    [Fact]
    public void Validate_AWellFormedWeek_HasNoError()
    {
        var result = Validate("2026-W48", Activity("2026-11-23", 3), Activity("2026-11-29", 0.25m, "training", "atelier CV"));

        Assert.True(result.IsValid, Errors(result));
    }

    [Fact]
    public void Validate_AnEmptyWeek_IsAValidDeclaration()
    {
        Assert.True(Validate("2026-W48").IsValid);
    }

    [Fact]
    public void Validate_NextWeek_IsAccepted_ButTheWeekAfterIsRefused()
    {
        Assert.True(Validate("2026-W49").IsValid);
        var result = Validate("2026-W50");

        Assert.Contains(result.Errors, error => error.PropertyName == "week" && error.ErrorMessage.Contains("2026-W50", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-48")]
    [InlineData("2026-W54")]
    [InlineData("2025-W53")]
    [InlineData("W48-2026")]
    [InlineData("")]
    public void Validate_SomethingThatIsNotAnIsoWeek_IsRefusedOnTheWeek(string week)
    {
        Assert.Contains(Validate(week).Errors, error => error.PropertyName == "Week");
    }

    [Theory]
    [InlineData("2026-11-22")]
    [InlineData("2026-11-30")]
    public void Validate_ADateOutsideTheWeek_IsRefusedWithTheWeeksBounds(string date)
    {
        var result = Validate("2026-W48", Activity(date, 2));

        var error = Assert.Single(result.Errors);
        Assert.Contains("2026-11-23", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("2026-11-29", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(24.5)]
    [InlineData(1.255)]
    public void Validate_HoursThatAreNotPositiveUpTo24WithTwoDecimals_AreRefused(double hours)
    {
        var result = Validate("2026-W48", Activity("2026-11-23", (decimal)hours));

        Assert.Contains(result.Errors, error => error.PropertyName == "Activities[0].Hours");
    }

    [Fact]
    public void Validate_MissingHours_AreRefused()
    {
        Assert.Contains(Validate("2026-W48", Activity("2026-11-23", null)).Errors, error => error.PropertyName == "Activities[0].Hours");
    }

    [Fact]
    public void Validate_MoreThan24HoursInOneDay_IsRefused()
    {
        var result = Validate("2026-W48", Activity("2026-11-23", 20), Activity("2026-11-23", 4.5m, "training"));

        Assert.Contains(result.Errors, error => error.PropertyName == "activities" && error.ErrorMessage.Contains("24", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ExactlyTwentyFourHoursADayAllWeek_Is168AndAccepted()
    {
        var week = Enumerable.Range(23, 7).Select(day => Activity($"2026-11-{day}", 24)).ToArray();

        Assert.True(Validate("2026-W48", week).IsValid);
    }

    [Theory]
    [InlineData("gardening")]
    [InlineData("Job-Search")]
    [InlineData(null)]
    public void Validate_AnUnknownCategory_IsRefusedAndListsTheKnownOnes(string? category)
    {
        var result = Validate("2026-W48", Activity("2026-11-23", 2, category));

        var error = Assert.Single(result.Errors);
        Assert.Equal("Activities[0].Category", error.PropertyName);
        Assert.Contains("rights-access", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TheSameCategoryTwiceOnOneDay_IsADuplicate()
    {
        var result = Validate("2026-W48", Activity("2026-11-23", 2), Activity("2026-11-23", 1));

        Assert.Contains(result.Errors, error => error.PropertyName == "activities");
    }

    [Fact]
    public void Validate_TheSameCategoryOnTwoDays_IsNotADuplicate()
    {
        Assert.True(Validate("2026-W48", Activity("2026-11-23", 2), Activity("2026-11-24", 2)).IsValid);
    }

    [Theory]
    [InlineData("23/11/2026")]
    [InlineData("2026-11-31")]
    [InlineData(null)]
    public void Validate_SomethingThatIsNotADate_IsRefusedOnTheDate(string? date)
    {
        Assert.Contains(Validate("2026-W48", new ActivityRequest("job-search", date, 2, null)).Errors,
            error => error.PropertyName == "Activities[0].Date");
    }

    [Fact]
    public void Validate_ANoteOver500Characters_IsRefused()
    {
        var result = Validate("2026-W48", Activity("2026-11-23", 2, note: new string('x', 501)));

        Assert.Contains(result.Errors, error => error.PropertyName == "Activities[0].Note");
    }

    [Fact]
    public void Validate_NoActivitiesList_IsRefused()
    {
        var result = Validator.Validate(new DeclarationSubmission("2026-W48", null));

        Assert.Contains(result.Errors, error => error.PropertyName == "Activities");
    }

    [Fact]
    public void Validate_MoreThan100Activities_IsRefused()
    {
        var many = Enumerable.Range(0, 101).Select(i => Activity("2026-11-23", 0.1m, note: i.ToString(CultureInfo.InvariantCulture))).ToArray();

        Assert.Contains(Validate("2026-W48", many).Errors, error => error.PropertyName == "Activities");
    }

    [Fact]
    public void Validate_Messages_AreInFrenchByDefault_AndInEnglishWhenAsked()
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-FR");
            Assert.StartsWith("Catégorie inconnue", Validate("2026-W48", Activity("2026-11-23", 2, "x")).Errors[0].ErrorMessage, StringComparison.Ordinal);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.StartsWith("Unknown category", Validate("2026-W48", Activity("2026-11-23", 2, "x")).Errors[0].ErrorMessage, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}

using Platform.Declarations.Engagements;

namespace Platform.Declarations.Tests;

public sealed class SetEngagementValidatorTests
{
    private static readonly SetEngagementValidator Validator = new();

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(7.5)]
    [InlineData(35)]
    public void Validate_HoursFrom0To35_AreAccepted(double hours)
    {
        var reason = hours < 15 ? "health" : null;

        Assert.True(Validator.Validate(new SetEngagementCommand("R-1", (decimal)hours, "2026-W45", reason)).IsValid);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(35.5)]
    [InlineData(7.25)]
    public void Validate_HoursOutside0To35OrWithTwoDecimals_AreRefused(double hours)
    {
        var result = Validator.Validate(new SetEngagementCommand("R-1", (decimal)hours, "2026-W45"));

        Assert.Contains(result.Errors, error => error.PropertyName == "HoursPerWeek");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2026-45")]
    public void Validate_AMissingOrMalformedStartingWeek_IsRefused(string? week)
    {
        Assert.Contains(Validator.Validate(new SetEngagementCommand("R-1", 15, week)).Errors, error => error.PropertyName == "FromWeek");
    }

    [Theory]
    [InlineData("R 1")]
    [InlineData("../etc")]
    public void Validate_ARecipientIdWithOtherCharacters_IsRefused(string recipientId)
    {
        Assert.Contains(Validator.Validate(new SetEngagementCommand(recipientId, 15, "2026-W45")).Errors, error => error.PropertyName == "RecipientId");
    }

    [Fact]
    public void StandardHours_Are15()
    {
        Assert.Equal(15m, SetEngagementRequest.StandardHoursPerWeek);
    }

    [Fact]
    public void Validate_MissingHours_AreRefused_NeverAssumed()
    {
        Assert.Contains(Validator.Validate(new SetEngagementCommand("R-1", null, "2026-W45")).Errors, error => error.PropertyName == "HoursPerWeek");
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(10, null)]
    [InlineData(14.5, "because")]
    public void Validate_HoursUnder15_WithoutAKnownReason_AreRefused(double hours, string? reason)
    {
        var result = Validator.Validate(new SetEngagementCommand("R-1", (decimal)hours, "2026-W45", reason));

        Assert.Contains(result.Errors, error => error.PropertyName == "ReductionReason");
    }

    [Theory]
    [InlineData("health")]
    [InlineData("disability")]
    [InlineData("lone-parent-without-childcare")]
    [InlineData("other")]
    public void Validate_HoursUnder15_WithAReason_AreAccepted(string reason)
    {
        Assert.True(Validator.Validate(new SetEngagementCommand("R-1", 0, "2026-W45", reason)).IsValid);
    }

    [Theory]
    [InlineData("01")]
    [InlineData("75")]
    [InlineData("2A")]
    [InlineData("2B")]
    [InlineData("95")]
    [InlineData("971")]
    [InlineData("976")]
    public void Validate_DepartementInseeCodes_AreAccepted(string departement) =>
        Assert.True(Validator.Validate(new SetEngagementCommand("R-1", 15, "2026-W45", Departement: departement)).IsValid);

    [Theory]
    [InlineData("00")]
    [InlineData("20")]
    [InlineData("96")]
    [InlineData("2C")]
    [InlineData("2a")]
    [InlineData("977")]
    [InlineData("*")]
    [InlineData("")]
    public void Validate_AnythingElseAsDepartement_IsRefusedNamingTheField(string departement) =>
        Assert.Contains(
            Validator.Validate(new SetEngagementCommand("R-1", 15, "2026-W45", Departement: departement)).Errors,
            error => error.PropertyName == "Departement");
}

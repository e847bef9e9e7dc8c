using Microsoft.Extensions.Time.Testing;
using Platform.Declarations.Absences;

namespace Platform.Declarations.Tests;

public sealed class DeclareAbsenceValidatorTests
{
    /// <summary>Thursday 26 November 2026: three months ahead is 26 February 2027 (week 2027-W08 begins on the 22nd).</summary>
    private static readonly DeclareAbsenceValidator Validator = new(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)));

    private static DeclareAbsenceRequest Absence(string? from = "2026-W46", string? to = "2026-W47", string? kind = "illness",
        string? details = "Grippe.", string? document = null) => new(from, to, kind, details, document);

    private static IEnumerable<string> FailingFields(DeclareAbsenceRequest request) =>
        Validator.Validate(request).Errors.Select(error => error.PropertyName).Distinct();

    [Theory]
    [InlineData("illness")]
    [InlineData("hospitalisation")]
    [InlineData("childcare-breakdown")]
    [InlineData("other")]
    public void Validate_AWellFormedAbsence_IsAccepted(string kind)
    {
        Assert.True(Validator.Validate(Absence(kind: kind, document: "arret-2026-11-09.pdf")).IsValid);
    }

    [Fact]
    public void Validate_AnEndBeforeTheStart_NamesToWeek()
    {
        Assert.Equal(["ToWeek"], FailingFields(Absence(from: "2026-W47", to: "2026-W46")));
    }

    [Fact]
    public void Validate_APeriodEndingMoreThanThreeMonthsAhead_NamesToWeek()
    {
        Assert.True(Validator.Validate(Absence(from: "2027-W08", to: "2027-W08")).IsValid);
        Assert.Equal(["ToWeek"], FailingFields(Absence(from: "2027-W08", to: "2027-W09")));
    }

    [Fact]
    public void Validate_APeriodLongerThan26Weeks_NamesToWeek()
    {
        Assert.Equal(["ToWeek"], FailingFields(Absence(from: "2026-W01", to: "2026-W27")));
    }

    [Theory]
    [InlineData(null, "2026-W47", "FromWeek")]
    [InlineData("2026-46", "2026-W47", "FromWeek")]
    [InlineData("2026-W46", null, "ToWeek")]
    public void Validate_AMissingOrMalformedWeek_NamesIt(string? from, string? to, string field)
    {
        Assert.Contains(field, FailingFields(Absence(from: from, to: to)));
    }

    [Theory]
    [InlineData(null, "Grippe.", "Kind")]
    [InlineData("sick", "Grippe.", "Kind")]
    [InlineData("illness", null, "Details")]
    [InlineData("illness", "  ", "Details")]
    public void Validate_AnUnknownKindOrNoText_NamesIt(string? kind, string? details, string field)
    {
        Assert.Equal([field], FailingFields(Absence(kind: kind, details: details)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public void Validate_ABlankOrMultiLineDocumentReference_IsRefused(string reference)
    {
        Assert.Equal(["DocumentReference"], FailingFields(Absence(document: reference)));
    }

    [Fact]
    public void Validate_ADecisionWithoutAReason_IsRefused()
    {
        Assert.False(new AbsenceDecisionValidator().Validate(new AbsenceDecisionRequest(" ")).IsValid);
        Assert.True(new AbsenceDecisionValidator().Validate(new AbsenceDecisionRequest("Arrêt de travail reçu.")).IsValid);
    }
}

using Platform.Contracts.Review;
using Platform.Review.Domain;

namespace Platform.Review.Tests.Domain;

/// <summary>The prior appeal's own rules: late or not, its implicit rejection, who may instruct it, what a reduction is.</summary>
public sealed class AppealTests
{
    private static readonly DateOnly Filed = new(2026, 12, 10);

    private static Appeal Filing(DateOnly? letterReceivedOn, DateOnly filedOn)
    {
        var letter = new DecisionLetterRecord(
            Guid.NewGuid(), LetterKind.SanctionApproved, Guid.NewGuid(), Guid.NewGuid(), Cases.Recipient, Guid.NewGuid(), Guid.NewGuid(), "k", "s", "{}", Cases.Now);
        var proposal = new Proposal(
            letter.ProposalId, letter.CaseId, Guid.NewGuid(), Cases.Recipient, "repeated-shortfall", 50, 2, "2027-01", false, Cases.Counsellor, "Manquement.",
            Guid.NewGuid(), Cases.Now, Cases.Now.AddDays(15), "approved", Cases.Supervisor, Cases.Now, "Établi.", letter.DecisionId, "2026-W45", "2026-W48",
            null, null, null, null);
        return Appeal.File(Guid.NewGuid(), letter, proposal, letterReceivedOn, AppealChannel.Online, Cases.Recipient, filedOn, Cases.Now, "Je conteste.", []);
    }

    [Fact]
    public void File_WithinTwoMonthsOfReceipt_IsNotLate_AndIsImplicitlyRejectedTwoMonthsAfterFiling()
    {
        var appeal = Filing(Filed.AddMonths(-2), Filed);
        Assert.False(appeal.Late);
        Assert.Equal(new DateOnly(2027, 2, 10), appeal.ImplicitRejectionOn);
        Assert.Equal(new DateOnly(2027, 4, 10), appeal.TribunalByAfterImplicitRejection);
        Assert.Equal("pending", appeal.Status);
    }

    [Fact]
    public void File_MoreThanTwoMonthsAfterReceipt_IsLate_ButNeverBeforeAnyReceipt()
    {
        Assert.True(Filing(Filed.AddMonths(-2).AddDays(-1), Filed).Late);
        Assert.False(Filing(null, Filed).Late);
    }

    [Theory]
    [InlineData(Cases.Counsellor)]
    [InlineData(Cases.Supervisor)]
    [InlineData(" AGENT-SAMIR ")]
    public void TheProposerOrTheApprover_MayNeitherDecideNorRecordTheOpinion(string person)
    {
        var appeal = Filing(null, Filed);
        Assert.Null(appeal.Decide(person, AppealOutcome.Annulled, null, null, out var refusal));
        Assert.Equal(AppealRefusal.InstructorTookPart, refusal!.Code);
        Assert.Equal(AppealRefusal.InstructorTookPart, appeal.RecordOpinion(person, "Avis.", Cases.Now).Refusal!.Code);
    }

    [Fact]
    public void AThirdPerson_Decides_WithTheTermsEachOutcomeLeaves()
    {
        var appeal = Filing(null, Filed);
        Assert.Equal((0, 0), appeal.Decide(Cases.OtherCounsellor, AppealOutcome.Annulled, null, null, out _));
        Assert.Equal((50, 2), appeal.Decide(Cases.OtherCounsellor, AppealOutcome.Confirmed, null, null, out _));
        Assert.Equal((30, 2), appeal.Decide(Cases.OtherCounsellor, AppealOutcome.Reduced, 30, null, out _));
        Assert.Equal((50, 1), appeal.Decide(Cases.OtherCounsellor, AppealOutcome.Reduced, null, 1, out _));
    }

    [Theory]
    [InlineData(60, null, "percent")]
    [InlineData(0, null, "percent")]
    [InlineData(null, 3, "months")]
    [InlineData(50, 2, "percent")]
    public void AReduction_ThatLowersNothingOrRaises_IsRefusedNamingTheField(int? percent, int? months, string field)
    {
        Assert.Null(Filing(null, Filed).Decide(Cases.OtherCounsellor, AppealOutcome.Reduced, percent, months, out var refusal));
        Assert.Equal(AppealRefusal.BadReduction, refusal!.Code);
        Assert.Contains(field, refusal.Fields!.Keys);
    }

    [Fact]
    public void ADecidedAppeal_IsNotDecidedAgain()
    {
        var decided = Filing(null, Filed) with { Outcome = AppealOutcome.Annulled };
        Assert.Null(decided.Decide(Cases.OtherCounsellor, AppealOutcome.Confirmed, null, null, out var refusal));
        Assert.Equal(AppealRefusal.AlreadyDecided, refusal!.Code);
    }
}

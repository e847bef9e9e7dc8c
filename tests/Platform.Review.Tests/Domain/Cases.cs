using System.Text.Json;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Review.Domain;
using Platform.Rules.Calendar;
using Platform.Rules.Sanctions;

namespace Platform.Review.Tests.Domain;

/// <summary>Cases and proposals in a given state, for the aggregate tests.</summary>
internal static class Cases
{
    public static readonly DateTimeOffset Now = new(2026, 12, 10, 9, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Window = TimeSpan.FromDays(15);
    public const string Counsellor = "agent-claire";
    public const string OtherCounsellor = "agent-paul";
    public const string Supervisor = "agent-samir";
    public const string Recipient = "R-1001";

    public static readonly SanctionAssessment Assessment = new(
        "Aucune vulnérabilité connue.", "Personne seule.", "Trois semaines sur quatre, premier manquement.", "Loyer couvert par l'aide au logement.");

    public static readonly SanctionTerms Terms = new(30, 1, "2027-01", "Trois semaines sous l'engagement.", Assessment);
    public static readonly RecipientStanding FirstBreachSinglePerson = new([], [], new Household(1, false));

    /// <summary>A 30 % suspension decided on 2026-10-01 for weeks 2026-W36..W39, before this case's breach (W45..W48) began.</summary>
    public static readonly Suspension DecidedBeforeThisBreach = new(
        30, new DateOnly(2026, 11, 1), 1, new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero),
        new BreachPeriod(IsoWeek.Parse("2026-W36"), IsoWeek.Parse("2026-W39")));

    public static RecipientStanding SanctionedBefore(Suspension decided) => FirstBreachSinglePerson with { Decided = [decided] };

    public static Case InState(string state, string? claimedBy = null, bool sanctionEligible = true) =>
        new(
            Guid.CreateVersion7(Now),
            Guid.CreateVersion7(Now),
            Recipient,
            "2026-W48",
            "repeated-shortfall",
            1,
            JsonDocument.Parse("""{"weeks":3}""").RootElement.Clone(),
            new Dictionary<string, decimal> { ["weeks"] = 3 },
            new Explanation("Trois semaines.", "Three weeks."),
            sanctionEligible,
            state,
            Now.AddDays(-5),
            Now.AddDays(85),
            claimedBy,
            state is CaseState.Open or CaseState.Claimed or CaseState.Proposed ? null : Now.AddDays(-1));

    public static Case Claimed(bool sanctionEligible = true) => InState(CaseState.Claimed, Counsellor, sanctionEligible);

    /// <summary>A case with a pending proposal, as <see cref="Case.Propose"/> leaves them.</summary>
    public static (Case Case, Proposal Proposal) Proposed(DateTimeOffset at)
    {
        var change = Claimed().Propose(Counsellor, Terms, FirstBreachSinglePerson, Window, Guid.CreateVersion7(at), Guid.CreateVersion7(at), at).Change!;
        // Received the moment it was sent: the window runs from the first proof of receipt.
        return (change.Case, change.Proposal!.Received(at, Window));
    }

    public static Refusal Refused(Outcome outcome)
    {
        Assert.Null(outcome.Change);
        return Assert.IsType<Refusal>(outcome.Refusal);
    }

    public static ReviewChange Allowed(Outcome outcome)
    {
        Assert.Null(outcome.Refusal);
        return Assert.IsType<ReviewChange>(outcome.Change);
    }

    public static SanctionDecided Signed(SanctionDecided decision) => decision with { KeyId = "test-key", Signature = "c2lnbmVk" };
}

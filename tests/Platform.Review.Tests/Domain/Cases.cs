using System.Text.Json;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Review.Domain;

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

    public static readonly SanctionTerms Terms = new(30, 1, "2027-01", "Trois semaines sous l'engagement.");
    public static readonly RecipientStanding FirstBreachSinglePerson = new(false, new Household(1, false));

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

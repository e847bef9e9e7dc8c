namespace Platform.Review.Domain;

/// <summary>The household facts the 50 % cap of CASF R262-68 depends on, as the allocations service last told them.</summary>
public sealed record Household(int Size, bool LoneParentIncrease)
{
    /// <summary>Household unknown: assume the cap applies (two people), the reading that protects the household.</summary>
    public static readonly Household AssumedWhenUnknown = new(2, false);
}

/// <summary>What the bounds of a sanction depend on, besides the sanction itself.</summary>
/// <param name="HasApprovedSanction">Whether a sanction against this recipient was already approved.</param>
/// <param name="Household">The household as known; null when the allocations service never told it.</param>
public sealed record RecipientStanding(bool HasApprovedSanction, Household? Household)
{
    /// <summary>"Repeated" (CASF R262-68) means this recipient was already sanctioned by an approved decision.</summary>
    public bool RepeatedBreach => HasApprovedSanction;

    public Household HouseholdForBounds => Household ?? Household.AssumedWhenUnknown;
}

/// <summary>A sanction as a counsellor proposes it: the request's shape was already checked.</summary>
public sealed record SanctionTerms(int Percent, int Months, string StartMonth, string Reason);

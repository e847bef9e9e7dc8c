using Platform.Contracts.Review;
using Platform.Rules.Sanctions;

namespace Platform.Review.Domain;

/// <summary>The household facts the 50 % cap of CASF R262-68-6 depends on, as the allocations service last told them.</summary>
public sealed record Household(int Size, bool LoneParentIncrease)
{
    /// <summary>Household unknown: assume the cap applies (two people), the reading that protects the household.</summary>
    public static readonly Household AssumedWhenUnknown = new(2, false);
}

/// <summary>What the bounds of a sanction depend on, besides the sanction itself.</summary>
/// <param name="Decided">The recipient's approved sanctions (as ended, if ended early), other than the one being decided.</param>
/// <param name="Pending">The recipient's proposals still waiting for a decision, other than the one being decided.</param>
/// <param name="Household">The household as known; null when the allocations service never told it.</param>
public sealed record RecipientStanding(IReadOnlyList<Suspension> Decided, IReadOnlyList<Suspension> Pending, Household? Household)
{
    public static readonly RecipientStanding None = new([], [], null);

    public Household HouseholdForBounds => Household ?? Household.AssumedWhenUnknown;

    /// <summary>The cap on the total withheld in a month; the household known now stands for every month.</summary>
    public int CeilingPercent => SanctionBounds.PercentCeiling(HouseholdForBounds.Size, HouseholdForBounds.LoneParentIncrease);

    /// <summary>How long after a decision a breach must begin to count as repeated (a parameter; see <see cref="SanctionSchedule"/>).</summary>
    public TimeSpan RepeatDelay { get; init; } = SanctionSchedule.DefaultRepeatDelay;

    /// <summary>The recipient's accepted justified absences: no sanction may rest on a week they cover (CASF R262-68-6).</summary>
    public IReadOnlyList<ExcusingAbsence> AcceptedAbsences { get; init; } = [];

    /// <summary>Why <paramref name="breach"/> cannot be sanctioned: an accepted absence covering one of its weeks; null when none does.</summary>
    public Refusal? ExcuseFor(BreachPeriod breach) =>
        ExcusingAbsence.Covering(AcceptedAbsences, breach) is { } absence
            ? new Refusal(RefusalCode.BreachWeekExcused) { Excused = absence, Breach = breach }
            : null;

    /// <summary>"Repeated" only when this breach began after an approved decision (plus the delay).</summary>
    public bool RepeatedBreachFor(BreachPeriod breach) => SanctionSchedule.IsRepeated(breach, Decided, RepeatDelay);
}

/// <summary>A sanction as a counsellor proposes it: the request's shape was already checked.</summary>
/// <param name="Assessment">The proportionality assessment of CASF R262-68-5, every item answered.</param>
public sealed record SanctionTerms(int Percent, int Months, string StartMonth, string Reason, SanctionAssessment Assessment);

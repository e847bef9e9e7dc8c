namespace Platform.Contracts.Review;

/// <summary>
/// The bounds of one sanction (the scale of CASF R262-68 as décret n° 2025-478 wrote it), in one place so that the review service that
/// proposes and the allocations service that applies cannot disagree: a first breach suspends at least 30 % for 1 to 2
/// months, a repeated breach 30 % to 100 % for 1 to 4 months, and never more than 50 % when the household has more than
/// one person or receives the lone-parent increase (CASF R262-68-6). The same cap on the total of every suspension in a
/// month, and the bounds in time, are <c>Platform.Rules.Sanctions.SanctionSchedule</c>'s.
/// </summary>
public static class SanctionBounds
{
    public const int MinimumPercent = 30;
    public const int MaximumPercent = 100;
    public const int HouseholdCapPercent = 50;
    public const int MinimumMonths = 1;
    public const int MaximumMonthsFirstBreach = 2;
    public const int MaximumMonthsRepeatedBreach = 4;

    public static int MaximumMonths(bool repeatedBreach) => repeatedBreach ? MaximumMonthsRepeatedBreach : MaximumMonthsFirstBreach;

    /// <summary>The 50 % cap (CASF R262-68-6) applies to a household of more than one person or one with the lone-parent increase (L262-9).</summary>
    public static bool IsCapped(int householdSize, bool loneParentIncrease) => householdSize > 1 || loneParentIncrease;

    public static int PercentCeiling(int householdSize, bool loneParentIncrease) =>
        IsCapped(householdSize, loneParentIncrease) ? HouseholdCapPercent : MaximumPercent;

    /// <summary>Every way <paramref name="percent"/> and <paramref name="months"/> break the bounds; empty when lawful.</summary>
    public static IReadOnlyList<SanctionBoundsViolation> Check(
        int percent, int months, bool repeatedBreach, int householdSize, bool loneParentIncrease)
    {
        var violations = new List<SanctionBoundsViolation>();
        if (percent < MinimumPercent)
        {
            violations.Add(new("percent", "percent-below-minimum",
                $"Une suspension est d'au moins {MinimumPercent} % (CASF R262-68) ; reçu : {percent} %.",
                $"A suspension is at least {MinimumPercent} % (CASF R262-68); got {percent} %."));
        }
        else if (percent > MaximumPercent)
        {
            violations.Add(new("percent", "percent-above-maximum",
                $"Une suspension ne dépasse pas {MaximumPercent} % ; reçu : {percent} %.",
                $"A suspension cannot exceed {MaximumPercent} %; got {percent} %."));
        }
        else if (percent > HouseholdCapPercent && IsCapped(householdSize, loneParentIncrease))
        {
            violations.Add(new("percent", "percent-above-household-cap",
                $"Le foyer compte plus d'une personne ou perçoit la majoration pour isolement : la suspension est plafonnée à {HouseholdCapPercent} % (CASF R262-68-6) ; reçu : {percent} %.",
                $"The household has more than one person or receives the lone-parent increase: the suspension is capped at {HouseholdCapPercent} % (CASF R262-68-6); got {percent} %."));
        }

        var maximumMonths = MaximumMonths(repeatedBreach);
        if (months < MinimumMonths || months > maximumMonths)
        {
            violations.Add(repeatedBreach
                ? new("months", "months-out-of-range",
                    $"Pour un manquement répété, la durée va de 1 à {maximumMonths} mois ; reçu : {months}.",
                    $"For a repeated breach the duration is 1 to {maximumMonths} months; got {months}.")
                : new("months", "months-out-of-range",
                    $"Pour un premier manquement, la durée va de 1 à {maximumMonths} mois ; reçu : {months}.",
                    $"For a first breach the duration is 1 to {maximumMonths} months; got {months}."));
        }

        return violations;
    }
}

/// <param name="Field">The request field at fault (<c>percent</c> or <c>months</c>).</param>
/// <param name="Code">Stable code, e.g. <c>percent-above-household-cap</c>.</param>
public sealed record SanctionBoundsViolation(string Field, string Code, string Fr, string En);

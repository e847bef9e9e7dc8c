using Platform.Allocations.Allocation;
using Platform.Contracts.Review;
using Platform.Rules.Calendar;

namespace Platform.Allocations.Decisions;

/// <summary>
/// The gate before a suspension ends early and money is paid back: the same checks as for a sanction (publisher,
/// known key, signature, replay), then the bounds of an ending: a named person and a reason, a suspension this
/// service applied for this recipient and not already lifted, and a first month within it.
/// </summary>
public static class SuspensionEndingPolicy
{
    public const string Unnamed = "unnamed-decision";
    public const string NoSuspension = "no-suspension";
    public const string AlreadyLifted = "already-lifted";
    public const string OutsideSuspension = "outside-suspension";

    /// <summary>
    /// CASF L262-37 as amended by loi n° 2023-1196 du 18 décembre 2023 (art. 3), in force since 2025-01-01: « Si,
    /// avant le terme de la suspension, le bénéficiaire se conforme à ses obligations, le président du conseil
    /// départemental met fin à la suspension », and the sums withheld are paid back within a limit of three months of
    /// allocation (our reading of the amended article, to be confirmed against the consolidated text before a
    /// département goes live). The limit is the number of the most recent withheld months paid back; with the bounds of
    /// R262-68 (at most four months, ended from a month within them) it is reached only by a four-month suspension
    /// ended in its last month, and then binds exactly.
    /// </summary>
    public const int RepaymentLimitMonths = 3;

    /// <param name="suspension">The adjustment the ending names, when this service applied it to this recipient.</param>
    /// <param name="alreadyApplied">Whether this ending decision id was already applied.</param>
    /// <returns>Null when the ending is to be applied.</returns>
    internal static DecisionRefusal? Evaluate(SuspensionEnded decision, DecisionVerifier verifier, AdjustmentRow? suspension, bool alreadyApplied)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(verifier);
        switch (verifier.Check(decision))
        {
            case SignatureCheck.UnknownKey:
                return new(DecisionPolicy.UnknownKey, $"No review-service public key is configured under the key id '{decision.KeyId}'.");
            case SignatureCheck.BadSignature:
                return new(DecisionPolicy.BadSignature, "The signature does not verify: the decision was altered or signed with another key.");
            default:
                break;
        }

        if (alreadyApplied)
        {
            return new(DecisionPolicy.Replay, "This decision was already applied; a replay has no second effect.");
        }

        if (string.IsNullOrWhiteSpace(decision.DecidedBy) || string.IsNullOrWhiteSpace(decision.Reason))
        {
            return new(Unnamed, "An ending names the person who decided it and their reason.");
        }

        if (suspension is null)
        {
            return new(NoSuspension, "No suspension applied by this service for this recipient carries that sanction decision.");
        }

        if (suspension.LiftedFromMonth is not null)
        {
            return new(AlreadyLifted, "This suspension was already ended.");
        }

        if (!Months.TryParse(decision.FromMonth, out var from))
        {
            return new(DecisionPolicy.BadMonth, "The first month is not a month (YYYY-MM).");
        }

        return suspension.Covers(from)
            ? null
            : new(OutsideSuspension, "The first month without suspension is not within the suspension.");
    }
}

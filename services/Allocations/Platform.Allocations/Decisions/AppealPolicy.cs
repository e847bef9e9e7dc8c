using Platform.Allocations.Allocation;
using Platform.Contracts.Review;
using Platform.Rules.Calendar;

namespace Platform.Allocations.Decisions;

/// <summary>
/// The gate before an appeal's outcome moves money: the same checks as for a sanction (publisher, known key, signature,
/// replay), then the bounds of an appeal: a known outcome with the terms it implies, taken by a named person who neither
/// proposed nor approved the sanction (as this service recorded them), on a suspension this service applied for this
/// recipient and not already corrected on appeal; a reduction lowers the share, the length or both, never raises them.
/// </summary>
public static class AppealPolicy
{
    public const string BadOutcome = "bad-appeal-outcome";
    public const string InstructorTookPart = "appeal-instructor-took-part";
    public const string NotAReduction = "not-a-reduction";
    public const string AlreadyAppealed = "already-appealed";

    /// <param name="suspension">The adjustment the appeal's sanction decision made, when this service applied it to this recipient.</param>
    /// <param name="tookPart">Who proposed and who approved that sanction, as this service recorded them.</param>
    /// <param name="alreadyApplied">Whether this appeal decision id was already applied.</param>
    /// <returns>Null when the appeal decision is to be applied.</returns>
    internal static DecisionRefusal? Evaluate(
        AppealDecided decision, DecisionVerifier verifier, AdjustmentRow? suspension, DecisionPeople? tookPart, bool alreadyApplied)
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

        if (string.IsNullOrWhiteSpace(decision.DecidedBy))
        {
            return new(SuspensionEndingPolicy.Unnamed, "A decision on an appeal names the person who took it.");
        }

        if (suspension is null || tookPart is not { } people)
        {
            return new(SuspensionEndingPolicy.NoSuspension, "No suspension applied by this service for this recipient carries that sanction decision.");
        }

        if (string.Equals(decision.DecidedBy.Trim(), people.ProposedBy.Trim(), StringComparison.OrdinalIgnoreCase)
            || string.Equals(decision.DecidedBy.Trim(), people.ApprovedBy.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return new(InstructorTookPart, "The appeal was decided by the person who proposed or approved the sanction contested.");
        }

        if (suspension.AppealId is not null)
        {
            return new(AlreadyAppealed, "This suspension was already corrected on appeal.");
        }

        return decision.Outcome switch
        {
            AppealOutcome.Annulled when decision.Percent == 0 && decision.Months == 0 => null,
            AppealOutcome.Reduced when decision.Percent >= 1 && decision.Percent <= suspension.Percent && decision.Months >= 1
                                       && decision.Months <= suspension.Months && (decision.Percent, decision.Months) != (suspension.Percent, suspension.Months) => null,
            AppealOutcome.Reduced => new(NotAReduction, "A reduction lowers the share, the length or both, and never raises either."),
            AppealOutcome.Confirmed when decision.Percent == suspension.Percent && decision.Months == suspension.Months => null,
            _ => new(BadOutcome, $"'{decision.Outcome}' with {decision.Percent} % for {decision.Months} month(s) is not an outcome of this appeal."),
        };
    }

    /// <summary>The first month the appeal's terms apply to: the month of its decision, in Paris.</summary>
    public static DateOnly FromMonth(AppealDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Months.Of(decision.DecidedAt);
    }
}

/// <summary>Who proposed and who approved a sanction this service applied.</summary>
public sealed record DecisionPeople(string ProposedBy, string ApprovedBy);

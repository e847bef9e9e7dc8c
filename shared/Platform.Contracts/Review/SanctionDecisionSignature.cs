using System.Globalization;
using System.Text;

namespace Platform.Contracts.Review;

/// <summary>
/// The exact bytes the review service signs and the allocations and audit services verify. One definition, here,
/// so signer and verifiers cannot drift. Every field of the decision but the signature, in a fixed order, one per
/// line, invariant culture, instants as RFC 3339 UTC with seven fractional digits. A decision that carries the notice's
/// receipt instant is signed as <c>sanction-decided/v2</c>, with that instant as its last line; one without it keeps
/// the <c>v1</c> bytes, so decisions signed before the receipt existed still verify (and are refused by allocations).
/// </summary>
public static class SanctionDecisionSignature
{
    public static byte[] Payload(SanctionDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        string[] fields =
        [
            decision.ReceivedAt is null ? "sanction-decided/v1" : "sanction-decided/v2",
            decision.DecisionId.ToString("D"),
            decision.ProposalId.ToString("D"),
            decision.CaseId.ToString("D"),
            decision.FlagId.ToString("D"),
            decision.RecipientId,
            decision.RuleId,
            decision.Percent.ToString(CultureInfo.InvariantCulture),
            decision.Months.ToString(CultureInfo.InvariantCulture),
            decision.StartMonth,
            decision.RepeatedBreach ? "repeated" : "first",
            decision.ProposedBy,
            decision.ApprovedBy,
            decision.NotificationId.ToString("D"),
            Instant(decision.NotifiedAt),
            Instant(decision.AnswerBy),
            decision.ObservationReceivedAt is { } observed ? Instant(observed) : "",
            Instant(decision.DecidedAt),
            decision.KeyId,
        ];
        if (decision.ReceivedAt is { } received)
        {
            fields = [.. fields, Instant(received)];
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', fields));
    }

    private static string Instant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Platform.Contracts.Review;

/// <summary>
/// The exact bytes the review service signs and the allocations and audit services verify. One definition, here,
/// so signer and verifiers cannot drift. Every field of the decision but the signature, in a fixed order, one per
/// line, invariant culture, instants as RFC 3339 UTC with seven fractional digits; later optional fields follow, labelled. The notice's receipt instant, when
/// present, is labelled <c>received:</c>; how and when the answer window closed follows, labelled <c>window-closed:</c>.
/// </summary>
public static class SanctionDecisionSignature
{
    public static byte[] Payload(SanctionDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        string[] fields =
        [
            "sanction-decided/v1",
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
        // Fields added after v1 are appended only when present, so decisions signed before them still verify; a line
        // removed or added after signing changes the bytes and breaks the signature.
        if (decision.BreachFirstWeek is not null || decision.BreachLastWeek is not null)
        {
            fields = [.. fields, $"breach:{decision.BreachFirstWeek}..{decision.BreachLastWeek}"];
        }

        if (decision.Assessment is { } assessment)
        {
            // Free text, so JSON-escaped: a newline inside an answer cannot pass for the next line.
            fields =
            [
                .. fields,
                "assessment-vulnerability:" + JsonSerializer.Serialize(assessment.Vulnerability),
                "assessment-dependants:" + JsonSerializer.Serialize(assessment.Dependants),
                "assessment-nature-and-frequency:" + JsonSerializer.Serialize(assessment.NatureAndFrequency),
                "assessment-consequences:" + JsonSerializer.Serialize(assessment.Consequences),
            ];
        }

        if (decision.ReceivedAt is { } received)
        {
            fields = [.. fields, "received:" + Instant(received)];
        }

        if (decision.WindowClosedBy is not null || decision.WindowClosedAt is not null)
        {
            fields = [.. fields, $"window-closed:{decision.WindowClosedBy}@{(decision.WindowClosedAt is { } closed ? Instant(closed) : "")}"];
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', fields));
    }

    private static string Instant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;

namespace Platform.Contracts.Review;

/// <summary>
/// The exact bytes the review service signs for an <see cref="AppealDecided"/> and the allocations service verifies,
/// built like <see cref="SanctionDecisionSignature"/>: every field but the signature, in a fixed order, one per line,
/// behind a distinct first line so that a signature over another kind of decision can never pass for it.
/// </summary>
public static class AppealDecidedSignature
{
    public static byte[] Payload(AppealDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        string[] fields =
        [
            "appeal-decided/v1",
            decision.DecisionId.ToString("D"),
            decision.AppealId.ToString("D"),
            decision.SanctionDecisionId.ToString("D"),
            decision.RecipientId,
            decision.Outcome,
            decision.Percent.ToString(CultureInfo.InvariantCulture),
            decision.Months.ToString(CultureInfo.InvariantCulture),
            decision.DecidedBy,
            decision.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            decision.KeyId,
        ];
        return Encoding.UTF8.GetBytes(string.Join('\n', fields));
    }
}

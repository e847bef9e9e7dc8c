using System.Globalization;
using System.Text;

namespace Platform.Contracts.Review;

/// <summary>
/// The exact bytes the review service signs for a <see cref="SuspensionEnded"/> and the allocations service verifies,
/// built like <see cref="SanctionDecisionSignature"/>: every field but the signature, in a fixed order, one per line,
/// behind a distinct first line so a signature over one kind of decision can never pass for the other.
/// </summary>
public static class SuspensionEndedSignature
{
    public static byte[] Payload(SuspensionEnded decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        string[] fields =
        [
            "suspension-ended/v1",
            decision.DecisionId.ToString("D"),
            decision.SanctionDecisionId.ToString("D"),
            decision.RecipientId,
            decision.FromMonth,
            decision.DecidedBy,
            decision.Reason,
            decision.StatementId is { } statement ? statement.ToString("D") : "",
            decision.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            decision.KeyId,
        ];
        return Encoding.UTF8.GetBytes(string.Join('\n', fields));
    }
}

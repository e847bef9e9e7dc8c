using System.Text.RegularExpressions;

namespace Platform.Declarations;

internal static partial class RecipientIds
{
    /// <summary>Opaque ids from the identity provider: letters, digits, '-' and '_', at most 64.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    public static partial Regex Pattern();

    public static bool IsValid(string recipientId) => Pattern().IsMatch(recipientId);
}

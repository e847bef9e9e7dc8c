using System.Security.Claims;

namespace Platform.ServiceDefaults.Auth;

public static class PrincipalExtensions
{
    /// <summary>The token's subject: a recipient id for recipients, an agent id for everyone else.</summary>
    public static string SubjectId(this ClaimsPrincipal user) =>
        user.FindFirstValue(PlatformClaims.Subject) ?? throw new InvalidOperationException("An authenticated token always has a subject.");

    /// <summary>True when the caller is the recipient <paramref name="recipientId"/> themself.</summary>
    public static bool IsRecipient(this ClaimsPrincipal user, string recipientId) =>
        user.IsInRole(Roles.Recipient) && string.Equals(user.FindFirstValue(PlatformClaims.Subject), recipientId, StringComparison.Ordinal);

    /// <summary>Recipients read only their own data; agents in <paramref name="agentRoles"/> read anyone's.</summary>
    public static bool MayRead(this ClaimsPrincipal user, string recipientId, params string[] agentRoles) =>
        user.IsRecipient(recipientId) || agentRoles.Any(user.IsInRole);
}

using System.Security.Claims;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// The platform's claim names, and the ONE place where a provider's claims become them: every service's bearer
/// tokens and the web front's sign-in go through <see cref="FromProvider"/>. Nothing else reads a provider's names.
/// </summary>
public static class PlatformClaims
{
    /// <summary>A recipient's recipient id, or an agent's or machine client's identifier.</summary>
    public const string Subject = "sub";

    /// <summary>One of <see cref="Roles"/>.</summary>
    public const string Role = "role";

    /// <summary>The départements an agent works for (codes such as 75, 2A, 971), when the provider says.</summary>
    public const string Departements = "departements";

    public static ClaimsPrincipal FromProvider(ClaimsPrincipal provider, ProviderClaimNames names, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(names);
        var identity = new ClaimsIdentity(authenticationType, Subject, Role);
        if (provider.FindFirst(names.Subject)?.Value is { Length: > 0 } subject)
        {
            identity.AddClaim(new Claim(Subject, subject));
        }

        var roles = provider.FindAll(names.Role).Select(claim => claim.Value).ToList();
        if (roles.Count == 0 && names.FixedRole is not null)
        {
            roles.Add(names.FixedRole);
        }

        identity.AddClaims(roles.Select(role => new Claim(Role, role)));
        identity.AddClaims(provider.FindAll(names.Departements).Select(claim => new Claim(Departements, claim.Value)));
        return new ClaimsPrincipal(identity);
    }
}

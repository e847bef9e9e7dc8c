using System.Security.Claims;
using Platform.ServiceDefaults.Auth;

namespace Platform.ServiceDefaults.Departements;

/// <summary>What an agent's token says about where they work: the départements of its <c>departements</c> claim.</summary>
public static class AgentScope
{
    /// <summary>The roles that act on recipients' files for a département.</summary>
    public static readonly IReadOnlyList<string> AgentRoles = [Roles.Counsellor, Roles.Supervisor, Roles.Auditor];

    public static bool IsAgent(this ClaimsPrincipal user) => AgentRoles.Any(user.IsInRole);

    /// <summary>The codes of the token's <c>departements</c> claim (one claim per code, or codes separated by spaces or commas).</summary>
    public static IReadOnlySet<string> Departements(this ClaimsPrincipal user) => user.FindAll(PlatformClaims.Departements)
        .SelectMany(claim => claim.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>An agent whose token names no département may act on nobody: the policies refuse them with 403.</summary>
    public static bool LacksDepartements(this ClaimsPrincipal user) => user.IsAgent() && user.Departements().Count == 0;

    public static bool IsNational(this ClaimsPrincipal user) => user.Departements().Contains(DepartementCodes.National);

    /// <summary>
    /// True when the agent acts for <paramref name="departement"/>. A recipient not yet placed in a département
    /// (<c>null</c>) is acted on by national agents only.
    /// </summary>
    public static bool ActsFor(this ClaimsPrincipal user, string? departement)
    {
        var departements = user.Departements();
        return departements.Contains(DepartementCodes.National) || (departement is not null && departements.Contains(departement));
    }

    /// <summary>The départements a list is filtered on, or null for a national agent, whose lists are not filtered.</summary>
    public static string[]? ListFilter(this ClaimsPrincipal user) => user.IsNational() ? null : [.. user.Departements()];
}

using System.Security.Claims;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Departements;

namespace Platform.ServiceDefaults.Data;

/// <summary>
/// Whose rows the current work may see in PostgreSQL, where row-level security keeps every table holding a recipient's
/// data to this scope (platform migration <c>008_row_level_security.sql</c>). Each transaction carries it
/// (<c>SET LOCAL platform.scope</c>, see <see cref="ServiceDatabase"/>), so a query that forgets its filter still reads
/// only what the caller may read:
/// <list type="bullet">
/// <item>an agent's request: the départements of their token (<c>75,93</c>), or <c>*</c> for a national agent;</item>
/// <item>a recipient's request: that recipient alone (<c>recipient:R-1001</c>);</item>
/// <item>anything else (consumers, background jobs, public routes that show no one's file): <c>*</c>.</item>
/// </list>
/// An agent whose token names no département gets the empty scope: nothing. A transaction without any scope (a
/// connection opened around <see cref="ServiceDatabase"/>) also reads nothing from those tables.
/// </summary>
public static class DataScope
{
    public const string Everyone = "*";

    private const string RecipientPrefix = "recipient:";

    // Set once per request by DepartementScopeMiddleware, after authentication; flows to the endpoint's awaits.
    private static readonly AsyncLocal<string?> Request = new();

    /// <summary>The current request's scope, or <see cref="Everyone"/> outside a request.</summary>
    public static string Current => Request.Value ?? Everyone;

    internal static void EnterRequest(ClaimsPrincipal user) => Request.Value = Of(user);

    public static string Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(Roles.Recipient))
        {
            return RecipientPrefix + user.SubjectId();
        }

        if (!user.IsAgent())
        {
            return Everyone;
        }

        return user.IsNational() ? Everyone : string.Join(',', user.Departements().Order(StringComparer.Ordinal));
    }
}

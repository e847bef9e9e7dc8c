using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Platform.Identity.Data;
using Platform.Identity.Hosting;
using Platform.Identity.Keys;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Connect;

/// <summary>
/// The provider's own decisions inside OpenIddict's protocol handling: who is signed in at the authorization endpoint,
/// what a token says at the token endpoint, ending the session. Tokens carry <c>sub</c>, <c>role</c> and, for agents
/// who have them, <c>departements</c>; their audiences are the APIs the client asked for (one scope per API).
/// </summary>
public static class ConnectEndpoints
{
    public const string DepartementsClaim = "departements";
    private const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static void MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        app.MapPost("/connect/token", TokenAsync);
        app.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], (Func<HttpContext, Task<IResult>>)LogoutAsync);
        app.MapPost("/development/signing-keys", RotateAsync);
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, IOpenIddictScopeManager scopes, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var person = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (!person.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            // To the sign-in page, then back here with the same parameters.
            var parameters = context.Request.HasFormContentType ? context.Request.Form.ToList() : context.Request.Query.ToList();
            parameters.RemoveAll(parameter => parameter.Key == Parameters.Prompt);
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters) },
                [CookieAuthenticationDefaults.AuthenticationScheme]);
        }

        var identity = NewIdentity(
            person.Principal.FindFirst(Claims.Subject)!.Value,
            person.Principal.FindFirst(Claims.Role)!.Value,
            person.Principal.FindAll(DepartementsClaim).Select(claim => claim.Value));
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        principal.SetResources(await scopes.ListResourcesAsync(principal.GetScopes(), cancellationToken).ToListAsync(cancellationToken));
        return Results.SignIn(principal, authenticationScheme: Server);
    }

    private static async Task<IResult> TokenAsync(
        HttpContext context,
        IOpenIddictScopeManager scopes,
        IOptions<ProviderOptions> options,
        IHostEnvironment environment,
        CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsAuthorizationCodeGrantType())
        {
            var code = await context.AuthenticateAsync(Server);
            return Results.SignIn(code.Principal!, authenticationScheme: Server);
        }

        ClaimsPrincipal principal;
        if (request.IsClientCredentialsGrantType()
            && options.Value.Clients.TryGetValue(request.ClientId!, out var machine) && !string.IsNullOrEmpty(machine.Role))
        {
            principal = new ClaimsPrincipal(NewIdentity(request.ClientId!, machine.Role, []));
        }
        else if (request.GrantType == ClientRegistry.DevelopmentGrant && environment.IsDevelopment())
        {
            // Local tools only (deploy/local/token.sh, the tests): a token for any person, without a sign-in page.
            var role = (string?)request["role"];
            var subject = (string?)request["subject"];
            string[] roles = [.. options.Value.Roles, .. options.Value.MachineRoles];
            if (string.IsNullOrWhiteSpace(subject) || role is null || !roles.Contains(role))
            {
                return Forbid(Errors.InvalidRequest, $"role must be one of {string.Join(", ", roles)}, and subject is required.");
            }

            if (DepartementList.Parse((string?)request["departements"]) is not { } departements)
            {
                return Forbid(Errors.InvalidRequest, "departements must be département codes (75, 2A, 971...) or * for a national role.");
            }

            principal = new ClaimsPrincipal(NewIdentity(subject, role, departements));
            // An already expired token on purpose (negative seconds), for the tests that check it is refused.
            if (int.TryParse((string?)request["expires_in"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            {
                principal.SetAccessTokenLifetime(TimeSpan.FromSeconds(seconds));
            }
        }
        else
        {
            return Forbid(Errors.UnsupportedGrantType, "This grant is not accepted here.");
        }

        // No scope asked: every API the client may call.
        var asked = request.GetScopes();
        var allowed = options.Value.Clients.TryGetValue(request.ClientId ?? "", out var client) && client.Apis.Count > 0 ? client.Apis : options.Value.Apis;
        principal.SetScopes(asked.IsEmpty ? [.. allowed] : asked);
        principal.SetResources(await scopes.ListResourcesAsync(principal.GetScopes(), cancellationToken).ToListAsync(cancellationToken));
        return Results.SignIn(principal, authenticationScheme: Server);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        // The provider session ends here; OpenIddict then sends the browser back to the client's post-logout address.
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [Server]);
    }

    /// <summary>Development only: a new signing key signs from now on; the previous ones stay in the JWKS.</summary>
    private static async Task<IResult> RotateAsync(SigningKeyRing ring, IHostEnvironment environment, CancellationToken cancellationToken) =>
        environment.IsDevelopment()
            ? Results.Ok(new { keyId = await ring.RotateAsync(cancellationToken) })
            : Results.NotFound();

    private static ClaimsIdentity NewIdentity(string subject, string role, IEnumerable<string> departements)
    {
        var identity = new ClaimsIdentity(Server, Claims.Subject, Claims.Role);
        identity.SetClaim(Claims.Subject, subject);
        identity.SetClaim(Claims.Role, role);
        identity.SetClaims(DepartementsClaim, [.. departements]);
        // Everything the services need is in the access token; the same claims in the identity token let the web
        // front show who is signed in.
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return identity;
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [Server]);
}

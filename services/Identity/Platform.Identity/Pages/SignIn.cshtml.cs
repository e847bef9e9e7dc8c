using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Platform.Identity.Connect;
using Platform.Identity.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Pages;

/// <summary>The local provider's sign-in: a developer picks a role, an identifier and, for agents, département codes.</summary>
public sealed partial class SignInModel(IOptions<ProviderOptions> options) : PageModel
{
    public IReadOnlyList<string> Roles => options.Value.Roles;

    [BindProperty]
    public string Role { get; set; } = "";

    [BindProperty]
    public string Subject { get; set; } = "";

    [BindProperty]
    public string? Departements { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet() => Role = Roles[0];

    public async Task<IActionResult> OnPostAsync()
    {
        Subject = Subject.Trim();
        var departements = DepartementList.Parse(Departements);
        if (!Roles.Contains(Role) || Subject.Length is 0 or > 64 || departements is null || (Role != "recipient" && departements.Length == 0))
        {
            Error = "Choisissez un rôle, saisissez un identifiant (64 caractères au plus) et, pour un agent, ses départements (75, 2A, 971…, ou * pour un rôle national).";
            return Page();
        }

        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, Subject));
        identity.AddClaim(new Claim(Claims.Role, Role));
        identity.AddClaims(departements.Select(code => new Claim(ConnectEndpoints.DepartementsClaim, code)));
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
